// Chapter 8: mini-batch gradient descent, shuffling and batching.
#include <catch2/catch.hpp>

#include "minibatch.hpp"
#include "stochastic.hpp"
#include "training_data.hpp"

using nn::Tensor;

namespace {
std::vector<float> parameters_of(nn::Network& network) {
  std::vector<float> all;
  network.for_each_parameter(
      [&](Tensor& parameter, Tensor&) { all.insert(all.end(), parameter.values().begin(), parameter.values().end()); });
  return all;
}
}  // namespace

TEST_CASE("shuffling: the same seed, the same order; another seed, another", "[minibatch]") {
  nn::Rng a(5), b(5), c(6);
  const auto first = nn::shuffled_order(1000, a);
  CHECK(first == nn::shuffled_order(1000, b));
  CHECK(first != nn::shuffled_order(1000, c));
  auto sorted = first;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) REQUIRE(sorted[i] == i);  // a permutation
}

TEST_CASE("gather_rows copies the chosen rows in order", "[minibatch]") {
  const Tensor from(4, 2, {0, 1, 10, 11, 20, 21, 30, 31});
  Tensor out(3, 2);
  const std::vector<std::size_t> rows = {2, 0, 2};
  nn::gather_rows(out, from, rows);
  CHECK(std::vector<float>(out.values().begin(), out.values().end()) == std::vector<float>{20, 21, 0, 1, 20, 21});
  Tensor y(2, 10);
  nn::gather_one_hot(y, {4, 7, 1}, std::vector<std::size_t>{1, 2});
  CHECK(y(0, 7) == 1.0f);
  CHECK(y(1, 1) == 1.0f);
  CHECK(y(0, 4) == 0.0f);
}

TEST_CASE("the last, partial batch is trained on too", "[minibatch]") {
  const nn::Dataset data = training_data::four_corners(10);
  nn::Rng rng(1);
  nn::Network network = nn::make_mlp({4, 5, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  const nn::History history = nn::train_mini_batch(network, data, data, {.epochs = 2, .batch_size = 4, .learning_rate = 0.1f, .seed = 1});
  CHECK(history[0].updates == 3);  // batches of 4, 4 and 2
  CHECK(history[1].updates == 6);
}

TEST_CASE("mini-batch with batch size 1 equals stochastic descent exactly", "[minibatch][stochastic]") {
  const nn::Dataset data = training_data::four_corners(24);
  nn::Rng rng_a(7), rng_b(7);
  nn::Network a = nn::make_mlp({4, 6, 5, 10}, nn::ActivationKind::relu, nn::Init::he, rng_a);
  nn::Network b = nn::make_mlp({4, 6, 5, 10}, nn::ActivationKind::relu, nn::Init::he, rng_b);
  const nn::History by_batches = nn::train_mini_batch(a, data, data, {.epochs = 2, .batch_size = 1, .learning_rate = 0.05f, .seed = 11});
  const nn::History by_samples = nn::train_stochastic(b, data, data, {.epochs = 2, .learning_rate = 0.05f, .seed = 11, .shuffle = true});
  CHECK(parameters_of(a) == parameters_of(b));
  CHECK(by_batches.back().train_loss == by_samples.back().train_loss);
  CHECK(by_batches.back().updates == by_samples.back().updates);
}

TEST_CASE("mini-batch descent learns the separable problem", "[minibatch]") {
  const nn::Dataset data = training_data::four_corners(64);
  nn::Rng rng(2);
  nn::Network network = nn::make_mlp({4, 8, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  const nn::History history = nn::train_mini_batch(network, data, data, {.epochs = 40, .batch_size = 8, .learning_rate = 0.2f, .seed = 3});
  CHECK(history.back().validation.accuracy == 1.0);
}

namespace {
// Plain gradient descent that counts its updates and the learning rates it was given.
class CountingRule final : public nn::Optimiser {
 public:
  std::vector<float> rates;
  void update(nn::Network& network, float learning_rate) override {
    rates.push_back(learning_rate);
    nn::gradient_descent_update(network, learning_rate);
  }
};
}  // namespace

TEST_CASE("mini-batch training updates by the rule it is given, at the loop's learning rate", "[minibatch][optimiser]") {
  const nn::Dataset data = training_data::four_corners(10);
  nn::Rng rng_a(3), rng_b(3);
  nn::Network a = nn::make_mlp({4, 5, 10}, nn::ActivationKind::relu, nn::Init::he, rng_a);
  nn::Network b = nn::make_mlp({4, 5, 10}, nn::ActivationKind::relu, nn::Init::he, rng_b);
  CountingRule rule;
  nn::train_mini_batch(a, data, data, {.epochs = 2, .batch_size = 4, .learning_rate = 0.1f, .seed = 1, .decay = 0.5f, .rule = &rule});
  nn::train_mini_batch(b, data, data, {.epochs = 2, .batch_size = 4, .learning_rate = 0.1f, .seed = 1, .decay = 0.5f});
  CHECK(rule.rates == std::vector<float>{0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f});  // three batches an epoch, η halved
  CHECK(parameters_of(a) == parameters_of(b));  // the default rule is this same plain descent
}

TEST_CASE("a batch transform sees every batch before the step, and leaves the order alone", "[minibatch][optimiser]") {
  const nn::Dataset data = training_data::four_corners(10);
  nn::Rng rng_a(3), rng_b(3);
  nn::Network a = nn::make_mlp({4, 5, 10}, nn::ActivationKind::relu, nn::Init::he, rng_a);
  nn::Network b = nn::make_mlp({4, 5, 10}, nn::ActivationKind::relu, nn::Init::he, rng_b);
  std::vector<std::size_t> batch_rows;
  const nn::BatchTransform identity = [&](nn::TensorView images, nn::Rng& rng) {
    batch_rows.push_back(images.rows());
    (void)rng();  // draws from its own generator: the shuffling must not change
  };
  nn::train_mini_batch(a, data, data, {.epochs = 2, .batch_size = 4, .learning_rate = 0.1f, .seed = 1, .transform = identity});
  nn::train_mini_batch(b, data, data, {.epochs = 2, .batch_size = 4, .learning_rate = 0.1f, .seed = 1});
  CHECK(batch_rows == std::vector<std::size_t>{4, 4, 2, 4, 4, 2});
  CHECK(parameters_of(a) == parameters_of(b));

  // A transform that blanks the images leaves the first layer's weights where
  // they were: its gradient xᵀ dz is zero when x is.
  nn::Rng rng_c(3);
  nn::Network c = nn::make_mlp({4, 5, 10}, nn::ActivationKind::relu, nn::Init::he, rng_c);
  const Tensor before = std::get<nn::Dense>(c.layers[0]).weight;
  const nn::BatchTransform blank = [](nn::TensorView images, nn::Rng&) { nn::fill(images, 0.0f); };
  nn::train_mini_batch(c, data, data, {.epochs = 1, .batch_size = 4, .learning_rate = 0.1f, .seed = 1, .transform = blank});
  const Tensor& after = std::get<nn::Dense>(c.layers[0]).weight;
  CHECK(std::equal(after.values().begin(), after.values().end(), before.values().begin()));
}

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
  const nn::History by_samples = nn::train_stochastic(b, data, data, {2, 0.05f, 11, true});
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

// Chapter 13: dropout, the L2 penalty against decoupled weight decay, early stopping.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dropout.hpp"
#include "gradient_testing.hpp"
#include "idx_files.hpp"
#include "minibatch.hpp"
#include "model_file.hpp"
#include "optimisers.hpp"
#include "regularisation.hpp"
#include "training_data.hpp"

using nn::Tensor;

namespace {
// A B×I tensor whose every element is `value`.
Tensor constant(std::size_t rows, std::size_t cols, float value) {
  Tensor t(rows, cols);
  nn::fill(t, value);
  return t;
}

bool same_bits(nn::ConstTensorView a, nn::ConstTensorView b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}
}  // namespace

TEST_CASE("dropout's mean output is its input, within the binomial spread", "[dropout]") {
  // With every x = c, the mean output over N elements is c · K / (N (1 − r)),
  // K ~ Binomial(N, 1 − r) the kept count: its standard deviation is
  // c · √(r / (N (1 − r))). Five of those is the tolerance (a fixed seed, so
  // the test is deterministic; the bound says it is not tuned to one draw).
  const float c = 2.0f;
  const std::size_t rows = 400, cols = 250, count = rows * cols;
  for (double r : {0.1, 0.5, 0.8}) {
    nn::Dropout dropout({.rate = r, .seed = 11});
    const Tensor in = constant(rows, cols, c);
    Tensor out(rows, cols);
    dropout.forward(out, in);
    double sum = 0;
    std::size_t kept = 0;
    for (float a : out.values()) {
      sum += a;
      kept += a != 0;
    }
    const double mean = sum / static_cast<double>(count);
    const double spread = c * std::sqrt(r / (static_cast<double>(count) * (1 - r)));
    INFO("r = " << r << ": mean output " << mean << " for input " << c << ", standard deviation " << spread);
    CHECK(std::abs(mean - c) < 5 * spread);
    // Every kept element is scaled by exactly 1 / (1 − r), and the kept fraction is 1 − r.
    const double kept_fraction = static_cast<double>(kept) / static_cast<double>(count);
    CHECK(std::abs(kept_fraction - (1 - r)) < 5 * std::sqrt(r * (1 - r) / static_cast<double>(count)));
    const float kept_value = c * (1.0f / (1.0f - static_cast<float>(r)));
    CHECK(std::count_if(out.values().begin(), out.values().end(), [&](float a) { return a != 0 && a != kept_value; }) ==
          0);
  }
}

TEST_CASE("in evaluation dropout is the identity, bit for bit", "[dropout]") {
  nn::Dropout dropout({.rate = 0.5, .seed = 3});
  const nn::DoubleTensor pattern = gradient_testing::pattern(7, 13, 3.0);
  Tensor in(7, 13), out(7, 13), trained(7, 13);
  std::copy(pattern.values().begin(), pattern.values().end(), in.values().begin());
  in(0, 0) = -0.0f;
  in(1, 1) = 1e-40f;  // a subnormal
  dropout.forward(trained, in);  // a training forward first: it must leave no trace on evaluation
  const nn::Dropout& evaluating = dropout;
  evaluating.forward(out, in);
  CHECK(same_bits(out, in));
  CHECK(!same_bits(trained, in));  // while training, it did change the input
  CHECK(std::signbit(out(0, 0)));
}

TEST_CASE("with r = 0, dropout is the identity in training too", "[dropout]") {
  nn::Dropout dropout({.rate = 0.0, .seed = 5});
  const nn::DoubleTensor pattern = gradient_testing::pattern(9, 31, 2.0);
  Tensor in(9, 31), out(9, 31);
  std::copy(pattern.values().begin(), pattern.values().end(), in.values().begin());
  dropout.forward(out, in);
  CHECK(same_bits(out, in));
  Tensor din(9, 31);
  dropout.backward(din, in, in, out);  // the gradient passes unchanged as well
  CHECK(same_bits(din, in));
}

TEST_CASE("dropout's masks are reproducible from the seed", "[dropout]") {
  const Tensor in = constant(16, 64, 1.0f);
  Tensor first(16, 64), second(16, 64), again(16, 64), other(16, 64);
  nn::Dropout a({.rate = 0.5, .seed = 42}), b({.rate = 0.5, .seed = 42}), c({.rate = 0.5, .seed = 43});
  a.forward(first, in);
  a.forward(second, in);
  b.forward(again, in);
  c.forward(other, in);
  CHECK(same_bits(first, again));    // the same seed, the same first mask
  CHECK(!same_bits(first, second));  // a new mask for every batch
  CHECK(!same_bits(first, other));   // another seed, another mask
  b.forward(again, in);
  CHECK(same_bits(second, again));   // and the same sequence of masks after it
}

TEST_CASE("dropout refuses a rate below 0, of 1 or above, or NaN", "[dropout]") {
  CHECK_THROWS_AS(nn::Dropout({.rate = 1.0}), std::invalid_argument);
  CHECK_THROWS_AS(nn::Dropout({.rate = -0.1}), std::invalid_argument);
  CHECK_THROWS_AS(nn::Dropout({.rate = std::nan("")}), std::invalid_argument);
}

TEST_CASE("dropout's gradient agrees with finite differences, the mask held fixed", "[dropout][gradient]") {
  nn::DoubleDropout dropout({.rate = 0.4, .seed = 9});
  nn::DoubleTensor x = gradient_testing::pattern(5, 8, 1.5);
  const nn::DoubleTensor g = gradient_testing::pattern(5, 8, 1.0, 0.7);  // dout
  dropout.draw_mask(5, 8);
  nn::DoubleTensor out(5, 8), din(5, 8);
  dropout.apply_mask(out, x);
  dropout.backward(din, g, x, out);
  // The "loss" Σ g ⊙ (q ⊙ x), with the mask q fixed: its gradient with respect to x is q ⊙ g.
  const double error = gradient_testing::max_error_against_differences(x, din, [&] {
    dropout.apply_mask(out, x);
    return gradient_testing::weighted_sum(g, out);
  });
  CHECK(error < 1e-6);
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < din.size(); ++i)
    if (dropout.mask.data()[i] == 0) {
      ++dropped;
      CHECK(din.data()[i] == 0);  // a dropped input gets no gradient
    }
  CHECK(dropped > 0);  // the check saw both kinds of element
  CHECK(dropped < din.size());
}

namespace {
// One dense layer, 2 inputs, 2 outputs, W = [[1, 2], [3, 4]], b = [5, 6], and
// the given gradients in dW and db.
nn::Network tiny_network(float dw = 0.0f, float db = 0.0f) {
  nn::Dense dense(2, 2);
  dense.weight = Tensor(2, 2, {1, 2, 3, 4});
  dense.bias = Tensor(1, 2, {5, 6});
  nn::fill(dense.dweight, dw);
  nn::fill(dense.dbias, db);
  return nn::Network({dense});
}

const nn::Dense& dense_of(const nn::Network& network) { return std::get<nn::Dense>(network.layers[0]); }
}  // namespace

TEST_CASE("the L2 penalty and its gradient, by hand", "[l2]") {
  nn::Network network = tiny_network(0.5f, 0.25f);
  // (λ/2) Σ W² with λ = 0.1: 0.05 · (1 + 4 + 9 + 16) = 1.5; the biases do not count.
  CHECK(nn::l2_penalty(network, 0.1f) == Approx(1.5).epsilon(1e-6));
  nn::add_l2_gradient(network, 0.1f);
  // dW + λ W = 0.5 + 0.1 · [[1, 2], [3, 4]]; db untouched.
  CHECK(dense_of(network).dweight(0, 0) == Approx(0.6f));
  CHECK(dense_of(network).dweight(0, 1) == Approx(0.7f));
  CHECK(dense_of(network).dweight(1, 0) == Approx(0.8f));
  CHECK(dense_of(network).dweight(1, 1) == Approx(0.9f));
  CHECK(dense_of(network).dbias(0, 0) == 0.25f);
  CHECK(dense_of(network).dbias(0, 1) == 0.25f);
}

TEST_CASE("under plain descent, the L2 penalty and decoupled decay make the same update", "[l2]") {
  // L2:        W − η (∇ + λ W)
  // decoupled: (W − η λ W) − η ∇
  // The same number, computed in another order: equal to a few roundings.
  const float eta = 0.1f, lambda = 0.3f;
  nn::Network with_penalty = tiny_network(0.5f, 0.25f), with_decay = tiny_network(0.5f, 0.25f);
  nn::GradientDescent plain;
  nn::L2Penalty penalty(lambda, plain);
  nn::DecoupledWeightDecay decay(lambda, plain);
  penalty.update(with_penalty, eta);
  decay.update(with_decay, eta);
  const float by_hand[4] = {1 - eta * (0.5f + lambda * 1), 2 - eta * (0.5f + lambda * 2),
                            3 - eta * (0.5f + lambda * 3), 4 - eta * (0.5f + lambda * 4)};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(dense_of(with_penalty).weight.data()[i] == Approx(by_hand[i]).epsilon(1e-6));
    CHECK(dense_of(with_decay).weight.data()[i] == Approx(by_hand[i]).epsilon(1e-6));
  }
  CHECK(dense_of(with_decay).bias(0, 0) == dense_of(with_penalty).bias(0, 0));  // biases: plain descent in both
}

namespace {
// Adam written from its formula (Kingma & Ba 2015), on the one weight and bias
// tensors of a network, as an independent reference for the next test.
class ReferenceAdam final : public nn::Optimiser {
 public:
  void update(nn::Network& network, float learning_rate) override {
    ++t_;
    std::size_t k = 0;
    network.for_each_parameter([&](Tensor& parameter, Tensor& gradient) {
      if (m_.size() <= k) {
        m_.emplace_back(parameter.size(), 0.0);
        v_.emplace_back(parameter.size(), 0.0);
      }
      for (std::size_t i = 0; i < parameter.size(); ++i) {
        const double g = gradient.data()[i];
        m_[k][i] = 0.9 * m_[k][i] + 0.1 * g;
        v_[k][i] = 0.999 * v_[k][i] + 0.001 * g * g;
        const double m_hat = m_[k][i] / (1 - std::pow(0.9, t_)), v_hat = v_[k][i] / (1 - std::pow(0.999, t_));
        parameter.data()[i] -= static_cast<float>(learning_rate * m_hat / (std::sqrt(v_hat) + 1e-8));
      }
      ++k;
    });
  }

 private:
  int t_ = 0;
  std::vector<std::vector<double>> m_, v_;
};
}  // namespace

TEST_CASE("under Adam, the L2 penalty and decoupled decay differ, by hand", "[l2]") {
  // A weight w with no gradient of its own (∂L/∂w = 0), λ = 0.1, η = 0.01, one
  // step. L2 hands Adam the gradient λ w; Adam's first step is η · m̂ / √ŝ =
  // η · λw / |λw| = η whatever λ is: w = 1 becomes 0.99. Decoupled decay
  // shrinks w by η λ w = 0.001 and Adam, seeing a zero gradient, adds nothing:
  // w = 1 becomes 0.999. The penalty's strength λ has been divided away.
  const float eta = 0.01f, lambda = 0.1f;
  nn::Network with_penalty = tiny_network(0.0f), with_decay = tiny_network(0.0f);
  ReferenceAdam adam_for_penalty, adam_for_decay;
  nn::L2Penalty penalty(lambda, adam_for_penalty);
  nn::DecoupledWeightDecay decay(lambda, adam_for_decay);
  penalty.update(with_penalty, eta);
  decay.update(with_decay, eta);
  CHECK(dense_of(with_penalty).weight(0, 0) == Approx(0.99f).epsilon(1e-6));
  CHECK(dense_of(with_decay).weight(0, 0) == Approx(0.999f).epsilon(1e-6));
  // Every weight under L2 moves by η (≈ 0.01) whatever its size; under decay by η λ w.
  CHECK(dense_of(with_penalty).weight(1, 1) == Approx(4 - 0.01f).epsilon(1e-6));
  CHECK(dense_of(with_decay).weight(1, 1) == Approx(4 - 0.004f).epsilon(1e-6));
}

TEST_CASE("decoupled decay around chapter 12's Adam is chapter 12's AdamW", "[l2]") {
  // Two independent writings of Loshchilov and Hutter's rule: the wrapper
  // decays and then lets Adam step; AdamW does both in one pass. Equal to a
  // few roundings, biases left undecayed by both, over three updates.
  const float eta = 0.01f, lambda = 0.5f;
  nn::Network wrapped = tiny_network(0.3f, -0.2f), fused = tiny_network(0.3f, -0.2f);
  nn::Adam adam;
  nn::DecoupledWeightDecay decay(lambda, adam);
  nn::AdamW adamw({.weight_decay = lambda});
  for (int t = 0; t < 3; ++t) {
    decay.update(wrapped, eta);
    adamw.update(fused, eta);
  }
  for (std::size_t i = 0; i < 4; ++i)
    CHECK(dense_of(wrapped).weight.data()[i] == Approx(dense_of(fused).weight.data()[i]).epsilon(1e-6));
  CHECK(dense_of(wrapped).bias(0, 0) == Approx(dense_of(fused).bias(0, 0)).epsilon(1e-6));
  CHECK(dense_of(wrapped).weight(1, 1) < 4 - 3 * eta);  // the decay did act: more than Adam's three steps of η
}

namespace {
nn::EpochRecord record(std::size_t epoch, double validation_loss, double validation_accuracy = 0) {
  return {.epoch = epoch, .validation = {.loss = validation_loss, .accuracy = validation_accuracy}};
}
}  // namespace

TEST_CASE("early stopping keeps the network of the best epoch and stops after the patience", "[early-stopping]") {
  // Validation losses by epoch; the best is epoch 5 (0.39), and patience 3 stops at epoch 8.
  const double losses[] = {0.50, 0.40, 0.45, 0.41, 0.39, 0.42, 0.39, 0.44, 0.30};
  nn::EarlyStopping stopping({.patience = 3, .watch = nn::Watch::validation_loss});
  std::size_t stopped_at = 0;
  for (std::size_t epoch = 1; epoch <= 9 && stopped_at == 0; ++epoch) {
    nn::Network network = tiny_network();
    std::get<nn::Dense>(network.layers[0]).bias(0, 0) = static_cast<float>(epoch);  // marks the epoch
    if (stopping.should_stop(network, record(epoch, losses[epoch - 1]))) stopped_at = epoch;
  }
  CHECK(stopped_at == 8);
  CHECK(stopping.best_epoch() == 5);  // epoch 7 ties it and is no new best
  CHECK(stopping.best_record().validation.loss == 0.39);
  CHECK(dense_of(stopping.best_network()).bias(0, 0) == 5.0f);  // the copy taken then, not the last network
}

TEST_CASE("early stopping can watch the validation accuracy instead", "[early-stopping]") {
  nn::EarlyStopping stopping({.patience = 2, .watch = nn::Watch::validation_accuracy});
  const nn::Network network = tiny_network();
  CHECK(!stopping.should_stop(network, record(1, 0.5, 0.90)));
  CHECK(!stopping.should_stop(network, record(2, 0.6, 0.95)));  // higher loss, but better accuracy: a new best
  CHECK(!stopping.should_stop(network, record(3, 0.4, 0.95)));  // a tie: no new best
  CHECK(stopping.should_stop(network, record(4, 0.3, 0.94)));
  CHECK(stopping.best_epoch() == 2);
}

namespace {
// A 4→16→16→10 ReLU network with dropout after each hidden activation, and
// the same network without its dropout layers.
nn::Network network_with_dropout(double rate) {
  nn::Rng rng(5);
  nn::Network network = nn::make_mlp({4, 16, 16, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  nn::insert_dropout(network, {.rate = rate, .seed = 21});
  return network;
}

nn::Network without_dropout(const nn::Network& network) {
  nn::Network plain;
  for (const nn::Layer& layer : network.layers)
    if (!std::holds_alternative<nn::Dropout>(layer)) plain.layers.push_back(layer);
  return plain;
}

std::size_t dropout_layers(const nn::Network& network) {
  return static_cast<std::size_t>(std::count_if(network.layers.begin(), network.layers.end(), [](const nn::Layer& l) {
    return std::holds_alternative<nn::Dropout>(l);
  }));
}
}  // namespace

TEST_CASE("insert_dropout puts a dropout layer after every activation, and one on the pixels if asked", "[dropout]") {
  const nn::Network network = network_with_dropout(0.5);
  REQUIRE(network.layers.size() == 7);  // dense, relu, dropout, dense, relu, dropout, dense
  CHECK(std::holds_alternative<nn::Dropout>(network.layers[2]));
  CHECK(std::holds_alternative<nn::Dropout>(network.layers[5]));
  CHECK(network.outputs() == 10);
  // Each layer its own seed: their first masks differ.
  nn::Dropout first = std::get<nn::Dropout>(network.layers[2]), second = std::get<nn::Dropout>(network.layers[5]);
  first.draw_mask(8, 16);
  second.draw_mask(8, 16);
  CHECK(!same_bits(first.mask, second.mask));
}

TEST_CASE("evaluate and predict see dropout as the identity, bit for bit", "[dropout]") {
  const nn::Dataset set = training_data::four_corners(64);
  nn::Network network = network_with_dropout(0.5);
  const nn::Network plain = without_dropout(network);
  const nn::Evaluation with = nn::evaluate(network, set), without = nn::evaluate(plain, set);
  CHECK(with.loss == without.loss);
  CHECK(with.accuracy == without.accuracy);
  CHECK(nn::predict(network, set.images) == nn::predict(plain, set.images));
  // The training forward of the same network does draw masks: its logits differ.
  const nn::ConstTensorView logits_training = network.forward(set.images);  // in the network's buffers
  std::vector<Tensor> buffers;
  const nn::Network& evaluating = network;
  const nn::ConstTensorView logits_evaluation = evaluating.forward(set.images, buffers);  // in ours
  CHECK(!same_bits(logits_training, logits_evaluation));
}

TEST_CASE("a training step is in training mode: with r = 0 it is the step without dropout, bit for bit",
          "[dropout]") {
  const nn::Dataset set = training_data::four_corners(64);
  const Tensor targets = nn::one_hot(set.labels);
  auto step_of = [&](nn::Network network) {
    nn::StepBuffers buffers;
    nn::train_step(network, set.images, targets, 0.1f, buffers);
    return without_dropout(network);
  };
  const nn::Network plain = step_of(without_dropout(network_with_dropout(0.0)));
  const nn::Network zero_rate = step_of(network_with_dropout(0.0));
  const nn::Network half_rate = step_of(network_with_dropout(0.5));
  const auto& plain_weight = std::get<nn::Dense>(plain.layers[2]).weight;
  CHECK(same_bits(std::get<nn::Dense>(zero_rate.layers[2]).weight, plain_weight));
  CHECK(!same_bits(std::get<nn::Dense>(half_rate.layers[2]).weight, plain_weight));  // masks were drawn
}

TEST_CASE("a network with dropout saved and loaded back gives the same test predictions", "[dropout][model-file]") {
  const nn::Dataset set = training_data::four_corners(64);
  nn::Network network = network_with_dropout(0.3);
  nn::train_mini_batch(network, set, set, {.epochs = 3, .batch_size = 8, .learning_rate = 0.1f});
  test_files::TemporaryFolder dir;
  nn::save_model(network, dir.path() / "dropout.nnsc");
  const nn::Network loaded = nn::load_model(dir.path() / "dropout.nnsc");
  CHECK(dropout_layers(loaded) == 0);  // not stored: the identity at evaluation
  CHECK(loaded.layers.size() == network.layers.size() - 2);
  CHECK(nn::predict(loaded, set.images) == nn::predict(network, set.images));
  CHECK(nn::evaluate(loaded, set).loss == nn::evaluate(network, set).loss);
}

// Chapter 7's exercises, checked against updates worked by hand on a one-layer
// network, and against the library's own gradient descent.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "ch07.hpp"

namespace {
// One dense layer, 2 inputs → 1 output, with weights (1, 2), bias 0.5 and the
// gradients a backward pass might have left: dW = (0.5, −1), db = 2.
nn::Network tiny_network() {
  nn::Dense dense(2, 1);
  dense.weight(0, 0) = 1;
  dense.weight(1, 0) = 2;
  dense.bias(0, 0) = 0.5f;
  dense.dweight(0, 0) = 0.5f;
  dense.dweight(1, 0) = -1;
  dense.dbias(0, 0) = 2;
  return nn::Network({dense});
}

nn::History history_of(std::initializer_list<double> validation_losses) {
  nn::History history;
  for (double loss : validation_losses) {
    const std::size_t epoch = history.size() + 1;
    history.push_back({epoch, epoch, 0.1 * static_cast<double>(epoch), loss, {loss, 0.5}});
  }
  return history;
}
}  // namespace

TEST_CASE("exercise 7.1: momentum accumulates a velocity", "[exercise][ch07]") {
  INFO("hint: per parameter, first v = μ·v − η·∇, then θ = θ + v; the velocities start at zero, one tensor per parameter tensor in for_each_parameter's order");
  nn::Network network = tiny_network();
  exercises::Momentum rule(0.9f);
  rule.update(network, 0.1f);
  // v = −0.1 ∇ = (−0.05, 0.1), vb = −0.2; θ + v:
  const auto& dense = std::get<nn::Dense>(network.layers[0]);
  CHECK(dense.weight(0, 0) == Approx(0.95));
  CHECK(dense.weight(1, 0) == Approx(2.1));
  CHECK(dense.bias(0, 0) == Approx(0.3));
  REQUIRE(rule.velocities().size() == 2);
  rule.update(network, 0.1f);
  // The same gradient again: v = 0.9 (−0.05, 0.1) − 0.1 (0.5, −1) = (−0.095, 0.19), vb = −0.38.
  CHECK(dense.weight(0, 0) == Approx(0.855));
  CHECK(dense.weight(1, 0) == Approx(2.29));
  CHECK(dense.bias(0, 0) == Approx(-0.08).margin(1e-6));
  CHECK(rule.velocities()[0](1, 0) == Approx(0.19));
}

TEST_CASE("exercise 7.1: momentum 0 is plain gradient descent", "[exercise][ch07]") {
  INFO("hint: with μ = 0 the velocity is −η·∇ and the step is exactly gradient_descent_update's");
  nn::Rng rng(7);
  nn::Network network = nn::make_mlp({3, 4, 2}, nn::ActivationKind::relu, nn::Init::he, rng);
  network.for_each_parameter([&](nn::Tensor&, nn::Tensor& gradient) {
    for (float& g : gradient.values()) g = std::uniform_real_distribution<float>(-1, 1)(rng);
  });
  nn::Network reference = network;
  exercises::Momentum rule(0.0f);
  rule.update(network, 0.05f);
  nn::gradient_descent_update(reference, 0.05f);
  std::vector<float> ours, theirs;
  network.for_each_parameter([&](nn::Tensor& p, nn::Tensor&) { ours.insert(ours.end(), p.data(), p.data() + p.size()); });
  reference.for_each_parameter(
      [&](nn::Tensor& p, nn::Tensor&) { theirs.insert(theirs.end(), p.data(), p.data() + p.size()); });
  REQUIRE(ours.size() == theirs.size());
  // Equal up to rounding: the compiler may fuse θ − η∇ into one multiply-add, which rounds once.
  for (std::size_t i = 0; i < ours.size(); ++i) CHECK(ours[i] == Approx(theirs[i]).margin(1e-6));
}

TEST_CASE("exercise 7.2: weight decay adds λW to the weights' gradients only", "[exercise][ch07]") {
  INFO("hint: add λ·W to every dense layer's dweight; leave dbias and the weights themselves unchanged");
  nn::Rng rng(2);
  nn::Network network = nn::make_mlp({3, 4, 2}, nn::ActivationKind::tanh, nn::Init::xavier, rng);
  for (std::size_t l : {0, 2}) {
    auto& dense = std::get<nn::Dense>(network.layers[l]);
    fill(dense.dweight, 0.25f);
    fill(dense.bias, 1.0f);
    fill(dense.dbias, -0.5f);
  }
  const nn::Network before = network;
  exercises::add_weight_decay(network, 0.1f);
  for (std::size_t l : {0, 2}) {
    const auto& old_layer = std::get<nn::Dense>(before.layers[l]);
    const auto& layer = std::get<nn::Dense>(network.layers[l]);
    for (std::size_t i = 0; i < layer.weight.size(); ++i) {
      CHECK(layer.dweight.data()[i] == Approx(0.25f + 0.1f * old_layer.weight.data()[i]));
      CHECK(layer.weight.data()[i] == old_layer.weight.data()[i]);
    }
    for (float db : layer.dbias.values()) CHECK(db == -0.5f);
  }
  nn::Network tiny = tiny_network();
  exercises::add_weight_decay(tiny, 0.5f);
  CHECK(std::get<nn::Dense>(tiny.layers[0]).dweight(1, 0) == Approx(0.0));  // −1 + 0.5 · 2
}

TEST_CASE("exercise 7.3: early stopping finds the best epoch and counts since", "[exercise][ch07]") {
  INFO("hint: best_epoch is the earliest record with the smallest validation loss; should_stop compares patience with the number of records after it");
  const nn::History history = history_of({0.9, 0.5, 0.6, 0.5, 0.7});
  CHECK(exercises::best_epoch(history) == 2);  // epochs 2 and 4 tie: the earlier
  CHECK(exercises::should_stop(history, 3));   // epochs 3, 4, 5 brought nothing better
  CHECK_FALSE(exercises::should_stop(history, 4));
  const nn::History improving = history_of({0.9, 0.8, 0.7});
  CHECK(exercises::best_epoch(improving) == 3);
  CHECK_FALSE(exercises::should_stop(improving, 1));
  CHECK(exercises::should_stop(improving, 0));
  CHECK_THROWS_AS(exercises::best_epoch({}), std::invalid_argument);
  CHECK_THROWS_AS(exercises::should_stop({}, 2), std::invalid_argument);
}

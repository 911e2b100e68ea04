// Chapter 13's exercises, checked against values worked by hand on a
// one-layer network and a made-up history.
#include <catch2/catch.hpp>

#include <cmath>

#include "ch13.hpp"

namespace {
// One dense layer, 2 inputs → 2 outputs, W = [[3, 0], [−4, 1]] (columns: the
// weights into each output), b = (5, −6), and gradients dW = 0.5, db = 0.25.
nn::Network tiny_network() {
  nn::Dense dense(2, 2);
  dense.weight = nn::Tensor(2, 2, {3, 0, -4, 1});
  dense.bias = nn::Tensor(1, 2, {5, -6});
  nn::fill(dense.dweight, 0.5f);
  nn::fill(dense.dbias, 0.25f);
  return nn::Network({dense});
}

const nn::Dense& dense_of(const nn::Network& network) { return std::get<nn::Dense>(network.layers[0]); }

nn::History history_of(std::initializer_list<double> validation_losses) {
  nn::History history;
  for (double loss : validation_losses) {
    const std::size_t epoch = history.size() + 1;
    history.push_back({.epoch = epoch, .validation = {.loss = loss, .accuracy = 0.5}});
  }
  return history;
}
}  // namespace

TEST_CASE("exercise 13.1: the L1 penalty and its gradient", "[exercise][ch13]") {
  INFO("hint: l1_penalty is λ·Σ|W| over the dense layers' weights only; add_l1_gradient adds λ·sign(W), "
       "with sign(0) = 0, to every dweight and leaves dbias alone");
  nn::Network network = tiny_network();
  // λ Σ |W| = 0.1 · (3 + 0 + 4 + 1) = 0.8; the biases (5, −6) do not count.
  CHECK(exercises::l1_penalty(network, 0.1f) == Approx(0.8));
  exercises::add_l1_gradient(network, 0.1f);
  const nn::Dense& dense = dense_of(network);
  CHECK(dense.dweight(0, 0) == Approx(0.6));  // 0.5 + 0.1 · sign(3)
  CHECK(dense.dweight(0, 1) == 0.5f);         // sign(0) = 0: unchanged
  CHECK(dense.dweight(1, 0) == Approx(0.4));  // 0.5 + 0.1 · sign(−4)
  CHECK(dense.dweight(1, 1) == Approx(0.6));
  CHECK(dense.dbias(0, 0) == 0.25f);
  CHECK(dense.dbias(0, 1) == 0.25f);
}

TEST_CASE("exercise 13.2: max-norm scales down only the columns above the bound", "[exercise][ch13]") {
  INFO("hint: after the inner rule's update, for each output o compute the norm of column o of W, "
       "√Σ_i W(i, o)²; if it is above c, multiply the column by c / norm; leave biases alone");
  nn::Network network = tiny_network();
  nn::GradientDescent plain;
  exercises::MaxNorm rule(2.0f, plain);
  rule.update(network, 0.0f);  // η = 0: the inner rule changes nothing, the constraint alone acts
  const nn::Dense& dense = dense_of(network);
  // Column 0 is (3, −4), norm 5 > 2: scaled by 2/5 to (1.2, −1.6). Column 1 is (0, 1), norm 1: as it was.
  CHECK(dense.weight(0, 0) == Approx(1.2));
  CHECK(dense.weight(1, 0) == Approx(-1.6));
  CHECK(dense.weight(0, 1) == 0.0f);
  CHECK(dense.weight(1, 1) == 1.0f);
  CHECK(dense.bias(0, 0) == 5.0f);  // biases are not constrained
  CHECK(dense.bias(0, 1) == -6.0f);
}

TEST_CASE("exercise 13.2: max-norm applies after the inner rule's step", "[exercise][ch13]") {
  INFO("hint: call inner.update(network, learning_rate) first, then constrain the weights it left");
  nn::Network network = tiny_network();
  nn::GradientDescent plain;
  exercises::MaxNorm rule(10.0f, plain);  // a bound no column reaches: only the step shows
  rule.update(network, 1.0f);
  const nn::Dense& dense = dense_of(network);
  CHECK(dense.weight(0, 0) == Approx(2.5));  // 3 − 1 · 0.5
  CHECK(dense.bias(0, 1) == Approx(-6.25));  // −6 − 1 · 0.25
}

TEST_CASE("exercise 13.3: the generalisation loss and where it first exceeds α", "[exercise][ch13]") {
  INFO("hint: GL(t) = 100·(E(t)/E_opt(t) − 1), E_opt(t) the lowest validation loss of records 1..t; "
       "first_epoch_over returns the epoch of the first GL above α, or 0");
  const nn::History history = history_of({0.5, 0.4, 0.42, 0.38, 0.4, 0.437});
  const std::vector<double> gl = exercises::generalisation_losses(history);
  REQUIRE(gl.size() == 6);
  CHECK(gl[0] == Approx(0.0).margin(1e-12));
  CHECK(gl[1] == Approx(0.0).margin(1e-12));  // a new best
  CHECK(gl[2] == Approx(5.0));                // 100 · (0.42 / 0.4 − 1)
  CHECK(gl[3] == Approx(0.0).margin(1e-12));  // a new best
  CHECK(gl[4] == Approx(100.0 / 19));         // 100 · (0.4 / 0.38 − 1) ≈ 5.26
  CHECK(gl[5] == Approx(15.0));               // 100 · (0.437 / 0.38 − 1)
  CHECK(exercises::first_epoch_over(history, 4.0) == 3);
  CHECK(exercises::first_epoch_over(history, 5.1) == 5);
  CHECK(exercises::first_epoch_over(history, 20.0) == 0);
}

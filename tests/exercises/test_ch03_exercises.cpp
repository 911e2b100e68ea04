// Chapter 3's exercises, checked against sampling theory, counts worked by hand
// and the library's own forward pass. Each check says what was expected and why,
// so that a wrong answer explains itself.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "ch03.hpp"

using nn::Dense;
using nn::Tensor;

TEST_CASE("exercise 3.1: LeCun initialisation has variance 1/I and zero biases", "[exercise][ch03]") {
  nn::Rng rng(11);
  Dense layer(784, 256);
  nn::fill(layer.bias, 1.0f);  // so that forgetting to zero them shows
  exercises::initialise_lecun(layer, rng);
  double sum = 0, sum_of_squares = 0;
  for (float w : layer.weight.values()) {
    sum += w;
    sum_of_squares += static_cast<double>(w) * w;
  }
  const double n = static_cast<double>(layer.weight.size()), mean = sum / n;
  const double variance = sum_of_squares / n - mean * mean;
  // 200,704 normal draws: the sample variance is within 0.3% (one standard deviation) of
  // the truth, so 3% catches 2/I (He) or 2/(I + O) (Xavier) by a wide margin.
  CAPTURE(mean, variance);
  INFO("a 784×256 layer: the weights should have mean 0 and variance 1/I = 1/784 = 0.001276 (standard deviation "
       "√(1/784) = 0.0357); He's 2/784 is twice that and Xavier's 2/(784 + 256) = 0.001923 half as much "
       "again, and both fail");
  CHECK(std::abs(mean) < 4 * std::sqrt(1.0 / 784 / n));
  CHECK(variance == Approx(1.0 / 784).epsilon(0.03));
  INFO("the biases were 1 before the call; LeCun's rule, like the library's, starts them at 0");
  for (float b : layer.bias.values()) CHECK(b == 0.0f);
}

TEST_CASE("exercise 3.2: parameters of a multilayer perceptron, counted by hand", "[exercise][ch03]") {
  INFO("each dense layer holds an I×O weight matrix and O biases: 784·128 + 128 + 128·10 + 10 = 101,770");
  CHECK(exercises::mlp_parameter_count({784, 128, 10}) == 784 * 128 + 128 + 128 * 10 + 10);
  INFO("784·32 + 32 + 32·16 + 16 + 16·10 + 10 = 25,818");
  CHECK(exercises::mlp_parameter_count({784, 32, 16, 10}) == 25818);
  INFO("one 2×3 layer: 6 weights and 3 biases");
  CHECK(exercises::mlp_parameter_count({2, 3}) == 9);
  INFO("one width is no layer at all: throw std::invalid_argument");
  CHECK_THROWS_AS(exercises::mlp_parameter_count({5}), std::invalid_argument);
}

namespace {
using Forward = void (*)(nn::TensorView, nn::ConstTensorView, const nn::Dense&);

void check_forward(Forward forward) {
  Dense layer(3, 2);
  layer.weight = Tensor(3, 2, {1, 0.5f, 0, 2, -1, 1});
  layer.bias = Tensor(1, 2, {0.1f, -1});
  const Tensor x(2, 3, {1, 2, 3, -1, 0, 4});
  Tensor z(2, 2);
  forward(z, x, layer);
  INFO("chapter 3's worked batch: z(n, o) = b(o) + Σᵢ x(n, i) W(i, o), with W(i, o) the weight from input i to "
       "output o (row i of W). z(0, 0) = 1·1 + 2·0 + 3·(−1) + 0.1 = −1.9, z(0, 1) = 1·0.5 + 2·2 + 3·1 − 1 = 6.5, "
       "z(1, 0) = −1·1 + 0 + 4·(−1) + 0.1 = −4.9, z(1, 1) = −1·0.5 + 0 + 4·1 − 1 = 2.5");
  CHECK(z(0, 0) == Approx(-1.9f));
  CHECK(z(0, 1) == Approx(6.5f));
  CHECK(z(1, 0) == Approx(-4.9f));
  CHECK(z(1, 1) == Approx(2.5f));

  nn::Rng rng(2);
  Dense wide(20, 7);
  nn::initialise(wide, nn::Init::xavier, rng);
  for (float& b : wide.bias.values()) b = 0.25f;
  Tensor in(5, 20), expected(5, 7), got(5, 7);
  for (std::size_t i = 0; i < in.size(); ++i) in.data()[i] = std::sin(0.7f * static_cast<float>(i));
  in(1, 3) = 0;  // a zero input, as most pixels are: skipping it must not change the result
  wide.forward(expected, in);
  forward(got, in, wide);
  INFO("a random 20×7 layer with bias 0.25 on a 5×20 batch: every output should match Dense::forward's");
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i / 7, i % 7);
    CHECK(got.data()[i] == Approx(expected.data()[i]).margin(1e-5));
  }
  const Tensor too_narrow(5, 19);
  INFO("a 5×19 input for a layer of 20 inputs: throw nn::ShapeError rather than read past each row");
  CHECK_THROWS_AS(forward(got, too_narrow, wide), nn::ShapeError);
}
}  // namespace

TEST_CASE("exercise 3.3: the forward pass as loops agrees with the hand and the library", "[exercise][ch03]") {
  check_forward(exercises::dense_forward_loops);
}

TEST_CASE("exercise 3.3: the forward pass in the fast loop order agrees too", "[exercise][ch03]") {
  check_forward(exercises::dense_forward_loops_fast);
}

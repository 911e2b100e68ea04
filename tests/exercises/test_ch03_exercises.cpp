// Chapter 3's exercises, checked against sampling theory, counts worked by hand
// and the library's own forward pass.
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
  // 200,704 normal draws: the sample variance is within 0.3% (one standard deviation) of
  // the truth, so 3% catches 2/I (He) or 2/(I + O) (Xavier) by a wide margin.
  CHECK(std::abs(mean) < 4 * std::sqrt(1.0 / 784 / n));
  CHECK(sum_of_squares / n - mean * mean == Approx(1.0 / 784).epsilon(0.03));
  for (float b : layer.bias.values()) CHECK(b == 0.0f);
}

TEST_CASE("exercise 3.2: parameters of a multilayer perceptron, counted by hand", "[exercise][ch03]") {
  CHECK(exercises::mlp_parameter_count({784, 128, 10}) == 784 * 128 + 128 + 128 * 10 + 10);  // 101,770
  CHECK(exercises::mlp_parameter_count({784, 32, 16, 10}) == 25818);
  CHECK(exercises::mlp_parameter_count({2, 3}) == 9);
  CHECK_THROWS_AS(exercises::mlp_parameter_count({5}), std::invalid_argument);
}

TEST_CASE("exercise 3.3: the forward pass as loops agrees with the hand and the library", "[exercise][ch03]") {
  Dense layer(3, 2);
  layer.weight = Tensor(3, 2, {1, 0.5f, 0, 2, -1, 1});
  layer.bias = Tensor(1, 2, {0.1f, -1});
  const Tensor x(2, 3, {1, 2, 3, -1, 0, 4});
  Tensor y(2, 2);
  exercises::dense_forward_loops(y, x, layer);
  CHECK(y(0, 0) == Approx(-1.9f));  // 1·1 + 2·0 + 3·(−1) + 0.1
  CHECK(y(0, 1) == Approx(6.5f));   // 1·0.5 + 2·2 + 3·1 − 1
  CHECK(y(1, 0) == Approx(-4.9f));
  CHECK(y(1, 1) == Approx(2.5f));

  nn::Rng rng(2);
  Dense wide(20, 7);
  nn::initialise(wide, nn::Init::xavier, rng);
  for (float& b : wide.bias.values()) b = 0.25f;
  Tensor in(5, 20), expected(5, 7), got(5, 7);
  for (std::size_t i = 0; i < in.size(); ++i) in.data()[i] = std::sin(0.7f * static_cast<float>(i));
  wide.forward(expected, in);
  exercises::dense_forward_loops(got, in, wide);
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got.data()[i] == Approx(expected.data()[i]).margin(1e-5));
  CHECK_THROWS_AS(exercises::dense_forward_loops(got, Tensor(5, 19), wide), nn::ShapeError);
}

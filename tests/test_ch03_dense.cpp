// Chapter 3: the dense layer's forward pass and its initialisation.
#include <catch2/catch.hpp>

#include <cmath>

#include "dense.hpp"

using nn::Dense;
using nn::Tensor;

TEST_CASE("dense forward of a 2×3 batch, worked by hand", "[dense]") {
  Dense layer(3, 2);
  layer.weight = Tensor(3, 2, {1, 0.5f,  //  W is I×O: row i holds input i's weights
                               0, 2,     //
                               -1, 1});
  layer.bias = Tensor(1, 2, {0.1f, -1});
  const Tensor x(2, 3, {1, 2, 3,  //
                        -1, 0, 4});
  Tensor z(2, 2);
  layer.forward(z, x);
  // z(0,0) = 1 − 3 + 0.1 = −1.9;  z(0,1) = 0.5 + 4 + 3 − 1 = 6.5
  // z(1,0) = −1 − 4 + 0.1 = −4.9; z(1,1) = −0.5 + 0 + 4 − 1 = 2.5
  CHECK(z(0, 0) == Approx(-1.9f));
  CHECK(z(0, 1) == Approx(6.5f));
  CHECK(z(1, 0) == Approx(-4.9f));
  CHECK(z(1, 1) == Approx(2.5f));
}

TEST_CASE("dense forward refuses an input of the wrong width", "[dense]") {
  Dense layer(3, 2);
  Tensor z(2, 2);
  const Tensor too_wide(2, 4);
  CHECK_THROWS_AS(layer.forward(z, too_wide), nn::ShapeError);
}

namespace {
// The sample mean and variance of a layer's weights.
std::pair<double, double> moments(const Tensor& weight) {
  double sum = 0, sum_of_squares = 0;
  for (float w : weight.values()) {
    sum += w;
    sum_of_squares += static_cast<double>(w) * w;
  }
  const double n = static_cast<double>(weight.size());
  return {sum / n, sum_of_squares / n - (sum / n) * (sum / n)};
}
}  // namespace

TEST_CASE("initial weights have the variance their rule promises", "[dense][init]") {
  // 784·128 = 100,352 weights: the sample variance of n draws has a relative
  // standard deviation of about √(2/n) ≈ 0.45% for a normal, less for a uniform,
  // so 3% is far outside sampling error yet catches a wrong formula (e.g. 1/I).
  nn::Rng rng(42);
  for (nn::Init init : {nn::Init::xavier, nn::Init::he}) {
    Dense layer(784, 128);
    nn::initialise(layer, init, rng);
    const auto [mean, variance] = moments(layer.weight);
    const double expected = nn::init_variance(init, 784, 128);
    CHECK(std::abs(mean) < 4 * std::sqrt(expected / 100352.0));
    CHECK(variance == Approx(expected).epsilon(0.03));
    for (float b : layer.bias.values()) CHECK(b == 0.0f);
  }
  CHECK(nn::init_variance(nn::Init::he, 784, 128) == Approx(2.0 / 784));
  CHECK(nn::init_variance(nn::Init::xavier, 784, 128) == Approx(2.0 / (784 + 128)));
}

TEST_CASE("Xavier's uniform weights stay inside ±√(6/(I+O))", "[dense][init]") {
  nn::Rng rng(7);
  Dense layer(100, 50);
  nn::initialise(layer, nn::Init::xavier, rng);
  const float limit = std::sqrt(6.0f / 150.0f);
  for (float w : layer.weight.values()) CHECK(std::abs(w) <= limit);
}

TEST_CASE("the same seed draws the same weights, another seed others", "[dense][init]") {
  auto draw = [](std::uint64_t seed) {
    nn::Rng rng(seed);
    Dense layer(20, 10);
    nn::initialise(layer, nn::Init::he, rng);
    return std::vector<float>(layer.weight.values().begin(), layer.weight.values().end());
  };
  CHECK(draw(1) == draw(1));
  CHECK(draw(1) != draw(2));
}

// Chapter 15's exercises, checked against values worked by hand.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "ch15.hpp"

TEST_CASE("exercise 15.1: the standard error of a measured accuracy", "[exercise][ch15]") {
  INFO("hint: the number right is binomial: the fraction right has variance p(1 − p)/n");
  // 99% of 10,000: √(0.99 · 0.01 / 10,000) = √(9.9e-7) ≈ 0.000995, about a tenth of a per cent.
  CHECK(exercises::accuracy_standard_error(0.99, 10'000) == Approx(0.000994987).epsilon(1e-6));
  CHECK(exercises::accuracy_standard_error(0.5, 100) == Approx(0.05));
  CHECK(exercises::accuracy_standard_error(1.0, 10) == 0.0);  // always right: no spread
  CHECK_THROWS_AS(exercises::accuracy_standard_error(0.5, 0), std::invalid_argument);
  CHECK_THROWS_AS(exercises::accuracy_standard_error(1.5, 10), std::invalid_argument);
}

namespace {
// One dense layer 2 → 3 whose logits are the inputs times the given weights.
nn::Network linear(std::initializer_list<float> weights) {
  nn::Dense dense(2, 3);
  std::copy(weights.begin(), weights.end(), dense.weight.values().begin());
  return nn::Network({dense});
}
}  // namespace

TEST_CASE("exercise 15.2: an ensemble averages probabilities, not votes", "[exercise][ch15]") {
  INFO("hint: softmax each member's logits, add the probabilities, take the largest per row");
  // For the input (1, 0) the logits are the first row of W.
  const nn::Network a = linear({0, 1, 0, 0, 0, 0});     // p ≈ (0.21, 0.58, 0.21): class 1
  const nn::Network b = linear({0, 0, 0.9f, 0, 0, 0});  // p ≈ (0.22, 0.22, 0.55): class 2
  const nn::Network c = linear({0, 0, 0.9f, 0, 0, 0});  // the same as b
  const nn::Tensor x(1, 2, {1, 0});
  CHECK(exercises::ensemble_predict({&a}, x) == std::vector<std::uint8_t>{1});
  // Two members for class 2, one for class 1, and the probabilities agree:
  // mean p₁ = (0.576 + 0.224 + 0.224) / 3 = 0.341, mean p₂ = (0.212 + 0.552 + 0.552) / 3 = 0.438.
  CHECK(exercises::ensemble_predict({&a, &b, &c}, x) == std::vector<std::uint8_t>{2});
  const nn::Network sure = linear({0, 5, 0, 0, 0, 0});  // p₁ ≈ 0.99
  // Outvoted two to one, but not outweighed: mean p₁ = (0.987 + 0.224 + 0.224) / 3 = 0.478,
  // mean p₂ = (0.007 + 0.552 + 0.552) / 3 = 0.370.
  CHECK(exercises::ensemble_predict({&sure, &b, &c}, x) == std::vector<std::uint8_t>{1});
  CHECK_THROWS_AS(exercises::ensemble_predict({}, x), std::invalid_argument);
}

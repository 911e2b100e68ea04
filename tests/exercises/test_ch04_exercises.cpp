// Chapter 4's exercises, checked at points worked by hand and against central
// differences in double. Each check that a plausible wrong answer fails says,
// through INFO, what to look at.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "ch04.hpp"

namespace {
// The largest |f′(z) − (f(z + h) − f(z − h)) / 2h| on a grid over [−6, 6] that
// never lands on 0, where a leaky ReLU has its kink.
double worst_derivative_error(const std::function<double(double)>& f, const std::function<double(double)>& df) {
  const double h = 1e-6;
  double worst = 0;
  for (double z = -6.03; z < 6; z += 0.1) worst = std::max(worst, std::abs(df(z) - (f(z + h) - f(z - h)) / (2 * h)));
  return worst;
}
}  // namespace

TEST_CASE("exercise 4.1: leaky ReLU and its derivative", "[exercise][ch04]") {
  INFO("leaky_relu(z, slope) is z for z > 0 and slope · z otherwise; its derivative 1 for z > 0, slope otherwise");
  CHECK(exercises::leaky_relu(2.0, 0.1) == 2.0);
  CHECK(exercises::leaky_relu(-3.0, 0.1) == Approx(-0.3));
  CHECK(exercises::leaky_relu_derivative(2.0, 0.1) == 1.0);
  CHECK(exercises::leaky_relu_derivative(-3.0, 0.1) == Approx(0.1));
  CHECK(worst_derivative_error([](double z) { return exercises::leaky_relu(z, 0.02); },
                               [](double z) { return exercises::leaky_relu_derivative(z, 0.02); }) < 1e-7);
}

TEST_CASE("exercise 4.2: softplus is accurate and finite everywhere", "[exercise][ch04]") {
  CHECK(exercises::softplus(0.0) == Approx(std::log(2.0)));
  {
    INFO("softplus(1000): e^1000 overflows to ∞; write log(1 + e^z) = z + log(1 + e^−z) for z > 0, "
         "where the exponential is at most 1");
    CHECK(std::isfinite(exercises::softplus(1000.0)));
    CHECK(exercises::softplus(1000.0) == Approx(1000.0));
  }
  {
    INFO("softplus(−40) = log(1 + e^−40) ≈ 4.2×10⁻¹⁸, but 1 + e^−40 rounds to exactly 1 and log 1 = 0: "
         "use std::log1p(t), which computes log(1 + t) without forming 1 + t");
    CHECK(exercises::softplus(-40.0) == Approx(std::exp(-40.0)).epsilon(1e-9));
  }
  {
    INFO("softplus(−1000) is e^−1000, below the smallest double: expect 0 or a tiny positive number, "
         "never a negative one or NaN");
    const double tiny = exercises::softplus(-1000.0);
    CHECK(std::isfinite(tiny));
    CHECK(tiny >= 0.0);
    CHECK(tiny < 1e-300);
  }
  {
    INFO("softplus′ is the sigmoid; written as e^z / (1 + e^z) it is ∞/∞ = NaN at z = 1000: "
         "use 1 / (1 + e^−z) there, or nn::sigmoid, which picks the safe form by the sign of z");
    CHECK(exercises::softplus_derivative(0.0) == Approx(0.5));
    CHECK(exercises::softplus_derivative(1000.0) == Approx(1.0));
  }
  CHECK(worst_derivative_error(exercises::softplus, exercises::softplus_derivative) < 1e-7);
}

TEST_CASE("exercise 4.3: GELU and its derivative", "[exercise][ch04]") {
  {
    INFO("gelu(z) = ½ z (1 + tanh u) with u = √(2/π) (z + 0.044715 z³): check the constant and the cube");
    CHECK(exercises::gelu(0.0) == 0.0);
    CHECK(exercises::gelu(1.0) == Approx(0.8411919906));  // ½ (1 + tanh(√(2/π) · 1.044715))
    CHECK(exercises::gelu(-1.0) == Approx(-0.1588080094));
    CHECK(exercises::gelu(10.0) == Approx(10.0));
    CHECK(std::abs(exercises::gelu(-10.0)) < 1e-10);
  }
  INFO("product rule: ½ (1 + tanh u) + ½ z (1 − tanh² u) du/dz, with du/dz = √(2/π) (1 + 3 · 0.044715 z²)");
  CHECK(exercises::gelu_derivative(0.0) == Approx(0.5));
  CHECK(worst_derivative_error(exercises::gelu, exercises::gelu_derivative) < 1e-7);
}

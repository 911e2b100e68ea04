// Chapter 4's exercises, checked at points worked by hand and against central
// differences in double.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "ch04.hpp"

namespace {
// The largest |f′(x) − (f(x + h) − f(x − h)) / 2h| on a grid over [−6, 6] that
// never lands on 0, where a leaky ReLU has its kink.
double worst_derivative_error(const std::function<double(double)>& f, const std::function<double(double)>& df) {
  const double h = 1e-6;
  double worst = 0;
  for (double x = -6.03; x < 6; x += 0.1) worst = std::max(worst, std::abs(df(x) - (f(x + h) - f(x - h)) / (2 * h)));
  return worst;
}
}  // namespace

TEST_CASE("exercise 4.1: leaky ReLU and its derivative", "[exercise][ch04]") {
  CHECK(exercises::leaky_relu(2.0, 0.1) == 2.0);
  CHECK(exercises::leaky_relu(-3.0, 0.1) == Approx(-0.3));
  CHECK(exercises::leaky_relu_derivative(2.0, 0.1) == 1.0);
  CHECK(exercises::leaky_relu_derivative(-3.0, 0.1) == Approx(0.1));
  CHECK(worst_derivative_error([](double x) { return exercises::leaky_relu(x, 0.02); },
                               [](double x) { return exercises::leaky_relu_derivative(x, 0.02); }) < 1e-7);
}

TEST_CASE("exercise 4.2: softplus is accurate and finite everywhere", "[exercise][ch04]") {
  CHECK(exercises::softplus(0.0) == Approx(std::log(2.0)));
  CHECK(exercises::softplus(1000.0) == Approx(1000.0));
  CHECK(exercises::softplus(-40.0) == Approx(std::exp(-40.0)).epsilon(1e-9));  // not 0: use log1p
  const double tiny = exercises::softplus(-1000.0);
  CHECK(std::isfinite(tiny));
  CHECK(tiny >= 0.0);
  CHECK(tiny < 1e-300);
  CHECK(exercises::softplus_derivative(0.0) == Approx(0.5));
  CHECK(exercises::softplus_derivative(1000.0) == Approx(1.0));
  CHECK(worst_derivative_error(exercises::softplus, exercises::softplus_derivative) < 1e-7);
}

TEST_CASE("exercise 4.3: GELU and its derivative", "[exercise][ch04]") {
  CHECK(exercises::gelu(0.0) == 0.0);
  CHECK(exercises::gelu(1.0) == Approx(0.8411919906));  // ½ (1 + tanh(√(2/π) · 1.044715))
  CHECK(exercises::gelu(-1.0) == Approx(-0.1588080094));
  CHECK(exercises::gelu(10.0) == Approx(10.0));
  CHECK(std::abs(exercises::gelu(-10.0)) < 1e-10);
  CHECK(exercises::gelu_derivative(0.0) == Approx(0.5));
  CHECK(worst_derivative_error(exercises::gelu, exercises::gelu_derivative) < 1e-7);
}

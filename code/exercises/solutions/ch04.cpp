// Reference solutions to chapter 4's exercises.
#include "ch04.hpp"

#include <cmath>
#include <numbers>

#include "activations.hpp"

namespace exercises {

//! [ch04-leaky-relu]
double leaky_relu(double x, double slope) { return x > 0 ? x : slope * x; }
double leaky_relu_derivative(double x, double slope) { return x > 0 ? 1.0 : slope; }
//! [ch04-leaky-relu]

//! [ch04-softplus]
// log(1 + e^x) = max(x, 0) + log(1 + e^−|x|): the exponential is at most 1, and
// log1p keeps the digits of a tiny e^−|x| that 1 + e^−|x| would round away.
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }
double softplus_derivative(double x) { return nn::sigmoid(x); }
//! [ch04-softplus]

//! [ch04-gelu]
double gelu(double x) {
  const double u = std::sqrt(2 / std::numbers::pi) * (x + 0.044715 * x * x * x);
  return 0.5 * x * (1 + std::tanh(u));
}
// Product rule: d/dx [½ x (1 + tanh u)] = ½ (1 + tanh u) + ½ x (1 − tanh² u) du/dx.
double gelu_derivative(double x) {
  const double c = std::sqrt(2 / std::numbers::pi);
  const double t = std::tanh(c * (x + 0.044715 * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
}
//! [ch04-gelu]

}  // namespace exercises

// Reference solutions to chapter 4's exercises.
#include "ch04.hpp"

#include <cmath>
#include <numbers>

#include "activations.hpp"

namespace exercises {

// [ch04-leaky-relu]
double leaky_relu(double z, double slope) { return z > 0 ? z : slope * z; }
double leaky_relu_derivative(double z, double slope) { return z > 0 ? 1.0 : slope; }
// [ch04-leaky-relu]

// [ch04-softplus]
// log(1 + e^z) = max(z, 0) + log(1 + e^−|z|): the exponential is at most 1, and
// log1p keeps the digits of a tiny e^−|z| that 1 + e^−|z| would round away.
double softplus(double z) { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }
double softplus_derivative(double z) { return nn::sigmoid(z); }
// [ch04-softplus]

// [ch04-gelu]
double gelu(double z) {
  const double u = std::sqrt(2 / std::numbers::pi) * (z + 0.044715 * z * z * z);
  return 0.5 * z * (1 + std::tanh(u));
}
// Product rule: d/dz [½ z (1 + tanh u)] = ½ (1 + tanh u) + ½ z (1 − tanh² u) du/dz.
double gelu_derivative(double z) {
  const double c = std::sqrt(2 / std::numbers::pi);
  const double t = std::tanh(c * (z + 0.044715 * z * z * z));
  return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * c * (1 + 3 * 0.044715 * z * z);
}
// [ch04-gelu]

}  // namespace exercises

// Chapter 4: activation functions, forward and derivative; chapter 6 adds the
// layer's backward.
#pragma once

#include <cmath>
#include <string>

#include "tensor.hpp"

namespace nn {

//! [scalar-functions]
// Each function next to its derivative. The derivatives are written in terms of
// the function's output y, because that is what the forward pass keeps.

/// ReLU: y = max(0, x); dy/dx = 1 where x > 0, else 0 (we take 0 at x = 0).
template <typename Real>
Real relu(Real x) { return x > Real{0} ? x : Real{0}; }
template <typename Real>
Real relu_derivative_from_output(Real y) { return y > Real{0} ? Real{1} : Real{0}; }

/// Sigmoid: y = 1 / (1 + e^−x); dy/dx = y (1 − y). Written so that the
/// exponential never overflows: for x < 0 it uses the equal form e^x / (1 + e^x).
template <typename Real>
Real sigmoid(Real x) {
  if (x >= Real{0}) return Real{1} / (Real{1} + std::exp(-x));
  const Real e = std::exp(x);  // in (0, 1): no overflow for any x < 0
  return e / (Real{1} + e);
}
template <typename Real>
Real sigmoid_derivative_from_output(Real y) { return y * (Real{1} - y); }

/// Hyperbolic tangent: y = tanh x; dy/dx = 1 − y². std::tanh saturates to ±1
/// for large |x| instead of overflowing.
template <typename Real>
Real tanh_activation(Real x) { return std::tanh(x); }
template <typename Real>
Real tanh_derivative_from_output(Real y) { return Real{1} - y * y; }
//! [scalar-functions]

//! [activation]
enum class ActivationKind { relu, sigmoid, tanh };

/// "relu", "sigmoid" or "tanh".
std::string to_string(ActivationKind kind);
/// Parses a name as to_string writes it; throws std::invalid_argument otherwise.
ActivationKind parse_activation(const std::string& name);

/// An element-wise activation layer. It has no parameters.
template <typename Real>
struct BasicActivation {
  ActivationKind kind;

  /// out = f(in), element by element. in and out are B×N.
  void forward(BasicView<Real> out, BasicView<const Real> in) const;

  /// The forward computed out = f(in); the chain rule through an element-wise
  /// function multiplies element by element: din = dout ⊙ f′(in), with f′
  /// computed from out. All three are B×N.
  void backward(BasicView<Real> din, BasicView<const Real> dout, BasicView<const Real> out) const;
};

using Activation = BasicActivation<float>;
using DoubleActivation = BasicActivation<double>;
//! [activation]

}  // namespace nn

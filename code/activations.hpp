// Chapter 4: activation functions, forward and derivative; chapter 6 adds the
// layer's backward.
#pragma once

#include <cmath>
#include <string>

#include "tensor.hpp"

namespace nn {

// [scalar-functions]
// Each function a = f(z) next to its derivative f′(z). The derivatives take the
// function's output a, because that is what the forward pass keeps.

/// ReLU: a = max(0, z); f′ = 1 where z > 0, else 0 (we take 0 at z = 0).
template <typename Real>
Real relu(Real z) { return z > Real{0} ? z : Real{0}; }
template <typename Real>
Real relu_derivative_from_output(Real a) { return a > Real{0} ? Real{1} : Real{0}; }

/// Sigmoid: a = 1 / (1 + e^−z); f′ = a (1 − a). Written so that the
/// exponential never overflows: for z < 0 it uses the equal form e^z / (1 + e^z).
template <typename Real>
Real sigmoid(Real z) {
  if (z >= Real{0}) return Real{1} / (Real{1} + std::exp(-z));
  const Real e = std::exp(z);  // in (0, 1): no overflow for any z < 0
  return e / (Real{1} + e);
}
template <typename Real>
Real sigmoid_derivative_from_output(Real a) { return a * (Real{1} - a); }

/// Hyperbolic tangent: a = tanh z; f′ = 1 − a². std::tanh saturates to ±1
/// for large |z| instead of overflowing, and keeps tiny z exact.
template <typename Real>
Real tanh_activation(Real z) { return std::tanh(z); }
template <typename Real>
Real tanh_derivative_from_output(Real a) { return Real{1} - a * a; }
// [scalar-functions]

// [activation]
enum class ActivationKind { relu, sigmoid, tanh };

/// "relu", "sigmoid" or "tanh".
std::string activation_name(ActivationKind kind);
/// Parses a name as activation_name writes it; throws std::invalid_argument otherwise.
ActivationKind parse_activation(const std::string& name);

/// An element-wise activation layer. It has no parameters.
template <typename Real>
struct BasicActivation {
  ActivationKind kind;

  /// out = f(in), element by element: a = f(z). in (z) and out (a) are B×O.
  void forward(BasicView<Real> out, BasicView<const Real> in) const;

  /// The forward computed a = f(z); the chain rule through an element-wise
  /// function multiplies element by element: dz = da ⊙ f′(z), with f′
  /// computed from a. din (dz), dout (da) and out (a) are all B×O; `in` is not
  /// needed, but every kind of layer takes the same four views (chapter 6),
  /// and the same mode for its parameters' gradients, of which it has none.
  /// An empty din means nobody wants dz (the layer is the network's first,
  /// its input the data): then there is nothing to do, and it returns.
  void backward(BasicView<Real> din, BasicView<const Real> dout, BasicView<const Real> in,
                BasicView<const Real> out, Write gradients = Write::accumulate) const;

  /// The rest of the interface every kind of layer has (chapter 6).
  /// Any input width is fine (0), and the output has the same width.
  std::size_t input_width() const { return 0; }
  std::size_t output_width(std::size_t input_width) const { return input_width; }
  /// There are no parameters to visit.
  template <typename Visit>
  void for_each_parameter(Visit&&) const {}
  /// The same layer in double precision, for gradient checks.
  BasicActivation<double> to_double() const { return {kind}; }
};

using Activation = BasicActivation<float>;
using DoubleActivation = BasicActivation<double>;
// [activation]

}  // namespace nn

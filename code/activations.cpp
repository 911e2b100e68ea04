// Chapter 4: activation functions; chapter 6: their backward.
#include "activations.hpp"

#include <stdexcept>

namespace nn {

std::string to_string(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::relu: return "relu";
    case ActivationKind::sigmoid: return "sigmoid";
    case ActivationKind::tanh: return "tanh";
  }
  return "unknown";
}

ActivationKind parse_activation(const std::string& name) {
  for (ActivationKind kind : {ActivationKind::relu, ActivationKind::sigmoid, ActivationKind::tanh})
    if (to_string(kind) == name) return kind;
  throw std::invalid_argument("activation '" + name + "'; expected relu, sigmoid or tanh");
}

//! [activation-forward]
template <typename Real>
void BasicActivation<Real>::forward(BasicView<Real> out, BasicView<const Real> in) const {
  switch (kind) {
    case ActivationKind::relu: return map(out, in, relu<Real>);
    case ActivationKind::sigmoid: return map(out, in, sigmoid<Real>);
    case ActivationKind::tanh: return map(out, in, tanh_activation<Real>);
  }
}
//! [activation-forward]

//! [activation-backward]
template <typename Real>
void BasicActivation<Real>::backward(BasicView<Real> din, BasicView<const Real> dout,
                                     BasicView<const Real> out) const {
  if (din.rows() != dout.rows() || din.cols() != dout.cols() || out.rows() != dout.rows() ||
      out.cols() != dout.cols())
    throw ShapeError("activation backward: din is " + shape_string(din) + ", dout " + shape_string(dout) +
                     " and out " + shape_string(out) + "; all three must have one shape");
  auto chain = [&](auto derivative_from_output) {
    for (std::size_t i = 0; i < dout.size(); ++i)
      din.data()[i] = dout.data()[i] * derivative_from_output(out.data()[i]);
  };
  switch (kind) {
    case ActivationKind::relu: return chain(relu_derivative_from_output<Real>);
    case ActivationKind::sigmoid: return chain(sigmoid_derivative_from_output<Real>);
    case ActivationKind::tanh: return chain(tanh_derivative_from_output<Real>);
  }
}
//! [activation-backward]

template struct BasicActivation<float>;
template struct BasicActivation<double>;

}  // namespace nn

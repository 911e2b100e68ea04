// Chapter 4: activation functions; chapter 6: their backward.
#include "activations.hpp"

#include <stdexcept>

namespace nn {

std::string activation_name(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::relu: return "relu";
    case ActivationKind::sigmoid: return "sigmoid";
    case ActivationKind::tanh: return "tanh";
  }
  return "unknown";
}

ActivationKind parse_activation(const std::string& name) {
  for (ActivationKind kind : {ActivationKind::relu, ActivationKind::sigmoid, ActivationKind::tanh})
    if (activation_name(kind) == name) return kind;
  throw std::invalid_argument("activation '" + name + "'; expected relu, sigmoid or tanh");
}

// [activation-forward]
template <typename Real>
void BasicActivation<Real>::forward(BasicView<Real> out, BasicView<const Real> in) const {
  switch (kind) {
    case ActivationKind::relu: return map(out, in, [](Real z) { return relu(z); });
    case ActivationKind::sigmoid: return map(out, in, [](Real z) { return sigmoid(z); });
    case ActivationKind::tanh: return map(out, in, [](Real z) { return tanh_activation(z); });
  }
}
// [activation-forward]

// [activation-backward]
template <typename Real>
void BasicActivation<Real>::backward(BasicView<Real> din, BasicView<const Real> dout,
                                     BasicView<const Real> /*in: not needed*/, BasicView<const Real> out,
                                     Write /*gradients: no parameters*/) const {
  if (din.size() == 0) return;  // dz not wanted: the layer's input is the data
  if (din.rows() != dout.rows() || din.cols() != dout.cols() || out.rows() != dout.rows() ||
      out.cols() != dout.cols())
    throw ShapeError("activation backward: din is " + shape_string(din) + ", dout " + shape_string(dout) +
                     " and out " + shape_string(out) + "; all three must have one shape");
  Real* dz = din.data();
  const Real* da = dout.data();
  const Real* a = out.data();
  // Each derivative goes in as a lambda rather than a function pointer: the
  // compiler then inlines it, and the loop runs in vector instructions.
  auto chain = [&](auto derivative_from_output) {
    for (std::size_t i = 0; i < dout.size(); ++i) dz[i] = da[i] * derivative_from_output(a[i]);  // dz = da ⊙ f′
  };
  switch (kind) {
    case ActivationKind::relu: return chain([](Real v) { return relu_derivative_from_output(v); });
    case ActivationKind::sigmoid: return chain([](Real v) { return sigmoid_derivative_from_output(v); });
    case ActivationKind::tanh: return chain([](Real v) { return tanh_derivative_from_output(v); });
  }
}
// [activation-backward]

template struct BasicActivation<float>;
template struct BasicActivation<double>;

}  // namespace nn

// Chapter 6: the network, forward and backward.
#include "network.hpp"

#include <stdexcept>

namespace nn {

namespace {
// Overloaded lambdas for std::visit.
template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;  // C++20 deduces this itself; clang 14 does not yet

template <typename Real>
std::size_t width_of(const BasicLayer<Real>& layer, std::size_t previous) {
  if (const auto* dense = std::get_if<BasicDense<Real>>(&layer)) return dense->outputs();
  return previous;  // an activation keeps the width of what it receives
}
}  // namespace

//! [forward]
template <typename Real>
BasicView<const Real> BasicNetwork<Real>::forward(BasicView<const Real> input) {
  if (layers.empty()) throw std::logic_error("forward: the network has no layers");
  outputs_.resize(layers.size());
  BasicView<const Real> in = input;
  std::size_t width = input.cols();
  for (std::size_t l = 0; l < layers.size(); ++l) {
    width = width_of(layers[l], width);
    outputs_[l].resize(input.rows(), width);
    std::visit([&](const auto& layer) { layer.forward(outputs_[l], in); }, layers[l]);
    in = outputs_[l];
  }
  return in;
}
//! [forward]

//! [backward]
template <typename Real>
void BasicNetwork<Real>::backward(BasicView<const Real> input, BasicView<const Real> dlogits) {
  doutputs_.resize(layers.size());
  BasicView<const Real> dout = dlogits;  // ∂L/∂(output of layer l), starting at the logits
  for (std::size_t l = layers.size(); l-- > 0;) {
    const BasicView<const Real> in = l == 0 ? input : BasicView<const Real>(outputs_[l - 1]);
    BasicView<Real> din;  // ∂L/∂(input of layer l); none is needed for the data
    if (l > 0) {
      doutputs_[l - 1].resize(in.rows(), in.cols());
      din = doutputs_[l - 1];
    }
    std::visit(Overloaded{
                   [&](BasicDense<Real>& dense) { dense.backward(din, dout, in); },
                   [&](const BasicActivation<Real>& activation) {
                     if (l > 0) activation.backward(din, dout, outputs_[l]);
                   },
               },
               layers[l]);
    dout = din;
  }
}
//! [backward]

template <typename Real>
void BasicNetwork<Real>::zero_gradients() {
  for_each_parameter([](BasicTensor<Real>&, BasicTensor<Real>& gradient) { fill(gradient, Real{0}); });
}

template <typename Real>
std::size_t BasicNetwork<Real>::inputs() const {
  for (const auto& layer : layers)
    if (const auto* dense = std::get_if<BasicDense<Real>>(&layer)) return dense->inputs();
  return 0;
}

template <typename Real>
std::size_t BasicNetwork<Real>::outputs() const {
  std::size_t width = inputs();
  for (const auto& layer : layers) width = width_of(layer, width);
  return width;
}

template class BasicNetwork<float>;
template class BasicNetwork<double>;

Network make_mlp(const std::vector<std::size_t>& widths, ActivationKind hidden, Init init, Rng& rng) {
  if (widths.size() < 2) throw std::invalid_argument("make_mlp: expected at least two widths, inputs and outputs");
  Network network;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    Dense dense(widths[i], widths[i + 1]);
    initialise(dense, init, rng);
    network.layers.emplace_back(std::move(dense));
    if (i + 2 < widths.size()) network.layers.emplace_back(Activation{hidden});
  }
  return network;
}

DoubleNetwork to_double(const Network& network) {
  DoubleNetwork result;
  auto convert = [](const Tensor& from, DoubleTensor& to) {
    std::copy(from.values().begin(), from.values().end(), to.values().begin());
  };
  for (const auto& layer : network.layers) {
    if (const auto* dense = std::get_if<Dense>(&layer)) {
      DoubleDense copy(dense->inputs(), dense->outputs());
      convert(dense->weight, copy.weight);
      convert(dense->bias, copy.bias);
      result.layers.emplace_back(std::move(copy));
    } else {
      result.layers.emplace_back(DoubleActivation{std::get<Activation>(layer).kind});
    }
  }
  return result;
}

std::size_t parameter_count(Network& network) {
  std::size_t count = 0;
  network.for_each_parameter([&](Tensor& parameter, Tensor&) { count += parameter.size(); });
  return count;
}

}  // namespace nn

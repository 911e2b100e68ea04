// Chapter 6: the network, forward and backward.
#include "network.hpp"

#include <stdexcept>

namespace nn {

namespace {
template <typename Real>
std::size_t width_of(const BasicLayer<Real>& layer, std::size_t input_width) {
  return std::visit([&](const auto& kind) { return kind.output_width(input_width); }, layer);
}

// [forward]
// The forward walk over the layers of a const network (evaluation) or of one
// that training changes: std::visit hands every layer over as `Layers` holds
// it, const or not, and only a non-const dropout layer draws a mask (chapter 13).
template <typename Real, typename Layers>
BasicView<const Real> forward_walk(Layers& layers, BasicView<const Real> input,
                                   std::vector<BasicTensor<Real>>& outputs) {
  if (layers.empty()) throw std::logic_error("forward: the network has no layers");
  outputs.resize(layers.size());
  BasicView<const Real> in = input;
  std::size_t width = input.cols();
  for (std::size_t l = 0; l < layers.size(); ++l) {
    width = width_of(layers[l], width);
    outputs[l].resize(input.rows(), width);
    std::visit([&](auto& layer) { layer.forward(outputs[l], in); }, layers[l]);
    in = outputs[l];
  }
  return in;
}
}  // namespace

template <typename Real>
BasicView<const Real> BasicNetwork<Real>::forward(BasicView<const Real> input,
                                                  std::vector<BasicTensor<Real>>& outputs) const {
  return forward_walk(layers, input, outputs);  // const layers: evaluation
}

template <typename Real>
BasicView<const Real> BasicNetwork<Real>::forward(BasicView<const Real> input) {
  return forward_walk(layers, input, outputs_);  // layers that may change: training
}
// [forward]

// [backward]
template <typename Real>
void BasicNetwork<Real>::backward(BasicView<const Real> input, BasicView<const Real> dlogits, Write gradients) {
  backward_walk(input, dlogits, [gradients](BasicLayer<Real>& layer, auto din, auto dout, auto in, auto out) {
    std::visit([&](auto& kind) { kind.backward(din, dout, in, out, gradients); }, layer);
  });
}
// [backward]

template <typename Real>
void BasicNetwork<Real>::zero_gradients() {
  for_each_parameter([](BasicTensor<Real>&, BasicTensor<Real>& gradient) { fill(gradient, Real{0}); });
}

template <typename Real>
std::size_t BasicNetwork<Real>::inputs() const {
  for (const auto& layer : layers)
    if (const std::size_t width = std::visit([](const auto& kind) { return kind.input_width(); }, layer)) return width;
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
  for (const auto& layer : network.layers)
    std::visit([&](const auto& kind) { result.layers.emplace_back(kind.to_double()); }, layer);
  return result;
}

std::size_t parameter_count(const Network& network) {
  std::size_t count = 0;
  network.for_each_parameter([&](const Tensor& parameter, const Tensor&) { count += parameter.size(); });
  return count;
}

}  // namespace nn

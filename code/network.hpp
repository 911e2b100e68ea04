// Chapter 6: the network as a plain list of layers, forward and backward.
#pragma once

#include <stdexcept>
#include <variant>
#include <vector>

#include "activations.hpp"
#include "dense.hpp"
#include "dropout.hpp"

namespace nn {

// [network]
/// A layer is one of the book's kinds; the network is a list of them. Every
/// kind has the same members (chapter 6 lists them), so the network handles
/// each layer with std::visit and one generic lambda; a new kind is added here,
/// and the compiler points at every place that needs something from it.
template <typename Real>
using BasicLayer = std::variant<BasicDense<Real>, BasicActivation<Real>, BasicDropout<Real>>;

template <typename Real>
class BasicNetwork {
 public:
  std::vector<BasicLayer<Real>> layers;

  BasicNetwork() = default;
  explicit BasicNetwork(std::vector<BasicLayer<Real>> list) : layers(std::move(list)) {}

  /// The logits (B×K) of a batch of inputs (B×I). Every layer's output is kept,
  /// in buffers that are reallocated only when the batch size grows, for backward.
  /// This is the training forward: it hands every layer over non-const, and a
  /// dropout layer (chapter 13) draws a new mask.
  BasicView<const Real> forward(BasicView<const Real> input);

  /// The same, keeping the layers' outputs in `outputs` (one tensor per layer,
  /// resized here) instead of in the network: a network that is only read, as
  /// evaluation reads it, stays const, and so does every layer, which puts a
  /// dropout layer in evaluation mode (the identity).
  BasicView<const Real> forward(BasicView<const Real> input, std::vector<BasicTensor<Real>>& outputs) const;

  /// Backpropagates dlogits = ∂L/∂logits (B×K) of the batch that the last
  /// forward saw, from the last layer to the first, adding every parameter's
  /// gradient to its dweight and dbias, or with Write::overwrite writing it
  /// there in place of what was there. `input` must be that batch's input.
  void backward(BasicView<const Real> input, BasicView<const Real> dlogits, Write gradients = Write::accumulate);

  /// The walk backward does, from the last layer to the first, with another
  /// step per layer: step(layer, din, dout, in, out) must write din = ∂L/∂in
  /// unless din is empty (layer 0: nobody needs the data's gradient), given
  /// dout = ∂L/∂out, and in and out as the last forward(input) kept them.
  template <typename Step>
  void backward_walk(BasicView<const Real> input, BasicView<const Real> dlogits, Step&& step);

  /// Sets every gradient to zero: gradients accumulate until this is called.
  void zero_gradients();

  /// Calls visit(parameter, gradient) for every parameter tensor in layer
  /// order, a dense layer's weight before its bias.
  template <typename Visit>
  void for_each_parameter(Visit&& visit) {
    for (auto& layer : layers) std::visit([&](auto& kind) { kind.for_each_parameter(visit); }, layer);
  }
  template <typename Visit>
  void for_each_parameter(Visit&& visit) const {
    for (const auto& layer : layers) std::visit([&](const auto& kind) { kind.for_each_parameter(visit); }, layer);
  }

  /// The input width the network requires: that of its first layer that
  /// requires one (0 if none does).
  std::size_t inputs() const;
  /// The width of the logits for an input of inputs() columns.
  std::size_t outputs() const;

  /// Layer l's output from the last forward (B×width).
  BasicView<const Real> output(std::size_t l) const { return outputs_.at(l); }

 private:
  std::vector<BasicTensor<Real>> outputs_;   // outputs_[l]: layer l's output, B×width
  std::vector<BasicTensor<Real>> doutputs_;  // doutputs_[l]: ∂L/∂outputs_[l], B×width
};

using Layer = BasicLayer<float>;
using Network = BasicNetwork<float>;
using DoubleNetwork = BasicNetwork<double>;
// [network]

// [backward-walk]
template <typename Real>
template <typename Step>
void BasicNetwork<Real>::backward_walk(BasicView<const Real> input, BasicView<const Real> dlogits, Step&& step) {
  if (outputs_.size() != layers.size()) throw std::logic_error("backward: no forward pass to go back through");
  doutputs_.resize(layers.size());
  BasicView<const Real> dout = dlogits;  // ∂L/∂(output of layer l), starting at the logits
  for (std::size_t l = layers.size(); l-- > 0;) {
    const BasicView<const Real> in = l == 0 ? input : BasicView<const Real>(outputs_[l - 1]);
    BasicView<Real> din;  // ∂L/∂(input of layer l); none is wanted for the data
    if (l > 0) {
      doutputs_[l - 1].resize(in.rows(), in.cols());
      din = doutputs_[l - 1];
    }
    step(layers[l], din, dout, in, BasicView<const Real>(outputs_[l]));
    dout = din;
  }
}
// [backward-walk]

// [make-mlp]
/// A multilayer perceptron with the given widths, e.g. {784, 128, 10}: a dense
/// layer between each pair of widths, `hidden` after every dense layer but the
/// last (whose outputs are the logits), weights drawn by `init` from `rng`.
Network make_mlp(const std::vector<std::size_t>& widths, ActivationKind hidden, Init init, Rng& rng);
// [make-mlp]

/// The same network in double precision, for gradient checks.
DoubleNetwork to_double(const Network& network);

/// The number of parameters (weights and biases) the network holds.
std::size_t parameter_count(const Network& network);

}  // namespace nn

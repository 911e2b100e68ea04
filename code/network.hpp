// Chapter 6: the network as a plain list of layers, forward and backward.
#pragma once

#include <variant>
#include <vector>

#include "activations.hpp"
#include "dense.hpp"

namespace nn {

//! [network]
/// A layer is one of the book's two kinds; the network is a list of them.
template <typename Real>
using BasicLayer = std::variant<BasicDense<Real>, BasicActivation<Real>>;

template <typename Real>
class BasicNetwork {
 public:
  std::vector<BasicLayer<Real>> layers;

  BasicNetwork() = default;
  explicit BasicNetwork(std::vector<BasicLayer<Real>> list) : layers(std::move(list)) {}

  /// The logits (B×K) of a batch of inputs (B×I). Every layer's output is kept,
  /// in buffers that are reallocated only when the batch size grows, for backward.
  BasicView<const Real> forward(BasicView<const Real> input);

  /// Backpropagates dlogits = ∂L/∂logits (B×K) of the batch that the last
  /// forward saw, from the last layer to the first, adding every parameter's
  /// gradient to its dweight and dbias. `input` must be that batch's input.
  void backward(BasicView<const Real> input, BasicView<const Real> dlogits);

  /// Sets every gradient to zero: gradients accumulate until this is called.
  void zero_gradients();

  /// Calls visit(parameter, gradient) for every parameter tensor in layer
  /// order, a dense layer's weight before its bias.
  template <typename Visit>
  void for_each_parameter(Visit visit) {
    for (auto& layer : layers)
      if (auto* dense = std::get_if<BasicDense<Real>>(&layer)) {
        visit(dense->weight, dense->dweight);
        visit(dense->bias, dense->dbias);
      }
  }

  std::size_t inputs() const;
  std::size_t outputs() const;

  /// Layer l's output from the last forward (B×width): chapter 9's fused
  /// per-sample update walks the layers itself and needs them.
  BasicView<const Real> output(std::size_t l) const { return outputs_.at(l); }

 private:
  std::vector<BasicTensor<Real>> outputs_;   // outputs_[l]: layer l's output, B×width
  std::vector<BasicTensor<Real>> doutputs_;  // doutputs_[l]: ∂L/∂outputs_[l], B×width
};

using Layer = BasicLayer<float>;
using Network = BasicNetwork<float>;
using DoubleNetwork = BasicNetwork<double>;
//! [network]

//! [make-mlp]
/// A multilayer perceptron with the given widths, e.g. {784, 128, 10}: a dense
/// layer between each pair of widths, `hidden` after every dense layer but the
/// last (whose outputs are the logits), weights drawn by `init` from `rng`.
Network make_mlp(const std::vector<std::size_t>& widths, ActivationKind hidden, Init init, Rng& rng);
//! [make-mlp]

/// The same network in double precision, for gradient checks.
DoubleNetwork to_double(const Network& network);

/// The number of parameters (weights and biases) the network holds.
std::size_t parameter_count(Network& network);

}  // namespace nn

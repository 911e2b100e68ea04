// Chapter 3: the dense layer, forward; chapter 6 adds its backward.
#pragma once

#include <random>

#include "tensor.hpp"

namespace nn {

/// The book's one random generator type. Every function that draws random numbers
/// takes one by reference, so a seed passed in fixes every run.
using Rng = std::mt19937_64;

// [dense]
/// A fully connected layer: every output is a weighted sum of every input plus a
/// bias, the pre-activation z = x W + b. The layer owns its parameters and their
/// gradients.
///
/// W is stored I×O, input-major: row i holds what input i adds to each output.
/// (PyTorch stores the transpose and writes z = x Wᵀ + b: the same function.)
/// This layout makes the innermost loop of every product run along O in
/// contiguous memory, and lets it skip an input that is zero, as most MNIST
/// pixels are.
template <typename Real>
struct BasicDense {
  BasicTensor<Real> weight;   // I×O
  BasicTensor<Real> bias;     // 1×O
  BasicTensor<Real> dweight;  // I×O, ∂L/∂W summed over the batch
  BasicTensor<Real> dbias;    // 1×O, ∂L/∂b summed over the batch

  BasicDense(std::size_t inputs, std::size_t outputs)
      : weight(inputs, outputs), bias(1, outputs), dweight(inputs, outputs), dbias(1, outputs) {}
  std::size_t inputs() const { return weight.rows(); }
  std::size_t outputs() const { return weight.cols(); }

  /// out = in W + b, the z = x W + b of the text.  in is B×I, out is B×O.
  void forward(BasicView<Real> out, BasicView<const Real> in) const;

  /// The forward computed out = in W + b. Given dout = ∂L/∂out (B×O), the chain
  /// rule gives dW += inᵀ dout (I×O), db += the column sums of dout and
  /// din = dout Wᵀ (B×I). Gradients add up, unless `gradients` is
  /// Write::overwrite: then dW and db are this batch's alone, written over what
  /// was there. din is overwritten, or skipped when empty (the first layer,
  /// whose input is the data, needs no din). `out` is not needed: every kind of
  /// layer takes the same four views and the same mode (chapter 6).
  void backward(BasicView<Real> din, BasicView<const Real> dout, BasicView<const Real> in,
                BasicView<const Real> out, Write gradients = Write::accumulate);

  /// The members below are the rest of the interface every kind of layer has,
  /// so that the network handles each kind alike (chapter 6).

  /// The input width the layer requires (I); 0 would mean "any width".
  std::size_t input_width() const { return inputs(); }
  /// The output width for an input of the given width: O, whatever it is.
  std::size_t output_width(std::size_t) const { return outputs(); }

  /// Calls visit(parameter, gradient) for W and then b.
  template <typename Visit>
  void for_each_parameter(Visit&& visit) {
    visit(weight, dweight);
    visit(bias, dbias);
  }
  template <typename Visit>
  void for_each_parameter(Visit&& visit) const {
    visit(weight, dweight);
    visit(bias, dbias);
  }

  /// The same layer in double precision, for gradient checks.
  BasicDense<double> to_double() const;
};

using Dense = BasicDense<float>;
using DoubleDense = BasicDense<double>;
// [dense]

// [init]
/// How to draw the initial weights; biases start at zero either way.
enum class Init {
  /// Glorot and Bengio (2010): uniform in ±√(6 / (I + O)), variance 2 / (I + O); for tanh.
  xavier,
  /// He et al. (2015): normal with variance 2 / I; for layers whose input comes out of a ReLU.
  he,
};
// [init]

/// The variance that `init` gives each weight of an I-input, O-output layer.
double init_variance(Init init, std::size_t inputs, std::size_t outputs);

/// Draws the layer's weights from `rng` by the rule `init` and zeroes its biases.
template <typename Real>
void initialise(BasicDense<Real>& layer, Init init, Rng& rng);

}  // namespace nn

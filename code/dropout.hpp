// Chapter 13: dropout (Srivastava et al. 2014), in its inverted form.
#pragma once

#include <cstdint>
#include <random>

#include "tensor.hpp"

namespace nn {

// [dropout]
/// The strength of a dropout layer and the seed of its own generator.
struct DropoutSettings {
  double rate = 0.5;       // r: the probability of dropping each input, in [0, 1)
  std::uint64_t seed = 1;  // of the layer's mask generator: the same seed, the same masks
};

/// Inverted dropout. In training, every input x(n, i) is kept with probability
/// 1 − r and then scaled by 1 / (1 − r), or dropped (set to 0) with probability
/// r, independently, a new mask for every batch:
///   a(n, i) = q(n, i) · x(n, i),  q(n, i) = 1 / (1 − r) with probability 1 − r, else 0,
/// so that the expected output E[a(n, i)] = (1 − r) · x(n, i) / (1 − r) = x(n, i)
/// is the input. In evaluation the layer is the identity, a = x: scaling in
/// training (rather than multiplying by 1 − r in evaluation, as the original
/// paper did) leaves nothing for evaluation to do.
///
/// The mode is the network's constness. The const forward, the one a const
/// network calls (evaluate and predict only ever see a const network), is the
/// identity: a const layer cannot draw a mask, since its generator would
/// change. The non-const forward, the one a training step reaches through the
/// network it updates, draws a mask. No flag to set, so none to forget.
template <typename Real>
struct BasicDropout {
  Real rate;               // r
  std::mt19937_64 rng;     // draws the masks, and nothing else
  BasicTensor<Real> mask;  // B×I, q of the last training forward: 0 or 1 / (1 − r)

  /// Throws std::invalid_argument unless 0 ≤ r < 1 (r = 1 would drop everything
  /// and divide by zero).
  explicit BasicDropout(DropoutSettings settings);

  /// Evaluation: out = in. in and out are B×I.
  void forward(BasicView<Real> out, BasicView<const Real> in) const;
  /// Training: draws a new mask q (B×I), then out = q ⊙ in.
  void forward(BasicView<Real> out, BasicView<const Real> in);

  /// The two halves of the training forward, apart so that a test can hold
  /// the mask fixed: draw_mask draws q for a B×I input, apply_mask computes
  /// out = q ⊙ in with the q drawn last.
  void draw_mask(std::size_t rows, std::size_t cols);
  void apply_mask(BasicView<Real> out, BasicView<const Real> in) const;

  /// The forward computed a = q ⊙ x with q fixed, so ∂a(n, i)/∂x(n, i) = q(n, i)
  /// and din = dout ⊙ q: a dropped input gets no gradient, a kept one its
  /// output's gradient scaled by 1 / (1 − r). din, dout are B×I; in and out are
  /// not needed, nor is the mode: there are no parameters. An empty din is
  /// not wanted (dropout on the data itself).
  void backward(BasicView<Real> din, BasicView<const Real> dout, BasicView<const Real> in,
                BasicView<const Real> out, Write gradients = Write::accumulate) const;

  /// The rest of the interface every kind of layer has (chapter 6): any input
  /// width, the same width out, no parameters.
  std::size_t input_width() const { return 0; }
  std::size_t output_width(std::size_t input_width) const { return input_width; }
  template <typename Visit>
  void for_each_parameter(Visit&&) const {}
  /// The same layer in double precision (the same r, generator state and mask).
  BasicDropout<double> to_double() const;
};

using Dropout = BasicDropout<float>;
using DoubleDropout = BasicDropout<double>;
// [dropout]

}  // namespace nn

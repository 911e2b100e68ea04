// Chapter 13: dropout (Srivastava et al. 2014), in its inverted form.
#pragma once

#include <cstdint>
#include <random>

#include "tensor.hpp"

namespace nn {

//! [dropout]
/// The strength of a dropout layer and the seed of its own generator.
struct DropoutSettings {
  double rate = 0.5;       // p: the probability of dropping each input, in [0, 1)
  std::uint64_t seed = 1;  // of the layer's mask generator: the same seed, the same masks
};

/// Inverted dropout. In training, every input x(n, i) is kept with probability
/// 1 − p and then scaled by 1 / (1 − p), or dropped (set to 0) with probability
/// p, independently, a new mask for every batch:
///   a(n, i) = m(n, i) · x(n, i),  m(n, i) = 1 / (1 − p) with probability 1 − p, else 0,
/// so that the expected output E[a(n, i)] = (1 − p) · x(n, i) / (1 − p) = x(n, i)
/// is the input. In evaluation the layer is the identity, a = x: scaling in
/// training (rather than multiplying by 1 − p in evaluation, as the original
/// paper did) leaves nothing for evaluation to do.
///
/// The mode is the network's constness. The const forward, the one a const
/// network calls (evaluate and predict only ever see a const network), is the
/// identity: a const layer cannot draw a mask, since its generator would
/// change. The non-const forward, the one a training step reaches through the
/// network it updates, draws a mask. No flag to set, so none to forget.
template <typename Real>
struct BasicDropout {
  Real rate;               // p
  std::mt19937_64 rng;     // draws the masks, and nothing else
  BasicTensor<Real> mask;  // B×I, m of the last training forward: 0 or 1 / (1 − p)

  /// Throws std::invalid_argument unless 0 ≤ p < 1 (p = 1 would drop everything
  /// and divide by zero).
  explicit BasicDropout(DropoutSettings settings);

  /// Evaluation: out = in. in and out are B×I.
  void forward(BasicView<Real> out, BasicView<const Real> in) const;
  /// Training: draws a new mask m (B×I), then out = m ⊙ in.
  void forward(BasicView<Real> out, BasicView<const Real> in);

  /// The two halves of the training forward, apart so that a test can hold
  /// the mask fixed: draw_mask draws m for a B×I input, apply_mask computes
  /// out = m ⊙ in with the m drawn last.
  void draw_mask(std::size_t rows, std::size_t cols);
  void apply_mask(BasicView<Real> out, BasicView<const Real> in) const;

  /// The forward computed a = m ⊙ x with m fixed, so ∂a(n, i)/∂x(n, i) = m(n, i)
  /// and din = dout ⊙ m: a dropped input gets no gradient, a kept one its
  /// output's gradient scaled by 1 / (1 − p). din, dout are B×I; in and out are
  /// not needed. An empty din is not wanted (dropout on the data itself).
  void backward(BasicView<Real> din, BasicView<const Real> dout, BasicView<const Real> in,
                BasicView<const Real> out) const;

  /// The rest of the interface every kind of layer has (chapter 6): any input
  /// width, the same width out, no parameters.
  std::size_t input_width() const { return 0; }
  std::size_t output_width(std::size_t input_width) const { return input_width; }
  template <typename Visit>
  void for_each_parameter(Visit&&) const {}
  /// The same layer in double precision (the same p, generator state and mask).
  BasicDropout<double> to_double() const;
};

using Dropout = BasicDropout<float>;
using DoubleDropout = BasicDropout<double>;
//! [dropout]

}  // namespace nn

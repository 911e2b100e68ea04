// Chapter 13: dropout.
#include "dropout.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace nn {

template <typename Real>
BasicDropout<Real>::BasicDropout(DropoutSettings settings)
    : rate(static_cast<Real>(settings.rate)), rng(settings.seed) {
  if (!(settings.rate >= 0 && settings.rate < 1))  // also refuses NaN
    throw std::invalid_argument("dropout: the rate r must be in [0, 1); got " +
                                std::to_string(settings.rate));
}

// [dropout-mask]
template <typename Real>
void BasicDropout<Real>::draw_mask(std::size_t rows, std::size_t cols) {
  mask.resize(rows, cols);
  const Real kept = Real{1} / (Real{1} - rate);  // 1 / (1 − r); exactly 1 when r = 0
  for (Real& q : mask.values()) {
    // u uniform in [0, 1) from the top 53 bits of one draw: the generator's
    // output is fixed by the standard, so the same seed gives the same masks
    // with any standard library (std::bernoulli_distribution's is not).
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    q = u >= static_cast<double>(rate) ? kept : Real{0};  // kept with probability 1 − r
  }
}

template <typename Real>
void BasicDropout<Real>::apply_mask(BasicView<Real> out, BasicView<const Real> in) const {
  if (mask.rows() != in.rows() || mask.cols() != in.cols() || out.rows() != in.rows() ||
      out.cols() != in.cols())
    throw ShapeError("dropout: the mask is " + shape_string(mask.view()) + ", in " + shape_string(in) +
                     " and out " + shape_string(out) + "; all three must have one shape");
  const Real* q = mask.data();
  for (std::size_t i = 0; i < in.size(); ++i) out.data()[i] = q[i] * in.data()[i];  // a = q ⊙ x
}
// [dropout-mask]

// [dropout-forward]
template <typename Real>
void BasicDropout<Real>::forward(BasicView<Real> out, BasicView<const Real> in) const {
  map(out, in, [](Real x) { return x; });  // evaluation: the identity
}

template <typename Real>
void BasicDropout<Real>::forward(BasicView<Real> out, BasicView<const Real> in) {
  draw_mask(in.rows(), in.cols());  // training: a new mask for every batch
  apply_mask(out, in);
}
// [dropout-forward]

// [dropout-backward]
template <typename Real>
void BasicDropout<Real>::backward(BasicView<Real> din, BasicView<const Real> dout, BasicView<const Real>,
                                  BasicView<const Real>, Write) const {
  if (din.size() == 0) return;  // dx not wanted: the layer's input is the data
  apply_mask(din, dout);        // dx = q ⊙ da, the same mask the forward used
}
// [dropout-backward]

template <typename Real>
BasicDropout<double> BasicDropout<Real>::to_double() const {
  BasicDropout<double> copy({.rate = static_cast<double>(rate)});
  copy.rng = rng;
  copy.mask.resize(mask.rows(), mask.cols());
  std::copy(mask.values().begin(), mask.values().end(), copy.mask.values().begin());
  return copy;
}

template struct BasicDropout<float>;
template struct BasicDropout<double>;

}  // namespace nn

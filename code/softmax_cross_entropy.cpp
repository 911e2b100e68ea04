// Chapter 5: softmax and cross-entropy.
#include "softmax_cross_entropy.hpp"

#include <algorithm>
#include <cmath>

namespace nn {

namespace {

template <typename Real>
void check_same_shape(const char* name, BasicView<const Real> a, BasicView<const Real> b, BasicView<const Real> c) {
  if (a.rows() != b.rows() || a.cols() != b.cols() || a.rows() != c.rows() || a.cols() != c.cols())
    throw ShapeError(std::string(name) + ": shapes " + shape_string(a) + ", " + shape_string(b) + " and " +
                     shape_string(c) + "; all must be the same B×K");
}

// [log-sum-exp]
// For one row of logits z: fills p with softmax(z) and returns log Σⱼ e^{zⱼ},
// computed as m + log Σⱼ e^{zⱼ − m} with m = max z, so no exponential overflows.
template <typename Real>
Real softmax_row(Real* p, const Real* z, std::size_t classes) {
  const Real m = *std::max_element(z, z + classes);
  Real sum = 0;
  for (std::size_t k = 0; k < classes; ++k) sum += (p[k] = std::exp(z[k] - m));
  for (std::size_t k = 0; k < classes; ++k) p[k] /= sum;
  return m + std::log(sum);
}
// [log-sum-exp]

template <typename Real>
void softmax_kernel(BasicView<Real> probabilities, BasicView<const Real> logits) {
  check_same_shape<Real>("softmax", probabilities, logits, logits);
  for (std::size_t n = 0; n < logits.rows(); ++n)
    softmax_row(probabilities.row(n).data(), logits.row(n).data(), logits.cols());
}

// [cross-entropy-forward]
template <typename Real>
Real cross_entropy_forward_kernel(BasicView<Real> probabilities, BasicView<const Real> logits,
                                   BasicView<const Real> targets) {
  check_same_shape<Real>("softmax_cross_entropy_forward", probabilities, logits, targets);
  double total = 0;  // summed in double: a float sum of tens of thousands of losses loses digits
  for (std::size_t n = 0; n < logits.rows(); ++n) {
    const Real* z = logits.row(n).data();
    const Real* y = targets.row(n).data();
    const Real log_sum_exp = softmax_row(probabilities.row(n).data(), z, logits.cols());
    for (std::size_t k = 0; k < logits.cols(); ++k)
      if (y[k] != Real{0}) total -= static_cast<double>(y[k]) * (z[k] - log_sum_exp);  // −y log p
  }
  return static_cast<Real>(total / static_cast<double>(logits.rows()));
}
// [cross-entropy-forward]

// [cross-entropy-backward]
template <typename Real>
void cross_entropy_backward_kernel(BasicView<Real> dlogits, BasicView<const Real> probabilities,
                                    BasicView<const Real> targets, std::size_t batch_rows) {
  check_same_shape<Real>("softmax_cross_entropy_backward", dlogits, probabilities, targets);
  const Real inverse_batch = Real{1} / static_cast<Real>(batch_rows);
  for (std::size_t i = 0; i < dlogits.size(); ++i)
    dlogits.data()[i] = (probabilities.data()[i] - targets.data()[i]) * inverse_batch;  // (p − y) / B
}
// [cross-entropy-backward]

}  // namespace

void softmax(TensorView p, ConstTensorView z) { softmax_kernel(p, z); }
void softmax(DoubleView p, ConstDoubleView z) { softmax_kernel(p, z); }
float softmax_cross_entropy_forward(TensorView p, ConstTensorView z, ConstTensorView y) {
  return cross_entropy_forward_kernel(p, z, y);
}
double softmax_cross_entropy_forward(DoubleView p, ConstDoubleView z, ConstDoubleView y) {
  return cross_entropy_forward_kernel(p, z, y);
}
void softmax_cross_entropy_backward(TensorView dz, ConstTensorView p, ConstTensorView y) {
  cross_entropy_backward_kernel(dz, p, y, dz.rows());
}
void softmax_cross_entropy_backward(DoubleView dz, ConstDoubleView p, ConstDoubleView y) {
  cross_entropy_backward_kernel(dz, p, y, dz.rows());
}
void softmax_cross_entropy_backward(TensorView dz, ConstTensorView p, ConstTensorView y, std::size_t batch_rows) {
  cross_entropy_backward_kernel(dz, p, y, batch_rows);
}

}  // namespace nn

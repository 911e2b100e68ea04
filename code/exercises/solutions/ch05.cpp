// Reference solutions to chapter 5's exercises.
#include "ch05.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "tensor.hpp"

namespace exercises {

namespace {
void require_same_shape(const char* name, nn::ConstDoubleView a, nn::ConstDoubleView b) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw nn::ShapeError(std::string(name) + ": shapes " + nn::shape_string(a) + " and " + nn::shape_string(b) +
                         " must be the same B×K");
}
}  // namespace

// [ch05-log-softmax]
void log_softmax(nn::DoubleView out, nn::ConstDoubleView logits) {
  require_same_shape("log_softmax", out, logits);
  for (std::size_t n = 0; n < logits.rows(); ++n) {
    const auto z = logits.row(n);
    const double m = *std::max_element(z.begin(), z.end());
    double sum = 0;
    for (double v : z) sum += std::exp(v - m);  // each term in (0, 1], one of them 1
    // (z_k − m) − log Σ, not z_k − (m + log Σ): for logits near 1000, m + log Σ
    // would round to the spacing of doubles near 1000 before the subtraction.
    const double log_sum = std::log(sum);
    for (std::size_t k = 0; k < z.size(); ++k) out(n, k) = (z[k] - m) - log_sum;
  }
}
// [ch05-log-softmax]

// [ch05-smooth-labels]
void smooth_labels(nn::DoubleView out, nn::ConstDoubleView one_hot, double alpha) {
  require_same_shape("smooth_labels", out, one_hot);
  if (!(alpha >= 0 && alpha < 1)) throw std::invalid_argument("smooth_labels: alpha must be in [0, 1)");
  const double floor = alpha / static_cast<double>(one_hot.cols());
  for (std::size_t i = 0; i < one_hot.size(); ++i) out.data()[i] = (1 - alpha) * one_hot.data()[i] + floor;
}
// [ch05-smooth-labels]

// [ch05-temperature]
// softmax(z / T) is softmax((z − m) / T), m the row's largest logit: the same
// shift as the library's, done before the division. Then every exponent is in
// [−∞, 0] even where z / T alone would overflow (T = 10⁻³⁰⁰, say), and the
// largest is exactly 0.
void softmax_with_temperature(nn::DoubleView out, nn::ConstDoubleView logits, double temperature) {
  require_same_shape("softmax_with_temperature", out, logits);
  if (!(temperature > 0 && std::isfinite(temperature)))
    throw std::invalid_argument("softmax_with_temperature: temperature must be positive and finite");
  for (std::size_t n = 0; n < logits.rows(); ++n) {
    const auto z = logits.row(n);
    const double m = *std::max_element(z.begin(), z.end());
    double sum = 0;
    for (std::size_t k = 0; k < z.size(); ++k) sum += (out(n, k) = std::exp((z[k] - m) / temperature));
    for (std::size_t k = 0; k < z.size(); ++k) out(n, k) /= sum;
  }
}
// [ch05-temperature]

}  // namespace exercises

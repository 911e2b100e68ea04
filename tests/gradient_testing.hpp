// Helpers for the finite-difference gradient checks of chapters 4–6.
#pragma once

#include <cmath>
#include <functional>

#include "gradient_check.hpp"
#include "tensor.hpp"

namespace gradient_testing {

/// A tensor filled with a fixed pseudo-random pattern in [−scale, scale].
inline nn::DoubleTensor pattern(std::size_t rows, std::size_t cols, double scale = 1.0, double phase = 0.0) {
  nn::DoubleTensor t(rows, cols);
  for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = scale * std::sin(1.7 * static_cast<double>(i) + phase + 0.3);
  return t;
}

/// One-hot rows with label (b·3 + 1) mod classes for row b.
inline nn::DoubleTensor one_hot_pattern(std::size_t rows, std::size_t classes) {
  nn::DoubleTensor t(rows, classes);
  for (std::size_t b = 0; b < rows; ++b) t(b, (b * 3 + 1) % classes) = 1.0;
  return t;
}

/// The largest relative error between `analytic` and the central differences of
/// `loss` with respect to `parameter`.
inline double max_error_against_differences(nn::DoubleTensor& parameter, const nn::DoubleTensor& analytic,
                                            const std::function<double()>& loss, double epsilon = 1e-6) {
  nn::DoubleTensor numerical(parameter.rows(), parameter.cols());
  nn::central_differences(parameter, numerical, epsilon, loss);
  double worst = 0;
  for (std::size_t i = 0; i < parameter.size(); ++i)
    worst = std::max(worst, nn::relative_error(analytic.data()[i], numerical.data()[i]));
  return worst;
}

/// Σ g ⊙ out: a scalar "loss" whose gradient with respect to out is g, so that
/// any layer can be checked on its own with dout = g.
inline double weighted_sum(const nn::DoubleTensor& g, nn::ConstDoubleView out) {
  double sum = 0;
  for (std::size_t i = 0; i < out.size(); ++i) sum += g.data()[i] * out.data()[i];
  return sum;
}

}  // namespace gradient_testing

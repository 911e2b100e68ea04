// Reference solutions to chapter 12's exercises.
#include "ch12.hpp"

#include <cmath>
#include <stdexcept>

namespace exercises {

// [ch12-look-ahead]
std::vector<LookAhead> nesterov_look_ahead(const std::function<double(double)>& gradient, double start,
                                           double momentum, double learning_rate, std::size_t steps) {
  std::vector<LookAhead> path;
  path.reserve(steps);
  LookAhead at{start, 0};
  for (std::size_t t = 1; t <= steps; ++t) {
    at.velocity = momentum * at.velocity - learning_rate * gradient(at.theta + momentum * at.velocity);
    at.theta += at.velocity;
    path.push_back(at);
  }
  return path;
}
// [ch12-look-ahead]

// [ch12-uncorrected]
double uncorrected_step_over_rate(double beta1, double beta2, std::size_t t) {
  // With ∇ constant: m_t = (1 − β₁ᵗ) ∇ and s_t = (1 − β₂ᵗ) ∇², so
  // η m / √s = η (1 − β₁ᵗ) / √(1 − β₂ᵗ) · ∇/|∇|.
  const auto updates = static_cast<double>(t);
  return (1 - std::pow(beta1, updates)) / std::sqrt(1 - std::pow(beta2, updates));
}
// [ch12-uncorrected]

// [ch12-inverse-sqrt]
nn::Schedule inverse_square_root(std::size_t warmup) {
  if (warmup == 0) throw std::invalid_argument("inverse_square_root: the warm-up must be at least 1 update");
  return [warmup](std::size_t t) {
    const auto w = static_cast<double>(warmup), updates = static_cast<double>(t);
    return static_cast<float>(t <= warmup ? updates / w : std::sqrt(w / updates));
  };
}
// [ch12-inverse-sqrt]

}  // namespace exercises

// Reference solutions to chapter 13's exercises.
#include "ch13.hpp"

#include <algorithm>
#include <cmath>
#include <variant>

#include "dropout.hpp"

namespace exercises {

namespace {
// The weights W (I×O) of every dense layer, with their gradients. One
// overload per kind of layer, so a new kind does not compile here until
// somebody decides whether it has weights to penalise.
template <typename Visit>
void visit_weights(nn::Dense& dense, Visit&& visit) { visit(dense.weight, dense.dweight); }
template <typename Visit>
void visit_weights(const nn::Dense& dense, Visit&& visit) { visit(dense.weight, dense.dweight); }
template <typename Visit>
void visit_weights(const nn::Activation&, Visit&&) {}
template <typename Visit>
void visit_weights(const nn::Dropout&, Visit&&) {}

template <typename Network, typename Visit>
void for_each_weight(Network& network, Visit&& visit) {
  for (auto& layer : network.layers) std::visit([&](auto& kind) { visit_weights(kind, visit); }, layer);
}
}  // namespace

// [ch13-l1]
double l1_penalty(const nn::Network& network, float lambda) {
  double sum = 0;  // Σ |W|
  for_each_weight(network, [&](const nn::Tensor& weight, const nn::Tensor&) {
    for (float w : weight.values()) sum += std::abs(w);
  });
  return lambda * sum;
}

void add_l1_gradient(nn::Network& network, float lambda) {
  for_each_weight(network, [&](nn::Tensor& weight, nn::Tensor& dweight) {
    const float* w = weight.data();
    float* dw = dweight.data();
    for (std::size_t i = 0; i < weight.size(); ++i) {
      const float sign = w[i] > 0 ? 1.0f : w[i] < 0 ? -1.0f : 0.0f;
      dw[i] += lambda * sign;  // dW += λ sign(W): the same pull toward 0 whatever |W| is
    }
  });
}
// [ch13-l1]

// [ch13-max-norm]
void MaxNorm::update(nn::Network& network, float learning_rate) {
  inner_.update(network, learning_rate);
  for_each_weight(network, [&](nn::Tensor& weight, nn::Tensor&) {
    for (std::size_t o = 0; o < weight.cols(); ++o) {
      double squares = 0;  // ‖W(:, o)‖²: column o is strided, one element per row
      for (std::size_t i = 0; i < weight.rows(); ++i)
        squares += static_cast<double>(weight(i, o)) * weight(i, o);
      const double norm = std::sqrt(squares);
      if (norm <= max_norm_) continue;
      const auto scale = static_cast<float>(max_norm_ / norm);  // brings the norm down to c
      for (std::size_t i = 0; i < weight.rows(); ++i) weight(i, o) *= scale;
    }
  });
}
// [ch13-max-norm]

// [ch13-generalisation-loss]
std::vector<double> generalisation_losses(const nn::History& history) {
  std::vector<double> losses;
  double lowest = 0;  // E_opt(t)
  for (const nn::EpochRecord& record : history) {
    const double loss = record.validation.loss;
    lowest = losses.empty() ? loss : std::min(lowest, loss);
    losses.push_back(100 * (loss / lowest - 1));
  }
  return losses;
}

std::size_t first_epoch_over(const nn::History& history, double alpha) {
  const std::vector<double> losses = generalisation_losses(history);
  for (std::size_t t = 0; t < losses.size(); ++t)
    if (losses[t] > alpha) return history[t].epoch;
  return 0;
}
// [ch13-generalisation-loss]

}  // namespace exercises

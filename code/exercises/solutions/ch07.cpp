// Reference solutions to chapter 7's exercises.
#include "ch07.hpp"

#include <algorithm>
#include <stdexcept>

namespace exercises {

// [ch07-momentum]
void Momentum::update(nn::Network& network, float learning_rate) {
  if (velocities_.empty())  // first call: one zero velocity per parameter tensor
    network.for_each_parameter([&](nn::Tensor& parameter, nn::Tensor&) {
      velocities_.emplace_back(parameter.rows(), parameter.cols());
    });
  std::size_t k = 0;
  network.for_each_parameter([&](nn::Tensor& parameter, nn::Tensor& gradient) {
    nn::Tensor& velocity = velocities_.at(k++);
    if (velocity.rows() != parameter.rows() || velocity.cols() != parameter.cols())
      throw nn::ShapeError("Momentum: velocity " + nn::shape_string(velocity.view()) + " for a parameter " +
                           nn::shape_string(parameter.view()));
    float* v = velocity.data();
    float* theta = parameter.data();
    const float* dtheta = gradient.data();
    for (std::size_t i = 0; i < parameter.size(); ++i) {
      v[i] = momentum_ * v[i] - learning_rate * dtheta[i];
      theta[i] += v[i];
    }
  });
}
// [ch07-momentum]

// [ch07-weight-decay]
namespace {
// What decay does to each kind of layer: one function per kind, so a new kind
// does not compile here until somebody decides what its decay is.
void decay(nn::Dense& dense, float lambda) {
  const float* w = dense.weight.data();
  float* dw = dense.dweight.data();
  for (std::size_t i = 0; i < dense.weight.size(); ++i) dw[i] += lambda * w[i];  // ∂/∂W of (λ/2) W²
}
void decay(nn::Activation&, float) {}  // no parameters
void decay(nn::Dropout&, float) {}     // no parameters
}  // namespace

void add_weight_decay(nn::Network& network, float lambda) {
  for (nn::Layer& layer : network.layers) std::visit([&](auto& kind) { decay(kind, lambda); }, layer);
}
// [ch07-weight-decay]

// [ch07-early-stopping]
namespace {
nn::History::const_iterator best_record(const nn::History& history) {
  if (history.empty()) throw std::invalid_argument("early stopping: the history is empty");
  // min_element returns the first of equal elements: the earliest best epoch.
  return std::min_element(history.begin(), history.end(), [](const nn::EpochRecord& a, const nn::EpochRecord& b) {
    return a.validation.loss < b.validation.loss;
  });
}
}  // namespace

std::size_t best_epoch(const nn::History& history) { return best_record(history)->epoch; }

bool should_stop(const nn::History& history, std::size_t patience) {
  const auto records_since_best = static_cast<std::size_t>(history.end() - best_record(history)) - 1;
  return records_since_best >= patience;
}
// [ch07-early-stopping]

}  // namespace exercises

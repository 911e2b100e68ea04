// Chapter 13: regularisation.
#include "regularisation.hpp"

#include <variant>

#include "dropout.hpp"

namespace nn {

namespace {
// The weights of every dense layer, W (I×O), with their gradients: the
// parameters that L2 and decay act on. One overload per kind of layer, so a new
// kind does not compile here until somebody decides what it has to decay.
template <typename Visit>
void visit_weights(Dense& dense, Visit&& visit) { visit(dense.weight, dense.dweight); }
template <typename Visit>
void visit_weights(const Dense& dense, Visit&& visit) { visit(dense.weight, dense.dweight); }
template <typename Visit>
void visit_weights(const Activation&, Visit&&) {}  // no parameters
template <typename Visit>
void visit_weights(const Dropout&, Visit&&) {}  // no parameters

template <typename Net, typename Visit>
void for_each_weight(Net& network, Visit&& visit) {
  for (auto& layer : network.layers) std::visit([&](auto& kind) { visit_weights(kind, visit); }, layer);
}
}  // namespace

// [l2-code]
double l2_penalty(const Network& network, float lambda) {
  double sum = 0;  // Σ W², in double: many small squares
  for_each_weight(network, [&](const Tensor& weight, const Tensor&) {
    for (float w : weight.values()) sum += static_cast<double>(w) * w;
  });
  return 0.5 * lambda * sum;
}

void add_l2_gradient(Network& network, float lambda) {
  for_each_weight(network, [&](Tensor& weight, Tensor& dweight) {
    const float* w = weight.data();
    float* dw = dweight.data();
    for (std::size_t i = 0; i < weight.size(); ++i) dw[i] += lambda * w[i];  // dW += λ W
  });
}

void L2Penalty::update(Network& network, float learning_rate) {
  add_l2_gradient(network, lambda_);
  inner_.update(network, learning_rate);
}
// [l2-code]

// [decoupled-code]
void shrink_weights(Network& network, float factor) {
  for_each_weight(network, [&](Tensor& weight, Tensor&) {
    float* w = weight.data();
    for (std::size_t i = 0; i < weight.size(); ++i) w[i] -= factor * w[i];  // W ← W − η λ W
  });
}

void DecoupledWeightDecay::update(Network& network, float learning_rate) {
  // Decay first, from the weights the gradient was taken at, as AdamW writes it:
  // (1 − η λ) W − η · step, the step computed from ∂L/∂W at the same W.
  shrink_weights(network, learning_rate * lambda_);
  inner_.update(network, learning_rate);
}
// [decoupled-code]

void insert_dropout(Network& network, DropoutSettings hidden, double input_rate) {
  std::vector<Layer> layers;
  std::uint64_t inserted = 0;
  if (input_rate > 0) layers.emplace_back(Dropout({.rate = input_rate, .seed = hidden.seed + inserted++}));
  for (Layer& layer : network.layers) {
    const bool activation = std::holds_alternative<Activation>(layer);
    layers.push_back(std::move(layer));
    if (activation) layers.emplace_back(Dropout({.rate = hidden.rate, .seed = hidden.seed + inserted++}));
  }
  network = Network(std::move(layers));
}

// [early-stopping-code]
bool EarlyStopping::better(const EpochRecord& record) const {
  if (seen_ == 0) return true;
  return settings_.watch == Watch::validation_loss
             ? record.validation.loss < best_record_.validation.loss
             : record.validation.accuracy > best_record_.validation.accuracy;
}

bool EarlyStopping::should_stop(const Network& network, const EpochRecord& record) {
  if (better(record)) {
    best_record_ = record;
    best_epoch_ = record.epoch;
    best_network_ = network;  // a copy: training goes on changing `network`
    since_best_ = 0;
  } else {
    ++since_best_;
  }
  ++seen_;
  return since_best_ >= settings_.patience;
}
// [early-stopping-code]

}  // namespace nn

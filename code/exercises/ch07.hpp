// Chapter 7's exercises. Answer them in workspace/ch07.cpp; the tests are
// tests/exercises/test_ch07_exercises.cpp (ctest -L exercise).
#pragma once

#include <vector>

#include "training.hpp"

namespace exercises {

// [ch07-declarations]
/// Exercise 7.1: gradient descent with momentum, as an update rule that the
/// training loops accept (settings.rule). One velocity tensor per parameter
/// tensor, in for_each_parameter's order, zero before the first update (an
/// empty `velocities` is sized and zeroed on the first call). Then, for every
/// parameter θ with gradient ∇ (the dweight or dbias the last backward left):
/// v ← μ v − η ∇, then θ ← θ + v.
class Momentum final : public nn::Optimiser {
 public:
  explicit Momentum(float momentum) : momentum_(momentum) {}
  void update(nn::Network& network, float learning_rate) override;
  const std::vector<nn::Tensor>& velocities() const { return velocities_; }

 private:
  float momentum_;                     // μ
  std::vector<nn::Tensor> velocities_;  // v, one per parameter tensor
};

/// Exercise 7.2: L2 weight decay. Training then minimises L + (λ/2) Σ W² over
/// the weights W of every dense layer (not the biases); add that term's
/// gradient, λ W, to every dweight. Call it between backward and the update.
void add_weight_decay(nn::Network& network, float lambda);

/// Exercise 7.3: early stopping. best_epoch is the `epoch` of the record with
/// the smallest validation loss (the earliest, if several tie); should_stop says
/// whether `patience` or more records have come after that best one, that is,
/// that many epochs without a new best. Both throw std::invalid_argument for an
/// empty history.
std::size_t best_epoch(const nn::History& history);
bool should_stop(const nn::History& history, std::size_t patience);
// [ch07-declarations]

}  // namespace exercises

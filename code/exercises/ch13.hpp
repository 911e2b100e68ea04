// Chapter 13's exercises. Answer them in workspace/ch13.cpp; the tests are
// tests/exercises/test_ch13_exercises.cpp (ctest -L exercise).
#pragma once

#include <vector>

#include "training.hpp"

namespace exercises {

// [ch13-declarations]
/// Exercise 13.1: the L1 penalty. Training then minimises L + λ Σ |W| over the
/// weights W of every dense layer (not the biases). l1_penalty returns λ Σ |W|;
/// add_l1_gradient adds its gradient, λ sign(W), to every dweight, taking
/// sign(0) = 0 (|w| has no derivative at 0; 0 lies between its slopes, −1 and 1).
double l1_penalty(const nn::Network& network, float lambda);
void add_l1_gradient(nn::Network& network, float lambda);

/// Exercise 13.2: the max-norm constraint (Srivastava et al. 2014, section
/// 5.1), as a rule that wraps another: after `inner` has updated, every
/// column o of every dense layer's W (I×O; column o holds the I weights into
/// output o) whose Euclidean norm exceeds c is scaled down to norm c exactly.
/// Columns within the bound, and biases, are left as they are.
class MaxNorm final : public nn::Optimiser {
 public:
  MaxNorm(float max_norm, nn::Optimiser& inner) : max_norm_(max_norm), inner_(inner) {}
  void update(nn::Network& network, float learning_rate) override;

 private:
  float max_norm_;  // c
  nn::Optimiser& inner_;
};

/// Exercise 13.3: Prechelt's (1998) generalisation loss, another rule for
/// stopping: GL(t) = 100 · (E(t) / E_opt(t) − 1), where E(t) is the validation
/// loss of record t and E_opt(t) the lowest validation loss of the records up
/// to and including t (so GL ≥ 0, and 0 at every new best). generalisation_losses
/// returns GL for every record, in order; first_epoch_over returns the `epoch`
/// of the first record whose GL exceeds alpha, or 0 if none does.
std::vector<double> generalisation_losses(const nn::History& history);
std::size_t first_epoch_over(const nn::History& history, double alpha);
// [ch13-declarations]

}  // namespace exercises

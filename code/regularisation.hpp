// Chapter 13: regularisation. The L2 penalty and decoupled weight decay, as
// update rules that wrap another; early stopping on the validation split.
#pragma once

#include <cstddef>

#include "dropout.hpp"
#include "training.hpp"

namespace nn {

// [l2]
/// The L2 penalty: training minimises L + (λ/2) Σ W², the sum over the weights
/// W of every dense layer (biases are not penalised: a bias shifts where a unit
/// switches on, it does not make the function steeper). The penalty's value, for
/// the loss a reader wants to print:
double l2_penalty(const Network& network, float lambda);

/// Its gradient, ∂/∂W (λ/2) W² = λ W, added to every dweight (I×O) after
/// backward has left ∂L/∂W there: dW ← dW + λ W.
void add_l2_gradient(Network& network, float lambda);

/// An update rule that adds the L2 penalty's gradient and then lets `inner`
/// update (chapter 12's rules, or plain descent): the penalty is part of the
/// gradient, so an adaptive rule like Adam rescales it with the rest.
class L2Penalty final : public Optimiser {
 public:
  /// `inner` stays the caller's and must outlive this rule.
  L2Penalty(float lambda, Optimiser& inner) : lambda_(lambda), inner_(inner) {}
  void update(Network& network, float learning_rate) override;

 private:
  float lambda_;  // λ
  Optimiser& inner_;
};
// [l2]

// [decoupled]
/// Decoupled weight decay (Loshchilov & Hutter 2019): every weight shrinks by
/// the factor (1 − η λ) outside the gradient, and `inner` then steps on the
/// loss's gradient alone:
///   W ← W − η λ W,   then the inner rule's step on ∂L/∂W.
/// Under plain descent that is W − η λ W − η ∂L/∂W, the L2 penalty's update; under
/// Adam it is not, since Adam divides the penalty's λ W by √ŝ and this is never
/// divided. With Adam inside, it is AdamW.
class DecoupledWeightDecay final : public Optimiser {
 public:
  /// `inner` stays the caller's and must outlive this rule.
  DecoupledWeightDecay(float lambda, Optimiser& inner) : lambda_(lambda), inner_(inner) {}
  void update(Network& network, float learning_rate) override;

 private:
  float lambda_;  // λ
  Optimiser& inner_;
};

/// W ← W − factor · W for the weights of every dense layer (factor = η λ).
void shrink_weights(Network& network, float factor);
// [decoupled]

// [insert-dropout]
/// Puts a dropout layer of rate r = hidden.rate after every activation of the
/// network (on the hidden layers' outputs) and, if input_rate > 0, one of that
/// rate before the first layer (on the pixels), the l-th layer inserted seeded
/// with hidden.seed + l, so that no two draw the same masks.
void insert_dropout(Network& network, DropoutSettings hidden, double input_rate = 0);
// [insert-dropout]

// [early-stopping]
/// Which number of the validation split early stopping watches.
enum class Watch { validation_loss, validation_accuracy };

struct EarlyStoppingSettings {
  std::size_t patience = 5;             // epochs without a new best before stopping
  Watch watch = Watch::validation_loss;
};

/// Early stopping: fed every epoch's record, it keeps a copy of the network at
/// the best epoch so far (the lowest validation loss or the highest accuracy; a
/// tie is no new best, so the earliest of equals stays) and says when `patience`
/// epochs in a row have brought no new best.
class EarlyStopping {
 public:
  explicit EarlyStopping(EarlyStoppingSettings settings = {}) : settings_(settings) {}

  /// Records an epoch: keeps a copy of `network` if the record is a new best.
  /// Returns true when training should stop.
  bool should_stop(const Network& network, const EpochRecord& record);

  bool has_best() const { return seen_ != 0; }
  std::size_t best_epoch() const { return best_epoch_; }           // its record's epoch
  const EpochRecord& best_record() const { return best_record_; }
  const Network& best_network() const { return best_network_; }    // the copy kept at it
  std::size_t epochs_since_best() const { return since_best_; }

 private:
  bool better(const EpochRecord& record) const;

  EarlyStoppingSettings settings_;
  std::size_t seen_ = 0;        // records seen
  std::size_t best_epoch_ = 0;
  std::size_t since_best_ = 0;  // records after the best one
  EpochRecord best_record_{};
  Network best_network_;
};
// [early-stopping]

}  // namespace nn

// Chapter 12: update rules beyond plain gradient descent, and learning-rate schedules.
//
// Every rule is an nn::Optimiser (chapter 7's seam, training.hpp): the training
// loops call update(network, η) after each backward, with the gradient ∇ = ∂L/∂θ
// of every parameter θ in its dweight or dbias. In the formulas, t is the
// update counter (1 for the first update), every operation is per element, and
// the memory (v, s, m) of a rule starts at zero.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "training.hpp"

namespace nn {

// [memory]
/// A rule's memory: one tensor per parameter tensor, in for_each_parameter's
/// order, the shape of its parameter. Sized (and zeroed) on the first update and
/// never again, so no update after the first allocates.
class ParameterMemory {
 public:
  /// On the first call, one zero tensor shaped like each parameter of `network`.
  /// On every later call, throws ShapeError, naming `rule`, unless the network
  /// has as many parameter tensors of the same shapes: a rule's memory belongs
  /// to one network.
  void fit(Network& network, const char* rule);

  Tensor& operator[](std::size_t k) { return tensors_[k]; }
  const std::vector<Tensor>& tensors() const { return tensors_; }

 private:
  std::vector<Tensor> tensors_;
  bool sized_ = false;
};
// [memory]

// [momentum]
struct MomentumSettings {
  float momentum = 0.9f;  // μ: the fraction of the velocity kept from one update to the next
  bool nesterov = false;  // step along the look-ahead ∇ + μ v instead of v
};

/// Gradient descent with momentum (Polyak 1964), in the form with η outside the velocity:
///   v ← μ v + ∇
///   θ ← θ − η v               (classical)
///   θ ← θ − η (∇ + μ v)       (Nesterov: the velocity after this update, looked ahead once more)
/// With μ = 0, v = ∇ and θ ← θ − η ∇: the same expression as gradient_descent_update,
/// so the same bits.
class Momentum final : public Optimiser {
 public:
  explicit Momentum(MomentumSettings settings = {}) : settings_(settings) {}
  void update(Network& network, float learning_rate) override;
  const std::vector<Tensor>& velocities() const { return velocity_.tensors(); }

 private:
  MomentumSettings settings_;
  ParameterMemory velocity_;  // v
};
// [momentum]

// [rmsprop]
struct RmsPropSettings {
  float decay = 0.9f;     // ρ: the fraction of the mean square kept from one update to the next
  float epsilon = 1e-8f;  // ε: keeps the division finite where s is 0
};

/// RMSProp (Tieleman & Hinton 2012): every parameter's step divided by a running
/// root mean square of its own gradient:
///   s ← ρ s + (1 − ρ) ∇²
///   θ ← θ − η ∇ / (√s + ε)
class RmsProp final : public Optimiser {
 public:
  explicit RmsProp(RmsPropSettings settings = {}) : settings_(settings) {}
  void update(Network& network, float learning_rate) override;

 private:
  RmsPropSettings settings_;
  ParameterMemory mean_square_;  // s
};
// [rmsprop]

// [adam]
struct AdamSettings {
  float beta1 = 0.9f;            // β₁: the fraction of the mean gradient m kept per update
  float beta2 = 0.999f;          // β₂: the fraction of the mean square s kept per update
  float epsilon = 1e-8f;         // ε
  bool bias_correction = true;   // divide m and s by 1 − β₁ᵗ and 1 − β₂ᵗ (off only to show why)
};

/// Adam (Kingma & Ba 2015): momentum on the gradient, RMSProp's scale on the step,
/// and both corrected for having started at zero:
///   m ← β₁ m + (1 − β₁) ∇           s ← β₂ s + (1 − β₂) ∇²
///   m̂ = m / (1 − β₁ᵗ)               ŝ = s / (1 − β₂ᵗ)
///   θ ← θ − η m̂ / (√ŝ + ε)
class Adam : public Optimiser {
 public:
  explicit Adam(AdamSettings settings = {}) : settings_(settings) {}
  void update(Network& network, float learning_rate) override;
  std::size_t updates() const { return updates_; }  // t after the last update

 protected:
  /// The update with decoupled weight decay λ (AdamW's; 0 for Adam).
  void update(Network& network, float learning_rate, float weight_decay);

 private:
  AdamSettings settings_;
  ParameterMemory mean_;         // m
  ParameterMemory mean_square_;  // s
  std::size_t updates_ = 0;      // t
};
// [adam]

// [adamw]
struct AdamWSettings {
  AdamSettings adam{};
  float weight_decay = 0.01f;  // λ: the fraction of a weight removed per update, per unit of η
};

/// AdamW (Loshchilov & Hutter 2019): Adam, and every weight shrunk toward zero
/// by its own term, outside the gradient and so outside Adam's scaling:
///   θ ← (1 − η λ) θ − η m̂ / (√ŝ + ε)      for the weights W
///   θ ← θ − η m̂ / (√ŝ + ε)                 for the biases b (not decayed)
/// Biases are the parameters of a single row (1×O, a dense layer's b): a bias
/// shifts where a unit switches on but does not make the function any steeper,
/// so shrinking it restrains nothing that overfits and only pulls every unit's
/// threshold toward zero.
class AdamW final : public Adam {
 public:
  explicit AdamW(AdamWSettings settings = {}) : Adam(settings.adam), weight_decay_(settings.weight_decay) {}
  void update(Network& network, float learning_rate) override { Adam::update(network, learning_rate, weight_decay_); }

 private:
  float weight_decay_;  // λ
};
// [adamw]

// [schedules]
/// A learning-rate schedule: the factor c(t) ≥ 0 that multiplies η at update t = 1, 2, …
using Schedule = std::function<float(std::size_t t)>;

struct StepDecay {
  std::size_t every = 1000;  // T_drop: updates between drops
  float factor = 0.1f;       // γ: what each drop multiplies η by
};
/// c(t) = γ^⌊(t − 1) / T_drop⌋: η for the first T_drop updates, then γ η for the next T_drop, …
Schedule step_decay(StepDecay settings);

struct Cosine {
  std::size_t length = 1000;  // T: updates from η down to the floor
  float floor = 0.0f;         // c_min: the factor at t ≥ T
};
/// c(t) = c_min + (1 − c_min) · ½ (1 + cos(π t / T)) for t ≤ T, c_min after.
Schedule cosine(Cosine settings);

struct Warmup {
  std::size_t warmup = 100;  // T_w: updates to climb from η / T_w to η
};
/// c(t) = t / T_w for t ≤ T_w, 1 after: small steps while Adam's ŝ and the
/// weights' scale settle, the full η after.
Schedule warmup(Warmup settings);

struct WarmupCosine {
  std::size_t warmup = 100;   // T_w
  std::size_t length = 1000;  // T: the whole run, warm-up included
  float floor = 0.0f;         // c_min
};
/// Linear warm-up for T_w updates, then cosine from 1 to c_min over the T − T_w left:
/// c(t) = t / T_w for t ≤ T_w, else the cosine's c at t − T_w of T − T_w.
Schedule warmup_cosine(WarmupCosine settings);

/// A rule that wraps another: update(network, η) is the inner rule's update with
/// η · c(t), t counting this rule's own updates. The loops need no change: give
/// them this rule, and the η they pass becomes the schedule's peak.
class Scheduled final : public Optimiser {
 public:
  /// `inner` stays the caller's and must outlive this rule.
  Scheduled(Optimiser& inner, Schedule schedule) : inner_(inner), schedule_(std::move(schedule)) {}
  void update(Network& network, float learning_rate) override;
  std::size_t updates() const { return updates_; }

 private:
  Optimiser& inner_;
  Schedule schedule_;
  std::size_t updates_ = 0;  // t after the last update
};
// [schedules]

}  // namespace nn

// Chapter 7: training by gradient descent, evaluation, and progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "mnist.hpp"
#include "interrupt.hpp"
#include "network.hpp"

namespace nn {

/// Thrown when the loss or a parameter stops being a finite number.
class DivergenceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// [evaluation]
/// Mean loss and accuracy of a network on a data set.
struct Evaluation {
  double loss = 0;
  double accuracy = 0;  // fraction of images whose largest logit is at their label
};

/// Evaluates in chunks of `chunk` images, so memory stays bounded whatever the set's size.
/// The network is only read: the layers' outputs go to buffers of evaluate's own.
Evaluation evaluate(const Network& network, const Dataset& data, std::size_t chunk = 2000);

/// The predicted digit of every image: the index of its largest logit.
std::vector<std::uint8_t> predict(const Network& network, ConstTensorView images, std::size_t chunk = 2000);
// [evaluation]

// [optimiser]
/// An update rule: after backward has left ∂L/∂θ in every gradient tensor,
/// update() moves every parameter θ a step of size η (the learning rate, which
/// the training loop owns and may change between updates). A rule that
/// remembers, like chapter 12's momentum and Adam, owns that memory: one tensor
/// per parameter tensor, in for_each_parameter's order, sized on its first
/// update. Layers are a closed list that the compiler checks (std::variant);
/// rules are an open one, so they sit behind a virtual call, which a reader's
/// own rule joins without a change to any loop, at the cost of one indirect
/// call per update.
class Optimiser {
 public:
  Optimiser() = default;
  virtual ~Optimiser() = default;
  Optimiser(const Optimiser&) = delete;  // a rule's memory belongs to one training run
  Optimiser& operator=(const Optimiser&) = delete;

  /// One update of every parameter from its gradient, with step size η.
  virtual void update(Network& network, float learning_rate) = 0;
};

/// θ ← θ − η ∂L/∂θ for every parameter θ.
void gradient_descent_update(Network& network, float learning_rate);

/// Plain gradient descent: no memory, the rule of chapters 7–10.
class GradientDescent final : public Optimiser {
 public:
  void update(Network& network, float learning_rate) override { gradient_descent_update(network, learning_rate); }
};
// [optimiser]

// [step]
/// Buffers of one training step, sized on first use and reused after.
struct StepBuffers {
  Tensor probabilities;  // B×K
  Tensor dlogits;        // B×K
};

/// One step on one batch: forward, loss, backward, then the rule's update.
/// inputs is B×I, targets B×K (one-hot). Returns the batch's mean loss L at the
/// parameters *before* the update: the loss whose gradient the step followed.
float train_step(Network& network, ConstTensorView inputs, ConstTensorView targets, float learning_rate,
                 StepBuffers& buffers, Optimiser& rule);
/// The same step with plain gradient descent.
float train_step(Network& network, ConstTensorView inputs, ConstTensorView targets, float learning_rate,
                 StepBuffers& buffers);
// [step]

// [divergence]
/// Throws DivergenceError unless every parameter is finite. `where` says when
/// the check ran ("after epoch 3"); the message adds a hint.
void check_parameters_finite(const Network& network, const std::string& where, float learning_rate);
/// Throws DivergenceError with epoch, step, learning rate and a hint if loss is not finite.
void check_loss_finite(float loss, std::size_t epoch, std::size_t step, float learning_rate);
// [divergence]

// [history]
/// What training records after every epoch: enough to draw every figure of chapters 7–10.
struct EpochRecord {
  std::size_t epoch = 0;        // 1, 2, …
  std::size_t updates = 0;      // parameter updates since training began
  double seconds = 0;           // training time since it began, evaluation excluded
  double train_loss = 0;        // full batch: L at the parameters after the epoch, as validation sees them;
                                // mini-batch and stochastic: the mean of the epoch's batch losses, each
                                // taken before its update (a running estimate that lags the parameters)
  Evaluation validation;        // on the held-out images, after the epoch
};
using History = std::vector<EpochRecord>;
// [history]

class Progress;

/// Ends an epoch the same way for every variant of descent: checks that every
/// parameter is still finite, evaluates on the validation set, appends the
/// record (epoch, updates, seconds and training loss filled in by the caller)
/// to the history, and reports it if there is a progress display.
void finish_epoch(const Network& network, const Dataset& validation, EpochRecord record, float learning_rate,
                  std::size_t samples_per_epoch, History& history, Progress* progress);

/// Reports training as it goes: on a terminal one line rewritten in place
/// within an epoch, and one line per epoch; in a log, one line per epoch.
class Progress {
 public:
  Progress(std::ostream& out, std::string label, std::size_t epochs);
  /// Within an epoch: called after every step; draws at most ten times a second.
  void step(std::size_t epoch, std::size_t step, std::size_t steps, double loss);
  void epoch_done(const EpochRecord& record, std::size_t samples_per_epoch);

 private:
  std::ostream& out_;
  std::string label_;
  std::size_t epochs_;
  bool interactive_;
  std::chrono::steady_clock::time_point last_draw_{};
};

// [full-batch-gradient]
/// Images per chunk of full_batch_gradient.
inline constexpr std::size_t kFullBatchChunk = 128;

/// Adds to the network's gradients the share of the rows of images (R×I) and
/// targets (R×K) in the gradient of a mean over `batch_rows` rows: backward
/// from dz = (p − y)/batch_rows. Works kFullBatchChunk rows at a time, and
/// returns the sum of the R rows' losses.
double add_gradient_share(Network& network, ConstTensorView images,
                          ConstTensorView targets, std::size_t batch_rows,
                          StepBuffers& buffers);

/// Sets the network's gradients to those of the mean loss over all N rows of
/// images (N×I) and targets (N×K), and returns that loss: zero, then
/// add_gradient_share of all N rows.
float full_batch_gradient(Network& network, ConstTensorView images,
                          ConstTensorView targets, StepBuffers& buffers);

/// A function that does what full_batch_gradient does: chapter 11 has one
/// that shares the chunks among the cores.
using FullBatchGradient = float (*)(Network& network, ConstTensorView images,
                                    ConstTensorView targets, StepBuffers& buffers);
// [full-batch-gradient]

/// Settings of full-batch gradient descent.
struct FullBatchSettings {
  std::size_t epochs = 50;
  float learning_rate = 0.5f;
  Optimiser* rule = nullptr;  // the update rule, which stays the caller's; none: plain gradient descent
  FullBatchGradient gradient = full_batch_gradient;  // how the gradient over all images is computed
};

/// Full-batch gradient descent: one update per epoch, on the gradient of the
/// mean loss over every training image. Each record's train_loss is the loss
/// of every training image at the parameters *after* the epoch's update, the
/// parameters its validation is measured at (one forward pass more per epoch,
/// outside the timed training).
History train_full_batch(Network& network, const Dataset& train, const Dataset& validation,
                         const FullBatchSettings& settings, Progress* progress = nullptr);

/// After a run that ended without diverging: if its validation accuracy is no
/// better than twice chance (2/K), writes one warning line to `out` saying the
/// network did not learn and the likely reason (a learning rate far too large:
/// the weights jumped to where every unit is dead or saturated). Returns
/// whether it warned.
bool warn_if_not_learned(const History& history, float learning_rate, std::size_t classes, std::ostream& out);

/// Wall-clock seconds since a start point, as a double.
double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace nn

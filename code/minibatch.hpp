// Chapter 8: mini-batch gradient descent.
#pragma once

#include <functional>
#include <span>

#include "training.hpp"

namespace nn {

// [shuffle]
/// 0, 1, …, n − 1 in an order drawn from `rng` (Fisher–Yates, by std::shuffle):
/// the same seed gives the same order.
std::vector<std::size_t> shuffled_order(std::size_t n, Rng& rng);

/// out's row r = from's row rows[r]. out is R×C with R = rows.size(), from is N×C.
void gather_rows(TensorView out, ConstTensorView from, std::span<const std::size_t> rows);
/// out's row r = the one-hot row of labels[rows[r]]. out is R×K.
void gather_one_hot(TensorView out, const std::vector<std::uint8_t>& labels, std::span<const std::size_t> rows);
// [shuffle]

/// Asks the processor to start bringing row `row` of `from` into its caches,
/// one request per cache line: a hint, which changes no result, so that a row
/// needed soon is on its way while other work runs.
void prefetch_row(ConstTensorView from, std::size_t row);

/// A function that does what gather_rows does: chapter 11 has one that
/// shares the rows among the cores, and one that copies them from bytes.
using GatherRows = std::function<void(TensorView out, ConstTensorView from, std::span<const std::size_t> rows)>;

/// A function that does what chapter 7's train_step does: chapter 11 has one
/// that shares more of the step among the cores.
using TrainStep = float (*)(Network& network, ConstTensorView inputs, ConstTensorView targets, float learning_rate,
                            StepBuffers& buffers, Optimiser& rule);

// [batch-transform]
/// Changes a batch of images (B×I) in place just before the step sees it, with
/// randomness drawn from `rng`: chapter 14's augmentation is one. The labels
/// stay as they are.
using BatchTransform = std::function<void(TensorView images, Rng& rng)>;
// [batch-transform]

// [mini-batch-settings]
/// Settings of mini-batch gradient descent.
struct MiniBatchSettings {
  std::size_t epochs = 10;
  std::size_t batch_size = 64;
  float learning_rate = 0.1f;
  std::uint64_t seed = 1;      // for the shuffling, and for the transform's own generator
  float decay = 1.0f;          // the learning rate is multiplied by this after every epoch
  Optimiser* rule = nullptr;   // the update rule, which stays the caller's; none: plain gradient descent
  BatchTransform transform{};  // none: the batches are used as they are
  GatherRows gather = gather_rows;  // how a batch's images are copied from the training set
  TrainStep step = train_step;      // the step on each batch
};
// [mini-batch-settings]

/// Mini-batch gradient descent: every epoch visits the training images in a
/// new shuffled order, in batches of batch_size (the last one smaller when
/// batch_size does not divide the set), one update per batch by the rule.
History train_mini_batch(Network& network, const Dataset& train, const Dataset& validation,
                         const MiniBatchSettings& settings, Progress* progress = nullptr);

}  // namespace nn

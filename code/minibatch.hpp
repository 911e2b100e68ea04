// Chapter 8: mini-batch gradient descent.
#pragma once

#include <span>

#include "training.hpp"

namespace nn {

//! [shuffle]
/// 0, 1, …, n − 1 in an order drawn from `rng` (Fisher–Yates, by std::shuffle):
/// the same seed gives the same order.
std::vector<std::size_t> shuffled_order(std::size_t n, Rng& rng);

/// out's row r = from's row rows[r]. out is R×C with R = rows.size(), from is N×C.
void gather_rows(TensorView out, ConstTensorView from, std::span<const std::size_t> rows);
/// out's row r = the one-hot row of labels[rows[r]]. out is R×K.
void gather_one_hot(TensorView out, const std::vector<std::uint8_t>& labels, std::span<const std::size_t> rows);
//! [shuffle]

/// Settings of mini-batch gradient descent.
struct MiniBatchSettings {
  std::size_t epochs = 10;
  std::size_t batch_size = 64;
  float learning_rate = 0.1f;
  std::uint64_t seed = 1;  // for the shuffling
  float decay = 1.0f;      // the learning rate is multiplied by this after every epoch
};

/// Mini-batch gradient descent: every epoch visits the training images in a
/// new shuffled order, in batches of batch_size (the last one smaller when
/// batch_size does not divide the set), one update per batch.
History train_mini_batch(Network& network, const Dataset& train, const Dataset& validation,
                         const MiniBatchSettings& settings, Progress* progress = nullptr);

}  // namespace nn

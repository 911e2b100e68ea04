// Chapter 8's exercises. Answer them in workspace/ch08.cpp; the tests are
// tests/exercises/test_ch08_exercises.cpp (ctest -L exercise).
#pragma once

#include <span>
#include <vector>

#include "minibatch.hpp"

namespace exercises {

// [ch08-declarations]
/// Exercise 8.1: the batches of one epoch, as views into `order` (no index is
/// copied): consecutive runs of batch_size indices, the last one shorter when
/// batch_size does not divide order.size(), or left out if drop_last. Throws
/// std::invalid_argument when batch_size is 0.
std::vector<std::span<const std::size_t>> split_into_batches(std::span<const std::size_t> order,
                                                             std::size_t batch_size, bool drop_last);

/// Exercise 8.2: a class-balanced order. Shuffle the indices of each class
/// apart (class 0's first, each by std::shuffle with `rng`), then deal them out
/// in rounds: round r holds the r-th index of every class that has more than r,
/// in class order. With K equal classes, every run of K consecutive indices
/// holds one image of each class. The result is a permutation of 0 … n − 1.
std::vector<std::size_t> stratified_order(const std::vector<std::uint8_t>& labels, nn::Rng& rng);

/// Exercise 8.3: linear learning-rate warm-up. Update `step` (counted from 0)
/// uses peak · (step + 1) / warmup_steps while step < warmup_steps, and peak
/// after; warmup_steps = 0 means no warm-up.
float warmup_learning_rate(float peak, std::size_t step, std::size_t warmup_steps);
// [ch08-declarations]

}  // namespace exercises

// Chapter 9's exercises. Answer them in workspace/ch09.cpp; the tests are
// tests/exercises/test_ch09_exercises.cpp (ctest -L exercise).
#pragma once

#include <vector>

#include "stochastic.hpp"

namespace exercises {

// [ch09-declarations]
/// Exercise 9.1: an inverse-time learning rate, η_t = η₀ / (1 + t / τ) for
/// update t (counted from 0): η₀ at the start, η₀ / 2 after τ updates. Throws
/// std::invalid_argument unless τ > 0.
float inverse_time_learning_rate(float initial, std::size_t update, double tau);

/// Exercise 9.2: the exponential moving average of a noisy series, with bias
/// correction: m₀ = 0, m_t = β m_{t−1} + (1 − β) x_t, and out_t = m_t / (1 − βᵗ)
/// for t = 1, 2, …. Throws std::invalid_argument unless 0 ≤ β < 1.
std::vector<double> exponential_moving_average(const std::vector<float>& values, double beta);

/// Exercise 9.3: Polyak averaging: the running mean of every parameter over the
/// networks that `add` has seen (one tensor per parameter tensor, in
/// for_each_parameter's order, accumulated in double), and `load` to copy the
/// mean into a network of the same shape. load throws std::logic_error if
/// nothing was added.
struct ParameterAverage {
  std::vector<nn::DoubleTensor> means;
  std::size_t count = 0;
  void add(nn::Network& network);
  void load(nn::Network& network) const;
};

/// Exercise 9.3, measured: one epoch of stochastic descent on `train` at the
/// constant rate settings.learning_rate, visiting the images in the order
/// nn::shuffled_order draws from settings.seed (the order train_stochastic
/// uses), with nn::stochastic_step. After each of the last `averaged_updates`
/// updates the network is added to a ParameterAverage. Returns `validation`'s
/// evaluation of the last parameters and of the average; `network` ends with
/// the last parameters. Throws std::invalid_argument unless
/// 1 ≤ averaged_updates ≤ train.size().
struct PolyakResult {
  nn::Evaluation last, averaged;
};
PolyakResult polyak_epoch(nn::Network& network, const nn::Dataset& train, const nn::Dataset& validation,
                          const nn::StochasticSettings& settings, std::size_t averaged_updates);
// [ch09-declarations]

}  // namespace exercises

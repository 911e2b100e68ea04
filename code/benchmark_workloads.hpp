// Chapter 11: the benchmark's three workloads, the same as the PyTorch peer's
// (code/peer/pytorch_mlp.py), on the book's own network and training
// functions. code/benchmark.cpp prints them as JSON lines; chapter 11's
// program times them against the peer when PyTorch is installed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "minibatch.hpp"
#include "shared_gradient.hpp"
#include "shared_step.hpp"
#include "stochastic.hpp"

namespace nn::benchmark {

/// One workload's figure, as the peer prints it.
struct Result {
  std::string workload;  ///< minibatch_epoch, sgd_samples or fullbatch_step
  double value = 0;      ///< in `unit`
  std::string unit;      ///< s, samples/s or ms
  double test_accuracy = 0;
};

inline constexpr const char* kWorkloads[] = {"minibatch_epoch", "sgd_samples", "fullbatch_step"};
/// The sizes of the workloads: training images per epoch are the whole
/// training file (the peer's), 60,000; the per-sample updates take the first
/// 10,000; the full-batch figure is the mean of 10 steps.
inline constexpr std::size_t kBatchSize = 64, kSgdSamples = 10000, kFullBatchSteps = 10;

/// Throws DataError naming `data_dir` unless the training set read from it
/// holds at least `needed` images: a smaller one is a valid file, but too
/// small for what a program times on it.
inline void require_images(const Dataset& train, std::size_t needed, const std::filesystem::path& data_dir) {
  if (train.size() < needed)
    throw DataError(data_dir.string() + ": the training set holds " + std::to_string(train.size()) +
                    " images; this program needs at least " + std::to_string(needed) +
                    " (MNIST's training file holds 60,000)");
}

/// A 784-hidden-10 ReLU network with He initialisation, float32.
inline Network make_workload_network(std::size_t inputs, std::size_t hidden, std::uint64_t seed) {
  Rng rng(seed);
  return make_mlp({inputs, hidden, kClasses}, ActivationKind::relu, Init::he, rng);
}

/// Runs one workload on the whole training file `train`; the timings exclude
/// loading the data and evaluating on `test`, as the peer's do.
inline Result run_workload(const std::string& workload, const Dataset& train, const Dataset& test,
                           std::size_t hidden, std::uint64_t seed) {
  // [workloads]
  Network net = make_workload_network(train.images.cols(), hidden, seed);
  if (workload == "minibatch_epoch") {
    parallel::SharedGradientDescent descent;
    const parallel::ByteImages bytes(train.images);  // like loading, outside the timing
    const History history = train_mini_batch(
        net, train, test,
        {.epochs = 1, .batch_size = kBatchSize, .learning_rate = 0.1f, .seed = seed, .rule = &descent,
         .gather = std::cref(bytes), .step = parallel::shared_train_step});
    return {workload, history.back().seconds, "s", history.back().validation.accuracy};
  }
  if (workload == "sgd_samples") {
    const Dataset head = first_images(train, kSgdSamples);
    const History history =
        train_stochastic(net, head, test, {.epochs = 1, .learning_rate = 0.01f, .seed = seed, .shuffle = false});
    return {workload, static_cast<double>(head.size()) / history.back().seconds, "samples/s",
            history.back().validation.accuracy};
  }
  const History history = train_full_batch(
      net, train, test,
      {.epochs = kFullBatchSteps, .learning_rate = 0.5f, .gradient = parallel::shared_full_batch_gradient});
  return {workload, history.back().seconds / kFullBatchSteps * 1000.0, "ms", history.back().validation.accuracy};
  // [workloads]
}

}  // namespace nn::benchmark

// Chapter 8: mini-batch gradient descent.
#include "minibatch.hpp"

#include <algorithm>
#include <numeric>

namespace nn {

std::vector<std::size_t> shuffled_order(std::size_t n, Rng& rng) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

// [gather]
void prefetch_row(ConstTensorView from, std::size_t row) {
  constexpr std::size_t kLineFloats = 64 / sizeof(float);
  for (std::size_t c = 0; c < from.cols(); c += kLineFloats) __builtin_prefetch(&from(row, c));
}

void gather_rows(TensorView out, ConstTensorView from, std::span<const std::size_t> rows) {
  if (out.rows() != rows.size() || out.cols() != from.cols())
    throw ShapeError("gather_rows: out is " + shape_string(out) + " for " + std::to_string(rows.size()) +
                     " rows of " + shape_string(from));
  // The rows are scattered over the whole training set, so each comes from
  // main memory. While row r is copied, row r + 4 is asked for: the
  // processor then waits for several rows at once instead of one after the
  // other.
  constexpr std::size_t kAhead = 4;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r + kAhead < rows.size()) prefetch_row(from, rows[r + kAhead]);
    std::ranges::copy(from.row(rows[r]), out.row(r).begin());
  }
}
// [gather]

void gather_one_hot(TensorView out, const std::vector<std::uint8_t>& labels, std::span<const std::size_t> rows) {
  if (out.rows() != rows.size()) throw ShapeError("gather_one_hot: out is " + shape_string(out));
  fill(out, 0.0f);
  for (std::size_t r = 0; r < rows.size(); ++r) out(r, labels[rows[r]]) = 1.0f;
}

// [mini-batch]
History train_mini_batch(Network& network, const Dataset& train, const Dataset& validation,
                         const MiniBatchSettings& settings, Progress* progress) {
  Rng rng(settings.seed);
  Rng transform_rng(settings.seed ^ 0x9e3779b97f4a7c15);  // its own stream: a transform leaves the order as it was
  GradientDescent plain;
  Optimiser& rule = settings.rule ? *settings.rule : plain;
  const std::size_t n = train.size(), batch_size = std::min(settings.batch_size, n);
  const std::size_t steps = (n + batch_size - 1) / batch_size;
  Tensor inputs(batch_size, train.images.cols()), targets(batch_size, kClasses);  // reused by every batch
  StepBuffers buffers;
  History history;
  std::size_t updates = 0;
  double training_seconds = 0;
  float learning_rate = settings.learning_rate;
  for (std::size_t epoch = 1; epoch <= settings.epochs; ++epoch, learning_rate *= settings.decay) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<std::size_t> order = shuffled_order(n, rng);
    double loss_sum = 0;
    for (std::size_t step = 0; step < steps; ++step) {
      if (stop_requested()) return history;  // Ctrl-C: the epochs done, the model as it is now
      const std::size_t first = step * batch_size, count = std::min(batch_size, n - first);
      const std::span<const std::size_t> rows(order.data() + first, count);
      const TensorView x = inputs.view().rows_slice(0, count), y = targets.view().rows_slice(0, count);
      settings.gather(x, train.images, rows);
      gather_one_hot(y, train.labels, rows);
      if (settings.transform) settings.transform(x, transform_rng);
      const float loss = settings.step(network, x, y, learning_rate, buffers, rule);
      check_loss_finite(loss, epoch, step + 1, learning_rate);
      loss_sum += static_cast<double>(loss) * static_cast<double>(count);
      ++updates;
      if (progress) progress->step(epoch, step + 1, steps, loss);
    }
    training_seconds += seconds_since(start);
    finish_epoch(network, validation, {epoch, updates, training_seconds, loss_sum / static_cast<double>(n), {}},
                 learning_rate, n, history, progress);
  }
  return history;
}
// [mini-batch]

}  // namespace nn

// Chapter 7: training by gradient descent, evaluation, and progress.
#include "training.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "softmax_cross_entropy.hpp"

namespace nn {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<std::uint8_t> predict(const Network& network, ConstTensorView images, std::size_t chunk) {
  std::vector<std::uint8_t> predictions(images.rows());
  std::vector<Tensor> outputs;  // every layer's output, for one chunk at a time
  for (std::size_t first = 0; first < images.rows(); first += chunk) {
    const std::size_t count = std::min(chunk, images.rows() - first);
    const ConstTensorView logits = network.forward(images.rows_slice(first, count), outputs);
    for (std::size_t n = 0; n < count; ++n) {
      const auto row = logits.row(n);
      predictions[first + n] = static_cast<std::uint8_t>(std::max_element(row.begin(), row.end()) - row.begin());
    }
  }
  return predictions;
}

// [evaluate]
Evaluation evaluate(const Network& network, const Dataset& data, std::size_t chunk) {
  std::vector<Tensor> outputs;  // every layer's output, for one chunk at a time
  Tensor probabilities, targets;
  double loss_sum = 0;
  std::size_t correct = 0;
  for (std::size_t first = 0; first < data.size(); first += chunk) {
    const std::size_t count = std::min(chunk, data.size() - first);
    const ConstTensorView logits = network.forward(data.images.view().rows_slice(first, count), outputs);
    probabilities.resize(count, logits.cols());
    targets.resize(count, logits.cols());
    fill(targets, 0.0f);
    for (std::size_t n = 0; n < count; ++n) targets(n, data.labels[first + n]) = 1.0f;
    loss_sum += static_cast<double>(softmax_cross_entropy_forward(probabilities, logits, targets)) * count;
    for (std::size_t n = 0; n < count; ++n) {
      const auto row = logits.row(n);
      correct += static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin()) ==
                 data.labels[first + n];
    }
  }
  const auto n = static_cast<double>(data.size());
  return {loss_sum / n, static_cast<double>(correct) / n};
}
// [evaluate]

// [update]
void gradient_descent_update(Network& network, float learning_rate) {
  network.for_each_parameter([learning_rate](Tensor& parameter, Tensor& gradient) {
    float* theta = parameter.data();
    const float* dtheta = gradient.data();
    for (std::size_t i = 0; i < parameter.size(); ++i) theta[i] -= learning_rate * dtheta[i];
  });
}
// [update]

// [train-step]
float train_step(Network& network, ConstTensorView inputs, ConstTensorView targets, float learning_rate,
                 StepBuffers& buffers, Optimiser& rule) {
  buffers.probabilities.resize(targets.rows(), targets.cols());
  buffers.dlogits.resize(targets.rows(), targets.cols());
  const ConstTensorView logits = network.forward(inputs);
  const float loss = softmax_cross_entropy_forward(buffers.probabilities, logits, targets);
  softmax_cross_entropy_backward(buffers.dlogits, buffers.probabilities, targets);  // (p − y) / B
  network.backward(inputs, buffers.dlogits, Write::overwrite);  // this batch's gradients, not added to the last's
  rule.update(network, learning_rate);
  return loss;
}
// [train-step]

float train_step(Network& network, ConstTensorView inputs, ConstTensorView targets, float learning_rate,
                 StepBuffers& buffers) {
  GradientDescent plain;
  return train_step(network, inputs, targets, learning_rate, buffers, plain);
}

namespace {
const char* const kDivergenceHint =
    "; hint: the learning rate is probably too large for this network, try a smaller --learning-rate";

// A number as a person writes it: the shortest text that reads back as the same
// float ("0.5", "1e6", never "1000000.000000"), and "NaN" or "infinity" for the
// values that are not numbers a person would write.
std::string as_written(float value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "infinity" : "minus infinity";
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  std::string written = error == std::errc{} ? std::string(text, end) : std::to_string(value);
  // to_chars writes exponents as "e+06" and "e-05"; a person writes 1e6 and 1e-5.
  if (const auto e = written.find('e'); e != std::string::npos) {
    std::size_t digits = e + 1;
    if (written[digits] == '-') ++digits;
    else if (written[digits] == '+') written.erase(digits, 1);
    while (digits + 1 < written.size() && written[digits] == '0') written.erase(digits, 1);
  }
  return written;
}
}  // namespace

void check_loss_finite(float loss, std::size_t epoch, std::size_t step, float learning_rate) {
  if (!std::isfinite(loss))
    throw DivergenceError("training diverged: the loss became " + as_written(loss) + " at epoch " +
                          std::to_string(epoch) + ", step " + std::to_string(step) + " with learning rate " +
                          as_written(learning_rate) + kDivergenceHint);
}

void check_parameters_finite(const Network& network, const std::string& where, float learning_rate) {
  bool finite = true;
  network.for_each_parameter([&](const Tensor& parameter, const Tensor&) {
    for (float v : parameter.values()) finite = finite && std::isfinite(v);
  });
  if (!finite)
    throw DivergenceError("training diverged: a parameter is no longer finite " + where + " with learning rate " +
                          as_written(learning_rate) + kDivergenceHint);
}

Progress::Progress(std::ostream& out, std::string label, std::size_t epochs)
    : out_(out), label_(std::move(label)), epochs_(epochs), interactive_(&out == &std::cout && isatty(1)) {}

void Progress::step(std::size_t epoch, std::size_t step, std::size_t steps, double loss) {
  if (!interactive_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && step != steps) return;
  last_draw_ = now;
  std::ostringstream line;  // formatted apart, so that out_'s own format stays as it was
  line << '\r' << label_ << " epoch " << epoch << '/' << epochs_ << "  step " << step << '/' << steps
       << "  loss " << std::fixed << std::setprecision(4) << loss << "   ";
  out_ << line.str() << std::flush;
}

void Progress::epoch_done(const EpochRecord& record, std::size_t) {
  // One line per epoch, within 80 columns: the label, the epoch, the training
  // loss, the validation loss and accuracy, and the seconds of training so far.
  std::ostringstream line;
  line << (interactive_ ? "\r" : "") << label_ << " epoch " << record.epoch << '/' << epochs_ << std::fixed
       << ": loss " << std::setprecision(4) << record.train_loss << ", val. " << record.validation.loss << ", "
       << std::setprecision(2) << 100 * record.validation.accuracy << "%, " << std::setprecision(1) << record.seconds
       << " s\n";
  out_ << line.str() << std::flush;
}

bool warn_if_not_learned(const History& history, float learning_rate, std::size_t classes, std::ostream& out) {
  if (history.empty() || history.back().validation.accuracy > 2.0 / static_cast<double>(classes)) return false;
  std::ostringstream line;
  line << "warning: the network did not learn: validation accuracy " << std::fixed << std::setprecision(1)
       << 100 * history.back().validation.accuracy << "% after " << history.back().epoch
       << " epochs, near chance; with learning rate " << std::defaultfloat << learning_rate
       << ", steps that large likely threw the weights where every unit is dead or saturated: try a smaller one\n";
  out << line.str();
  return true;
}

void finish_epoch(const Network& network, const Dataset& validation, EpochRecord record, float learning_rate,
                  std::size_t samples_per_epoch, History& history, Progress* progress) {
  check_parameters_finite(network, "after epoch " + std::to_string(record.epoch), learning_rate);
  record.validation = evaluate(network, validation);
  history.push_back(record);
  if (progress) progress->epoch_done(record, samples_per_epoch);
}

// [full-batch-chunks]
double add_gradient_share(Network& network, ConstTensorView images,
                          ConstTensorView targets, std::size_t batch_rows,
                          StepBuffers& buffers) {
  double loss_sum = 0;  // Σ over the chunks of their mean loss times their rows
  for (std::size_t first = 0; first < images.rows(); first += kFullBatchChunk) {
    const std::size_t count = std::min(kFullBatchChunk, images.rows() - first);
    const ConstTensorView x = images.rows_slice(first, count);
    const ConstTensorView y = targets.rows_slice(first, count);
    buffers.probabilities.resize(count, y.cols());
    buffers.dlogits.resize(count, y.cols());
    const ConstTensorView logits = network.forward(x);
    const float loss = softmax_cross_entropy_forward(buffers.probabilities, logits, y);
    loss_sum += static_cast<double>(loss) * static_cast<double>(count);
    // (p − y)/N, with the whole batch's N rows, not the chunk's count
    softmax_cross_entropy_backward(buffers.dlogits, buffers.probabilities, y, batch_rows);
    network.backward(x, buffers.dlogits);  // adds, to what the chunks before left
  }
  return loss_sum;
}

float full_batch_gradient(Network& network, ConstTensorView images,
                          ConstTensorView targets, StepBuffers& buffers) {
  network.zero_gradients();
  const std::size_t n = images.rows();
  const double loss_sum = add_gradient_share(network, images, targets, n, buffers);
  return static_cast<float>(loss_sum / static_cast<double>(n));
}
// [full-batch-chunks]

// [full-batch]
History train_full_batch(Network& network, const Dataset& train, const Dataset& validation,
                         const FullBatchSettings& settings, Progress* progress) {
  const Tensor targets = one_hot(train.labels);
  GradientDescent plain;
  Optimiser& rule = settings.rule ? *settings.rule : plain;
  StepBuffers buffers;
  History history;
  double training_seconds = 0;
  for (std::size_t epoch = 1; epoch <= settings.epochs && !stop_requested(); ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const float loss_before = settings.gradient(network, train.images, targets, buffers);  // at θ before the update
    rule.update(network, settings.learning_rate);
    training_seconds += seconds_since(start);
    check_loss_finite(loss_before, epoch, 1, settings.learning_rate);
    // The gradient's loss is L(θ) before the update; the record wants L after it, where validation is measured.
    const double loss_after = evaluate(network, train).loss;
    finish_epoch(network, validation, {epoch, epoch, training_seconds, loss_after, {}}, settings.learning_rate,
                 train.size(), history, progress);
  }
  return history;
}
// [full-batch]

}  // namespace nn

// Chapter 9: stochastic gradient descent, one sample per update.
#include "stochastic.hpp"

#include <cstdint>
#include <numeric>
#include <vector>

#include "softmax_cross_entropy.hpp"

namespace nn {

// [nonzero-indices-code]
// Without a branch (an `if` per pixel is mispredicted at every edge of a
// digit): each index is written, and the count moves on only past the
// elements that are not zero.
std::size_t nonzero_indices(std::span<const float> values, std::uint32_t* indices) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    indices[count] = static_cast<std::uint32_t>(i);
    count += values[i] != 0.0f;
  }
  return count;
}

namespace {
NonzeroIndices installed = nonzero_indices;
}  // namespace

void install_nonzero_indices(NonzeroIndices list) { installed = list ? list : nonzero_indices; }
NonzeroIndices installed_nonzero_indices() { return installed; }
// [nonzero-indices-code]

namespace {

// [fused-dense]
// The dense backward and update for one sample, fused: din = dout Wᵀ first
// (it needs W before the update), then W(i, :) −= η x(i) dout for every
// input i that is not zero, and b −= η dout. First, the inputs that are not
// zero are listed, by the installed nonzero_indices. The rows are updated from
// the last listed to the first: a forward pass that reads only these rows
// (chapter 11's does) has just read them from the first to the last, and so
// has din = dout Wᵀ above, in every layer but the first; so the rows read
// last, the likeliest to be still in the processor's fastest cache, come
// first. Each row's update is its own, so the order changes no result.
void dense_step(Dense& dense, TensorView din, ConstTensorView dout, ConstTensorView in, float learning_rate) {
  if (din.size() != 0) matmul_a_bt(din, dout, dense.weight);
  thread_local std::vector<std::uint32_t> nonzero;
  nonzero.resize(dense.inputs());
  const std::size_t count = installed(in.row(0), nonzero.data());
  const float* d = dout.data();
  const std::size_t outputs = dense.outputs();
  for (std::size_t c = count; c-- > 0;) {
    const float x = in(0, nonzero[c]);
    float* w = dense.weight.row(nonzero[c]).data();
    for (std::size_t o = 0; o < outputs; ++o) {
      const float gradient = x * d[o];
      w[o] -= learning_rate * gradient;
    }
  }
  float* b = dense.bias.data();
  for (std::size_t o = 0; o < outputs; ++o) b[o] -= learning_rate * d[o];
}
// [fused-dense]

// [fused-kinds]
// The fused step at each kind of layer: a dense layer updates itself at once;
// an activation has no parameters and passes the gradient back as in chapter 6.
// One function per kind, so a new kind does not compile here until it has its
// own: its plain backward would be right only if it had no parameters.
void sample_step(Dense& dense, TensorView din, ConstTensorView dout, ConstTensorView in, ConstTensorView,
                 float learning_rate) {
  dense_step(dense, din, dout, in, learning_rate);
}
void sample_step(const Activation& activation, TensorView din, ConstTensorView dout, ConstTensorView in,
                 ConstTensorView out, float) {
  activation.backward(din, dout, in, out);
}
void sample_step(const Dropout& dropout, TensorView din, ConstTensorView dout, ConstTensorView in,
                 ConstTensorView out, float) {
  dropout.backward(din, dout, in, out);  // no parameters: the gradient through the training forward's mask
}
// [fused-kinds]

}  // namespace

float stochastic_step(Network& network, ConstTensorView image, std::uint8_t label, float learning_rate,
                      SampleBuffers& buffers) {
  const ConstTensorView logits = network.forward(image);
  const std::size_t classes = logits.cols();
  buffers.target.resize(1, classes);
  buffers.probabilities.resize(1, classes);
  buffers.dlogits.resize(1, classes);
  fill(buffers.target, 0.0f);
  buffers.target(0, label) = 1.0f;
  const float loss = softmax_cross_entropy_forward(buffers.probabilities, logits, buffers.target);
  softmax_cross_entropy_backward(buffers.dlogits, buffers.probabilities, buffers.target);

  // [fused-walk]
  // Chapter 6's backward walk, with the fused step at each layer.
  network.backward_walk(image, buffers.dlogits, [&](Layer& layer, TensorView din, ConstTensorView dout,
                                                    ConstTensorView in, ConstTensorView out) {
    std::visit([&](auto& kind) { sample_step(kind, din, dout, in, out, learning_rate); }, layer);
  });
  // [fused-walk]
  return loss;
}

// [stochastic]
History train_stochastic(Network& network, const Dataset& train, const Dataset& validation,
                         const StochasticSettings& settings, Progress* progress, std::vector<float>* losses) {
  Rng rng(settings.seed);
  const std::size_t n = train.size();
  SampleBuffers buffers;
  StepBuffers step_buffers;  // the general path's, when a rule is given
  Tensor target(1, kClasses);
  History history;
  std::size_t updates = 0;
  double training_seconds = 0;
  float learning_rate = settings.learning_rate;
  for (std::size_t epoch = 1; epoch <= settings.epochs; ++epoch, learning_rate *= settings.decay) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::size_t> order(n);
    if (settings.shuffle)
      order = shuffled_order(n, rng);
    else
      std::iota(order.begin(), order.end(), std::size_t{0});
    double loss_sum = 0;
    for (std::size_t step = 0; step < n; ++step) {
      if (stop_requested()) return history;  // Ctrl-C: the epochs done, the model as it is now
      const std::size_t index = order[step];
      const ConstTensorView image = train.images.view().rows_slice(index, 1);
      // The next image is asked for now, so that it arrives while this step
      // runs: a step is only a few microseconds, and without the hint it
      // would begin by waiting for its image to come from memory.
      if (step + 1 < n) prefetch_row(train.images, order[step + 1]);
      float loss = 0;
      if (settings.rule) {
        gather_one_hot(target, train.labels, std::span<const std::size_t>(&index, 1));
        loss = train_step(network, image, target, learning_rate, step_buffers, *settings.rule);
      } else {
        loss = stochastic_step(network, image, train.labels[index], learning_rate, buffers);
      }
      check_loss_finite(loss, epoch, step + 1, learning_rate);
      loss_sum += loss;
      if (losses) losses->push_back(loss);
      ++updates;
      if (progress && step % 256 == 0) progress->step(epoch, step + 1, n, loss);
    }
    training_seconds += seconds_since(start);
    finish_epoch(network, validation, {epoch, updates, training_seconds, loss_sum / static_cast<double>(n), {}},
                 learning_rate, n, history, progress);
  }
  return history;
}
// [stochastic]

}  // namespace nn

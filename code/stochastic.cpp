// Chapter 9: stochastic gradient descent, one sample per update.
#include "stochastic.hpp"

#include <cstdint>
#include <numeric>
#include <vector>

#include "softmax_cross_entropy.hpp"

namespace nn {

namespace {

//! [fused-dense]
// The dense backward and update for one sample, fused: din = dout Wᵀ first
// (it needs W before the update), then W(i, :) −= η x(i) dout for every
// input i that is not zero, and b −= η dout. The inputs that are not zero are
// listed first, without a branch (an `if` per pixel is mispredicted at every
// edge of a digit): each index is written, and the count moves on only past
// the nonzero ones.
void dense_step(Dense& dense, TensorView din, ConstTensorView dout, ConstTensorView in, float learning_rate) {
  if (din.size() != 0) matmul_a_bt(din, dout, dense.weight);
  thread_local std::vector<std::uint32_t> nonzero;
  nonzero.resize(dense.inputs());
  std::size_t count = 0;
  for (std::size_t i = 0; i < dense.inputs(); ++i) {
    nonzero[count] = static_cast<std::uint32_t>(i);
    count += in(0, i) != 0.0f;
  }
  const float* d = dout.data();
  const std::size_t outputs = dense.outputs();
  for (std::size_t c = 0; c < count; ++c) {
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
//! [fused-dense]

}  // namespace

float stochastic_step(Network& network, ConstTensorView image, std::uint8_t label, float learning_rate,
                      SampleBuffers& buffers) {
  const ConstTensorView logits = network.forward(image);
  const std::size_t classes = logits.cols(), layers = network.layers.size();
  buffers.target.resize(1, classes);
  buffers.probabilities.resize(1, classes);
  buffers.dlogits.resize(1, classes);
  fill(buffers.target, 0.0f);
  buffers.target(0, label) = 1.0f;
  const float loss = softmax_cross_entropy_forward(buffers.probabilities, logits, buffers.target);
  softmax_cross_entropy_backward(buffers.dlogits, buffers.probabilities, buffers.target);
  buffers.doutputs.resize(layers);

  ConstTensorView dout = buffers.dlogits;
  for (std::size_t l = layers; l-- > 0;) {
    const ConstTensorView in = l == 0 ? image : network.output(l - 1);
    TensorView din;
    if (l > 0) {
      buffers.doutputs[l - 1].resize(1, in.cols());
      din = buffers.doutputs[l - 1];
    }
    if (auto* dense = std::get_if<Dense>(&network.layers[l]))
      dense_step(*dense, din, dout, in, learning_rate);
    else if (l > 0)
      std::get<Activation>(network.layers[l]).backward(din, dout, network.output(l));
    dout = din;
  }
  return loss;
}

//! [stochastic]
History train_stochastic(Network& network, const Dataset& train, const Dataset& validation,
                         const StochasticSettings& settings, Progress* progress, std::vector<float>* losses) {
  Rng rng(settings.seed);
  const std::size_t n = train.size();
  SampleBuffers buffers;
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
      const float loss = stochastic_step(network, train.images.view().rows_slice(index, 1), train.labels[index],
                                         learning_rate, buffers);
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
//! [stochastic]

}  // namespace nn

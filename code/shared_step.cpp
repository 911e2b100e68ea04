// Chapter 11: one mini-batch step with the batch's rows shared among the cores.
#include "shared_step.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "kernels.hpp"
#include "parallel.hpp"
#include "shared_gradient.hpp"
#include "softmax_cross_entropy.hpp"

namespace nn::parallel {

namespace {

using kernels::kTile, kernels::kTileRows;

// The step's tensors for the whole batch; each thread writes its own rows.
// Kept from step to step, so that only the first step allocates (the largest
// batch's, until the thread ends).
struct BatchRows {
  ConstTensorView inputs, targets;
  StepBuffers* buffers = nullptr;    // probabilities and dlogits, as train_step keeps them
  std::vector<Tensor> outputs;       // each layer's output, z or a
  std::vector<Tensor> doutputs;      // ∂L/∂(each layer's output), but the last's: dlogits
  std::vector<float> part_losses;    // the mean loss of each part of kTileRows rows
  std::vector<std::size_t> starts;   // where each dense layer's rows of W begin, stacked

  ConstTensorView in(std::size_t l) const { return l == 0 ? inputs : ConstTensorView(outputs[l - 1]); }
  ConstTensorView dout(std::size_t l) const {
    return l + 1 == outputs.size() ? ConstTensorView(buffers->dlogits) : ConstTensorView(doutputs[l]);
  }
};

// Whether this step can take the network and the batch: every row must go
// through every layer alone, which is true of dense and activation layers but
// not of chapter 13's dropout, whose masks are drawn in the order of the whole
// batch; and every shape must fit, since the blocked kernels check none.
bool fits(const Network& network, ConstTensorView inputs, ConstTensorView targets) {
  std::size_t width = inputs.cols();
  for (const Layer& layer : network.layers) {
    if (const auto* dense = std::get_if<Dense>(&layer)) {
      if (dense->inputs() != width) return false;
      width = dense->outputs();
    } else if (!std::holds_alternative<Activation>(layer)) {
      return false;
    }
  }
  return !network.layers.empty() && inputs.rows() > 0 && targets.rows() == inputs.rows() &&
         targets.cols() == width;
}

// [shared-step-rows]
// Rows [first, last) of the batch, from the image to ∂L/∂ of the first
// layer's output. The products are the blocked kernels on the whole tensors,
// asked for these rows only: their choices (whether b is copied, where the
// blocks start) depend on the whole product's shape, as in train_step.
void forward_and_back(const Network& network, BatchRows& batch, std::size_t first, std::size_t last) {
  const std::size_t rows = last - first, layers = network.layers.size();
  const auto own = [&](auto view) { return view.rows_slice(first, rows); };
  for (std::size_t l = 0; l < layers; ++l) {
    const TensorView out = batch.outputs[l];
    if (const auto* dense = std::get_if<Dense>(&network.layers[l])) {
      kernels::stages::matmul_blocked(out, batch.in(l), dense->weight, Write::overwrite, first, last);
      add_row(own(out), dense->bias);
    } else {
      std::get<Activation>(network.layers[l]).forward(own(out), own(batch.in(l)));
    }
  }
  const ConstTensorView logits = batch.outputs[layers - 1];
  const TensorView probabilities = batch.buffers->probabilities, dlogits = batch.buffers->dlogits;
  for (std::size_t p = first / kTileRows; p * kTileRows < last; ++p) {  // each part's mean loss
    const std::size_t from = p * kTileRows, count = std::min(kTileRows, last - from);
    batch.part_losses[p] = softmax_cross_entropy_forward(probabilities.rows_slice(from, count),
                                                         logits.rows_slice(from, count),
                                                         batch.targets.rows_slice(from, count));
  }
  softmax_cross_entropy_backward(own(dlogits), own(ConstTensorView(probabilities)), own(batch.targets),
                                 batch.targets.rows());  // (p − y) / B, B the whole batch
  for (std::size_t l = layers; l-- > 1;) {  // ∂L/∂(input of layer l) is ∂L/∂(output of layer l − 1)
    const TensorView din = batch.doutputs[l - 1];
    if (const auto* dense = std::get_if<Dense>(&network.layers[l]))
      kernels::stages::matmul_a_bt_blocked(din, batch.dout(l), dense->weight, Write::overwrite, first, last);
    else
      std::get<Activation>(network.layers[l]).backward(own(din), own(batch.dout(l)), own(batch.in(l)),
                                                       own(ConstTensorView(batch.outputs[l])));
  }
}
// [shared-step-rows]

// [shared-step-gradients]
// Whether θ −= η · dθ would leave a row of θ exactly as it is: when every
// element of dθ is +0 (all its bits zero) and η is finite with its sign bit
// clear, η · dθ is +0, and θ − (+0) is θ for every θ arithmetic makes, −0
// included, fused into one FMA or not (in the default floating-point
// environment: rounding to nearest, subnormal numbers kept).
// In a batch of MNIST digits many rows of W₁ are such rows: those of the
// pixels that are zero in every image of the batch, for which the gradient
// kernel writes +0.
// Skipping one saves its loads and stores, and its cache lines stay valid in
// the caches of both threads' cores, for the next step's first job to read.
// (With η negative or −0, η · (+0) is −0, and −0 − (−0) is +0; with η
// infinite or NaN, η · (+0) is NaN: those rates update every row.)
bool leaves_as_it_is(float learning_rate, const float* dtheta, std::size_t cols) {
  if (!std::isfinite(learning_rate) || std::signbit(learning_rate)) return false;
  std::uint32_t bits = 0;
  for (std::size_t j = 0; j < cols; ++j) bits |= std::bit_cast<std::uint32_t>(dtheta[j]);
  return bits == 0;
}

// Rows [first, last) of the weight gradients dW = xᵀ dz of all the dense
// layers, counted as if their W were stacked into one matrix (batch.starts:
// where each layer's rows begin). With a learning rate, plain descent follows
// on the same rows at once, θ −= η ∇θ, the arithmetic of GradientDescent,
// while they are in the cache: the update needs no pass of its own.
void weight_gradient_rows(Network& network, const BatchRows& batch, std::size_t first, std::size_t last,
                          std::optional<float> descent) {
  const std::vector<std::size_t>& starts = batch.starts;
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    const std::size_t from = std::max(first, starts[l]), to = std::min(last, starts[l + 1]);
    if (from >= to) continue;  // no rows of this layer here, or no weights at all
    Dense& dense = std::get<Dense>(network.layers[l]);
    kernels::stages::matmul_at_b_blocked(dense.dweight, batch.in(l), batch.dout(l), Write::overwrite,
                                         from - starts[l], to - starts[l]);
    if (!descent) continue;
    const std::size_t cols = dense.outputs();
    for (std::size_t r = from - starts[l]; r < to - starts[l]; ++r) {
      float* theta = dense.weight.row(r).data();
      const float* dtheta = dense.dweight.row(r).data();
      if (leaves_as_it_is(*descent, dtheta, cols)) continue;
      // The expression of GradientDescent::update, compiled with the same flags
      // (whether a multiply and an add become one FMA is the compiler's choice,
      // the same in every file of the build): the same bits, as the tests check.
      for (std::size_t j = 0; j < cols; ++j) theta[j] -= *descent * dtheta[j];
    }
  }
}
// [shared-step-gradients]

}  // namespace

// [shared-step-code]
float shared_train_step(Network& network, ConstTensorView inputs, ConstTensorView targets,
                        float learning_rate, StepBuffers& buffers, Optimiser& rule) {
  // What this step cannot take, train_step does, and reports a wrong shape in its own words.
  if (!fits(network, inputs, targets)) return train_step(network, inputs, targets, learning_rate, buffers, rule);
  // One per thread, so that a step run inside a piece of a job has its own. The
  // jobs below must see the caller's: a lambda does not capture a thread_local
  // (each thread would find its own by name), so they are given a reference.
  thread_local BatchRows kept;
  BatchRows& batch = kept;
  const std::size_t rows = inputs.rows(), layers = network.layers.size(), parts = (rows + kTileRows - 1) / kTileRows;
  batch.inputs = inputs;
  batch.targets = targets;
  batch.buffers = &buffers;
  batch.outputs.resize(layers);
  batch.doutputs.resize(layers);
  batch.part_losses.resize(parts);
  batch.starts.assign(1, 0);
  std::size_t width = inputs.cols();
  for (std::size_t l = 0; l < layers; ++l) {
    const auto* dense = std::get_if<Dense>(&network.layers[l]);
    batch.starts.push_back(batch.starts.back() + (dense ? dense->inputs() : 0));
    width = std::visit([&](const auto& kind) { return kind.output_width(width); }, network.layers[l]);
    batch.outputs[l].resize(rows, width);
    if (l + 1 < layers) batch.doutputs[l].resize(rows, width);
  }
  buffers.probabilities.resize(rows, targets.cols());
  buffers.dlogits.resize(rows, targets.cols());

  // Two jobs: every part of the batch to the first layer's dz, then every row
  // of the weight gradients, with plain descent's update where it applies.
  pool().for_ranges(rows, kTileRows, [&](std::size_t first, std::size_t last) {
    forward_and_back(network, batch, first, last);
  });
  const bool plain = dynamic_cast<SharedGradientDescent*>(&rule) || dynamic_cast<GradientDescent*>(&rule);
  const std::optional<float> descent = plain ? std::optional(learning_rate) : std::nullopt;
  pool().for_ranges(batch.starts.back(), kTile, [&](std::size_t first, std::size_t last) {
    weight_gradient_rows(network, batch, first, last, descent);
  });
  // The bias gradients are column sums over the batch: small, on this thread.
  for (std::size_t l = 0; l < layers; ++l)
    if (auto* dense = std::get_if<Dense>(&network.layers[l])) {
      fill(dense->dbias, 0.0f);
      add_column_sums(dense->dbias, batch.dout(l));
      float* theta = dense->bias.data();
      const float* dtheta = dense->dbias.data();
      if (plain)
        for (std::size_t o = 0; o < dense->bias.size(); ++o) theta[o] -= learning_rate * dtheta[o];
    }
  if (!plain) rule.update(network, learning_rate);

  batch.inputs = batch.targets = {};  // no view of the caller's tensors outlives a call that returns
  batch.buffers = nullptr;
  double loss_sum = 0;  // the parts' mean losses, weighted by their rows, in order
  for (std::size_t p = 0; p < parts; ++p)
    loss_sum += static_cast<double>(batch.part_losses[p]) *
                static_cast<double>(std::min(kTileRows, rows - p * kTileRows));
  return static_cast<float>(loss_sum / static_cast<double>(rows));
}
// [shared-step-code]

}  // namespace nn::parallel

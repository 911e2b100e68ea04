// Chapter 9: stochastic gradient descent, one sample per update.
#pragma once

#include <cstdint>
#include <span>

#include "minibatch.hpp"

namespace nn {

/// Settings of stochastic gradient descent.
struct StochasticSettings {
  std::size_t epochs = 1;
  float learning_rate = 0.01f;
  std::uint64_t seed = 1;  // for the shuffling
  bool shuffle = true;     // false: visit the images in file order
  float decay = 1.0f;      // the learning rate is multiplied by this after every epoch
  Optimiser* rule = nullptr;  // none: plain descent by the fused stochastic_step; a rule (which stays the
                              // caller's): chapter 7's train_step on a batch of one, which that rule updates
};

/// Buffers of one per-sample step, sized on first use and reused after.
struct SampleBuffers {
  Tensor target, probabilities, dlogits;  // 1×K; the layers' gradients live in the network, as in backward
};

// [nonzero-indices]
/// Writes the positions i of the elements of `values` that are not zero, in
/// order, to `indices`, which must have room for values.size() entries, and
/// returns how many there are. A NaN is not zero, and −0 is.
std::size_t nonzero_indices(std::span<const float> values, std::uint32_t* indices);

/// A function that does what nonzero_indices does: the fused step below lists
/// its inputs with the one installed, chapter 9's unless chapter 11 installs
/// its own. Like chapter 1's products, a setting of the whole process: change
/// it between steps, never while one runs.
using NonzeroIndices = std::size_t (*)(std::span<const float> values, std::uint32_t* indices);
void install_nonzero_indices(NonzeroIndices list);  // null: chapter 9's again
NonzeroIndices installed_nonzero_indices();
// [nonzero-indices]

// [sample-step]
/// One update on one image (1×I) with its label: forward, loss, then backward
/// and update fused layer by layer, so that no gradient tensor is stored,
/// zeroed or swept: a dense layer's W moves by −η xᵀ dout, touching only the
/// rows of the inputs x that are not zero. Returns the sample's loss.
float stochastic_step(Network& network, ConstTensorView image, std::uint8_t label, float learning_rate,
                      SampleBuffers& buffers);
// [sample-step]

/// Stochastic gradient descent: one update per training image, in a shuffled
/// order per epoch (the same order train_mini_batch draws for the same seed).
/// The fused step does plain gradient descent only: with settings.rule, every
/// sample takes the general path instead (forward, backward into the gradient
/// tensors, then the rule), which any rule supports.
/// If `losses` is given, every update's loss is appended to it.
History train_stochastic(Network& network, const Dataset& train, const Dataset& validation,
                         const StochasticSettings& settings, Progress* progress = nullptr,
                         std::vector<float>* losses = nullptr);

}  // namespace nn

// Chapter 11: work of the training loops shared among the cores, besides the
// products: the full-batch gradient by whole chunks, plain descent's update,
// and the copying of a mini-batch's images.
#pragma once

#include <span>

#include "training.hpp"

namespace nn::parallel {

// [shared-gradient]
/// The parts the full batch is cut into, whatever the number of threads.
inline constexpr std::size_t kGradientParts = 8;

/// Does what chapter 7's full_batch_gradient does, with the images cut into
/// kGradientParts runs of whole chunks that the pool's threads take as they
/// come free. Each part adds its share into its own copy of the network; the
/// parts' gradients are then added up in the order of the parts. So the
/// result is the same whichever thread did which part, and however many
/// threads there were, though it rounds differently from full_batch_gradient,
/// which adds everything in one sum. It is meant for networks without
/// dropout, as full-batch descent is in this book: each part's copy of a
/// dropout layer would start from the same state of its generator, and the
/// parts would draw alike masks. Call it from one thread at a time.
float shared_full_batch_gradient(Network& network, ConstTensorView images,
                                 ConstTensorView targets, StepBuffers& buffers);
// [shared-gradient]

// [shared-descent]
/// Plain gradient descent, θ −= η ∇θ, with the elements of each parameter
/// tensor shared among the pool's threads: the same bits as GradientDescent,
/// each element computed alike whoever computes it.
class SharedGradientDescent final : public Optimiser {
 public:
  void update(Network& network, float learning_rate) override;
};
// [shared-descent]

// [shared-gather]
/// Does what chapter 8's gather_rows does, with the rows shared among the
/// pool's threads. A copy is the same bits whoever makes it.
void shared_gather_rows(TensorView out, ConstTensorView from, std::span<const std::size_t> rows);
// [shared-gather]

}  // namespace nn::parallel

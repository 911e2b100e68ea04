// Chapter 11: work of the training loops shared among the cores, besides the
// products: the full-batch gradient by whole chunks, plain descent's update,
// and the copying of a mini-batch's images, from floats or from bytes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

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

// [byte-images]
/// The pixels of a set of images kept, beside the floats, as the bytes of
/// chapter 2's file, for copying batches out of: a row is a quarter of the
/// cache lines, and a copy of rows scattered over main memory waits for
/// each line it brings. Each value is turned back into a float by chapter 2's
/// pixel_value, so the copy has the same bits as the floats' copy.
class ByteImages {
 public:
  /// Keeps the bytes of `images` if every value is pixel_value of a byte,
  /// as chapter 2 makes them; otherwise keeps nothing (see exact()). The
  /// images must not change while this copies from them.
  explicit ByteImages(ConstTensorView images);
  /// Whether the images were all pixel values, so that the bytes are kept.
  bool exact() const { return !bytes_.empty(); }
  /// Does what shared_gather_rows does, from the bytes if `from` is the
  /// tensor they were made from (the same data and shape) and they are
  /// exact; from `from` otherwise. Chapter 8's loop takes it as `.gather`.
  /// It shares the rows among the pool's threads: call it from one thread
  /// at a time.
  void operator()(TensorView out, ConstTensorView from, std::span<const std::size_t> rows) const;

 private:
  const float* source_;
  std::size_t rows_, cols_;
  std::vector<std::uint8_t> bytes_;  // row-major, as the images; empty unless exact
};
// [byte-images]

}  // namespace nn::parallel

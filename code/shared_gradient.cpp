// Chapter 11: work of the training loops shared among the cores, besides the
// products: the full-batch gradient by whole chunks, plain descent's update,
// and the copying of a mini-batch's images.
#include "shared_gradient.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <vector>

#include "kernels.hpp"
#include "minibatch.hpp"
#include "parallel.hpp"

namespace nn::parallel {

namespace {

// Fewer rows than this are copied on the calling thread: not worth a hand-over.
constexpr std::size_t kRowsWorthSharing = 16;

// One part of the batch: its copy of the network, whose gradients receive
// the part's share, and the buffers of its steps. Kept from call to call, so
// that only the first call allocates: assigning the layers again reuses the
// storage of tensors of the same shape.
struct Part {
  Network network;
  StepBuffers buffers;
  double loss_sum = 0;
};

// The gradient tensors of a network, in the order of for_each_parameter.
std::vector<Tensor*> gradients_of(Network& network) {
  std::vector<Tensor*> gradients;
  network.for_each_parameter([&](Tensor&, Tensor& gradient) { gradients.push_back(&gradient); });
  return gradients;
}

}  // namespace

// [shared-gradient-code]
float shared_full_batch_gradient(Network& network, ConstTensorView images,
                                 ConstTensorView targets, StepBuffers& /*each part has its own*/) {
  static std::vector<Part> parts(kGradientParts);
  const std::size_t n = images.rows(), chunks = (n + kFullBatchChunk - 1) / kFullBatchChunk;
  // Part p: chunks [p · chunks / P, (p + 1) · chunks / P), in rows.
  const auto first_row = [&](std::size_t p) {
    return std::min(n, p * chunks / kGradientParts * kFullBatchChunk);
  };
  pool().for_ranges(kGradientParts, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t p = first; p < last; ++p) {
      Part& part = parts[p];
      part.network.layers = network.layers;  // the layers as they are now (storage reused)
      part.network.zero_gradients();
      const std::size_t from = first_row(p), rows = first_row(p + 1) - from;
      part.loss_sum = add_gradient_share(part.network, images.rows_slice(from, rows),
                                         targets.rows_slice(from, rows), n, part.buffers);
    }
  });
  // The sum of the parts' gradients, element by element in the order of the
  // parts; the elements are shared among the threads, each computed alike.
  const std::vector<Tensor*> sums = gradients_of(network);
  std::vector<std::vector<Tensor*>> shares;
  for (Part& part : parts) shares.push_back(gradients_of(part.network));
  for (std::size_t t = 0; t < sums.size(); ++t)
    pool().for_ranges(sums[t]->size(), 1024, [&](std::size_t first, std::size_t last) {
      for (std::size_t i = first; i < last; ++i) {
        float sum = 0;
        for (const auto& share : shares) sum += share[t]->data()[i];
        sums[t]->data()[i] = sum;
      }
    });
  double loss_sum = 0;
  for (const Part& part : parts) loss_sum += part.loss_sum;
  return static_cast<float>(loss_sum / static_cast<double>(n));
}
// [shared-gradient-code]

void SharedGradientDescent::update(Network& network, float learning_rate) {
  constexpr std::size_t kElementsWorthSharing = 1 << 14;  // a bias is not worth a hand-over
  network.for_each_parameter([&](Tensor& parameter, const Tensor& gradient) {
    float* theta = parameter.data();
    const float* dtheta = gradient.data();
    const auto descend = [&](std::size_t first, std::size_t last) {
      for (std::size_t i = first; i < last; ++i) theta[i] -= learning_rate * dtheta[i];
    };
    if (parameter.size() < kElementsWorthSharing) descend(0, parameter.size());
    else pool().for_ranges(parameter.size(), 1024, descend);
  });
}

// [shared-gather-code]
void shared_gather_rows(TensorView out, ConstTensorView from, std::span<const std::size_t> rows) {
  // The rows lie scattered over the training set, so each comes from main
  // memory, and what limits the copy is how many cache lines one core can be
  // waiting for at a time. Two threads on two cores can wait for twice as many. A few rows
  // are not worth a hand-over; a wrong shape is reported by gather_rows for
  // the whole batch, not for a piece of it. The pieces are whole parts of
  // kTileRows rows, as the first layer's product and the shared step's first
  // job cut the batch: the pool hands its pieces out in order and the
  // calling thread usually takes the first, so a thread usually copies the
  // rows its part of the forward pass then works on, and they are in its own
  // core's caches, not the other's.
  if (rows.size() < kRowsWorthSharing || out.rows() != rows.size() || out.cols() != from.cols())
    return gather_rows(out, from, rows);
  pool().for_ranges(rows.size(), kernels::kTileRows, [&](std::size_t first, std::size_t last) {
    gather_rows(out.rows_slice(first, last - first), from, rows.subspan(first, last - first));
  });
}
// [shared-gather-code]

ByteImages::ByteImages(ConstTensorView images)
    : source_(images.data()), rows_(images.rows()), cols_(images.cols()), bytes_(images.size()) {
  // Two loops without a branch or an early exit, which the compiler turns
  // into vector code: first the nearest byte to value · 255, once value is
  // put into [0, 1] (NaN to 0); then whether every byte gives value back.
  const float* values = images.data();
  std::uint8_t* bytes = bytes_.data();
  for (std::size_t i = 0; i < images.size(); ++i) {
    const float low = values[i] > 0.0f ? values[i] : 0.0f, within = low < 1.0f ? low : 1.0f;
    bytes[i] = static_cast<std::uint8_t>(static_cast<std::int32_t>(within * 255.0f + 0.5f));
  }
  std::uint32_t mismatches = 0;
  for (std::size_t i = 0; i < images.size(); ++i)
    mismatches |= std::bit_cast<std::uint32_t>(pixel_value(bytes[i])) ^ std::bit_cast<std::uint32_t>(values[i]);
  // Some value is not a pixel value: keep nothing (a new vector, so that the
  // storage is freed too) and copy the floats instead.
  if (mismatches != 0) bytes_ = std::vector<std::uint8_t>();
}

// [byte-gather-code]
void ByteImages::operator()(TensorView out, ConstTensorView from, std::span<const std::size_t> rows) const {
  if (!exact() || from.data() != source_ || from.rows() != rows_ || from.cols() != cols_ ||
      out.rows() != rows.size() || out.cols() != cols_)
    return shared_gather_rows(out, from, rows);  // which reports a wrong shape
  // As shared_gather_rows: each thread copies a share of the rows, asking
  // for the row a few ahead of the one it copies (a row of bytes is 13 cache
  // lines, of floats 49), and turning each byte into its float on the way.
  constexpr std::size_t kAhead = 4, kLineBytes = 64;
  const auto copy = [&](std::size_t first, std::size_t last) {
    for (std::size_t r = first; r < last; ++r) {
      if (r + kAhead < last) {
        const std::uint8_t* ahead = bytes_.data() + rows[r + kAhead] * cols_;
        for (std::size_t c = 0; c < cols_; c += kLineBytes) __builtin_prefetch(ahead + c);
      }
      assert(rows[r] < rows_);  // as gather_rows: the rows are the caller's to get right
      const std::uint8_t* pixels = bytes_.data() + rows[r] * cols_;
      float* values = out.row(r).data();
      for (std::size_t c = 0; c < cols_; ++c) values[c] = pixel_value(pixels[c]);
    }
  };
  if (rows.size() < kRowsWorthSharing) return copy(0, rows.size());
  pool().for_ranges(rows.size(), kernels::kTileRows, copy);  // in parts, as shared_gather_rows
}
// [byte-gather-code]

}  // namespace nn::parallel

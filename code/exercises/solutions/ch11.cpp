// Reference solutions to chapter 11's exercises.
#include "ch11.hpp"

namespace exercises {

// [ch11-dot]
float dot_eight_sums(std::span<const float> a, std::span<const float> b) {
  if (a.size() != b.size())
    throw nn::ShapeError("dot_eight_sums: a has " + std::to_string(a.size()) + " elements, b has " +
                         std::to_string(b.size()));
  float sums[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8)
    for (std::size_t s = 0; s < 8; ++s) sums[s] += a[i + s] * b[i + s];
  for (std::size_t s = 0; i + s < a.size(); ++s) sums[s] += a[i + s] * b[i + s];
  float total = 0;
  for (float s : sums) total += s;
  return total;
}
// [ch11-dot]

// [ch11-shared]
void matmul_a_bt_shared(nn::TensorView out, nn::ConstTensorView a, nn::ConstTensorView b,
                        nn::parallel::ThreadPool& pool) {
  if (a.cols() != b.cols() || out.rows() != a.rows() || out.cols() != b.rows())
    throw nn::ShapeError("matmul_a_bt_shared: a is " + nn::shape_string(a) + ", b is " + nn::shape_string(b) +
                         " and out is " + nn::shape_string(out));
  // Each row of out is one thread's, computed by the same loop whoever runs it.
  pool.for_ranges(out.rows(), 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i)
      for (std::size_t j = 0; j < b.rows(); ++j) {
        float dot = 0;
        for (std::size_t k = 0; k < a.cols(); ++k) dot += a(i, k) * b(j, k);
        out(i, j) = dot;
      }
  });
}
// [ch11-shared]

}  // namespace exercises

// Reference solutions to chapter 1's exercises.
#include "ch01.hpp"

#include <algorithm>

namespace exercises {

// [ch01-transpose]
void transpose(nn::TensorView out, nn::ConstTensorView in) {
  if (out.rows() != in.cols() || out.cols() != in.rows())
    throw nn::ShapeError("transpose: in is " + nn::shape_string(in) + " so out must be " +
                         nn::shape_string(in.cols(), in.rows()) + ", not " + nn::shape_string(out));
  // Row c of out is column c of in: read in with a stride, write out in order.
  for (std::size_t c = 0; c < in.cols(); ++c)
    for (std::size_t r = 0; r < in.rows(); ++r) out(c, r) = in(r, c);
}
// [ch01-transpose]

// [ch01-hadamard]
void hadamard(nn::TensorView out, nn::ConstTensorView p, nn::ConstTensorView q) {
  if (p.rows() != q.rows() || p.cols() != q.cols() || out.rows() != p.rows() || out.cols() != p.cols())
    throw nn::ShapeError("hadamard: p is " + nn::shape_string(p) + ", q is " + nn::shape_string(q) +
                         " and out is " + nn::shape_string(out) + "; all three must have one shape");
  for (std::size_t i = 0; i < p.size(); ++i) out.data()[i] = p.data()[i] * q.data()[i];
}
// [ch01-hadamard]

// [ch01-argmax]
std::vector<std::size_t> argmax_rows(nn::ConstTensorView in) {
  std::vector<std::size_t> best(in.rows());
  for (std::size_t r = 0; r < in.rows(); ++r) {
    const auto row = in.row(r);
    best[r] = static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
  }
  return best;
}
// [ch01-argmax]

}  // namespace exercises

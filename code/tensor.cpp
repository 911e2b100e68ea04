// Chapter 1: the Tensor.
#include "tensor.hpp"

#include <algorithm>

namespace nn {

Tensor::Tensor(std::size_t rows, std::size_t cols, std::initializer_list<float> values)
    : values_(values), rows_(rows), cols_(cols) {
  if (values_.size() != rows * cols)
    throw ShapeError("Tensor: " + std::to_string(values_.size()) + " values given for shape " +
                     shape_string(rows, cols) + ", which holds " + std::to_string(rows * cols));
}

void Tensor::resize(std::size_t rows, std::size_t cols) {
  values_.resize(rows * cols);
  rows_ = rows;
  cols_ = cols;
}

std::string shape_string(std::size_t rows, std::size_t cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

namespace {

// Throws unless out (M×N) can hold the product of an M×K and a K×N operand.
void check_product(const char* name, ConstTensorView out, std::size_t m, std::size_t k_left,
                   std::size_t k_right, std::size_t n, ConstTensorView a, ConstTensorView b) {
  if (k_left != k_right || out.rows() != m || out.cols() != n)
    throw ShapeError(std::string(name) + ": a is " + shape_string(a) + ", b is " + shape_string(b) +
                     " and out is " + shape_string(out) + "; these shapes do not multiply");
}

void prepare(TensorView out, Write mode) {
  if (mode == Write::overwrite) fill(out, 0.0f);
}

}  // namespace

//! [matmul]
// out = a b. The loops run i, k, j: the innermost loop walks one row of b and one
// row of out, both contiguous, so every cache line fetched is used in full and
// the compiler turns the loop into vector instructions.
void matmul(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  const std::size_t m = a.rows(), k_size = a.cols(), n = b.cols();
  check_product("matmul", out, m, k_size, b.rows(), n, a, b);
  prepare(out, mode);
  for (std::size_t i = 0; i < m; ++i) {
    float* out_row = out.row(i).data();
    for (std::size_t k = 0; k < k_size; ++k) {
      const float a_ik = a(i, k);
      const float* b_row = b.row(k).data();
      for (std::size_t j = 0; j < n; ++j) out_row[j] += a_ik * b_row[j];
    }
  }
}
//! [matmul]

//! [matmul_a_bt]
// out = a bᵀ: out(i, j) is the dot product of row i of a and row j of b, two
// contiguous runs of memory.
void matmul_a_bt(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  const std::size_t m = a.rows(), k_size = a.cols(), n = b.rows();
  check_product("matmul_a_bt", out, m, k_size, b.cols(), n, a, b);
  for (std::size_t i = 0; i < m; ++i) {
    const float* a_row = a.row(i).data();
    for (std::size_t j = 0; j < n; ++j) {
      const float* b_row = b.row(j).data();
      float dot = 0.0f;
      for (std::size_t k = 0; k < k_size; ++k) dot += a_row[k] * b_row[k];
      out(i, j) = mode == Write::overwrite ? dot : out(i, j) + dot;
    }
  }
}
//! [matmul_a_bt]

//! [matmul_at_b]
// out = aᵀ b: row k of a and row k of b together contribute the outer product
// a(k, :)ᵀ b(k, :) to out, so the loops run k, i, j and stay on contiguous rows.
void matmul_at_b(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  const std::size_t k_size = a.rows(), m = a.cols(), n = b.cols();
  check_product("matmul_at_b", out, m, k_size, b.rows(), n, a, b);
  prepare(out, mode);
  for (std::size_t k = 0; k < k_size; ++k) {
    const float* a_row = a.row(k).data();
    const float* b_row = b.row(k).data();
    for (std::size_t i = 0; i < m; ++i) {
      const float a_ki = a_row[i];
      float* out_row = out.row(i).data();
      for (std::size_t j = 0; j < n; ++j) out_row[j] += a_ki * b_row[j];
    }
  }
}
//! [matmul_at_b]

//! [add_row]
void add_row(TensorView out, ConstTensorView row) {
  if (row.rows() != 1 || row.cols() != out.cols())
    throw ShapeError("add_row: out is " + shape_string(out) + " but row is " + shape_string(row) +
                     "; expected 1×" + std::to_string(out.cols()));
  for (std::size_t r = 0; r < out.rows(); ++r) {
    float* out_row = out.row(r).data();
    for (std::size_t c = 0; c < out.cols(); ++c) out_row[c] += row(0, c);
  }
}
//! [add_row]

void add_column_sums(TensorView out, ConstTensorView in) {
  if (out.rows() != 1 || out.cols() != in.cols())
    throw ShapeError("add_column_sums: out is " + shape_string(out) + " but in is " +
                     shape_string(in) + "; expected out 1×" + std::to_string(in.cols()));
  for (std::size_t r = 0; r < in.rows(); ++r) {
    const float* in_row = in.row(r).data();
    for (std::size_t c = 0; c < in.cols(); ++c) out(0, c) += in_row[c];
  }
}

void fill(TensorView out, float value) { std::fill_n(out.data(), out.size(), value); }

}  // namespace nn

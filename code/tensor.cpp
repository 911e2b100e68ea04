// Chapter 1: the Tensor.
#include "tensor.hpp"

#include <algorithm>
#include <ostream>

namespace nn {

template <typename Real>
BasicTensor<Real>::BasicTensor(std::size_t rows, std::size_t cols, std::initializer_list<Real> values)
    : values_(values), rows_(rows), cols_(cols) {
  if (values_.size() != rows * cols)
    throw ShapeError("Tensor: " + std::to_string(values_.size()) + " values given for shape " +
                     shape_string(rows, cols) + ", which holds " + std::to_string(rows * cols));
}
template class BasicTensor<float>;
template class BasicTensor<double>;

std::string shape_string(std::size_t rows, std::size_t cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

namespace {

// Throws unless out (M×N) can hold the product of an M×K and a K×N operand.
template <typename Real>
void check_product(const char* name, BasicView<Real> out, std::size_t m, std::size_t k_left,
                   std::size_t k_right, std::size_t n, BasicView<const Real> a, BasicView<const Real> b) {
  if (k_left != k_right || out.rows() != m || out.cols() != n)
    throw ShapeError(std::string(name) + ": a is " + shape_string(a) + ", b is " + shape_string(b) +
                     " and out is " + shape_string(out) + "; these shapes do not multiply");
}

template <typename Real>
void prepare(BasicView<Real> out, Write mode) {
  if (mode == Write::overwrite) std::fill_n(out.data(), out.size(), Real{0});
}

}  // namespace

namespace reference {

// [matmul]
// out = a b. The loops run i, k, j: the innermost loop walks one row of b and one
// row of out, both contiguous, so every cache line fetched is used in full and
// the compiler turns the loop into vector instructions.
template <typename Real>
void matmul(BasicView<Real> out, BasicView<const Real> a, BasicView<const Real> b, Write mode) {
  check_product("matmul", out, a.rows(), a.cols(), b.rows(), b.cols(), a, b);
  prepare(out, mode);
  for (std::size_t i = 0; i < a.rows(); ++i) {
    Real* out_row = out.row(i).data();
    for (std::size_t k = 0; k < a.cols(); ++k) {
      const Real a_ik = a(i, k);
      const Real* b_row = b.row(k).data();
      for (std::size_t j = 0; j < b.cols(); ++j) out_row[j] += a_ik * b_row[j];
    }
  }
}
// [matmul]

// [matmul_a_bt]
// out = a bᵀ: out(i, j) is the dot product of row i of a and row j of b, two
// contiguous runs of memory. The dot product is one running sum, which the
// compiler may not split across vector lanes (that would change its rounding)
// without -ffast-math: this loop runs one multiply-add at a time.
template <typename Real>
void matmul_a_bt(BasicView<Real> out, BasicView<const Real> a, BasicView<const Real> b, Write mode) {
  check_product("matmul_a_bt", out, a.rows(), a.cols(), b.cols(), b.rows(), a, b);
  for (std::size_t i = 0; i < a.rows(); ++i) {
    const Real* a_row = a.row(i).data();
    for (std::size_t j = 0; j < b.rows(); ++j) {
      const Real* b_row = b.row(j).data();
      Real dot = 0;
      for (std::size_t k = 0; k < a.cols(); ++k) dot += a_row[k] * b_row[k];
      out(i, j) = mode == Write::overwrite ? dot : out(i, j) + dot;
    }
  }
}
// [matmul_a_bt]

// [matmul_at_b]
// out = aᵀ b: row k of a and row k of b together contribute the outer product
// a(k, :)ᵀ b(k, :) to out, so the loops run k, i, j and stay on contiguous rows.
template <typename Real>
void matmul_at_b(BasicView<Real> out, BasicView<const Real> a, BasicView<const Real> b, Write mode) {
  check_product("matmul_at_b", out, a.cols(), a.rows(), b.rows(), b.cols(), a, b);
  prepare(out, mode);
  for (std::size_t k = 0; k < a.rows(); ++k) {
    const Real* a_row = a.row(k).data();
    const Real* b_row = b.row(k).data();
    for (std::size_t i = 0; i < a.cols(); ++i) {
      const Real a_ki = a_row[i];
      Real* out_row = out.row(i).data();
      for (std::size_t j = 0; j < b.cols(); ++j) out_row[j] += a_ki * b_row[j];
    }
  }
}
// [matmul_at_b]

void matmul(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) { matmul<float>(out, a, b, mode); }
void matmul_a_bt(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  matmul_a_bt<float>(out, a, b, mode);
}
void matmul_at_b(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  matmul_at_b<float>(out, a, b, mode);
}

}  // namespace reference

// [add_row]
template <typename Real>
void add_row_kernel(BasicView<Real> out, BasicView<const Real> row) {
  if (row.rows() != 1 || row.cols() != out.cols())
    throw ShapeError("add_row: out is " + shape_string(out) + " but row is " + shape_string(row) +
                     "; expected 1×" + std::to_string(out.cols()));
  for (std::size_t r = 0; r < out.rows(); ++r) {
    Real* out_row = out.row(r).data();
    for (std::size_t c = 0; c < out.cols(); ++c) out_row[c] += row(0, c);
  }
}
// [add_row]

template <typename Real>
void add_column_sums_kernel(BasicView<Real> out, BasicView<const Real> in) {
  if (out.rows() != 1 || out.cols() != in.cols())
    throw ShapeError("add_column_sums: out is " + shape_string(out) + " but in is " +
                     shape_string(in) + "; expected out 1×" + std::to_string(in.cols()));
  for (std::size_t r = 0; r < in.rows(); ++r) {
    const Real* in_row = in.row(r).data();
    for (std::size_t c = 0; c < in.cols(); ++c) out(0, c) += in_row[c];
  }
}

// [install-products]
// The installed float kernels: chapter 1's loops until a later chapter installs
// its own. Function pointers are constants, so this table is filled before any
// code runs, whatever order the program's files are initialised in.
namespace {
constexpr ProductKernels kReference = {reference::matmul, reference::matmul_a_bt, reference::matmul_at_b};
constinit ProductKernels installed = kReference;
}  // namespace

ProductKernels reference_products() { return kReference; }

void install_products(const ProductKernels& kernels) {
  if (!kernels.matmul || !kernels.matmul_a_bt || !kernels.matmul_at_b)
    throw std::invalid_argument("install_products: every one of the three kernels must be given");
  installed = kernels;
}
const ProductKernels& installed_products() { return installed; }

// The public overloads. Float products, the ones training runs, check the
// shapes here, so every installed kernel gets checked arguments, and then run
// the installed kernel; double products, used for gradient checks, always
// take the reference loops.
void matmul(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  check_product("matmul", out, a.rows(), a.cols(), b.rows(), b.cols(), a, b);
  installed.matmul(out, a, b, mode);
}
void matmul_a_bt(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  check_product("matmul_a_bt", out, a.rows(), a.cols(), b.cols(), b.rows(), a, b);
  installed.matmul_a_bt(out, a, b, mode);
}
void matmul_at_b(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  check_product("matmul_at_b", out, a.cols(), a.rows(), b.rows(), b.cols(), a, b);
  installed.matmul_at_b(out, a, b, mode);
}
// [install-products]
void matmul(DoubleView out, ConstDoubleView a, ConstDoubleView b, Write mode) {
  reference::matmul<double>(out, a, b, mode);
}
void matmul_a_bt(DoubleView out, ConstDoubleView a, ConstDoubleView b, Write mode) {
  reference::matmul_a_bt<double>(out, a, b, mode);
}
void matmul_at_b(DoubleView out, ConstDoubleView a, ConstDoubleView b, Write mode) {
  reference::matmul_at_b<double>(out, a, b, mode);
}

void add_row(TensorView out, ConstTensorView row) { add_row_kernel(out, row); }
void add_row(DoubleView out, ConstDoubleView row) { add_row_kernel(out, row); }
void add_column_sums(TensorView out, ConstTensorView in) { add_column_sums_kernel(out, in); }
void add_column_sums(DoubleView out, ConstDoubleView in) { add_column_sums_kernel(out, in); }
void print(std::ostream& out, const std::string& name, ConstTensorView tensor) {
  out << name << " (" << shape_string(tensor) << "):\n";
  for (std::size_t r = 0; r < tensor.rows(); ++r) {
    out << "  ";
    for (float v : tensor.row(r)) out << ' ' << v;
    out << '\n';
  }
}

void fill(TensorView out, float value) { std::fill_n(out.data(), out.size(), value); }
void fill(DoubleView out, double value) { std::fill_n(out.data(), out.size(), value); }

}  // namespace nn

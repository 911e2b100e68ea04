// Chapter 1: the Tensor.
//
// Size legend, used in every shape comment of the book:
//   B  batch size (rows of a batch)     I  inputs of a layer (784 for MNIST)
//   O  outputs of a layer               K  classes (10 for MNIST)
//
// Every tensor in a multilayer perceptron is a matrix: a batch of inputs is B×I,
// a weight matrix I×O, a bias 1×O. So the book's one owning type is a row-major
// matrix, and a vector is a matrix with one row.
#pragma once

#include <cassert>
#include <cstddef>
#include <initializer_list>
#include <iosfwd>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace nn {

/// Thrown when two tensors do not fit together; the message names both shapes.
class ShapeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// [view]
/// A non-owning window onto rows × cols floats stored row-major and contiguous:
/// element (r, c) sits at data[r * cols + c]. `Element` is `float` for a view that
/// may write and `const float` for one that only reads.
template <typename Element>
class BasicView {
 public:
  BasicView() = default;
  BasicView(Element* data, std::size_t rows, std::size_t cols)
      : data_(data), rows_(rows), cols_(cols) {}
  /// A writable view converts to a read-only one, never the other way round.
  template <typename Other>
    requires std::is_convertible_v<Other*, Element*>
  BasicView(BasicView<Other> other)  // NOLINT: implicit on purpose
      : data_(other.data()), rows_(other.rows()), cols_(other.cols()) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return rows_ * cols_; }
  Element* data() const { return data_; }

  /// Element (r, c); the indices are checked in debug builds only.
  Element& operator()(std::size_t r, std::size_t c) const {
    assert(r < rows_ && c < cols_);
    return data_[r * cols_ + c];
  }
  /// Row r as a span of cols() elements.
  std::span<Element> row(std::size_t r) const {
    assert(r < rows_);
    return {data_ + r * cols_, cols_};
  }
  /// Rows [first, first + count) as a view: no copy, because rows are contiguous.
  BasicView rows_slice(std::size_t first, std::size_t count) const {
    assert(first + count <= rows_);
    return {data_ + first * cols_, count, cols_};
  }
  std::span<Element> values() const { return {data_, size()}; }

 private:
  Element* data_ = nullptr;
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
};

using TensorView = BasicView<float>;
using ConstTensorView = BasicView<const float>;
using DoubleView = BasicView<double>;
using ConstDoubleView = BasicView<const double>;
// [view]

// [aligned-allocator]
/// Where std::vector gets a tensor's memory: like std::allocator, but every
/// buffer starts at a multiple of 64 bytes, the size of a cache line. Then a
/// row of 16 floats (or of any multiple of 16, such as a 128-unit layer's
/// weights) starts on a line too, and the 64-byte vector loads of chapter 11
/// each touch one line instead of two. Nothing before chapter 11 depends on it.
template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}  // NOLINT: rebinding, as std::allocator does
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kAlignment); }
  template <typename U>
  bool operator==(const CacheLineAllocator<U>&) const { return true; }
};
// [aligned-allocator]

// [tensor]
/// The one owning tensor type: rows × cols numbers in one contiguous row-major
/// buffer. Everything else in the book borrows it through views. `Real` is float
/// for training and double for checking gradients to many digits.
template <typename Real>
class BasicTensor {
 public:
  BasicTensor() = default;
  /// A rows × cols tensor of zeros.
  BasicTensor(std::size_t rows, std::size_t cols) : values_(rows * cols, Real{0}), rows_(rows), cols_(cols) {}
  /// A rows × cols tensor holding `values` in row-major order.
  BasicTensor(std::size_t rows, std::size_t cols, std::initializer_list<Real> values);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return values_.size(); }
  Real* data() { return values_.data(); }
  const Real* data() const { return values_.data(); }

  Real& operator()(std::size_t r, std::size_t c) { return view()(r, c); }
  Real operator()(std::size_t r, std::size_t c) const { return view()(r, c); }

  BasicView<Real> view() { return {values_.data(), rows_, cols_}; }
  BasicView<const Real> view() const { return {values_.data(), rows_, cols_}; }
  operator BasicView<Real>() & { return view(); }              // NOLINT: implicit on purpose
  operator BasicView<const Real>() const& { return view(); }  // NOLINT: implicit on purpose
  /// A temporary tensor dies at the end of its statement, and a view of it would
  /// dangle: `ConstTensorView v = make_tensor();` does not compile. Name the tensor.
  operator BasicView<Real>() && = delete;
  operator BasicView<const Real>() const&& = delete;

  std::span<Real> row(std::size_t r) { return view().row(r); }
  std::span<const Real> row(std::size_t r) const { return view().row(r); }
  std::span<Real> values() { return values_; }
  std::span<const Real> values() const { return values_; }

  /// Resizes to rows × cols, keeping the allocation when it is large enough.
  /// The contents afterwards are unspecified: callers overwrite them.
  void resize(std::size_t rows, std::size_t cols) {
    values_.resize(rows * cols);
    rows_ = rows;
    cols_ = cols;
  }

 private:
  std::vector<Real, CacheLineAllocator<Real>> values_;  // starts on a cache line
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
};

using Tensor = BasicTensor<float>;
using DoubleTensor = BasicTensor<double>;
// [tensor]

/// "3×4": how shapes are written in error messages and in the book.
std::string shape_string(std::size_t rows, std::size_t cols);
template <typename Element>
std::string shape_string(BasicView<Element> v) { return shape_string(v.rows(), v.cols()); }

/// Whether the next product overwrites its output or adds to it. Backward passes
/// add into gradients, so that gradients from several uses or samples sum up.
enum class Write { overwrite, accumulate };

// Matrix products. Each checks the shapes and throws ShapeError naming them.
// out is M×N throughout. Each comes for float and for double tensors. The
// double ones run the loops of nn::reference below; the float ones run the
// installed product kernels (below), which are those same loops unless a later
// chapter installs faster ones.

/// out = a b, where a is M×K and b is K×N.
void matmul(TensorView out, ConstTensorView a, ConstTensorView b, Write mode = Write::overwrite);
void matmul(DoubleView out, ConstDoubleView a, ConstDoubleView b, Write mode = Write::overwrite);
/// out = a bᵀ, where a is M×K and b is N×K: every output is a dot product of two rows.
void matmul_a_bt(TensorView out, ConstTensorView a, ConstTensorView b, Write mode = Write::overwrite);
void matmul_a_bt(DoubleView out, ConstDoubleView a, ConstDoubleView b, Write mode = Write::overwrite);
/// out = aᵀ b, where a is K×M and b is K×N.
void matmul_at_b(TensorView out, ConstTensorView a, ConstTensorView b, Write mode = Write::overwrite);
void matmul_at_b(DoubleView out, ConstDoubleView a, ConstDoubleView b, Write mode = Write::overwrite);

/// out[r, :] += row for every row r; out is M×N, row is 1×N (broadcasting a bias).
void add_row(TensorView out, ConstTensorView row);
void add_row(DoubleView out, ConstDoubleView row);
/// out[0, :] += sum over r of in[r, :]; out is 1×N, in is M×N (the bias gradient).
void add_column_sums(TensorView out, ConstTensorView in);
void add_column_sums(DoubleView out, ConstDoubleView in);

/// The simple, readable products of chapter 1, float only: the standard that
/// chapter 11's fast kernels are tested against.
namespace reference {
void matmul(TensorView out, ConstTensorView a, ConstTensorView b, Write mode = Write::overwrite);
void matmul_a_bt(TensorView out, ConstTensorView a, ConstTensorView b, Write mode = Write::overwrite);
void matmul_at_b(TensorView out, ConstTensorView a, ConstTensorView b, Write mode = Write::overwrite);
}  // namespace reference

// [product-kernels]
/// The seam behind the float products: nn::matmul, nn::matmul_a_bt and
/// nn::matmul_at_b check the shapes and then call the installed kernels, which
/// start as chapter 1's loops (nn::reference). A later chapter installs faster
/// ones without this chapter knowing them. A kernel gets checked shapes and
/// must honour `mode`; it need not round as the loops do, but the tests hold
/// it to them within float rounding.
using ProductKernel = void (*)(TensorView out, ConstTensorView a, ConstTensorView b, Write mode);
struct ProductKernels {
  ProductKernel matmul;       ///< out = a b
  ProductKernel matmul_a_bt;  ///< out = a bᵀ
  ProductKernel matmul_at_b;  ///< out = aᵀ b
};
/// Chapter 1's loops, the kernels installed at start.
ProductKernels reference_products();
/// Makes the float products run `kernels` from now on. A setting of the whole
/// process: change it between products, never while one runs.
void install_products(const ProductKernels& kernels);
const ProductKernels& installed_products();
// [product-kernels]

/// Writes "name (R×C):" and then the tensor row by row, for the chapter programs.
void print(std::ostream& out, const std::string& name, ConstTensorView tensor);

/// Fills every element with value.
void fill(TensorView out, float value);
void fill(DoubleView out, double value);

/// out = f(in) element by element; out and in have the same shape and may alias.
template <typename Real, typename Function>
void map(BasicView<Real> out, std::type_identity_t<BasicView<const Real>> in, Function f) {
  if (out.rows() != in.rows() || out.cols() != in.cols())
    throw ShapeError("map: out is " + shape_string(out) + " but in is " + shape_string(in) +
                     "; they must have the same shape");
  const std::size_t n = in.size();
  for (std::size_t i = 0; i < n; ++i) out.data()[i] = f(in.data()[i]);
}

}  // namespace nn

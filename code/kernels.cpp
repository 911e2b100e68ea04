// Chapter 11: the fast kernels.
#include "kernels.hpp"

#include <algorithm>

namespace nn::kernels {

namespace {
void prepare(TensorView out, Write mode) {
  if (mode == Write::overwrite) std::fill_n(out.data(), out.size(), 0.0f);
}
}  // namespace

//! [skip-zeros]
void matmul(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  prepare(out, mode);
  const std::size_t n = b.cols();
  for (std::size_t i = 0; i < a.rows(); ++i) {
    float* out_row = out.row(i).data();
    for (std::size_t k = 0; k < a.cols(); ++k) {
      const float a_ik = a(i, k);
      if (a_ik == 0.0f) continue;  // most MNIST pixels are 0: their rows of b add nothing
      const float* b_row = b.row(k).data();
      for (std::size_t j = 0; j < n; ++j) out_row[j] += a_ik * b_row[j];
    }
  }
}
//! [skip-zeros]

void matmul_a_bt(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  nn::reference::matmul_a_bt(out, a, b, mode);
}

void matmul_at_b(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  prepare(out, mode);
  const std::size_t n = b.cols();
  for (std::size_t k = 0; k < a.rows(); ++k) {
    const float* a_row = a.row(k).data();
    const float* b_row = b.row(k).data();
    for (std::size_t i = 0; i < a.cols(); ++i) {
      const float a_ki = a_row[i];
      if (a_ki == 0.0f) continue;
      float* out_row = out.row(i).data();
      for (std::size_t j = 0; j < n; ++j) out_row[j] += a_ki * b_row[j];
    }
  }
}

}  // namespace nn::kernels

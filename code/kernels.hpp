// Chapter 11: the fast kernels behind nn::matmul, nn::matmul_a_bt and nn::matmul_at_b.
#pragma once

#include "tensor.hpp"

namespace nn::kernels {

// The same contracts as the products in tensor.hpp, whose shape checks have
// already run when these are called.

/// out = a b, skipping the zero elements of a.
void matmul(TensorView out, ConstTensorView a, ConstTensorView b, Write mode);
/// out = a bᵀ.
void matmul_a_bt(TensorView out, ConstTensorView a, ConstTensorView b, Write mode);
/// out = aᵀ b, skipping the zero elements of a.
void matmul_at_b(TensorView out, ConstTensorView a, ConstTensorView b, Write mode);

}  // namespace nn::kernels

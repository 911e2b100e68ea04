// Chapter 11's exercises. Answer them in workspace/ch11.cpp; the tests are
// tests/exercises/test_ch11_exercises.cpp (ctest -L exercise).
#pragma once

#include <span>

#include "parallel.hpp"
#include "tensor.hpp"

namespace exercises {

// [ch11-declarations]
/// Exercise 11.1: the dot product of a and b (same length) with eight running
/// sums instead of one, sum j taking the elements i with i mod 8 = j, added up
/// at the end; the elements past the last multiple of 8 go to the sums in the
/// same way. One sum makes every addition wait for the one before it; eight
/// independent ones keep the adder busy.
float dot_eight_sums(std::span<const float> a, std::span<const float> b);

/// Exercise 11.2: out = a bᵀ (a is M×K, b is N×K, out is M×N, overwritten), the
/// rows of out shared among the threads of `pool` with pool.for_ranges. The
/// result must have the same bits whatever the pool's size. Throw
/// nn::ShapeError when the shapes do not fit.
void matmul_a_bt_shared(nn::TensorView out, nn::ConstTensorView a, nn::ConstTensorView b,
                        nn::parallel::ThreadPool& pool);
// [ch11-declarations]

}  // namespace exercises

// Chapter 1's exercises. Answer them in workspace/ch01.cpp; the tests are
// tests/exercises/test_ch01_exercises.cpp (ctest -L exercise).
#pragma once

#include <cstddef>
#include <vector>

#include "tensor.hpp"

namespace exercises {

// [ch01-declarations]
/// Exercise 1.1: out = inᵀ, where in is M×N and out is N×M. Throw nn::ShapeError
/// if out has any other shape.
void transpose(nn::TensorView out, nn::ConstTensorView in);

/// Exercise 1.2: out = P ⊙ Q, the element-wise (Hadamard) product of two tensors
/// of the same shape. Throw nn::ShapeError naming both shapes when they differ.
void hadamard(nn::TensorView out, nn::ConstTensorView p, nn::ConstTensorView q);

/// Exercise 1.3: for each row, the column of its largest element (the first one
/// on a tie). Chapter 7 turns a network's outputs into predicted digits this way.
std::vector<std::size_t> argmax_rows(nn::ConstTensorView in);
// [ch01-declarations]

}  // namespace exercises

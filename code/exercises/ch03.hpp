// Chapter 3's exercises. Answer them in workspace/ch03.cpp; the tests are
// tests/exercises/test_ch03_exercises.cpp (ctest -L exercise).
#pragma once

#include <cstddef>
#include <vector>

#include "dense.hpp"

namespace exercises {

// [ch03-declarations]
/// Exercise 3.1: LeCun initialisation (LeCun et al., 1998): every weight drawn
/// from `rng`, normal with mean 0 and variance 1 / I; every bias zero. It keeps
/// Var z equal to the mean square of the inputs, E[x²], for a layer whose input
/// did not come out of a ReLU (no ReLU halved it).
void initialise_lecun(nn::Dense& layer, nn::Rng& rng);

/// Exercise 3.2: the number of parameters, weights and biases, of a multilayer
/// perceptron with these widths: {784, 128, 10} has a 784×128 and a 128×10
/// dense layer. Throw std::invalid_argument for fewer than two widths.
std::size_t mlp_parameter_count(const std::vector<std::size_t>& widths);

/// Exercise 3.3: the dense forward pass written out as loops, with no matmul
/// and no add_row: out(n, o) = bias(o) + Σᵢ in(n, i) W(i, o). in is B×I, out B×O;
/// throw nn::ShapeError naming the shapes if they do not fit the layer.
void dense_forward_loops(nn::TensorView out, nn::ConstTensorView in,
                         const nn::Dense& layer);

/// Exercise 3.3, second part: the same pass with the loops in the order chapter 1
/// found fastest, so that the innermost loop walks along rows. Same shapes, same
/// ShapeError.
void dense_forward_loops_fast(nn::TensorView out, nn::ConstTensorView in,
                              const nn::Dense& layer);
// [ch03-declarations]

}  // namespace exercises

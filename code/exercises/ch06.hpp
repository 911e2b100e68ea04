// Chapter 6's exercises. Answer them in workspace/ch06.cpp; the tests are
// tests/exercises/test_ch06_exercises.cpp (ctest -L exercise).
#pragma once

#include "network.hpp"

namespace exercises {

// [ch06-declarations]
/// Exercise 6.1: the mean squared error, a loss for outputs that are numbers
/// rather than classes: L = 1/(2B) Σ_n Σ_k (z(n, k) − y(n, k))², and its backward
/// dz = ∂L/∂z = (z − y) / B, which overwrites dz. All B×K.
double mse_forward(nn::ConstDoubleView outputs, nn::ConstDoubleView targets);
void mse_backward(nn::DoubleView doutputs, nn::ConstDoubleView outputs, nn::ConstDoubleView targets);

/// Exercise 6.2: leaky ReLU (exercise 4.1) as a layer: out = f(in) element by
/// element, and the backward din = dout ⊙ f′(in), which overwrites din. All B×O.
void leaky_relu_forward(nn::DoubleView out, nn::ConstDoubleView in, double slope);
void leaky_relu_backward(nn::DoubleView din, nn::ConstDoubleView dout, nn::ConstDoubleView in, double slope);

/// Exercise 6.3: the norm of the whole gradient, √(Σ g²) over every element of
/// every parameter's gradient (dweight and dbias of every dense layer). Training
/// watches it: a norm that explodes or vanishes says something is wrong.
double gradient_norm(nn::DoubleNetwork& network);
// [ch06-declarations]

}  // namespace exercises

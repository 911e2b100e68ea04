// Chapter 4's exercises. Answer them in workspace/ch04.cpp; the tests are
// tests/exercises/test_ch04_exercises.cpp (ctest -L exercise).
#pragma once

namespace exercises {

//! [ch04-declarations]
// Each function next to its derivative, here taken from the input x.

/// Exercise 4.1: leaky ReLU, y = x for x > 0 and slope · x otherwise, so that a
/// unit below zero still passes on a little gradient. Its derivative is 1 for
/// x > 0 and slope otherwise.
double leaky_relu(double x, double slope);
double leaky_relu_derivative(double x, double slope);

/// Exercise 4.2: softplus, y = log(1 + e^x), a smooth ReLU; its derivative is
/// the sigmoid. Keep it finite and accurate for any x: softplus(1000) is 1000,
/// and softplus(−40) is e^−40 to many digits, not 0 (std::log1p helps).
double softplus(double x);
double softplus_derivative(double x);

/// Exercise 4.3: GELU in its tanh form (Hendrycks and Gimpel, 2016):
/// y = ½ x (1 + tanh u) with u = √(2/π) (x + 0.044715 x³), and its derivative.
double gelu(double x);
double gelu_derivative(double x);
//! [ch04-declarations]

}  // namespace exercises

// Chapter 4's exercises. Answer them in workspace/ch04.cpp; the tests are
// tests/exercises/test_ch04_exercises.cpp (ctest -L exercise).
#pragma once

namespace exercises {

// [ch04-declarations]
// Each function a = f(z) next to its derivative f′(z), here taken from the input z.

/// Exercise 4.1: leaky ReLU, a = z for z > 0 and slope · z otherwise, so that a
/// unit below zero still passes on a little gradient. Its derivative is 1 for
/// z > 0 and slope otherwise.
double leaky_relu(double z, double slope);
double leaky_relu_derivative(double z, double slope);

/// Exercise 4.2: softplus, a = log(1 + e^z), a smooth ReLU; its derivative is
/// the sigmoid. Keep it finite and accurate for any z: softplus(1000) is 1000,
/// and softplus(−40) is e^−40 to many digits, not 0 (std::log1p helps).
double softplus(double z);
double softplus_derivative(double z);

/// Exercise 4.3: GELU in its tanh form (Hendrycks and Gimpel, 2016):
/// a = ½ z (1 + tanh u) with u = √(2/π) (z + 0.044715 z³), and its derivative.
double gelu(double z);
double gelu_derivative(double z);
// [ch04-declarations]

}  // namespace exercises

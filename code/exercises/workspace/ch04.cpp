// Your answers to chapter 4's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch04$' -L exercise --output-on-failure
#include "ch04.hpp"

#include "exercise.hpp"

namespace exercises {

double leaky_relu(double, double) { throw NotImplemented(4, 1, "leaky_relu"); }
double leaky_relu_derivative(double, double) { throw NotImplemented(4, 1, "leaky_relu_derivative"); }

double softplus(double) { throw NotImplemented(4, 2, "softplus"); }
double softplus_derivative(double) { throw NotImplemented(4, 2, "softplus_derivative"); }

double gelu(double) { throw NotImplemented(4, 3, "gelu"); }
double gelu_derivative(double) { throw NotImplemented(4, 3, "gelu_derivative"); }

}  // namespace exercises

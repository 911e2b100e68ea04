// Your answers to chapter 6's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch06$' -L exercise --output-on-failure
#include "ch06.hpp"

#include "exercise.hpp"

namespace exercises {

double mse_forward(nn::ConstDoubleView, nn::ConstDoubleView) { throw NotImplemented(6, 1, "mse_forward"); }

void mse_backward(nn::DoubleView, nn::ConstDoubleView, nn::ConstDoubleView) {
  throw NotImplemented(6, 1, "mse_backward");
}

void leaky_relu_forward(nn::DoubleView, nn::ConstDoubleView, double) {
  throw NotImplemented(6, 2, "leaky_relu_forward");
}

void leaky_relu_backward(nn::DoubleView, nn::ConstDoubleView, nn::ConstDoubleView, double) {
  throw NotImplemented(6, 2, "leaky_relu_backward");
}

double gradient_norm(nn::DoubleNetwork&) { throw NotImplemented(6, 3, "gradient_norm"); }

}  // namespace exercises

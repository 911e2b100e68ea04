// Your answers to chapter 5's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch05$' -L exercise --output-on-failure
#include "ch05.hpp"

#include "exercise.hpp"

namespace exercises {

void log_softmax(nn::DoubleView, nn::ConstDoubleView) { throw NotImplemented(5, 1, "log_softmax"); }

void smooth_labels(nn::DoubleView, nn::ConstDoubleView, double) { throw NotImplemented(5, 2, "smooth_labels"); }

void softmax_with_temperature(nn::DoubleView, nn::ConstDoubleView, double) {
  throw NotImplemented(5, 3, "softmax_with_temperature");
}

}  // namespace exercises

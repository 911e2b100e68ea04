// Your answers to chapter 1's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch01$' -L exercise --output-on-failure
#include "ch01.hpp"

#include "exercise.hpp"

namespace exercises {

void transpose(nn::TensorView, nn::ConstTensorView) { throw NotImplemented(1, 1, "transpose"); }

void hadamard(nn::TensorView, nn::ConstTensorView, nn::ConstTensorView) {
  throw NotImplemented(1, 2, "hadamard");
}

std::vector<std::size_t> argmax_rows(nn::ConstTensorView) { throw NotImplemented(1, 3, "argmax_rows"); }

}  // namespace exercises

// Your answers to chapter 11's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch11$' -L exercise --output-on-failure
#include "ch11.hpp"

#include "exercise.hpp"

namespace exercises {

float dot_eight_sums(std::span<const float>, std::span<const float>) { throw NotImplemented(11, 1, "dot_eight_sums"); }

void matmul_a_bt_shared(nn::TensorView, nn::ConstTensorView, nn::ConstTensorView, nn::parallel::ThreadPool&) {
  throw NotImplemented(11, 2, "matmul_a_bt_shared");
}

}  // namespace exercises

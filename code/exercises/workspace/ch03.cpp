// Your answers to chapter 3's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch03$' -L exercise --output-on-failure
#include "ch03.hpp"

#include "exercise.hpp"

namespace exercises {

void initialise_lecun(nn::Dense&, nn::Rng&) { throw NotImplemented(3, 1, "initialise_lecun"); }

std::size_t mlp_parameter_count(const std::vector<std::size_t>&) {
  throw NotImplemented(3, 2, "mlp_parameter_count");
}

void dense_forward_loops(nn::TensorView, nn::ConstTensorView, const nn::Dense&) {
  throw NotImplemented(3, 3, "dense_forward_loops");
}

void dense_forward_loops_fast(nn::TensorView, nn::ConstTensorView, const nn::Dense&) {
  throw NotImplemented(3, 3, "dense_forward_loops_fast");
}

}  // namespace exercises

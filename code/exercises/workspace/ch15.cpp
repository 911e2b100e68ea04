// Your answers to chapter 15's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch15$' -L exercise --output-on-failure
#include "ch15.hpp"

#include "exercise.hpp"

namespace exercises {

double accuracy_standard_error(double, std::size_t) { throw NotImplemented(15, 1, "accuracy_standard_error"); }

std::vector<std::uint8_t> ensemble_predict(const std::vector<const nn::Network*>&, nn::ConstTensorView) {
  throw NotImplemented(15, 2, "ensemble_predict");
}

}  // namespace exercises

// Your answers to chapter 14's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch14$' -L exercise --output-on-failure
#include "ch14.hpp"

#include "exercise.hpp"

namespace exercises {

void shift_image(std::span<float>, std::span<const float>, int, int) { throw NotImplemented(14, 1, "shift_image"); }

float bilinear_sample(std::span<const float>, float, float) { throw NotImplemented(14, 2, "bilinear_sample"); }

void rotate_half_turn(std::span<float>, std::span<const float>) { throw NotImplemented(14, 3, "rotate_half_turn"); }

}  // namespace exercises

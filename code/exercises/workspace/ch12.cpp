// Your answers to chapter 12's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch12$' -L exercise --output-on-failure
#include "ch12.hpp"

#include "exercise.hpp"

namespace exercises {

std::vector<LookAhead> nesterov_look_ahead(const std::function<double(double)>&, double, double, double,
                                           std::size_t) {
  throw NotImplemented(12, 1, "nesterov_look_ahead");
}

double uncorrected_step_over_rate(double, double, std::size_t) {
  throw NotImplemented(12, 2, "uncorrected_step_over_rate");
}

nn::Schedule inverse_square_root(std::size_t) { throw NotImplemented(12, 3, "inverse_square_root"); }

}  // namespace exercises

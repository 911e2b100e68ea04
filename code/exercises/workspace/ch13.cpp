// Your answers to chapter 13's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch13$' -L exercise --output-on-failure
#include "ch13.hpp"

#include "exercise.hpp"

namespace exercises {

double l1_penalty(const nn::Network&, float) { throw NotImplemented(13, 1, "l1_penalty"); }

void add_l1_gradient(nn::Network&, float) { throw NotImplemented(13, 1, "add_l1_gradient"); }

void MaxNorm::update(nn::Network&, float) { throw NotImplemented(13, 2, "MaxNorm::update"); }

std::vector<double> generalisation_losses(const nn::History&) {
  throw NotImplemented(13, 3, "generalisation_losses");
}

std::size_t first_epoch_over(const nn::History&, double) { throw NotImplemented(13, 3, "first_epoch_over"); }

}  // namespace exercises

// Your answers to chapter 7's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch07$' -L exercise --output-on-failure
#include "ch07.hpp"

#include "exercise.hpp"

namespace exercises {

void Momentum::update(nn::Network&, float) { throw NotImplemented(7, 1, "Momentum::update"); }

void add_weight_decay(nn::Network&, float) { throw NotImplemented(7, 2, "add_weight_decay"); }

std::size_t best_epoch(const nn::History&) { throw NotImplemented(7, 3, "best_epoch"); }

bool should_stop(const nn::History&, std::size_t) { throw NotImplemented(7, 3, "should_stop"); }

}  // namespace exercises

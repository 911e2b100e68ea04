// Your answers to chapter 8's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch08$' -L exercise --output-on-failure
#include "ch08.hpp"

#include "exercise.hpp"

namespace exercises {

std::vector<std::span<const std::size_t>> split_into_batches(std::span<const std::size_t>, std::size_t, bool) {
  throw NotImplemented(8, 1, "split_into_batches");
}

std::vector<std::size_t> stratified_order(const std::vector<std::uint8_t>&, nn::Rng&) {
  throw NotImplemented(8, 2, "stratified_order");
}

float warmup_learning_rate(float, std::size_t, std::size_t) { throw NotImplemented(8, 3, "warmup_learning_rate"); }

}  // namespace exercises

// Your answers to chapter 10's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch10$' -L exercise --output-on-failure
#include "ch10.hpp"

#include "exercise.hpp"

namespace exercises {

std::vector<double> per_class_accuracy(const std::filesystem::path&, const nn::Dataset&) {
  throw NotImplemented(10, 1, "per_class_accuracy");
}

double top_k_accuracy(nn::Network&, const nn::Dataset&, std::size_t) { throw NotImplemented(10, 2, "top_k_accuracy"); }

std::vector<double> top_k_accuracies(const std::filesystem::path&, const nn::Dataset&) {
  throw NotImplemented(10, 2, "top_k_accuracies");
}

std::vector<ClassScores> class_scores(const nn::Tensor&) { throw NotImplemented(10, 3, "class_scores"); }

}  // namespace exercises

// Your answers to chapter 9's exercises. Replace each throw with your code, then
// build and test them in a build of your own, which links this workspace (build/
// links the reference solutions, so there every exercise passes whatever you write):
//   cmake -S . -B mybuild -DBOOK_RUN_CHAPTERS=OFF && cmake --build mybuild -j2
//   ctest --test-dir mybuild -L '^ch09$' -L exercise --output-on-failure
#include "ch09.hpp"

#include "exercise.hpp"

namespace exercises {

float inverse_time_learning_rate(float, std::size_t, double) {
  throw NotImplemented(9, 1, "inverse_time_learning_rate");
}

std::vector<double> exponential_moving_average(const std::vector<float>&, double) {
  throw NotImplemented(9, 2, "exponential_moving_average");
}

void ParameterAverage::add(nn::Network&) { throw NotImplemented(9, 3, "ParameterAverage::add"); }

void ParameterAverage::load(nn::Network&) const { throw NotImplemented(9, 3, "ParameterAverage::load"); }

PolyakResult polyak_epoch(nn::Network&, const nn::Dataset&, const nn::Dataset&, const nn::StochasticSettings&,
                          std::size_t) {
  throw NotImplemented(9, 3, "polyak_epoch");
}

}  // namespace exercises

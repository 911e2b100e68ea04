// Your answers to chapter 9's exercises. Replace each throw with your code, then
// run: ctest --test-dir build -L exercise
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

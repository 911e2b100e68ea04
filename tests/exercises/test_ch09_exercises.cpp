// Chapter 9's exercises, checked against values worked by hand.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "ch09.hpp"

TEST_CASE("exercise 9.1: the inverse-time learning rate halves after τ updates", "[exercise][ch09]") {
  CHECK(exercises::inverse_time_learning_rate(0.1f, 0, 1000) == Approx(0.1));
  CHECK(exercises::inverse_time_learning_rate(0.1f, 1000, 1000) == Approx(0.05));
  CHECK(exercises::inverse_time_learning_rate(0.1f, 3000, 1000) == Approx(0.025));
  CHECK(exercises::inverse_time_learning_rate(0.1f, 500, 1000) == Approx(0.1 / 1.5));
  CHECK_THROWS_AS(exercises::inverse_time_learning_rate(0.1f, 5, 0), std::invalid_argument);
}

TEST_CASE("exercise 9.2: the bias-corrected exponential moving average", "[exercise][ch09]") {
  // β = 0.5: m = 0.5, 1.75; divided by 1 − 0.5 and 1 − 0.25: 1 and 7/3.
  const std::vector<double> two = exercises::exponential_moving_average({1, 3}, 0.5);
  REQUIRE(two.size() == 2);
  CHECK(two[0] == Approx(1.0));
  CHECK(two[1] == Approx(7.0 / 3.0));
  // A constant series averages to itself from the first value on: that is what the correction is for.
  for (double m : exercises::exponential_moving_average(std::vector<float>(50, 2.0f), 0.99)) CHECK(m == Approx(2.0));
  CHECK(exercises::exponential_moving_average({4, 8, 1}, 0.0) == std::vector<double>{4, 8, 1});
  CHECK(exercises::exponential_moving_average({}, 0.9).empty());
  CHECK_THROWS_AS(exercises::exponential_moving_average({1}, 1.0), std::invalid_argument);
}

TEST_CASE("exercise 9.3: Polyak averaging keeps the mean of the parameters", "[exercise][ch09]") {
  nn::Network network({nn::Dense(1, 1)});
  auto& dense = std::get<nn::Dense>(network.layers[0]);
  exercises::ParameterAverage average;
  for (const auto& [w, b] : {std::pair{1.0f, 0.0f}, {2.0f, 0.0f}, {6.0f, 3.0f}}) {
    dense.weight(0, 0) = w;
    dense.bias(0, 0) = b;
    average.add(network);
  }
  CHECK(average.count == 3);
  dense.weight(0, 0) = 100;
  average.load(network);
  CHECK(dense.weight(0, 0) == Approx(3.0));  // (1 + 2 + 6) / 3
  CHECK(dense.bias(0, 0) == Approx(1.0));    // (0 + 0 + 3) / 3
  CHECK_THROWS_AS(exercises::ParameterAverage{}.load(network), std::logic_error);
}

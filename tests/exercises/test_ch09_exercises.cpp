// Chapter 9's exercises, checked against values worked by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "ch09.hpp"

TEST_CASE("exercise 9.1: the inverse-time learning rate halves after τ updates", "[exercise][ch09]") {
  INFO("hint: η_t = η₀ / (1 + t/τ), computed in double; τ must be positive");
  CHECK(exercises::inverse_time_learning_rate(0.1f, 0, 1000) == Approx(0.1));
  CHECK(exercises::inverse_time_learning_rate(0.1f, 1000, 1000) == Approx(0.05));
  CHECK(exercises::inverse_time_learning_rate(0.1f, 3000, 1000) == Approx(0.025));
  CHECK(exercises::inverse_time_learning_rate(0.1f, 500, 1000) == Approx(0.1 / 1.5));
  CHECK_THROWS_AS(exercises::inverse_time_learning_rate(0.1f, 5, 0), std::invalid_argument);
}

TEST_CASE("exercise 9.2: the bias-corrected exponential moving average", "[exercise][ch09]") {
  INFO("hint: m = β·m + (1 − β)·x from m = 0, and each output is m / (1 − βᵗ) for t = 1, 2, …");
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
  INFO("hint: mean += (θ − mean)/count for every parameter, in double; load copies the mean into the network");
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

namespace {
// 400 images of 4 pixels in four classes, each lighting its own pixel, with a
// pattern that varies from image to image: a problem one epoch can learn.
nn::Dataset corners(std::size_t n, float phase) {
  nn::Dataset data;
  data.images = nn::Tensor(n, 4);
  for (std::size_t i = 0; i < n; ++i) {
    const auto label = static_cast<std::uint8_t>(i % 4);
    data.labels.push_back(label);
    for (std::size_t p = 0; p < 4; ++p)
      data.images(i, p) = p == label ? 0.7f + 0.3f * std::sin(static_cast<float>(i) + phase)
                                     : 0.3f + 0.3f * std::cos(static_cast<float>(i * 4 + p) + phase);
  }
  return data;
}
}  // namespace

TEST_CASE("exercise 9.3, measured: one epoch of SGD, the last parameters against their average",
          "[exercise][ch09]") {
  const nn::Dataset train = corners(400, 0), validation = corners(200, 0.5f);
  nn::Rng rng(5);
  const nn::Network start = nn::make_mlp({4, 16, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  const nn::StochasticSettings settings{.epochs = 1, .learning_rate = 0.5f, .seed = 3};

  nn::Network network = start;
  const exercises::PolyakResult one = exercises::polyak_epoch(network, train, validation, settings, 1);
  {
    INFO("hint: the epoch must visit nn::shuffled_order(n, rng seeded with settings.seed) and update with "
         "nn::stochastic_step at settings.learning_rate, exactly as nn::train_stochastic does");
    nn::Network reference = start;
    nn::train_stochastic(reference, train, validation, settings);
    CHECK(one.last.loss == nn::evaluate(reference, validation).loss);
    CHECK(nn::evaluate(network, validation).loss == one.last.loss);  // the network keeps the last parameters
  }
  {
    INFO("hint: averaging over only the last update must give the last parameters back");
    CHECK(one.averaged.loss == Approx(one.last.loss).epsilon(1e-6));
  }
  {
    INFO("hint: add the network after each of the last averaged_updates updates, then load the mean into a copy "
         "and evaluate that; at this large constant rate the mean of the last half is the better model");
    nn::Network again = start;
    const exercises::PolyakResult half = exercises::polyak_epoch(again, train, validation, settings, 200);
    CHECK(half.last.loss == one.last.loss);
    CHECK(half.averaged.loss < half.last.loss);
  }
  nn::Network unused = start;
  CHECK_THROWS_AS(exercises::polyak_epoch(unused, train, validation, settings, 0), std::invalid_argument);
  CHECK_THROWS_AS(exercises::polyak_epoch(unused, train, validation, settings, 401), std::invalid_argument);
}

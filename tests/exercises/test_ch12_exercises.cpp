// Chapter 12's exercises, checked against steps worked by hand and against the
// library's own rules.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "ch12.hpp"

namespace {
// One dense layer, 1 input → 1 output: a single weight θ (and a bias the tests leave at rest).
nn::Network one_weight(float theta) {
  nn::Dense dense(1, 1);
  dense.weight(0, 0) = theta;
  return nn::Network({dense});
}
nn::Dense& dense_of(nn::Network& network) { return std::get<nn::Dense>(network.layers[0]); }
}  // namespace

TEST_CASE("exercise 12.1: Nesterov's look-ahead form", "[exercise][ch12]") {
  INFO("hint: per update, first u = μ·u − η·∇L(θ + μ·u), the gradient at the look-ahead point, then θ = θ + u; "
       "u starts at 0 and the result holds θ and u after every update");
  // L = θ² (∇L = 2θ), θ₀ = 1, μ = 0.9, η = 0.05: u₁ = −0.1, θ₁ = 0.9;
  // u₂ = 0.9·(−0.1) − 0.05·2·(0.9 − 0.09) = −0.171, θ₂ = 0.729.
  auto gradient = [](double theta) { return 2 * theta; };
  const auto path = exercises::nesterov_look_ahead(gradient, 1.0, 0.9, 0.05, 40);
  REQUIRE(path.size() == 40);
  CHECK(path[0].velocity == Approx(-0.1));
  CHECK(path[0].theta == Approx(0.9));
  CHECK(path[1].velocity == Approx(-0.171));
  CHECK(path[1].theta == Approx(0.729));
  // The library's Nesterov rule, with the gradient at its own parameter, follows
  // the look-ahead point θ + μ u of this form, update after update.
  nn::Network network = one_weight(1.0f);
  nn::Momentum rule({.momentum = 0.9f, .nesterov = true});
  for (std::size_t t = 0; t < path.size(); ++t) {
    dense_of(network).dweight(0, 0) = static_cast<float>(gradient(dense_of(network).weight(0, 0)));
    rule.update(network, 0.05f);
    INFO("update " << t + 1 << ": the library's parameter should be θ + μ·u of the look-ahead form");
    CHECK(dense_of(network).weight(0, 0) == Approx(path[t].theta + 0.9 * path[t].velocity).margin(1e-5));
  }
}

TEST_CASE("exercise 12.2: the size of Adam's step without bias correction", "[exercise][ch12]") {
  INFO("hint: with ∇ constant, unroll m and s from zero: m_t = (1 − β₁ᵗ)∇ and s_t = (1 − β₂ᵗ)∇², "
       "so the step η·m/√s is η times (1 − β₁ᵗ)/√(1 − β₂ᵗ)");
  // t = 1 with the defaults: 0.1/√0.001 = √10 ≈ 3.16, a first step three times η.
  CHECK(exercises::uncorrected_step_over_rate(0.9, 0.999, 1) == Approx(std::sqrt(10.0)));
  // Against the library's Adam with the correction off, at several t and betas.
  for (const auto& [beta1, beta2] : {std::pair{0.9f, 0.999f}, std::pair{0.5f, 0.99f}}) {
    nn::Network network = one_weight(0.0f);
    dense_of(network).dweight(0, 0) = 0.5f;
    nn::Adam rule({.beta1 = beta1, .beta2 = beta2, .epsilon = 0.0f, .bias_correction = false});
    for (std::size_t t = 1; t <= 300; ++t) {
      const float before = dense_of(network).weight(0, 0);
      rule.update(network, 0.001f);
      if (t == 1 || t == 10 || t == 100 || t == 300) {
        const double measured = (before - dense_of(network).weight(0, 0)) / 0.001;
        INFO("β₁ = " << beta1 << ", β₂ = " << beta2 << ", t = " << t);
        CHECK(exercises::uncorrected_step_over_rate(beta1, beta2, t) == Approx(measured).epsilon(1e-3));
      }
    }
  }
}

TEST_CASE("exercise 12.3: the inverse-square-root schedule", "[exercise][ch12]") {
  INFO("hint: c(t) = t/T_w for t ≤ T_w, then √(T_w/t); return it as a lambda that captures T_w");
  const nn::Schedule schedule = exercises::inverse_square_root(100);
  CHECK(schedule(1) == Approx(0.01));
  CHECK(schedule(50) == Approx(0.5));
  CHECK(schedule(100) == Approx(1.0));
  CHECK(schedule(400) == Approx(0.5));
  CHECK(schedule(10'000) == Approx(0.1));
  CHECK_THROWS_AS(exercises::inverse_square_root(0), std::invalid_argument);
  // As a wrapper's schedule: the inner rule sees η·c(t).
  nn::Network network = one_weight(1.0f);
  dense_of(network).dweight(0, 0) = 1.0f;
  nn::GradientDescent plain;
  nn::Scheduled scheduled(plain, exercises::inverse_square_root(2));
  scheduled.update(network, 0.5f);  // s(1) = 0.5
  CHECK(dense_of(network).weight(0, 0) == Approx(0.75f));
}

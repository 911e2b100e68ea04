// Chapter 5's exercises, checked against values worked by hand, extreme logits,
// and a finite-difference check of the fused gradient with smoothed targets.
// Each check that a plausible wrong answer fails says, through INFO, what to
// look at.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "ch05.hpp"
#include "gradient_check.hpp"
#include "softmax_cross_entropy.hpp"

using nn::DoubleTensor;

TEST_CASE("exercise 5.1: log-softmax, by hand and at extreme logits", "[exercise][ch05]") {
  const DoubleTensor z(2, 3, {1, 2, 3,  //
                              1000, 0, -1000});
  DoubleTensor out(2, 3);
  exercises::log_softmax(out, z);
  // log Σ e^z = 3 + log(1 + e^−1 + e^−2) = 3.4076059644
  INFO("log_softmax(z)_k = z_k − log Σⱼ e^{z_j}: every row shifts by the same log-sum-exp");
  CHECK(out(0, 0) == Approx(-2.4076059644));
  CHECK(out(0, 1) == Approx(-1.4076059644));
  CHECK(out(0, 2) == Approx(-0.4076059644));
  {
    INFO("logits (1000, 0, −1000): subtract the row's largest logit m before exp, and add it back "
         "after the log, log Σ e^z = m + log Σ e^{z − m}; std::log(softmax) gives log 0 = −∞ here");
    CHECK(std::isfinite(out(1, 0)));
    CHECK(std::isfinite(out(1, 2)));
    CHECK(out(1, 0) == Approx(0.0).margin(1e-12));
    CHECK(out(1, 1) == Approx(-1000.0));
    CHECK(out(1, 2) == Approx(-2000.0));
  }
  double sum = 0;
  for (double v : out.row(0)) sum += std::exp(v);
  CHECK(sum == Approx(1.0));
}

TEST_CASE("exercise 5.2: label smoothing, and the fused gradient still holds", "[exercise][ch05]") {
  const DoubleTensor y(2, 4, {0, 1, 0, 0,  //
                              0, 0, 0, 1});
  DoubleTensor smooth(2, 4);
  exercises::smooth_labels(smooth, y, 0.1);
  {
    INFO("each element is (1 − α) y + α / K, with K the number of columns (here 4), so each row still sums to 1");
    CHECK(smooth(0, 0) == Approx(0.025));  // α / K = 0.1 / 4
    CHECK(smooth(0, 1) == Approx(0.925));  // 1 − α + α / K
    CHECK(smooth(1, 3) == Approx(0.925));
    CHECK(smooth(1, 2) == Approx(0.025));
  }
  {
    INFO("α = 1 would erase the labels and a negative α is no smoothing: throw std::invalid_argument "
         "unless 0 ≤ α < 1");
    CHECK_THROWS_AS(exercises::smooth_labels(smooth, y, 1.0), std::invalid_argument);
    CHECK_THROWS_AS(exercises::smooth_labels(smooth, y, -0.1), std::invalid_argument);
  }

  // The derivation of (p − y)/B needed only Σ_k y_k = 1, so it holds for smoothed rows.
  DoubleTensor z(2, 4, {0.3, -1.2, 2.0, 0.1,  //
                        -0.5, 0.4, 1.1, -2.0});
  DoubleTensor p(2, 4), dz(2, 4), numerical(2, 4);
  nn::softmax_cross_entropy_forward(p, z, smooth);
  nn::softmax_cross_entropy_backward(dz, p, smooth);
  nn::central_differences(z, numerical, 1e-6, [&] { return nn::softmax_cross_entropy_forward(p, z, smooth); });
  INFO("the fused gradient (p − y)/B holds only if every smoothed row sums to 1");
  for (std::size_t i = 0; i < dz.size(); ++i) CHECK(nn::relative_error(dz.data()[i], numerical.data()[i]) < 1e-6);
}

TEST_CASE("exercise 5.3: softmax with a temperature", "[exercise][ch05]") {
  const DoubleTensor z(1, 3, {0, std::log(2.0), std::log(4.0)});
  DoubleTensor p(1, 3);
  {
    INFO("p = softmax(z / T): divide every logit by T, then the usual softmax");
    exercises::softmax_with_temperature(p, z, 1.0);  // e^z = 1, 2, 4
    CHECK(p(0, 0) == Approx(1.0 / 7));
    CHECK(p(0, 2) == Approx(4.0 / 7));
    exercises::softmax_with_temperature(p, z, 2.0);  // e^{z/2} = 1, √2, 2
    CHECK(p(0, 0) == Approx(1.0 / (3 + std::sqrt(2.0))));
    CHECK(p(0, 1) == Approx(std::sqrt(2.0) / (3 + std::sqrt(2.0))));
    exercises::softmax_with_temperature(p, z, 1e6);  // nearly uniform
    CHECK(p(0, 0) == Approx(1.0 / 3).epsilon(1e-5));
  }
  const DoubleTensor extreme(1, 2, {1000, -1000});
  DoubleTensor q(1, 2);
  {
    INFO("logits (1000, −1000): subtract the row's largest logit before exp, or e^2000 overflows");
    exercises::softmax_with_temperature(q, extreme, 0.5);
    CHECK(q(0, 0) == Approx(1.0));
    CHECK(q(0, 1) == Approx(0.0).margin(1e-300));
  }
  {
    // z / T = 10³⁰⁸ and 2·10³⁰⁸ = +∞: softmax of that is ∞ − ∞ = NaN. Shifted first,
    // (z − m) / T = −10³⁰⁸ and 0, which exp takes to 0 and 1.
    INFO("T = 10⁻³⁰⁸ makes z / T overflow to +∞ before any shift can help: subtract the row's largest "
         "logit first and divide after, softmax((z − m) / T)");
    const DoubleTensor small(1, 2, {1, 2});
    exercises::softmax_with_temperature(q, small, 1e-308);
    CHECK(q(0, 0) == Approx(0.0).margin(1e-300));
    CHECK(q(0, 1) == Approx(1.0));
    const DoubleTensor huge(1, 3, {1e300, -1e300, 1e300});
    DoubleTensor three(1, 3);
    exercises::softmax_with_temperature(three, huge, 1e-10);
    CHECK(three(0, 0) == Approx(0.5));
    CHECK(three(0, 1) == Approx(0.0).margin(1e-300));
    CHECK(three(0, 2) == Approx(0.5));
  }
  INFO("a temperature must be positive and finite: throw std::invalid_argument otherwise");
  DoubleTensor r(1, 2);
  CHECK_THROWS_AS(exercises::softmax_with_temperature(r, extreme, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(exercises::softmax_with_temperature(r, extreme, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(
      exercises::softmax_with_temperature(r, extreme, std::numeric_limits<double>::infinity()),
      std::invalid_argument);
}

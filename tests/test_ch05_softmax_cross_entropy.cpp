// Chapter 5: softmax and cross-entropy, values, stability and gradient.
#include <catch2/catch.hpp>

#include <cmath>

#include "gradient_testing.hpp"
#include "softmax_cross_entropy.hpp"

using namespace gradient_testing;
using nn::Tensor;

TEST_CASE("softmax of logits worked by hand", "[softmax]") {
  // Logits 0, ln 2, ln 5: e^z = 1, 2, 5, so p = 1/8, 2/8, 5/8.
  const nn::DoubleTensor z(1, 3, {0.0, std::log(2.0), std::log(5.0)});
  nn::DoubleTensor p(1, 3);
  nn::softmax(p, z);
  CHECK(p(0, 0) == Approx(0.125));
  CHECK(p(0, 1) == Approx(0.25));
  CHECK(p(0, 2) == Approx(0.625));
}

TEST_CASE("softmax rows sum to one and ignore a shift of the logits", "[softmax]") {
  const nn::DoubleTensor z = pattern(4, 10, 5.0);
  nn::DoubleTensor shifted = z, p(4, 10), q(4, 10);
  for (double& v : shifted.values()) v += 123.0;
  nn::softmax(p, z);
  nn::softmax(q, shifted);
  for (std::size_t b = 0; b < 4; ++b) {
    double sum = 0;
    for (double v : p.row(b)) sum += v;
    CHECK(sum == Approx(1.0).epsilon(1e-14));
  }
  for (std::size_t i = 0; i < p.size(); ++i) CHECK(q.data()[i] == Approx(p.data()[i]).epsilon(1e-12));
}

TEST_CASE("cross-entropy of a batch, worked by hand", "[softmax]") {
  // Row 0 as above with label 2: −log(5/8). Row 1: equal logits, label 0: −log(1/3).
  const nn::DoubleTensor z(2, 3, {0.0, std::log(2.0), std::log(5.0), 1.0, 1.0, 1.0});
  const nn::DoubleTensor y(2, 3, {0, 0, 1, 1, 0, 0});
  nn::DoubleTensor p(2, 3);
  const double loss = nn::softmax_cross_entropy_forward(p, z, y);
  CHECK(loss == Approx((-std::log(0.625) - std::log(1.0 / 3.0)) / 2));
}

TEST_CASE("extreme logits give a finite loss and gradient", "[softmax]") {
  const Tensor z(2, 3, {1000, -1000, 0,  //
                        -1000, 1000, 999});
  const Tensor y(2, 3, {0, 1, 0,  //
                        0, 1, 0});
  Tensor p(2, 3), dz(2, 3);
  const float loss = nn::softmax_cross_entropy_forward(p, z, y);
  nn::softmax_cross_entropy_backward(dz, p, y);
  // Row 0 puts the true class 2000 below the best: loss 2000. Row 1 is right by a
  // margin of 1: loss log(1 + e^−1 + e^−2000) ≈ 0.3133. Mean ≈ 1000.1566.
  CHECK(std::isfinite(loss));
  CHECK(loss == Approx((2000.0 + std::log1p(std::exp(-1.0))) / 2).epsilon(1e-6));
  for (float g : dz.values()) CHECK(std::isfinite(g));
  CHECK(dz(0, 0) == Approx(0.5f));   // (1 − 0) / 2
  CHECK(dz(0, 1) == Approx(-0.5f));  // (0 − 1) / 2
}

TEST_CASE("the fused gradient (p − y)/B matches finite differences", "[softmax][gradient-check]") {
  nn::DoubleTensor z = pattern(4, 6, 3.0);
  const nn::DoubleTensor y = one_hot_pattern(4, 6);
  nn::DoubleTensor p(4, 6), dz(4, 6);
  nn::softmax_cross_entropy_forward(p, z, y);
  nn::softmax_cross_entropy_backward(dz, p, y);
  auto loss = [&] { return nn::softmax_cross_entropy_forward(p, z, y); };
  CHECK(max_error_against_differences(z, dz, loss) < 1e-6);
}

TEST_CASE("mismatched shapes are refused", "[softmax]") {
  Tensor p(2, 3), z(2, 3), y(2, 4);
  CHECK_THROWS_AS(nn::softmax_cross_entropy_forward(p, z, y), nn::ShapeError);
}

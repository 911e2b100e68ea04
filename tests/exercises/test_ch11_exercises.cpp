// Chapter 11's exercises, checked against sums in double precision and across thread counts.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "ch11.hpp"

TEST_CASE("exercise 11.1: dot_eight_sums agrees with a sum in double, for every length", "[exercise][ch11]") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (std::size_t n : {0, 1, 7, 8, 9, 100, 784}) {
    std::vector<float> a(n), b(n);
    double exact = 0, magnitude = 0;
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = value(rng);
      b[i] = value(rng);
      exact += double(a[i]) * b[i];
      magnitude += std::fabs(double(a[i]) * b[i]);
    }
    INFO("length " << n);
    CHECK(std::fabs(exercises::dot_eight_sums(a, b) - exact) <= 1e-6 * (magnitude + 1));
  }
  // Nine elements: eight in the lanes, one past them.
  const std::vector<float> ones(9, 1.0f);
  CHECK(exercises::dot_eight_sums(ones, ones) == 9.0f);
}

TEST_CASE("exercise 11.2: matmul_a_bt_shared is right and has the same bits for any thread count",
          "[exercise][ch11]") {
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  const std::size_t m = 37, k = 29, n = 11;
  nn::Tensor a(m, k), b(n, k), one(m, n), three(m, n), expected(m, n);
  for (float& v : a.values()) v = value(rng);
  for (float& v : b.values()) v = value(rng);
  nn::reference::matmul_a_bt(expected, a, b);
  nn::parallel::ThreadPool single(1), several(3);
  exercises::matmul_a_bt_shared(one, a, b, single);
  exercises::matmul_a_bt_shared(three, a, b, several);
  for (std::size_t i = 0; i < one.size(); ++i) REQUIRE(std::fabs(one.data()[i] - expected.data()[i]) <= 1e-5f);
  CHECK(std::memcmp(one.data(), three.data(), one.size() * sizeof(float)) == 0);
  nn::Tensor wrong(m, n + 1);
  CHECK_THROWS_AS(exercises::matmul_a_bt_shared(wrong, a, b, single), nn::ShapeError);
}

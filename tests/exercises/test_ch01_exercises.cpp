// Chapter 1's exercises, checked against products and indices worked by hand.
#include <catch2/catch.hpp>

#include "ch01.hpp"

using nn::Tensor;

TEST_CASE("exercise 1.1: transpose swaps rows and columns", "[exercise][ch01]") {
  const Tensor in(2, 3, {1, 2, 3, 4, 5, 6});
  Tensor out(3, 2);
  exercises::transpose(out, in);
  CHECK(std::vector<float>(out.values().begin(), out.values().end()) == std::vector<float>{1, 4, 2, 5, 3, 6});
  Tensor wrong(2, 3);
  CHECK_THROWS_AS(exercises::transpose(wrong, in), nn::ShapeError);
}

TEST_CASE("exercise 1.2: hadamard multiplies element by element", "[exercise][ch01]") {
  const Tensor a(2, 2, {1, 2, 3, 4}), b(2, 2, {5, -1, 0, 0.5f});
  Tensor out(2, 2);
  exercises::hadamard(out, a, b);
  CHECK(std::vector<float>(out.values().begin(), out.values().end()) == std::vector<float>{5, -2, 0, 2});
  CHECK_THROWS_WITH(exercises::hadamard(out, a, Tensor(1, 4)), Catch::Contains("2×2") && Catch::Contains("1×4"));
}

TEST_CASE("exercise 1.3: argmax_rows finds each row's largest column", "[exercise][ch01]") {
  const Tensor scores(3, 4, {0.1f, 0.7f, 0.2f, 0.0f,   //
                             -5, -1, -3, -2,           //
                             2, 9, 9, 1});             // a tie: the first wins
  CHECK(exercises::argmax_rows(scores) == std::vector<std::size_t>{1, 1, 1});
  const Tensor one(1, 3, {0, 0, 4});
  CHECK(exercises::argmax_rows(one) == std::vector<std::size_t>{2});
}

// Chapter 1's exercises, checked against products and indices worked by hand.
// Each check says what was expected and why, so that a wrong answer explains itself.
#include <catch2/catch.hpp>

#include "ch01.hpp"

using nn::Tensor;

namespace {
std::vector<float> values_of(const Tensor& t) { return {t.values().begin(), t.values().end()}; }
}  // namespace

TEST_CASE("exercise 1.1: transpose swaps rows and columns", "[exercise][ch01]") {
  const Tensor in(2, 3, {1, 2, 3, 4, 5, 6});
  Tensor out(3, 2);
  exercises::transpose(out, in);
  INFO("in is [1 2 3; 4 5 6], so inᵀ is [1 4; 2 5; 3 6]: out(c, r) = in(r, c); row-major, out's buffer reads "
       "1 4 2 5 3 6");
  CHECK(values_of(out) == std::vector<float>{1, 4, 2, 5, 3, 6});
  Tensor wrong(2, 3);
  INFO("out is 2×3 but inᵀ is 3×2: transpose must throw nn::ShapeError rather than write outside out");
  CHECK_THROWS_AS(exercises::transpose(wrong, in), nn::ShapeError);
}

TEST_CASE("exercise 1.2: hadamard multiplies element by element", "[exercise][ch01]") {
  const Tensor a(2, 2, {1, 2, 3, 4}), b(2, 2, {5, -1, 0, 0.5f});
  Tensor out(2, 2);
  exercises::hadamard(out, a, b);
  INFO("a = [1 2; 3 4] and b = [5 -1; 0 0.5], so a ⊙ b = [1·5 2·(−1); 3·0 4·0.5] = [5 -2; 0 2]; "
       "not the matrix product a b");
  CHECK(values_of(out) == std::vector<float>{5, -2, 0, 2});
  const Tensor flat(1, 4);
  INFO("a is 2×2 and the other operand 1×4: the same number of elements, but not one shape, so hadamard must "
       "throw nn::ShapeError whose message names both shapes, \"2×2\" and \"1×4\"");
  CHECK_THROWS_WITH(exercises::hadamard(out, a, flat), Catch::Contains("2×2") && Catch::Contains("1×4"));
}

TEST_CASE("exercise 1.3: argmax_rows finds each row's largest column", "[exercise][ch01]") {
  const Tensor scores(3, 4, {0.1f, 0.7f, 0.2f, 0.0f,   //
                             -5, -1, -3, -2,           //
                             2, 9, 9, 1});             // a tie: the first wins
  INFO("row 0's largest is 0.7 in column 1; row 1's is −1 in column 1 (all negative: start from the row's "
       "first element, not from 0); row 2 ties 9 and 9 in columns 1 and 2, and the first, 1, wins");
  CHECK(exercises::argmax_rows(scores) == std::vector<std::size_t>{1, 1, 1});
  const Tensor one(1, 3, {0, 0, 4});
  INFO("one row [0 0 4]: its largest is in column 2, the last: check the loop reaches the last column");
  CHECK(exercises::argmax_rows(one) == std::vector<std::size_t>{2});
}

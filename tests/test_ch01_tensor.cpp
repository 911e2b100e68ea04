// Chapter 1: the Tensor. Expected values are products worked by hand.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <type_traits>

#include "tensor.hpp"

using nn::Tensor;
using nn::Write;

namespace {
std::vector<float> values_of(const Tensor& t) { return {t.values().begin(), t.values().end()}; }
}  // namespace

TEST_CASE("a tensor is one row-major buffer", "[tensor]") {
  Tensor t(2, 3, {1, 2, 3, 4, 5, 6});
  CHECK(t.rows() == 2);
  CHECK(t.cols() == 3);
  CHECK(t(1, 0) == 4);
  CHECK(t.data()[1 * 3 + 2] == 6);  // element (1, 2) sits at offset r·cols + c
  CHECK(Tensor(3, 4).size() == 12);
  CHECK(values_of(Tensor(2, 2)) == std::vector<float>(4, 0.0f));
}

TEST_CASE("a tensor refuses a wrong number of values", "[tensor]") {
  CHECK_THROWS_AS(Tensor(2, 2, {1, 2, 3}), nn::ShapeError);
}

TEST_CASE("views share the tensor's memory", "[tensor]") {
  Tensor t(4, 2, {0, 1, 2, 3, 4, 5, 6, 7});
  nn::TensorView middle = t.view().rows_slice(1, 2);
  CHECK(middle.rows() == 2);
  CHECK(middle(0, 1) == 3);
  middle(1, 0) = -1;
  CHECK(t(2, 0) == -1);
  CHECK(middle.data() == t.data() + 2);
  nn::ConstTensorView read_only = middle;  // a writable view becomes a read-only one
  CHECK(read_only(1, 0) == -1);
}

TEST_CASE("a temporary tensor does not convert to a view, which would dangle", "[tensor]") {
  // `ConstTensorView v = make_tensor();` would keep a pointer into a buffer freed at
  // the end of the statement. The rvalue conversions are deleted, so it does not compile;
  // these fail to compile if someone removes the deletion.
  STATIC_REQUIRE_FALSE(std::is_convertible_v<Tensor&&, nn::ConstTensorView>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<Tensor&&, nn::TensorView>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<const Tensor&&, nn::ConstTensorView>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<nn::DoubleTensor&&, nn::ConstDoubleView>);
  // A named tensor converts as before, and a read-only one only to a read-only view.
  STATIC_REQUIRE(std::is_convertible_v<Tensor&, nn::TensorView>);
  STATIC_REQUIRE(std::is_convertible_v<Tensor&, nn::ConstTensorView>);
  STATIC_REQUIRE(std::is_convertible_v<const Tensor&, nn::ConstTensorView>);
  STATIC_REQUIRE_FALSE(std::is_convertible_v<const Tensor&, nn::TensorView>);
}

TEST_CASE("matmul computes a b", "[tensor]") {
  const Tensor a(2, 3, {1, 2, 3, 4, 5, 6});
  const Tensor b(3, 2, {7, 8, 9, 10, 11, 12});
  Tensor out(2, 2);
  nn::matmul(out, a, b);
  // 1·7+2·9+3·11 = 58, 1·8+2·10+3·12 = 64, 4·7+5·9+6·11 = 139, 4·8+5·10+6·12 = 154
  CHECK(values_of(out) == std::vector<float>{58, 64, 139, 154});
  nn::matmul(out, a, b, Write::accumulate);
  CHECK(values_of(out) == std::vector<float>{116, 128, 278, 308});
}

TEST_CASE("matmul_a_bt computes a bᵀ", "[tensor]") {
  const Tensor a(2, 3, {1, 2, 3, 4, 5, 6});
  const Tensor b(2, 3, {1, 0, -1, 2, 1, 0});
  Tensor out(2, 2, {100, 100, 100, 100});
  nn::matmul_a_bt(out, a, b);
  // rows of a dotted with rows of b: 1-3 = -2, 2+2 = 4, 4-6 = -2, 8+5 = 13
  CHECK(values_of(out) == std::vector<float>{-2, 4, -2, 13});
  nn::matmul_a_bt(out, a, b, Write::accumulate);
  CHECK(values_of(out) == std::vector<float>{-4, 8, -4, 26});
}

TEST_CASE("matmul_at_b computes aᵀ b", "[tensor]") {
  const Tensor a(2, 3, {1, 2, 3, 4, 5, 6});  // aᵀ is 3×2
  const Tensor b(2, 2, {1, 0, 0, 2});
  Tensor out(3, 2, {9, 9, 9, 9, 9, 9});
  nn::matmul_at_b(out, a, b);
  // aᵀ b = [[1, 8], [2, 10], [3, 12]]
  CHECK(values_of(out) == std::vector<float>{1, 8, 2, 10, 3, 12});
}

TEST_CASE("the three products agree on random matrices", "[tensor]") {
  Tensor a(5, 7), b(7, 3), bt(3, 7), at(7, 5);
  float x = 0.3f;
  for (std::size_t r = 0; r < 5; ++r)
    for (std::size_t c = 0; c < 7; ++c) at(c, r) = a(r, c) = (x = x * 3.7f - static_cast<float>(int(x * 3.7f)));
  for (std::size_t r = 0; r < 7; ++r)
    for (std::size_t c = 0; c < 3; ++c) bt(c, r) = b(r, c) = (x = x * 3.7f - static_cast<float>(int(x * 3.7f)));
  Tensor ab(5, 3), abt(5, 3), atb(5, 3);
  nn::matmul(ab, a, b);
  nn::matmul_a_bt(abt, a, bt);
  nn::matmul_at_b(atb, at, b);
  for (std::size_t i = 0; i < ab.size(); ++i) {
    CHECK(abt.data()[i] == Approx(ab.data()[i]).epsilon(1e-5));
    CHECK(atb.data()[i] == Approx(ab.data()[i]).epsilon(1e-5));
  }
}

TEST_CASE("a product of shapes that do not fit names both", "[tensor]") {
  const Tensor a(2, 3), b(2, 3);
  Tensor out(2, 3);
  CHECK_THROWS_WITH(nn::matmul(out, a, b), Catch::Contains("a is 2×3") && Catch::Contains("b is 2×3"));
  Tensor wrong_out(3, 3);
  CHECK_THROWS_AS(nn::matmul_a_bt(wrong_out, a, b), nn::ShapeError);
  const Tensor square(3, 3);
  CHECK_THROWS_AS(nn::matmul_at_b(out, a, square), nn::ShapeError);
}

TEST_CASE("add_row broadcasts a bias over every row", "[tensor]") {
  Tensor out(2, 3, {1, 2, 3, 4, 5, 6});
  const Tensor bias(1, 3, {10, 20, 30}), short_bias(1, 2);
  nn::add_row(out, bias);
  CHECK(values_of(out) == std::vector<float>{11, 22, 33, 14, 25, 36});
  CHECK_THROWS_AS(nn::add_row(out, short_bias), nn::ShapeError);
}

TEST_CASE("add_column_sums adds every row into one", "[tensor]") {
  Tensor sums(1, 2, {1, 1});
  const Tensor rows(3, 2, {1, 2, 3, 4, 5, 6});
  nn::add_column_sums(sums, rows);
  CHECK(values_of(sums) == std::vector<float>{10, 13});
}

TEST_CASE("map applies a function to every element, in place too", "[tensor]") {
  Tensor t(2, 2, {-1, 2, -3, 4});
  nn::map(t.view(), t, [](float v) { return v * v; });
  CHECK(values_of(t) == std::vector<float>{1, 4, 9, 16});
  Tensor other(1, 4);
  CHECK_THROWS_AS(nn::map(other.view(), t, [](float v) { return v; }), nn::ShapeError);
}

namespace {
// Kernels that count their calls and write a mark in place of the product.
int calls_ab = 0, calls_a_bt = 0, calls_at_b = 0;
void mark_ab(nn::TensorView out, nn::ConstTensorView, nn::ConstTensorView, Write) {
  ++calls_ab;
  out(0, 0) = -1;
}
void mark_a_bt(nn::TensorView out, nn::ConstTensorView, nn::ConstTensorView, Write) {
  ++calls_a_bt;
  out(0, 0) = -2;
}
void mark_at_b(nn::TensorView out, nn::ConstTensorView, nn::ConstTensorView, Write) {
  ++calls_at_b;
  out(0, 0) = -3;
}
}  // namespace

TEST_CASE("the float products run the installed kernels, after chapter 1 has checked the shapes", "[tensor]") {
  // Chapter 1's loops are installed at start.
  CHECK(nn::installed_products().matmul == nn::reference_products().matmul);
  CHECK(nn::installed_products().matmul_a_bt == nn::reference_products().matmul_a_bt);
  CHECK(nn::installed_products().matmul_at_b == nn::reference_products().matmul_at_b);

  nn::install_products({mark_ab, mark_a_bt, mark_at_b});
  Tensor a(2, 3), b(3, 2), out(2, 2), at(3, 2), bt(2, 3);
  nn::matmul(out, a, b);
  CHECK(out(0, 0) == -1);
  nn::matmul_a_bt(out, a, bt);
  CHECK(out(0, 0) == -2);
  nn::matmul_at_b(out, at, b);
  CHECK(out(0, 0) == -3);
  CHECK((calls_ab == 1 && calls_a_bt == 1 && calls_at_b == 1));
  // Shapes that do not multiply never reach a kernel.
  CHECK_THROWS_AS(nn::matmul(out, a, a), nn::ShapeError);
  CHECK_THROWS_AS(nn::matmul_a_bt(out, a, b), nn::ShapeError);
  CHECK_THROWS_AS(nn::matmul_at_b(out, a, b), nn::ShapeError);
  CHECK((calls_ab == 1 && calls_a_bt == 1 && calls_at_b == 1));
  // Double products keep chapter 1's loops whatever is installed.
  nn::DoubleTensor da(1, 1, {2}), db(1, 1, {3}), dout(1, 1);
  nn::matmul(dout, da, db);
  CHECK(dout(0, 0) == 6);
  CHECK(calls_ab == 1);

  nn::install_products(nn::reference_products());
  const Tensor column(2, 1, {1, 2}), row(1, 2, {3, 4});
  nn::matmul(out, column, row);
  CHECK(values_of(out) == std::vector<float>{3, 4, 6, 8});
  CHECK(calls_ab == 1);
}

TEST_CASE("installing a table with a kernel missing is refused", "[tensor]") {
  CHECK_THROWS_AS(nn::install_products({nullptr, mark_a_bt, mark_at_b}), std::invalid_argument);
  CHECK(nn::installed_products().matmul == nn::reference_products().matmul);
}

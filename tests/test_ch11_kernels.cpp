// Chapter 11: the fast kernels agree with chapter 1's loops, and the thread
// count changes no bit of any result. No timing here: the benchmark times.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "kernels.hpp"
#include "parallel.hpp"
#include "stochastic.hpp"

using nn::Tensor;
using nn::Write;
using nn::kernels::Stage;

namespace {
std::vector<float> parameters_of(const nn::Network& network) {
  std::vector<float> all;
  network.for_each_parameter([&](const Tensor& w, const Tensor&) { all.insert(all.end(), w.values().begin(), w.values().end()); });
  return all;
}
}  // namespace

namespace {

// A rows×cols tensor of uniform values in [−1, 1], a share `zeros` of them 0.
Tensor random_tensor(std::size_t rows, std::size_t cols, double zeros, std::mt19937& rng) {
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::bernoulli_distribution zero(zeros);
  Tensor t(rows, cols);
  for (float& v : t.values()) v = zero(rng) ? 0.0f : value(rng);
  return t;
}

enum class Product { ab, a_bt, at_b };

// The operands' shapes for out M×N with inner size K.
std::pair<Tensor, Tensor> operands(Product product, std::size_t m, std::size_t k, std::size_t n, double zeros,
                                   std::mt19937& rng) {
  switch (product) {
    case Product::ab: return {random_tensor(m, k, zeros, rng), random_tensor(k, n, 0.0, rng)};
    case Product::a_bt: return {random_tensor(m, k, zeros, rng), random_tensor(n, k, 0.0, rng)};
    case Product::at_b: return {random_tensor(k, m, zeros, rng), random_tensor(k, n, 0.0, rng)};
  }
  return {};
}

void multiply(Product product, Tensor& out, const Tensor& a, const Tensor& b, Write mode, bool reference) {
  switch (product) {
    case Product::ab: return reference ? nn::reference::matmul(out, a, b, mode) : nn::matmul(out, a, b, mode);
    case Product::a_bt:
      return reference ? nn::reference::matmul_a_bt(out, a, b, mode) : nn::matmul_a_bt(out, a, b, mode);
    case Product::at_b:
      return reference ? nn::reference::matmul_at_b(out, a, b, mode) : nn::matmul_at_b(out, a, b, mode);
  }
}

// Σ_k |a(i,k) b(k,j)| bounds the rounding error of out(i, j): float sums of K
// terms, in any order, differ by at most about K·2⁻²⁴ of it.
Tensor magnitudes(Product product, const Tensor& a, const Tensor& b, std::size_t m, std::size_t k, std::size_t n) {
  Tensor bound(m, n);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t q = 0; q < k; ++q) {
        const float x = product == Product::at_b ? a(q, i) : a(i, q);
        const float y = product == Product::a_bt ? b(j, q) : b(q, j);
        bound(i, j) += std::fabs(x * y);
      }
  return bound;
}

const char* name(Product product) {
  return product == Product::ab ? "matmul" : product == Product::a_bt ? "matmul_a_bt" : "matmul_at_b";
}

// The kernel that a set of kernels installs for `product`.
nn::ProductKernel kernel_of(const nn::ProductKernels& kernels, Product product) {
  return product == Product::ab ? kernels.matmul : product == Product::a_bt ? kernels.matmul_a_bt : kernels.matmul_at_b;
}

struct Shape {
  std::size_t m, k, n;
};
// One row, one column, odd sizes, sizes just off the panel widths (128, 64,
// 16, 8), the vector width and the tile (64), the network's own shapes, and
// products long enough that the kernels copy b aligned (1,024 rows and more).
const Shape kShapes[] = {{1, 1, 1},    {1, 784, 128},  {3, 5, 7},     {7, 13, 10},    {65, 130, 10},
                         {2, 67, 129}, {64, 784, 128}, {63, 128, 10}, {130, 65, 71},  {5, 0, 9},
                         {17, 33, 17}, {16, 16, 16},   {1030, 21, 10}, {1025, 19, 135}};

}  // namespace

TEST_CASE("every stage's products agree with the reference within float rounding", "[ch11]") {
  std::mt19937 rng(11);
  for (Stage stage : {Stage::skip_zeros, Stage::blocked, Stage::threads})
    for (Product product : {Product::ab, Product::a_bt, Product::at_b})
      for (const Shape& s : kShapes)
        for (double zeros : {0.0, 0.8})
          for (Write mode : {Write::overwrite, Write::accumulate}) {
            auto [a, b] = operands(product, s.m, s.k, s.n, zeros, rng);
            const Tensor start = random_tensor(s.m, s.n, 0.0, rng);
            Tensor expected = start, got = start;
            multiply(product, expected, a, b, mode, true);
            {
              const nn::kernels::ScopedStage installed(stage);
              multiply(product, got, a, b, mode, false);
            }
            const Tensor bound = magnitudes(product, a, b, s.m, s.k, s.n);
            INFO(name(product) << " " << s.m << "×" << s.k << "×" << s.n << " zeros " << zeros << " stage "
                               << static_cast<int>(stage) << (mode == Write::overwrite ? " overwrite" : " accumulate"));
            for (std::size_t i = 0; i < got.size(); ++i) {
              const float slack = (static_cast<float>(s.k) + 2) * 6e-8f * (bound.data()[i] + std::fabs(start.data()[i]));
              REQUIRE(std::fabs(got.data()[i] - expected.data()[i]) <= slack + 1e-30f);
            }
          }
}

TEST_CASE("a NaN in a reaches the output through every stage, and a zero of either sign is skipped", "[ch11]") {
  // The blocked kernels find a's nonzero elements by comparing with zero: a
  // NaN must count as not zero, or the product would hide it, while −0 and +0
  // must count as zero. The elements of b that meet them are then made
  // infinite (after the reference ran, with b finite): −0 or +0 times an
  // infinity is a NaN, so a stage that multiplied a zero would show it. Not
  // where a stage installs chapter 1's kernel, which multiplies every element,
  // zeros and all (the skip_zeros stage's a bᵀ). Elements on both sides of a
  // 64-element word's edge, and in the last, short vector of a row; the
  // second shape is large enough for the threads stage to share its rows.
  std::mt19937 rng(12);
  nn::parallel::set_threads(2);
  const Shape shapes[] = {{40, 130, 24}, {64, 1030, 24}};
  REQUIRE(shapes[1].m * shapes[1].k * shapes[1].n >= nn::kernels::kWorthSharing);
  for (const Shape& s : shapes)
    for (Stage stage : {Stage::skip_zeros, Stage::blocked, Stage::threads})
      for (Product product : {Product::ab, Product::a_bt, Product::at_b})
        for (std::size_t nan_at : {std::size_t{3}, std::size_t{63}, std::size_t{64}, s.k - 1}) {
          auto [a, b] = operands(product, s.m, s.k, s.n, 0.5, rng);
          const auto element = [&](std::size_t i, std::size_t q) -> float& {
            return product == Product::at_b ? a(q, i) : a(i, q);
          };
          element(7, nan_at) = std::numeric_limits<float>::quiet_NaN();
          element(8, nan_at) = -0.0f;
          element(9, nan_at) = +0.0f;
          Tensor expected(s.m, s.n), got(s.m, s.n);
          multiply(product, expected, a, b, Write::overwrite, true);
          const bool skips_zeros =
              kernel_of(nn::kernels::products_of(stage), product) != kernel_of(nn::reference_products(), product);
          for (std::size_t j = 0; j < s.n && skips_zeros; ++j)
            (product == Product::a_bt ? b(j, nan_at) : b(nan_at, j)) = std::numeric_limits<float>::infinity();
          {
            const nn::kernels::ScopedStage installed(stage);
            multiply(product, got, a, b, Write::overwrite, false);
          }
          INFO(name(product) << " " << s.m << "×" << s.k << "×" << s.n << " stage " << static_cast<int>(stage)
                             << ", NaN at k = " << nan_at);
          for (std::size_t j = 0; j < s.n; ++j) {
            CHECK(std::isnan(got(7, j)));
            for (std::size_t zero_row : {std::size_t{8}, std::size_t{9}}) {
              CHECK(!std::isnan(got(zero_row, j)));
              const float want = expected(zero_row, j);
              CHECK(std::fabs(got(zero_row, j) - want) <= 1e-4f * (1 + std::fabs(want)));
            }
          }
        }
}

TEST_CASE("the products give the same bits with one thread and with several", "[ch11]") {
  std::mt19937 rng(12);
  // Large enough to be shared out, with row counts that do not split evenly:
  // 833 rows on 4 or 8 threads leave pieces of fewer rows than kTileRows.
  const Shape shapes[] = {{301, 784, 128}, {784, 301, 128}, {13333, 10, 128}, {1029, 200, 130}, {833, 128, 10}};
  for (const Shape& s : shapes) REQUIRE(s.m * s.k * s.n >= nn::kernels::kWorthSharing);
  const nn::kernels::ScopedStage fastest(Stage::threads);
  for (Product product : {Product::ab, Product::a_bt, Product::at_b})
    for (const Shape& s : shapes)
      for (Write mode : {Write::overwrite, Write::accumulate}) {
        auto [a, b] = operands(product, s.m, s.k, s.n, 0.7, rng);
        const Tensor start = random_tensor(s.m, s.n, 0.0, rng);
        Tensor one = start;
        nn::parallel::set_threads(1);
        multiply(product, one, a, b, mode, false);
        for (std::size_t threads : {2, 3, 4, 8}) {
          Tensor several = start;
          nn::parallel::set_threads(threads);
          multiply(product, several, a, b, mode, false);
          INFO(name(product) << " " << s.m << "×" << s.k << "×" << s.n << ", " << threads << " threads");
          REQUIRE(std::memcmp(one.data(), several.data(), one.size() * sizeof(float)) == 0);
        }
      }
  nn::parallel::set_threads(2);
}

TEST_CASE("the thread pool covers every index once, in contiguous aligned ranges", "[ch11]") {
  for (std::size_t threads : {1, 2, 3, 5})
    for (std::size_t count : {0, 1, 7, 64, 100, 1000}) {
      nn::parallel::ThreadPool pool(threads);
      std::vector<int> hits(count, 0);  // each range writes only its own elements
      std::vector<std::size_t> firsts(count + 1, 0);
      pool.for_ranges(count, 8, [&](std::size_t first, std::size_t last) {
        for (std::size_t i = first; i < last; ++i) ++hits[i];
        if (first < last) firsts[first] = 1;  // Catch2 is not thread-safe: check after
      });
      for (int h : hits) REQUIRE(h == 1);
      for (std::size_t i = 0; i < count; ++i)
        if (firsts[i]) REQUIRE(i % 8 == 0);
    }
}

TEST_CASE("a scoped stage installs its kernels, and the stage before it again when it ends", "[ch11]") {
  const auto installed = [](Stage stage) {
    const nn::ProductKernels expected = nn::kernels::products_of(stage), got = nn::installed_products();
    return nn::kernels::stage() == stage && got.matmul == expected.matmul &&
           got.matmul_a_bt == expected.matmul_a_bt && got.matmul_at_b == expected.matmul_at_b;
  };
  const nn::kernels::ScopedStage outer(Stage::blocked);
  CHECK(installed(Stage::blocked));
  {
    const nn::kernels::ScopedStage inner(Stage::skip_zeros);
    CHECK(installed(Stage::skip_zeros));
  }
  CHECK(installed(Stage::blocked));
  CHECK(nn::installed_nonzero_indices() != nn::nonzero_indices);  // chapter 9's step lists by vectors too
  {
    const nn::kernels::ScopedStage reference(Stage::reference);
    CHECK(nn::installed_nonzero_indices() == nn::nonzero_indices);
  }
  try {
    const nn::kernels::ScopedStage failing(Stage::threads);
    throw std::runtime_error("a timed run that fails");
  } catch (const std::runtime_error&) {
  }
  CHECK(installed(Stage::blocked));
}

TEST_CASE("the installed nonzero_indices of the blocked stages lists what chapter 9's lists", "[ch11]") {
  const nn::kernels::ScopedStage blocked(Stage::blocked);
  const nn::NonzeroIndices by_vectors = nn::installed_nonzero_indices();
  std::mt19937 rng(41);
  std::bernoulli_distribution zero(0.8);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  // Lengths around the vector width and an image's; zeros of both signs and NaNs.
  for (std::size_t length : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17},
                             std::size_t{33}, std::size_t{784}}) {
    std::vector<float> values(length);
    for (float& v : values) v = zero(rng) ? (value(rng) < 0 ? -0.0f : 0.0f) : value(rng);
    if (length > 5) values[5] = std::numeric_limits<float>::quiet_NaN();
    std::vector<std::uint32_t> expected(length), got(length);
    const std::size_t count = nn::nonzero_indices(values, expected.data());
    INFO(length << " elements");
    REQUIRE(by_vectors(values, got.data()) == count);
    CHECK(std::equal(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(count), got.begin()));
  }
}

TEST_CASE("with the blocked kernels, the fused per-sample step gives a batch step of one's bits, with either list",
          "[ch11]") {
  const nn::kernels::ScopedStage blocked(Stage::blocked);
  const nn::NonzeroIndices by_vectors = nn::installed_nonzero_indices();
  std::mt19937 rng(43);
  std::bernoulli_distribution zero(0.8);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  Tensor images(20, 784);
  for (float& v : images.values()) v = zero(rng) ? 0.0f : pixel(rng);
  nn::Rng init(44);
  const nn::Network start = nn::make_mlp({784, 32, 10}, nn::ActivationKind::relu, nn::Init::he, init);
  std::vector<std::vector<float>> results;
  for (nn::NonzeroIndices list : {nn::NonzeroIndices{nn::nonzero_indices}, by_vectors}) {
    nn::install_nonzero_indices(list);
    nn::Network net = start;
    nn::SampleBuffers buffers;
    for (std::size_t n = 0; n < images.rows(); ++n)
      nn::stochastic_step(net, images.view().rows_slice(n, 1), static_cast<std::uint8_t>(n % 10), 0.05f, buffers);
    results.push_back(parameters_of(net));
  }
  nn::install_nonzero_indices(by_vectors);  // as the stage had it, for the guard to replace
  // Chapter 7's step on a batch of one image at a time, through the same kernels.
  nn::Network general = start;
  nn::StepBuffers step_buffers;
  Tensor target(1, 10);
  for (std::size_t n = 0; n < images.rows(); ++n) {
    std::fill(target.values().begin(), target.values().end(), 0.0f);
    target(0, n % 10) = 1.0f;
    nn::train_step(general, images.view().rows_slice(n, 1), target, 0.05f, step_buffers);
  }
  results.push_back(parameters_of(general));
  for (std::size_t r = 1; r < results.size(); ++r) {
    REQUIRE(results[0].size() == results[r].size());
    CHECK(std::memcmp(results[0].data(), results[r].data(), results[0].size() * sizeof(float)) == 0);
  }
  CHECK(results[0] != parameters_of(start));  // the steps moved the parameters
}

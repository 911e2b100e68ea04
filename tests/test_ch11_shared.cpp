// Chapter 11: whole chunks of the full batch shared among the threads,
// plain descent's shared update, the shared copy of a mini-batch (from floats
// and from bytes) and the shared mini-batch step. Same bits for any thread
// count; the same gradient as chapter 7's within float rounding. No timing
// here.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include "benchmark_workloads.hpp"
#include "kernels.hpp"
#include "minibatch.hpp"
#include "parallel.hpp"
#include "shared_gradient.hpp"
#include "shared_step.hpp"

using nn::Tensor;

namespace {

// n images of 784 pixels, four in five of them zero, with labels and a
// 784-32-10 ReLU network: the shapes of the book, smaller.
struct Problem {
  Tensor images, targets;
  nn::Network network;
};
Problem problem(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  std::bernoulli_distribution zero(0.8);
  std::uniform_int_distribution<int> label(0, 9);
  Problem p{Tensor(n, 784), Tensor(n, 10), {}};
  for (float& v : p.images.values()) v = zero(rng) ? 0.0f : pixel(rng);
  for (std::size_t r = 0; r < n; ++r) p.targets(r, static_cast<std::size_t>(label(rng))) = 1.0f;
  nn::Rng init(seed);
  p.network = nn::make_mlp({784, 32, 10}, nn::ActivationKind::relu, nn::Init::he, init);
  return p;
}

std::vector<float> parameters_of(const nn::Network& network) {
  std::vector<float> all;
  network.for_each_parameter([&](const Tensor& parameter, const Tensor&) {
    all.insert(all.end(), parameter.values().begin(), parameter.values().end());
  });
  return all;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// An update rule that is not plain descent: the shared step must hand it the
// gradients rather than descend itself.
class HalfSteps final : public nn::Optimiser {
 public:
  void update(nn::Network& network, float learning_rate) override {
    network.for_each_parameter([&](Tensor& parameter, const Tensor& gradient) {
      for (std::size_t i = 0; i < parameter.size(); ++i)
        parameter.data()[i] -= 0.5f * learning_rate * gradient.data()[i];
    });
  }
};

std::vector<float> gradients_of(nn::Network& network) {
  std::vector<float> all;
  network.for_each_parameter([&](const Tensor&, const Tensor& gradient) {
    all.insert(all.end(), gradient.values().begin(), gradient.values().end());
  });
  return all;
}

}  // namespace

TEST_CASE("the gradient shared by parts has the same bits for one to eight threads", "[ch11]") {
  const nn::kernels::ScopedStage fastest(nn::kernels::Stage::threads);
  // 2,000 images: more chunks than parts, and parts of unequal length; 100:
  // fewer images than one chunk, so that seven of the eight parts are empty.
  for (std::size_t n : {2000, 100}) {
    std::vector<std::vector<float>> results;
    std::vector<float> losses;
    for (std::size_t threads : {1, 2, 3, 8}) {
      nn::parallel::set_threads(threads);
      Problem p = problem(n, 5);
      nn::StepBuffers buffers;
      losses.push_back(nn::parallel::shared_full_batch_gradient(p.network, p.images, p.targets, buffers));
      results.push_back(gradients_of(p.network));
    }
    INFO(n << " images");
    for (std::size_t t = 1; t < results.size(); ++t) {
      REQUIRE(std::memcmp(results[0].data(), results[t].data(), results[0].size() * sizeof(float)) == 0);
      REQUIRE(losses[t] == losses[0]);
    }
  }
  nn::parallel::set_threads(2);
}

TEST_CASE("the gradient shared by parts is chapter 7's gradient within float rounding", "[ch11]") {
  const nn::kernels::ScopedStage fastest(nn::kernels::Stage::threads);
  Problem p = problem(1500, 6);
  nn::Network copy = p.network;
  nn::StepBuffers buffers;
  const float shared_loss = nn::parallel::shared_full_batch_gradient(p.network, p.images, p.targets, buffers);
  const float loss = nn::full_batch_gradient(copy, p.images, p.targets, buffers);
  CHECK(shared_loss == Approx(loss).epsilon(1e-6));
  const std::vector<float> shared = gradients_of(p.network), expected = gradients_of(copy);
  REQUIRE(shared.size() == expected.size());
  float largest = 0;
  for (float g : expected) largest = std::max(largest, std::fabs(g));
  for (std::size_t i = 0; i < shared.size(); ++i) REQUIRE(std::fabs(shared[i] - expected[i]) <= 1e-5f * largest);
  // The network's own gradients are replaced, not added to: a second call gives the same.
  nn::parallel::shared_full_batch_gradient(p.network, p.images, p.targets, buffers);
  CHECK(gradients_of(p.network) == shared);
  // Another network of the same shapes but another activation: the parts
  // must take its layers, not keep the last network's.
  nn::Rng init(9);
  nn::Network tanh_network = nn::make_mlp({784, 32, 10}, nn::ActivationKind::tanh, nn::Init::xavier, init);
  nn::Network tanh_copy = tanh_network;
  nn::parallel::shared_full_batch_gradient(tanh_network, p.images, p.targets, buffers);
  nn::full_batch_gradient(tanh_copy, p.images, p.targets, buffers);
  const std::vector<float> tanh_shared = gradients_of(tanh_network), tanh_expected = gradients_of(tanh_copy);
  for (std::size_t i = 0; i < tanh_shared.size(); ++i)
    REQUIRE(std::fabs(tanh_shared[i] - tanh_expected[i]) <= 1e-5f * largest + 1e-7f);
}

TEST_CASE("the shared update gives the bits of plain gradient descent", "[ch11]") {
  Problem p = problem(300, 7);
  nn::StepBuffers buffers;
  nn::full_batch_gradient(p.network, p.images, p.targets, buffers);
  nn::Network plain = p.network;
  nn::parallel::set_threads(2);
  nn::parallel::SharedGradientDescent shared;
  shared.update(p.network, 0.3f);
  nn::GradientDescent descent;
  descent.update(plain, 0.3f);
  std::vector<float> a, b;
  p.network.for_each_parameter([&](const Tensor& w, const Tensor&) { a.insert(a.end(), w.values().begin(), w.values().end()); });
  plain.for_each_parameter([&](const Tensor& w, const Tensor&) { b.insert(b.end(), w.values().begin(), w.values().end()); });
  REQUIRE(a.size() == b.size());
  CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

TEST_CASE("the shared gather copies the rows gather_rows copies, and reports a wrong shape as it does", "[ch11]") {
  const Problem p = problem(500, 9);
  std::vector<std::size_t> rows(100);
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = (r * 337 + 11) % 500;  // scattered, some twice
  Tensor expected(100, 784);
  nn::gather_rows(expected, p.images, rows);
  for (std::size_t threads : {1, 2, 3}) {
    nn::parallel::set_threads(threads);
    for (std::size_t count : {std::size_t{5}, std::size_t{100}}) {  // below and above what is worth sharing
      Tensor copied(count, 784);
      nn::parallel::shared_gather_rows(copied, p.images, std::span(rows).first(count));
      CHECK(std::memcmp(copied.data(), expected.data(), copied.size() * sizeof(float)) == 0);
    }
  }
  nn::parallel::set_threads(2);
  Tensor wrong(100, 783);
  CHECK_THROWS_WITH(nn::parallel::shared_gather_rows(wrong, p.images, rows),
                    Catch::Contains("gather_rows: out is 100×783 for 100 rows of 500×784"));
}

// n images whose every value is a pixel value, k / 255, four in five of them zero.
Tensor pixel_images(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution zero(0.8);
  std::uniform_int_distribution<int> level(1, 255);
  Tensor images(n, 784);
  for (float& v : images.values()) v = zero(rng) ? 0.0f : nn::pixel_value(static_cast<std::uint8_t>(level(rng)));
  images(0, 0) = 1.0f;  // both ends of the range
  return images;
}

TEST_CASE("a copy from bytes has the bits of gather_rows, and is made from the floats when it must be", "[ch11]") {
  const Tensor images = pixel_images(500, 21);
  std::vector<std::size_t> rows(100);
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = (r * 337 + 11) % 500;  // scattered, some twice
  rows[7] = 0;
  // 100 rows, and 5, which are below what is worth sharing.
  const auto copies_as_gather_rows = [&](const nn::parallel::ByteImages& bytes, const Tensor& from) {
    bool same = true;
    for (std::size_t count : {std::size_t{100}, std::size_t{5}}) {
      const std::span<const std::size_t> some = std::span(rows).first(count);
      Tensor expected(count, 784), copied(count, 784);
      nn::gather_rows(expected, from, some);
      bytes(copied, from, some);
      same = same && std::memcmp(copied.data(), expected.data(), copied.size() * sizeof(float)) == 0;
    }
    return same;
  };
  const nn::parallel::ByteImages bytes(images);
  CHECK(bytes.exact());
  for (std::size_t threads : {1, 2, 3}) {
    INFO(threads << " threads");
    nn::parallel::set_threads(threads);
    CHECK(copies_as_gather_rows(bytes, images));
  }
  nn::parallel::set_threads(2);
  SECTION("a value that is not k / 255 for a byte k keeps no bytes, and the floats are copied") {
    for (float odd : {0.3f, -0.0f, -1.0f / 255.0f, 1.5f, std::nanf(""), nn::pixel_value(200) + 1e-7f}) {
      INFO("value " << odd);
      Tensor changed = images;
      changed(499, 783) = odd;
      const nn::parallel::ByteImages inexact(changed);
      CHECK_FALSE(inexact.exact());
      CHECK(copies_as_gather_rows(inexact, changed));
    }
  }
  SECTION("another tensor than the bytes were made from is copied from its floats") {
    // Its values differ from the images', so the bytes would give other rows.
    CHECK(copies_as_gather_rows(bytes, pixel_images(500, 22)));
    CHECK(copies_as_gather_rows(bytes, problem(500, 9).images));
  }
  SECTION("a wrong shape is reported as gather_rows reports it") {
    Tensor wrong(100, 783);
    CHECK_THROWS_WITH(bytes(wrong, images, rows), Catch::Contains("gather_rows: out is 100×783 for 100 rows of 500×784"));
  }
}

TEST_CASE("an epoch copied from bytes by the shared step has the bits of chapter 8's loop as it is", "[ch11]") {
  const nn::kernels::ScopedStage fastest(nn::kernels::Stage::threads);
  nn::parallel::set_threads(2);
  const Problem p = problem(300, 23);
  nn::Dataset train{pixel_images(300, 24), {}, 28, 28};
  for (std::size_t r = 0; r < 300; ++r) train.labels.push_back(static_cast<std::uint8_t>(r * 7 % 10));
  nn::Network plain = p.network, fast = p.network;
  const nn::MiniBatchSettings settings{.epochs = 2, .batch_size = 64, .learning_rate = 0.1f};
  nn::train_mini_batch(plain, train, train, settings);
  const nn::parallel::ByteImages bytes(train.images);
  REQUIRE(bytes.exact());
  nn::MiniBatchSettings fast_settings = settings;
  fast_settings.gather = std::cref(bytes);
  fast_settings.step = nn::parallel::shared_train_step;
  nn::train_mini_batch(fast, train, train, fast_settings);
  CHECK(same_bits(parameters_of(fast), parameters_of(plain)));
}

TEST_CASE("the benchmark's workloads refuse a training set too small for them, in one line", "[ch11]") {
  const Problem p = problem(3, 4);
  nn::Dataset three{p.images, {1, 2, 3}, 28, 28};
  CHECK_NOTHROW(nn::benchmark::require_images(three, 3, "data dir"));
  CHECK_THROWS_WITH(nn::benchmark::require_images(three, 4, "my \"odd\" data"),
                    Catch::StartsWith("my \"odd\" data: the training set holds 3 images; this program needs at least 4"));
}

TEST_CASE("a job started inside a piece of another job runs whole on that thread", "[ch11]") {
  nn::parallel::ThreadPool pool(2);
  std::vector<int> hits(8 * 100, 0);
  pool.for_ranges(8, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t outer = first; outer < last; ++outer)
      pool.for_ranges(100, 1, [&](std::size_t inner_first, std::size_t inner_last) {
        for (std::size_t i = inner_first; i < inner_last; ++i) ++hits[outer * 100 + i];
      });
  });
  for (int h : hits) REQUIRE(h == 1);
}

TEST_CASE("a piece that throws reaches the caller once the job is over, and the pool works on", "[ch11]") {
  nn::parallel::ThreadPool pool(2);
  std::vector<int> hits(64, 0);
  CHECK_THROWS_AS(pool.for_ranges(64, 1,
                                  [&](std::size_t first, std::size_t last) {
                                    for (std::size_t i = first; i < last; ++i) ++hits[i];
                                    if (first == 0) throw std::runtime_error("piece 0 failed");
                                  }),
                  std::runtime_error);
  for (int h : hits) REQUIRE(h == 1);  // every other piece still ran, once
  std::vector<int> again(64, 0);
  pool.for_ranges(64, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) ++again[i];
  });
  for (int h : again) REQUIRE(h == 1);
  // Jobs inside pieces still cover every index once after the exception.
  std::vector<int> nested(8 * 10, 0);
  pool.for_ranges(8, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t o = first; o < last; ++o)
      pool.for_ranges(10, 1, [&](std::size_t f, std::size_t l) {
        for (std::size_t i = f; i < l; ++i) ++nested[o * 10 + i];
      });
  });
  for (int h : nested) REQUIRE(h == 1);
}

TEST_CASE("the shared step gives train_step's parameters, bit for bit, for any thread count", "[ch11]") {
  const nn::kernels::ScopedStage fastest(nn::kernels::Stage::threads);
  // Batches of 100 and 64 (parts of kTileRows rows, the last short in
  // one), of 37 (two parts when kTileRows is 32) and of 5 (one part, shorter
  // than kTileRows); a network of one hidden
  // layer with tanh and one of two with ReLU; plain
  // descent in both its forms, which the shared step does itself, and
  // another rule, which it leaves to the rule. Five steps each, so that every
  // step starts from parameters the last one updated.
  const char* const rules[] = {"GradientDescent", "SharedGradientDescent", "another rule"};
  for (std::size_t batch : {std::size_t{100}, std::size_t{64}, std::size_t{37}, std::size_t{5}}) {
    for (const std::vector<std::size_t>& sizes : {std::vector<std::size_t>{784, 32, 10}, {784, 48, 16, 10}}) {
      for (std::size_t r = 0; r < 3; ++r) {
        INFO("batch " << batch << ", " << sizes.size() - 2 << " hidden layers, " << rules[r]);
        const Problem p = problem(5 * batch, 12);
        nn::Rng init(13);
        const nn::Network start = sizes.size() == 3
                                      ? nn::make_mlp(sizes, nn::ActivationKind::tanh, nn::Init::xavier, init)
                                      : nn::make_mlp(sizes, nn::ActivationKind::relu, nn::Init::he, init);
        nn::parallel::set_threads(2);
        nn::Network expected = start;
        nn::GradientDescent descent;
        nn::parallel::SharedGradientDescent shared_descent;
        HalfSteps halves;
        nn::Optimiser* const choices[] = {&descent, &shared_descent, &halves};
        nn::Optimiser& rule = *choices[r];
        nn::StepBuffers buffers;
        std::vector<float> expected_losses;
        for (std::size_t s = 0; s < 5; ++s)
          expected_losses.push_back(nn::train_step(expected, p.images.view().rows_slice(s * batch, batch),
                                                   p.targets.view().rows_slice(s * batch, batch), 0.2f, buffers, rule));
        for (std::size_t threads : {1, 2, 3}) {
          INFO(threads << " threads");
          nn::parallel::set_threads(threads);
          nn::Network shared = start;
          for (std::size_t s = 0; s < 5; ++s) {
            const float loss = nn::parallel::shared_train_step(shared, p.images.view().rows_slice(s * batch, batch),
                                                               p.targets.view().rows_slice(s * batch, batch), 0.2f,
                                                               buffers, rule);
            // The loss is summed by parts of rows: the same to float rounding.
            CHECK(loss == Approx(expected_losses[s]).epsilon(1e-6));
          }
          // The shared path was taken, not train_step's: the network's own
          // forward buffers, which train_step fills, were never used.
          CHECK_THROWS_AS(shared.output(0), std::out_of_range);
          REQUIRE(same_bits(parameters_of(shared), parameters_of(expected)));
          // The gradients are left as train_step leaves them, for whoever reads them.
          CHECK(same_bits(gradients_of(shared), gradients_of(expected)));
        }
      }
    }
  }
  nn::parallel::set_threads(2);
}

TEST_CASE("the shared step leaves a row whose gradient is zero only where descent would leave it", "[ch11]") {
  const nn::kernels::ScopedStage fastest(nn::kernels::Stage::threads);
  // Pixel 0 is zero in every image, so row 0 of W₁ has a gradient of +0, and
  // the shared step skips its update when that changes nothing. Its weights
  // are set to −0, 0 and 1: with a negative learning rate, η · (+0) is −0 and
  // θ − (−0) turns −0 into +0, which a skip would miss. A NaN or infinite
  // rate turns every weight into NaN.
  Problem p = problem(64, 16);
  for (std::size_t r = 0; r < 64; ++r) p.images(r, 0) = 0.0f;
  nn::Dense& first = std::get<nn::Dense>(p.network.layers[0]);
  for (std::size_t j = 0; j < first.outputs(); ++j) first.weight(0, j) = j % 3 == 0 ? -0.0f : j % 3 == 1 ? 0.0f : 1.0f;
  for (const float rate : {0.1f, 0.0f, -0.0f, -0.1f, std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN()}) {
    INFO("learning rate " << rate << (std::signbit(rate) ? " (sign bit set)" : ""));
    for (std::size_t threads : {1, 2}) {
      nn::parallel::set_threads(threads);
      nn::Network expected = p.network, shared = p.network;
      nn::GradientDescent descent;
      nn::StepBuffers buffers;
      nn::train_step(expected, p.images, p.targets, rate, buffers, descent);
      nn::parallel::shared_train_step(shared, p.images, p.targets, rate, buffers, descent);
      CHECK(same_bits(parameters_of(shared), parameters_of(expected)));
    }
  }
  nn::parallel::set_threads(2);
}

TEST_CASE("the shared step reports a wrong shape as train_step does", "[ch11]") {
  const nn::kernels::ScopedStage fastest(nn::kernels::Stage::threads);
  Problem p = problem(64, 14);
  nn::StepBuffers buffers;
  nn::GradientDescent descent;
  const Tensor narrow(64, 783), few_targets(63, 10);
  const nn::Network before = p.network;
  CHECK_THROWS_AS(nn::parallel::shared_train_step(p.network, narrow, p.targets, 0.1f, buffers, descent),
                  nn::ShapeError);
  CHECK_THROWS_AS(nn::parallel::shared_train_step(p.network, p.images, few_targets, 0.1f, buffers, descent),
                  nn::ShapeError);
  CHECK(same_bits(parameters_of(p.network), parameters_of(before)));  // nothing was updated
  // A network whose layers do not chain: the blocked kernels check no shape,
  // so the step must see it and leave it to train_step's products.
  nn::Rng init(15);
  nn::Network mismatched = nn::make_mlp({784, 32, 10}, nn::ActivationKind::relu, nn::Init::he, init);
  std::get<nn::Dense>(mismatched.layers[2]) = nn::Dense(31, 10);
  CHECK_THROWS_WITH(nn::parallel::shared_train_step(mismatched, p.images, p.targets, 0.1f, buffers, descent),
                    Catch::Contains("matmul"));
}

// Chapter 14: data augmentation, checked by hand-placed pixels, an independent
// two-dimensional convolution, and the properties every distortion must keep.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <numbers>
#include <thread>

#include "augmentation.hpp"
#include "dropout.hpp"
#include "minibatch.hpp"
#include "optimisers.hpp"
#include "parallel.hpp"
#include "regularisation.hpp"

using nn::Tensor;

namespace {

constexpr std::size_t kSide = nn::kImageSide;

// B images of noise in [0, 1] with a bright, digit-sized blob in the middle.
Tensor random_images(std::size_t count, std::uint64_t seed) {
  nn::Rng rng(seed);
  std::uniform_real_distribution<float> noise(0.0f, 1.0f);
  Tensor images(count, nn::kImagePixels);
  for (std::size_t n = 0; n < count; ++n)
    for (std::size_t r = 0; r < kSide; ++r)
      for (std::size_t c = 0; c < kSide; ++c) {
        const bool blob = r >= 6 && r < 22 && c >= 9 && c < 19;
        images(n, r * kSide + c) = blob ? 1.0f : 0.3f * noise(rng);
      }
  return images;
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

const nn::AugmentSettings kAffine{.max_shift = 3, .max_rotation = 30, .max_scale = 0.2f, .max_shear = 0.4f};
const nn::AugmentSettings kElastic{.elastic_alpha = 34, .elastic_sigma = 4};
const nn::AugmentSettings kBoth{.max_shift = 3, .max_rotation = 30, .max_scale = 0.2f, .max_shear = 0.4f,
                                .elastic_alpha = 34, .elastic_sigma = 4};

// The mean size of a field and of its differences between horizontal and vertical neighbours.
struct FieldSizes {
  double mean_size = 0, mean_step = 0;
};
FieldSizes sizes_of(std::span<const float> field) {
  FieldSizes s;
  for (float v : field) s.mean_size += std::abs(v);
  std::size_t steps = 0;
  for (std::size_t r = 0; r < kSide; ++r)
    for (std::size_t c = 0; c < kSide; ++c) {
      if (c + 1 < kSide) s.mean_step += std::abs(field[r * kSide + c + 1] - field[r * kSide + c]), ++steps;
      if (r + 1 < kSide) s.mean_step += std::abs(field[(r + 1) * kSide + c] - field[r * kSide + c]), ++steps;
    }
  s.mean_size /= static_cast<double>(field.size());
  s.mean_step /= static_cast<double>(steps);
  return s;
}

}  // namespace

TEST_CASE("every augmentation keeps every pixel in [0, 1]", "[ch14]") {
  for (const nn::AugmentSettings& settings : {kAffine, kElastic, kBoth}) {
    Tensor images = random_images(200, 1);
    // Rows of ones too: four ones mixed by weights that sum to 1 must stay at most 1.
    Tensor ones(50, nn::kImagePixels);
    nn::fill(ones, 1.0f);
    nn::Rng rng(7);
    nn::augment(images, settings, rng);
    nn::augment(ones, settings, rng);
    for (const Tensor* t : {&images, &ones})
      for (float v : t->values()) REQUIRE((v >= 0.0f && v <= 1.0f));
  }
}

TEST_CASE("the identity transform returns every image unchanged, bit for bit", "[ch14]") {
  const Tensor original = random_images(20, 3);
  Tensor images = original;
  nn::Rng rng(1);
  nn::augment(images, nn::AugmentSettings{.elastic_alpha = 0, .elastic_sigma = 4}, rng);  // every range 0
  CHECK(same_bits(images, original));
}

TEST_CASE("a shift by a whole pixel moves the image by exactly one pixel", "[ch14]") {
  // Two lit pixels, at (r, c) = (5, 7) and (20, 27): the second is on the right edge.
  std::vector<float> image(nn::kImagePixels, 0.0f), out(nn::kImagePixels, -1.0f);
  image[5 * kSide + 7] = 0.6f;
  image[20 * kSide + 27] = 0.25f;
  SECTION("one pixel right: (5, 7) → (5, 8); (20, 27) leaves the image") {
    nn::warp(out, image, nn::inverse_map({.shift_x = 1}), nullptr);
    std::vector<float> expected(nn::kImagePixels, 0.0f);
    expected[5 * kSide + 8] = 0.6f;
    CHECK(out == expected);
  }
  SECTION("one pixel up: (5, 7) → (4, 7), (20, 27) → (19, 27)") {
    nn::warp(out, image, nn::inverse_map({.shift_y = -1}), nullptr);
    std::vector<float> expected(nn::kImagePixels, 0.0f);
    expected[4 * kSide + 7] = 0.6f;
    expected[19 * kSide + 27] = 0.25f;
    CHECK(out == expected);
  }
}

TEST_CASE("bilinear sampling weighs the four pixels around a point by nearness", "[ch14]") {
  std::vector<float> image(nn::kImagePixels, 0.0f);
  image[5 * kSide + 7] = 0.8f;  // (r, c) = (5, 7): the point (x, y) = (7, 5)
  image[5 * kSide + 8] = 0.4f;
  image[6 * kSide + 7] = 0.2f;
  image[6 * kSide + 8] = 1.0f;
  // At (x, y) = (7.25, 5.5): fx = 0.25, fy = 0.5.
  //   0.5 · (0.75 · 0.8 + 0.25 · 0.4) + 0.5 · (0.75 · 0.2 + 0.25 · 1.0) = 0.5 · 0.7 + 0.5 · 0.4 = 0.55
  CHECK(nn::bilinear(image, 7.25f, 5.5f) == Approx(0.55f).margin(1e-6));
  CHECK(nn::bilinear(image, 7.0f, 5.0f) == 0.8f);  // on a pixel: that pixel
  CHECK(nn::bilinear(image, 8.0f, 6.0f) == 1.0f);
  // Outside the grid is 0: half a pixel left of column 0 mixes a pixel with background.
  image[0] = 0.5f;
  CHECK(nn::bilinear(image, -0.5f, 0.0f) == Approx(0.25f).margin(1e-6));
  CHECK(nn::bilinear(image, -3.0f, 10.0f) == 0.0f);
  CHECK(nn::bilinear(image, 10.0f, 28.5f) == 0.0f);
}

TEST_CASE("a rotation by 90 degrees turns a pixel right of the centre to below it", "[ch14]") {
  // (r, c) = (13, 20) is (6.5, −0.5) from the centre (13.5, 13.5); turned by +90°
  // on the screen (y down: clockwise) it lands at (0.5, 6.5): (r, c) = (20, 14).
  std::vector<float> image(nn::kImagePixels, 0.0f), out(nn::kImagePixels);
  image[13 * kSide + 20] = 1.0f;
  nn::warp(out, image, nn::inverse_map({.rotation = std::numbers::pi_v<float> / 2}), nullptr);
  CHECK(out[20 * kSide + 14] == Approx(1.0f).margin(1e-5));
  CHECK(out[13 * kSide + 20] == Approx(0.0f).margin(1e-5));
  double total = 0;
  for (float v : out) total += v;
  CHECK(total == Approx(1.0).margin(1e-4));  // nothing else lit
}

TEST_CASE("the inverse map undoes the affine map", "[ch14]") {
  const nn::AffineDistortion d{.shift_x = 1.5f, .shift_y = -2, .rotation = 0.3f, .scale = 1.1f, .shear = 0.2f};
  const nn::InverseMap inverse = nn::inverse_map(d);
  // Forward, by the definition q = A (p − m) + m + t with A = s R(θ) H:
  const float px = 4 - 13.5f, py = 9 - 13.5f;
  const float hx = px + d.shear * py, hy = py;  // shear
  const float rx = std::cos(d.rotation) * hx - std::sin(d.rotation) * hy;
  const float ry = std::sin(d.rotation) * hx + std::cos(d.rotation) * hy;
  const float qx = d.scale * rx + d.shift_x, qy = d.scale * ry + d.shift_y;  // relative to m
  const float back_x = inverse.xx * (qx - d.shift_x) + inverse.xy * (qy - d.shift_y);
  const float back_y = inverse.yx * (qx - d.shift_x) + inverse.yy * (qy - d.shift_y);
  CHECK(back_x == Approx(px).margin(1e-5));
  CHECK(back_y == Approx(py).margin(1e-5));
}

TEST_CASE("the Gaussian kernel is symmetric, sums to 1 and is cut at three sigma", "[ch14]") {
  const std::vector<float> kernel = nn::gaussian_kernel(4);
  REQUIRE(kernel.size() == 25);  // R = ⌈3 · 4⌉ = 12
  double sum = 0;
  for (std::size_t k = 0; k < kernel.size(); ++k) {
    sum += kernel[k];
    CHECK(kernel[k] == kernel[kernel.size() - 1 - k]);
  }
  CHECK(sum == Approx(1.0).margin(1e-6));
  CHECK(kernel[12] / kernel[16] == Approx(std::exp(0.5)).epsilon(1e-5));  // one σ out: e^(−1/2) of the peak
}

TEST_CASE("the separable smoothing equals a direct two-dimensional convolution", "[ch14]") {
  nn::ImageRng rng{42};
  std::array<float, nn::kImagePixels> noise, smoothed;
  for (float& v : noise) v = rng.symmetric();
  const float sigma = 2.5f, alpha = 3;
  const std::vector<float> kernel = nn::gaussian_kernel(sigma);
  nn::SmoothingBuffers buffers;
  nn::smooth_field(smoothed, noise, kernel, alpha, buffers);
  const int radius = static_cast<int>(kernel.size() / 2), side = static_cast<int>(kSide);
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) {
      double direct = 0;  // Σ_{j,k} g_j g_k noise(r + j, c + k), noise 0 outside the image
      for (int j = -radius; j <= radius; ++j)
        for (int k = -radius; k <= radius; ++k)
          if (r + j >= 0 && r + j < side && c + k >= 0 && c + k < side)
            direct += double{kernel[j + radius]} * kernel[k + radius] * noise[(r + j) * side + c + k];
      REQUIRE(smoothed[r * side + c] == Approx(alpha * direct).margin(1e-5));
    }
}

TEST_CASE("the elastic field is smooth: its size and its steps fall as sigma grows", "[ch14]") {
  // The same noise smoothed at four σ, averaged over 20 fields.
  const float sigmas[] = {1, 2, 4, 8};
  std::vector<FieldSizes> mean(4);
  nn::SmoothingBuffers buffers;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    nn::ImageRng rng{seed};
    std::array<float, nn::kImagePixels> noise, field;
    for (float& v : noise) v = rng.symmetric();
    for (std::size_t i = 0; i < 4; ++i) {
      buffers = {};  // a new σ, a new kernel size
      nn::smooth_field(field, noise, nn::gaussian_kernel(sigmas[i]), 1.0f, buffers);
      const FieldSizes s = sizes_of(field);
      mean[i].mean_size += s.mean_size / 20;
      mean[i].mean_step += s.mean_step / 20;
    }
  }
  for (std::size_t i = 1; i < 4; ++i) {
    INFO("σ = " << sigmas[i] << ": mean size " << mean[i].mean_size << ", mean step " << mean[i].mean_step
                << "; σ = " << sigmas[i - 1] << ": " << mean[i - 1].mean_size << ", " << mean[i - 1].mean_step);
    CHECK(mean[i].mean_size < 0.8 * mean[i - 1].mean_size);
    CHECK(mean[i].mean_step < 0.6 * mean[i - 1].mean_step);
    // Smoother: neighbours differ by a smaller share of the field's own size.
    CHECK(mean[i].mean_step / mean[i].mean_size < mean[i - 1].mean_step / mean[i - 1].mean_size);
  }
}

TEST_CASE("the per-image generator draws uniformly from -1 up to 1", "[ch14]") {
  nn::ImageRng rng{9};
  double sum = 0, lowest = 1, highest = -1;
  for (int i = 0; i < 100000; ++i) {
    const float v = rng.symmetric();
    REQUIRE((v >= -1.0f && v < 1.0f));
    sum += v;
    lowest = std::min<double>(lowest, v);
    highest = std::max<double>(highest, v);
  }
  CHECK(sum / 100000 == Approx(0).margin(0.01));  // the standard error is 0.0018
  CHECK(lowest < -0.999);
  CHECK(highest > 0.999);
}

TEST_CASE("the same seed gives the same bits, another seed others, whatever the threads", "[ch14]") {
  for (const nn::AugmentSettings& settings : {kAffine, kElastic, kBoth}) {
    const Tensor original = random_images(37, 5);  // 37 rows: the two threads get unequal shares
    Tensor a = original, b = original, c = original, one_thread = original;
    nn::Rng rng_a(11), rng_b(11), rng_c(12), rng_one(11);
    nn::parallel::set_threads(2);
    nn::augment(a, settings, rng_a);
    nn::augment(b, settings, rng_b);
    nn::augment(c, settings, rng_c);
    nn::parallel::set_threads(1);
    nn::augment(one_thread, settings, rng_one);
    nn::parallel::set_threads(std::thread::hardware_concurrency());
    CHECK(same_bits(a, b));
    CHECK(same_bits(a, one_thread));
    CHECK_FALSE(same_bits(a, c));
    CHECK_FALSE(same_bits(a, original));
    // Every image is distorted differently: no two rows of a alike.
    for (std::size_t n = 1; n < a.rows(); ++n) CHECK_FALSE(std::ranges::equal(a.row(n), a.row(0)));
  }
}

TEST_CASE("a gathered, augmented batch keeps every image with its label", "[ch14]") {
  // Class k's images are uniformly grey at (k + 1) / 10: a distortion moves the
  // border in, but the middle keeps the grey, so each row still says its class.
  nn::Dataset data;
  data.image_rows = data.image_cols = kSide;
  data.images = Tensor(100, nn::kImagePixels);
  for (std::size_t n = 0; n < 100; ++n) {
    data.labels.push_back(static_cast<std::uint8_t>((n * 7) % 10));
    for (float& v : data.images.row(n)) v = (data.labels[n] + 1) / 10.0f;
  }
  nn::Rng rng(3);
  const std::vector<std::size_t> order = nn::shuffled_order(100, rng);
  Tensor x(64, nn::kImagePixels), y(64, nn::kClasses);
  const std::span<const std::size_t> rows(order.data(), 64);
  nn::gather_rows(x, data.images, rows);   // as the training loop fills a batch
  nn::gather_one_hot(y, data.labels, rows);
  const Tensor before = x;
  // Distortions mild enough that the middle pixel always samples the grey inside.
  nn::augment(x, {.max_shift = 2, .max_rotation = 15, .max_scale = 0.1f, .max_shear = 0.2f, .elastic_alpha = 34}, rng);
  CHECK_FALSE(same_bits(x, before));
  for (std::size_t n = 0; n < 64; ++n) {
    std::size_t label = 0;
    while (y(n, label) != 1.0f) ++label;
    INFO("row " << n << " holds label " << label);
    CHECK(x(n, 14 * kSide + 14) == Approx((label + 1) / 10.0f).margin(1e-5));
  }
}

TEST_CASE("training with augmentation as the batch transform learns: labels stayed with their images", "[ch14]") {
  // Class 0 lights the top half of the image, class 1 the bottom half, with
  // some noise; a distortion moves the edge a little but keeps the halves. Had
  // augmentation moved an image to another row of the batch, its label would
  // no longer match and the network could not learn the rule.
  nn::Dataset data;
  data.image_rows = data.image_cols = kSide;
  data.images = random_images(200, 8);
  for (std::size_t n = 0; n < 200; ++n) {
    data.labels.push_back(static_cast<std::uint8_t>(n % 2));
    for (std::size_t r = 0; r < kSide; ++r)
      for (std::size_t c = 0; c < kSide; ++c) {
        const bool lit = (r < kSide / 2) == (n % 2 == 0);
        data.images(n, r * kSide + c) = lit ? 0.9f : 0.1f * data.images(n, r * kSide + c);
      }
  }
  nn::Rng rng(1);
  nn::Network network = nn::make_mlp({nn::kImagePixels, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  std::size_t batches = 0;
  const nn::AugmentSettings settings{.max_shift = 2, .max_rotation = 10, .elastic_alpha = 34};
  const nn::BatchTransform distort = [&](nn::TensorView images, nn::Rng& transform_rng) {
    ++batches;
    nn::augment(images, settings, transform_rng);
  };
  const nn::History history = nn::train_mini_batch(
      network, data, data, {.epochs = 5, .batch_size = 20, .learning_rate = 0.05f, .seed = 2, .transform = distort});
  CHECK(batches == 50);
  CHECK(history.back().validation.accuracy == 1.0);
}

TEST_CASE("warp samples exactly as bilinear does, at the point the maps give", "[ch14]") {
  // warp reads a zero-bordered copy without bounds checks; bilinear checks every
  // pixel. They must agree, far outside the image included (to the last bits
  // only: the compiler may fuse the map's multiply-adds differently in each).
  const Tensor images = random_images(1, 4);
  const std::span<const float> in = images.row(0);
  nn::ImageRng rng{5};
  const std::vector<float> kernel = nn::gaussian_kernel(3);
  nn::SmoothingBuffers buffers;
  std::array<float, nn::kImagePixels> noise, out;
  for (const nn::AffineDistortion& d : {nn::AffineDistortion{.shift_x = 0.3f, .shift_y = -1.7f, .rotation = 0.4f},
                                        nn::AffineDistortion{.shift_x = 20, .scale = 0.5f, .shear = 0.6f},
                                        nn::AffineDistortion{.rotation = 2.5f, .scale = 1.7f}}) {
    nn::DisplacementField field;
    for (float& v : noise) v = rng.symmetric();
    nn::smooth_field(field.along_x, noise, kernel, 60, buffers);
    for (float& v : noise) v = rng.symmetric();
    nn::smooth_field(field.along_y, noise, kernel, 60, buffers);
    const nn::InverseMap map = nn::inverse_map(d);
    nn::warp(out, in, map, &field);
    for (std::size_t r = 0; r < kSide; ++r)
      for (std::size_t c = 0; c < kSide; ++c) {
        const std::size_t i = r * kSide + c;
        const float qx = static_cast<float>(c) - 13.5f - map.shift_x + field.along_x[i];
        const float qy = static_cast<float>(r) - 13.5f - map.shift_y + field.along_y[i];
        const float x = map.xx * qx + map.xy * qy + 13.5f, y = map.yx * qx + map.yy * qy + 13.5f;
        INFO("pixel (" << r << ", " << c << ") samples (" << x << ", " << y << ")");
        REQUIRE(out[i] == Approx(nn::bilinear(in, x, y)).margin(1e-6));
      }
  }
}

TEST_CASE("a run with distortions, dropout and a scheduled rule gives the same bits for the same seed", "[ch14][ch15]") {
  // Chapter 15's recipe in miniature: every source of randomness (initial
  // weights, batch order, dropout masks, distortions) comes from a seed, so two
  // runs agree bit for bit, and a third with another seed does not.
  nn::Dataset data;
  data.image_rows = data.image_cols = kSide;
  data.images = random_images(60, 3);
  for (std::size_t n = 0; n < 60; ++n) data.labels.push_back(static_cast<std::uint8_t>(n % 3));
  auto run = [&](std::uint64_t seed) {
    nn::Rng rng(seed);
    nn::Network network = nn::make_mlp({nn::kImagePixels, 16, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
    network.layers.insert(network.layers.begin() + 2, nn::Dropout({.rate = 0.2, .seed = seed}));
    nn::Momentum nesterov({.momentum = 0.9f, .nesterov = true});
    nn::DecoupledWeightDecay decayed(1e-3f, nesterov);
    nn::Scheduled rule(decayed, nn::warmup_cosine({.warmup = 3, .length = 12, .floor = 0}));
    const nn::AugmentSettings settings{.max_shift = 1.5f, .max_rotation = 6, .elastic_alpha = 20};
    nn::train_mini_batch(network, data, data,
                         {.epochs = 2, .batch_size = 10, .learning_rate = 0.02f, .seed = seed, .rule = &rule,
                          .transform = [&](nn::TensorView images, nn::Rng& r) { nn::augment(images, settings, r); }});
    std::vector<float> parameters;
    network.for_each_parameter([&](const Tensor& p, const Tensor&) {
      parameters.insert(parameters.end(), p.values().begin(), p.values().end());
    });
    return parameters;
  };
  const std::vector<float> first = run(7);
  CHECK(run(7) == first);
  CHECK(run(8) != first);
}

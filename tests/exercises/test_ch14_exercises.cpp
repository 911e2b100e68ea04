// Chapter 14's exercises, checked by hand-placed pixels and against the
// chapter's own sampler and warp.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "ch14.hpp"

namespace {
constexpr std::size_t kSide = nn::kImageSide;

std::vector<float> test_image() {  // every pixel different, in [0, 1]
  std::vector<float> image(nn::kImagePixels);
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = static_cast<float>((i * 37) % 101) / 100.0f;
  return image;
}

// A crude digit drawn by hand: a ring of radius 5 about (ring_r, ring_c) and a
// stem down column stem_c from row stem_first to row stem_last.
std::vector<float> ring_and_stem(double ring_r, double ring_c, std::size_t stem_c, std::size_t stem_first,
                                 std::size_t stem_last) {
  std::vector<float> image(nn::kImagePixels, 0.0f);
  for (std::size_t r = 0; r < kSide; ++r)
    for (std::size_t c = 0; c < kSide; ++c) {
      const double distance = std::hypot(static_cast<double>(r) - ring_r, static_cast<double>(c) - ring_c);
      if (std::abs(distance - 5) < 1 || (c == stem_c && r >= stem_first && r <= stem_last))
        image[r * kSide + c] = 1.0f;
    }
  return image;
}
}  // namespace

TEST_CASE("exercise 14.1: a whole-pixel shift moves every pixel and fills with 0", "[exercise][ch14]") {
  INFO("hint: out(r, c) = in(r − shift_y, c − shift_x) when that pixel is inside the 28×28 image, else 0");
  const std::vector<float> in = test_image();
  std::vector<float> out(nn::kImagePixels, -1.0f);
  exercises::shift_image(out, in, 1, 0);  // one pixel right
  CHECK(out[5 * kSide + 8] == in[5 * kSide + 7]);
  CHECK(out[5 * kSide + 0] == 0.0f);  // column 0 came from outside
  CHECK(out[27 * kSide + 27] == in[27 * kSide + 26]);
  exercises::shift_image(out, in, -2, 3);  // two left, three down
  CHECK(out[3 * kSide + 0] == in[0 * kSide + 2]);
  CHECK(out[2 * kSide + 10] == 0.0f);  // rows 0–2 came from above the image
  CHECK(out[10 * kSide + 26] == 0.0f);  // columns 26, 27 from its right
  CHECK(out[10 * kSide + 25] == in[7 * kSide + 27]);
  // It agrees with the chapter's warp, whose shift is the same map.
  std::vector<float> warped(nn::kImagePixels);
  nn::warp(warped, in, nn::inverse_map({.shift_x = -2, .shift_y = 3}), nullptr);
  CHECK(out == warped);
  exercises::shift_image(out, in, 0, 0);
  CHECK(out == in);
  exercises::shift_image(out, in, 28, 0);  // out of the picture altogether
  CHECK(out == std::vector<float>(nn::kImagePixels, 0.0f));
}

TEST_CASE("exercise 14.2: a bilinear sample mixes the four pixels around the point", "[exercise][ch14]") {
  INFO("hint: with c = ⌊x⌋, r = ⌊y⌋, fx = x − c, fy = y − r: (1 − fy)((1 − fx) p(r, c) + fx p(r, c + 1)) "
       "+ fy((1 − fx) p(r + 1, c) + fx p(r + 1, c + 1)), p = 0 outside the image");
  std::vector<float> image(nn::kImagePixels, 0.0f);
  image[5 * kSide + 7] = 0.8f;
  image[5 * kSide + 8] = 0.4f;
  image[6 * kSide + 7] = 0.2f;
  image[6 * kSide + 8] = 1.0f;
  // fx = 0.25, fy = 0.5: 0.5 (0.75 · 0.8 + 0.25 · 0.4) + 0.5 (0.75 · 0.2 + 0.25 · 1) = 0.55
  CHECK(exercises::bilinear_sample(image, 7.25f, 5.5f) == Approx(0.55f).margin(1e-6));
  CHECK(exercises::bilinear_sample(image, 8.0f, 5.0f) == 0.4f);  // on a pixel centre, that pixel
  CHECK(exercises::bilinear_sample(image, 7.0f, 5.75f) == Approx(0.25f * 0.8f + 0.75f * 0.2f).margin(1e-6));
  CHECK(exercises::bilinear_sample(image, -5.0f, 5.0f) == 0.0f);  // far outside: background
  CHECK(exercises::bilinear_sample(image, 27.5f, 27.5f) == 0.0f);
  image[0] = 1.0f;
  CHECK(exercises::bilinear_sample(image, -0.5f, -0.5f) == Approx(0.25f).margin(1e-6));  // a quarter of pixel (0, 0)
  const std::vector<float> in = test_image();
  for (float x : {0.0f, 3.3f, 13.5f, 26.9f})
    for (float y : {0.1f, 12.75f, 27.0f}) CHECK(exercises::bilinear_sample(in, x, y) == Approx(nn::bilinear(in, x, y)).margin(1e-6));
}

TEST_CASE("exercise 14.3: half a turn makes a 6 into a 9", "[exercise][ch14]") {
  INFO("hint: out(r, c) = in(27 − r, 27 − c): the pixel mirrored through the centre (13.5, 13.5)");
  const std::vector<float> in = test_image();
  std::vector<float> out(nn::kImagePixels);
  exercises::rotate_half_turn(out, in);
  CHECK(out[0] == in[27 * kSide + 27]);
  CHECK(out[3 * kSide + 20] == in[24 * kSide + 7]);
  // A hand-drawn 6 (a ring low down, a stem up its left side) turns into a
  // hand-drawn 9 (a ring high up, a stem down its right side).
  const std::vector<float> six = ring_and_stem(18, 13, 8, 4, 18);
  const std::vector<float> nine = ring_and_stem(9, 14, 19, 9, 23);
  exercises::rotate_half_turn(out, six);
  CHECK(out == nine);
  // The chapter's warp at θ = π agrees, up to sin π not being 0 in floats.
  std::vector<float> warped(nn::kImagePixels);
  nn::warp(warped, in, nn::inverse_map({.rotation = std::numbers::pi_v<float>}), nullptr);
  exercises::rotate_half_turn(out, in);
  for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == Approx(warped[i]).margin(1e-4));
}

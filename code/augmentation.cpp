// Chapter 14: data augmentation, random affine and elastic distortions of the images.
#include "augmentation.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "parallel.hpp"

namespace nn {

namespace {
constexpr float kCentre = (kImageSide - 1) / 2.0f;  // m = (13.5, 13.5): the middle of the pixel grid
constexpr int kSide = static_cast<int>(kImageSide);
}  // namespace

// [inverse-map]
InverseMap inverse_map(const AffineDistortion& d) {
  // A = s R(θ) H with R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]] and H = [[1, h], [0, 1]]:
  //   A = s [[cos θ, h cos θ − sin θ], [sin θ, h sin θ + cos θ]],  det A = s².
  // The inverse of [[a11, a12], [a21, a22]] is [[a22, −a12], [−a21, a11]] / (a11 a22 − a12 a21).
  const float cos_t = std::cos(d.rotation), sin_t = std::sin(d.rotation);
  const float a11 = d.scale * cos_t, a12 = d.scale * (d.shear * cos_t - sin_t);
  const float a21 = d.scale * sin_t, a22 = d.scale * (d.shear * sin_t + cos_t);
  const float det = a11 * a22 - a12 * a21;
  return {.xx = a22 / det, .xy = -a12 / det, .yx = -a21 / det, .yy = a11 / det,
          .shift_x = d.shift_x, .shift_y = d.shift_y};
}
// [inverse-map]

// [bilinear-code]
float bilinear(std::span<const float> image, float x, float y) {
  const float x0 = std::floor(x), y0 = std::floor(y);
  const float fx = x - x0, fy = y - y0;
  const int c = static_cast<int>(x0), r = static_cast<int>(y0);
  // A pixel outside the grid is background, 0; its weight then adds nothing.
  auto pixel = [&](int row, int col) {
    return row >= 0 && row < kSide && col >= 0 && col < kSide ? image[row * kSide + col] : 0.0f;
  };
  const float value = (1 - fy) * ((1 - fx) * pixel(r, c) + fx * pixel(r, c + 1)) +
                      fy * ((1 - fx) * pixel(r + 1, c) + fx * pixel(r + 1, c + 1));
  // The weights sum to 1, so in exact arithmetic the value lies between the
  // four pixels; each product and sum here rounds, and the min makes sure no
  // rounding ever carries a pixel past 1.
  return std::min(value, 1.0f);
}
// [bilinear-code]

std::vector<float> gaussian_kernel(float sigma) {
  if (!(sigma > 0)) return {1.0f};  // no smoothing: the identity
  const int radius = static_cast<int>(std::ceil(3 * sigma));
  std::vector<float> taps(2 * radius + 1);
  double sum = 0;
  for (int k = -radius; k <= radius; ++k) sum += std::exp(-0.5 * k * k / (sigma * sigma));
  for (int k = -radius; k <= radius; ++k)
    taps[k + radius] = static_cast<float>(std::exp(-0.5 * k * k / (sigma * sigma)) / sum);
  return taps;
}

// [smooth]
void smooth_field(std::span<float> out, std::span<const float> noise, std::span<const float> kernel, float alpha,
                  SmoothingBuffers& buffers) {
  const std::size_t radius = kernel.size() / 2, padded_side = kImageSide + 2 * radius;
  // The borders of both buffers are zero and stay zero; only the middles are written.
  if (buffers.padded.size() != kImageSide * padded_side) {
    buffers.padded.assign(kImageSide * padded_side, 0.0f);
    buffers.horizontal.assign(padded_side * kImageSide, 0.0f);
  }
  for (std::size_t r = 0; r < kImageSide; ++r)
    std::copy_n(noise.begin() + r * kImageSide, kImageSide, buffers.padded.begin() + r * padded_side + radius);
  // The kernel is symmetric, g₋k = g_k, so each tap pair costs one multiply:
  //   Σ_k g_k v(c + k) = g₀ v(c) + Σ_{k≥1} g_k (v(c − k) + v(c + k)).
  // Each pass runs over c innermost, 28 contiguous sums the compiler keeps in
  // vector registers.
  const float* g = kernel.data() + radius;  // g[k] = g_k for −R ≤ k ≤ R
  std::array<float, kImageSide> sum;
  // Horizontal pass: h(r, c) = Σ_k g_k · noise(r, c + k), noise 0 outside the image.
  for (std::size_t r = 0; r < kImageSide; ++r) {
    const float* v = buffers.padded.data() + r * padded_side + radius;  // v[c] = noise(r, c)
    for (std::size_t c = 0; c < kImageSide; ++c) sum[c] = g[0] * v[c];
    for (std::size_t k = 1; k <= radius; ++k)
      for (std::size_t c = 0; c < kImageSide; ++c) sum[c] += g[k] * (v[c - k] + v[c + k]);
    std::ranges::copy(sum, buffers.horizontal.begin() + (r + radius) * kImageSide);
  }
  // Vertical pass: out(r, c) = α Σ_k g_k · h(r + k, c), h 0 above and below the image.
  for (std::size_t r = 0; r < kImageSide; ++r) {
    const float* h = buffers.horizontal.data() + (r + radius) * kImageSide;  // h[c] = h(r, c)
    for (std::size_t c = 0; c < kImageSide; ++c) sum[c] = g[0] * h[c];
    for (std::size_t k = 1; k <= radius; ++k) {
      const float *above = h - k * kImageSide, *below = h + k * kImageSide;
      for (std::size_t c = 0; c < kImageSide; ++c) sum[c] += g[k] * (above[c] + below[c]);
    }
    for (std::size_t c = 0; c < kImageSide; ++c) out[r * kImageSide + c] = alpha * sum[c];
  }
}
// [smooth]

// [warp-code]
void warp(std::span<float> out, std::span<const float> in, const InverseMap& inverse, const DisplacementField* field) {
  // The input inside a border of zeros two pixels wide: every sample then reads
  // four pixels of this buffer with no test of whether they are inside. A point
  // more than a pixel outside the image is moved to one pixel outside, where
  // its four pixels are all border zeros, so its value stays 0, as bilinear() gives.
  constexpr int kBorder = 2, kPadded = kSide + 2 * kBorder;
  std::array<float, kPadded * kPadded> padded{};
  for (int r = 0; r < kSide; ++r)
    std::copy_n(in.begin() + r * kSide, kSide, padded.begin() + (r + kBorder) * kPadded + kBorder);
  for (std::size_t r = 0; r < kImageSide; ++r)
    for (std::size_t c = 0; c < kImageSide; ++c) {
      const std::size_t i = r * kImageSide + c;
      // The output point q = (c, r) + δ(r, c), relative to the centre and the shift.
      float qx = static_cast<float>(c) - kCentre - inverse.shift_x;
      float qy = static_cast<float>(r) - kCentre - inverse.shift_y;
      if (field) qx += field->along_x[i], qy += field->along_y[i];
      // p = A⁻¹ q + m, then the same arithmetic as bilinear(), on the padded buffer.
      const float x = std::clamp(inverse.xx * qx + inverse.xy * qy + kCentre, -1.0f, static_cast<float>(kSide));
      const float y = std::clamp(inverse.yx * qx + inverse.yy * qy + kCentre, -1.0f, static_cast<float>(kSide));
      const float x0 = std::floor(x), y0 = std::floor(y);
      const float fx = x - x0, fy = y - y0;
      const float* p = padded.data() + (static_cast<int>(y0) + kBorder) * kPadded + static_cast<int>(x0) + kBorder;
      const float value = (1 - fy) * ((1 - fx) * p[0] + fx * p[1]) + fy * ((1 - fx) * p[kPadded] + fx * p[kPadded + 1]);
      out[i] = std::min(value, 1.0f);
    }
}
// [warp-code]

AffineDistortion draw_affine(const AugmentSettings& s, ImageRng& rng) {
  constexpr float kRadiansPerDegree = std::numbers::pi_v<float> / 180;
  AffineDistortion d;
  d.shift_x = s.max_shift * rng.symmetric();
  d.shift_y = s.max_shift * rng.symmetric();
  d.rotation = s.max_rotation * kRadiansPerDegree * rng.symmetric();
  d.scale = 1 + s.max_scale * rng.symmetric();
  d.shear = s.max_shear * rng.symmetric();
  return d;
}

// [augment-code]
void augment(TensorView images, const AugmentSettings& settings, Rng& rng) {
  if (images.cols() != kImagePixels)
    throw ShapeError("augment: images is " + shape_string(images) + "; expected B×784 (28×28 images)");
  // One seed per image, drawn in order from the caller's generator: the threads
  // below may take the images in any split and still make the same bits.
  std::vector<std::uint64_t> seeds(images.rows());
  for (std::uint64_t& seed : seeds) seed = rng();
  const bool elastic = settings.elastic_alpha != 0;
  const std::vector<float> kernel = gaussian_kernel(settings.elastic_sigma);  // once per batch
  parallel::pool().for_ranges(images.rows(), 1, [&](std::size_t first, std::size_t last) {
    // Buffers per thread and batch, reused for every image of the range.
    std::array<float, kImagePixels> original, noise;
    DisplacementField field;
    SmoothingBuffers buffers;
    for (std::size_t n = first; n < last; ++n) {
      ImageRng image_rng{seeds[n]};
      const InverseMap inverse = inverse_map(draw_affine(settings, image_rng));
      if (elastic) {
        // Two fields of uniform noise in [−1, 1], each smoothed and scaled by α.
        for (float& v : noise) v = image_rng.symmetric();
        smooth_field(field.along_x, noise, kernel, settings.elastic_alpha, buffers);
        for (float& v : noise) v = image_rng.symmetric();
        smooth_field(field.along_y, noise, kernel, settings.elastic_alpha, buffers);
      }
      const std::span<float> image = images.row(n);
      std::ranges::copy(image, original.begin());
      warp(image, original, inverse, elastic ? &field : nullptr);
    }
  });
}
// [augment-code]

}  // namespace nn

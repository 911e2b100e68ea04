// Chapter 14: data augmentation, random affine and elastic distortions of the images.
//
// Every function here works on 28×28 images stored as rows of I = 784 floats in
// [0, 1], row after row of pixels, as chapter 2 stores MNIST. A pixel is written
// (r, c), row r from the top and column c from the left; as a point of the plane
// it is (x, y) = (c, r), so x runs right and y runs down.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "dense.hpp"

namespace nn {

/// The side and the pixel count of the images this chapter distorts.
inline constexpr std::size_t kImageSide = 28;
inline constexpr std::size_t kImagePixels = kImageSide * kImageSide;

// [settings]
/// How strongly to distort. Every range is symmetric around "no change", and
/// every image draws its own values from it; a range of 0 leaves that part out.
struct AugmentSettings {
  float max_shift = 0;           // pixels: each axis shifted by u ∈ [−max_shift, max_shift]
  float max_rotation = 0;        // degrees: rotated by θ ∈ [−max_rotation, max_rotation]
  float max_scale = 0;           // scaled by s ∈ [1 − max_scale, 1 + max_scale]
  float max_shear = 0;           // sheared by h ∈ [−max_shear, max_shear]: x moves by h · y
  float elastic_alpha = 0;       // pixels of displacement per unit of smoothed noise; 0: no elastic part
  float elastic_sigma = 4;       // pixels: the standard deviation σ of the Gaussian that smooths the noise
};
// [settings]

// [affine]
/// One draw of the affine part: the map from an input point p to an output point
/// q = A (p − m) + m + Δ, with m the image's centre, Δ = (shift_x, shift_y) and
/// A = s · R(θ) · [[1, h], [0, 1]] (shear first, then rotation, then scale).
struct AffineDistortion {
  float shift_x = 0, shift_y = 0;  // Δ, pixels
  float rotation = 0;              // θ, radians, clockwise on the screen (y runs down)
  float scale = 1;                 // s
  float shear = 0;                 // h
};

/// The 2×2 inverse of A and the offset, so that the input point that lands on
/// output point q is p = A⁻¹ (q − m − Δ) + m: what the sampler needs per pixel.
struct InverseMap {
  float xx = 1, xy = 0, yx = 0, yy = 1;  // A⁻¹ = [[xx, xy], [yx, yy]]
  float shift_x = 0, shift_y = 0;        // Δ
};
InverseMap inverse_map(const AffineDistortion& distortion);
// [affine]

// [bilinear]
/// The image's value at the point (x, y), between pixel centres: the four pixels
/// around it weighted by how close each is, (1 − fx)(1 − fy), fx (1 − fy),
/// (1 − fx) fy and fx fy, with fx, fy the fractional parts of x and y. A pixel
/// outside the image counts as 0 (background). image is one 784-pixel row.
float bilinear(std::span<const float> image, float x, float y);
// [bilinear]

// [field]
/// The elastic displacement δ(r, c) = (δx, δy) of every output pixel, in
/// pixels, row-major like the images. (Not a gradient: no d-name here.)
struct DisplacementField {
  std::array<float, kImagePixels> along_x{}, along_y{};  // δx and δy
};

/// The taps g₋R … g_R of a Gaussian of standard deviation σ, cut at R = ⌈3σ⌉ and
/// scaled to sum to 1 (2R + 1 values). Computed once per batch, not per image.
std::vector<float> gaussian_kernel(float sigma);

/// Reusable buffers for smoothing one field: the noise with a border of R zeros
/// on each side, and the result of the first (horizontal) pass.
struct SmoothingBuffers {
  std::vector<float> padded;      // (28) × (28 + 2R): noise rows, zero borders left and right
  std::vector<float> horizontal;  // (28 + 2R) × 28: after the horizontal pass, zero rows top and bottom
};

/// Smooths one 28×28 field of noise by the separable Gaussian `kernel`
/// (horizontal pass, then vertical; outside the image the noise is 0) and
/// multiplies it by alpha: out = α · (g ⊛ noise). noise and out hold 784 values.
void smooth_field(std::span<float> out, std::span<const float> noise, std::span<const float> kernel, float alpha,
                  SmoothingBuffers& buffers);
// [field]

// [warp]
/// out(r, c) = in sampled at the point p = A⁻¹ ((c, r) + δ(r, c) − m − Δ) + m,
/// bilinearly: the output pixel first moves by the elastic displacement δ (none
/// when `field` is null), then back through the affine map. in and out are
/// distinct 784-pixel rows.
void warp(std::span<float> out, std::span<const float> in, const InverseMap& inverse, const DisplacementField* field);
// [warp]

// [generator]
/// The per-image generator: SplitMix64 (Steele, Lea and Flood 2014), 64 bits of
/// state and a few operations per number. Each image gets one, seeded by one
/// draw of the caller's Rng, so an image's distortion does not depend on which
/// thread draws it, or on how many images came before it in the thread.
struct ImageRng {
  std::uint64_t state;
  std::uint64_t operator()() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [−1, 1): the top 24 bits of a draw, exactly representable in a float.
  float symmetric() { return static_cast<float>(static_cast<std::int64_t>((*this)() >> 40) - (1 << 23)) * 0x1p-23f; }
};

/// Draws one image's affine distortion from the settings' ranges.
AffineDistortion draw_affine(const AugmentSettings& settings, ImageRng& rng);
// [generator]

// [augment]
/// Distorts every image of the batch in place, each by its own draw from the
/// settings: images is B×784. The same rng state gives the same bits, whatever
/// the number of threads (rng advances by one draw per image). The labels are
/// not touched: every distortion here keeps a digit the same digit.
void augment(TensorView images, const AugmentSettings& settings, Rng& rng);
// [augment]

}  // namespace nn

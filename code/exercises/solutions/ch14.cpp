// Reference solutions to chapter 14's exercises.
#include "ch14.hpp"

#include <cmath>

namespace exercises {

namespace {
constexpr int kSide = static_cast<int>(nn::kImageSide);
}  // namespace

// [ch14-shift]
void shift_image(std::span<float> out, std::span<const float> in, int shift_x, int shift_y) {
  for (int r = 0; r < kSide; ++r)
    for (int c = 0; c < kSide; ++c) {
      const int from_r = r - shift_y, from_c = c - shift_x;  // where this output pixel comes from
      const bool inside = from_r >= 0 && from_r < kSide && from_c >= 0 && from_c < kSide;
      out[r * kSide + c] = inside ? in[from_r * kSide + from_c] : 0.0f;
    }
}
// [ch14-shift]

// [ch14-bilinear]
float bilinear_sample(std::span<const float> image, float x, float y) {
  const int c = static_cast<int>(std::floor(x)), r = static_cast<int>(std::floor(y));
  const float fx = x - static_cast<float>(c), fy = y - static_cast<float>(r);
  auto pixel = [&](int row, int col) {
    return row >= 0 && row < kSide && col >= 0 && col < kSide ? image[row * kSide + col] : 0.0f;
  };
  const float top = (1 - fx) * pixel(r, c) + fx * pixel(r, c + 1);  // along the row, then down
  const float bottom = (1 - fx) * pixel(r + 1, c) + fx * pixel(r + 1, c + 1);
  return (1 - fy) * top + fy * bottom;
}
// [ch14-bilinear]

// [ch14-half-turn]
void rotate_half_turn(std::span<float> out, std::span<const float> in) {
  for (int r = 0; r < kSide; ++r)
    for (int c = 0; c < kSide; ++c) out[r * kSide + c] = in[(kSide - 1 - r) * kSide + (kSide - 1 - c)];
}
// [ch14-half-turn]

}  // namespace exercises

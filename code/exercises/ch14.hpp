// Chapter 14's exercises. Answer them in workspace/ch14.cpp; the tests are
// tests/exercises/test_ch14_exercises.cpp (ctest -L exercise).
#pragma once

#include <span>

#include "augmentation.hpp"

namespace exercises {

// [ch14-declarations]
/// Exercise 14.1: shift a 28×28 image by whole pixels, shift_x to the right
/// and shift_y down (either may be negative): out(r, c) = in(r − shift_y,
/// c − shift_x), and 0 where that pixel lies outside the image. in and out are
/// distinct 784-pixel rows.
void shift_image(std::span<float> out, std::span<const float> in, int shift_x, int shift_y);

/// Exercise 14.2: the bilinear sample of a 28×28 image at the point (x, y), x
/// along a row and y down the columns, pixels outside the image counting as 0.
float bilinear_sample(std::span<const float> image, float x, float y);

/// Exercise 14.3: turn a 28×28 image by half a turn about its centre:
/// out(r, c) = in(27 − r, 27 − c). Which digits does this make into others?
void rotate_half_turn(std::span<float> out, std::span<const float> in);
// [ch14-declarations]

}  // namespace exercises

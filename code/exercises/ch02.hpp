// Chapter 2's exercises. Answer them in workspace/ch02.cpp; the tests are
// tests/exercises/test_ch02_exercises.cpp (ctest -L exercise).
#pragma once

#include <cstddef>
#include <span>

#include "mnist.hpp"

namespace exercises {

//! [ch02-declarations]
/// The mean and the (population) standard deviation of every pixel of every image.
struct PixelStatistics {
  double mean = 0, standard_deviation = 0;
};

/// Exercise 2.1: the statistics of all pixels of `images` (N×I), accumulated in
/// double so that 47 million floats do not lose precision.
PixelStatistics pixel_statistics(nn::ConstTensorView images);

/// Exercise 2.2: standardise in place, pixel ← (pixel − mean) / standard_deviation,
/// with the statistics of the training set (never those of the test set). Throw
/// std::invalid_argument if the standard deviation is not positive.
void standardise(nn::TensorView images, PixelStatistics statistics);

/// The smallest rectangle holding every pixel above a threshold; rows and columns
/// are inclusive. An image with no such pixel has `empty` set.
struct BoundingBox {
  std::size_t top = 0, left = 0, bottom = 0, right = 0;
  bool empty = true;
};

/// Exercise 2.3: the bounding box of the pixels of one image (rows × cols values,
/// row-major) that are greater than `threshold`.
BoundingBox bounding_box(std::span<const float> image, std::size_t rows, std::size_t cols, float threshold);
//! [ch02-declarations]

}  // namespace exercises

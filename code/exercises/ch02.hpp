// Chapter 2's exercises. Answer them in workspace/ch02.cpp; the tests are
// tests/exercises/test_ch02_exercises.cpp (ctest -L exercise).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "mnist.hpp"

namespace exercises {

// [ch02-declarations]
/// The mean and the (population) standard deviation of every pixel of every image.
struct PixelStatistics {
  double mean = 0, standard_deviation = 0;
};

/// Exercise 2.1: the statistics of all pixels of `images` (N×I), accumulated in
/// double so that the 47 million floats of the training file do not lose precision.
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
BoundingBox bounding_box(std::span<const float> image, std::size_t rows, std::size_t cols,
                         float threshold);

/// What the boxes of a whole set say about how its digits were framed.
struct BoxSurvey {
  std::size_t images = 0;                // images with at least one pixel above the threshold
  std::size_t tallest = 0, widest = 0;   // the largest box height and width, in pixels
  std::vector<std::size_t> longer_side;  // longer_side[s]: boxes whose longer side is s pixels
};

/// Exercise 2.3, second part: the bounding box of every image of `data`, summed
/// up. longer_side has max(image_rows, image_cols) + 1 entries.
BoxSurvey survey_boxes(const nn::Dataset& data, float threshold);
// [ch02-declarations]

}  // namespace exercises

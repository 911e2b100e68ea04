// Reference solutions to chapter 2's exercises.
#include "ch02.hpp"

#include <algorithm>
#include <cmath>

namespace exercises {

// [ch02-statistics]
PixelStatistics pixel_statistics(nn::ConstTensorView images) {
  double sum = 0, sum_of_squares = 0;
  for (float pixel : images.values()) {
    sum += pixel;
    sum_of_squares += static_cast<double>(pixel) * pixel;
  }
  const double n = static_cast<double>(images.size());
  const double mean = sum / n;
  // E[x²] − E[x]², clamped: rounding can make it a hair below zero for constant data.
  return {mean, std::sqrt(std::max(0.0, sum_of_squares / n - mean * mean))};
}
// [ch02-statistics]

// [ch02-standardise]
void standardise(nn::TensorView images, PixelStatistics statistics) {
  if (!(statistics.standard_deviation > 0))
    throw std::invalid_argument("standardise: standard deviation " + std::to_string(statistics.standard_deviation) +
                                "; expected a positive number");
  const auto mean = static_cast<float>(statistics.mean);
  const auto scale = static_cast<float>(1.0 / statistics.standard_deviation);
  nn::map(images, images, [=](float pixel) { return (pixel - mean) * scale; });
}
// [ch02-standardise]

// [ch02-bounding-box]
BoundingBox bounding_box(std::span<const float> image, std::size_t rows, std::size_t cols,
                         float threshold) {
  BoundingBox box;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      if (!(image[r * cols + c] > threshold)) continue;
      if (box.empty) {
        box = {r, c, r, c, false};
      } else {
        box.top = std::min(box.top, r);
        box.bottom = std::max(box.bottom, r);
        box.left = std::min(box.left, c);
        box.right = std::max(box.right, c);
      }
    }
  return box;
}

BoxSurvey survey_boxes(const nn::Dataset& data, float threshold) {
  BoxSurvey survey;
  survey.longer_side.assign(std::max(data.image_rows, data.image_cols) + 1, 0);
  for (std::size_t n = 0; n < data.size(); ++n) {
    const BoundingBox box =
        bounding_box(data.images.row(n), data.image_rows, data.image_cols, threshold);
    if (box.empty) continue;
    const std::size_t height = box.bottom - box.top + 1, width = box.right - box.left + 1;
    ++survey.images;
    survey.tallest = std::max(survey.tallest, height);
    survey.widest = std::max(survey.widest, width);
    ++survey.longer_side[std::max(height, width)];
  }
  return survey;
}
// [ch02-bounding-box]

}  // namespace exercises

// Small data sets for the training tests of chapters 7–10.
#pragma once

#include <cmath>

#include "mnist.hpp"

namespace training_data {

/// n images of 2×2 pixels in four classes that a line can separate: class k
/// lights up pixel k strongly and the others faintly, in a pattern that
/// varies from image to image.
inline nn::Dataset four_corners(std::size_t n) {
  nn::Dataset data;
  data.image_rows = 2;
  data.image_cols = 2;
  data.images = nn::Tensor(n, 4);
  for (std::size_t i = 0; i < n; ++i) {
    const auto label = static_cast<std::uint8_t>(i % 4);
    data.labels.push_back(label);
    for (std::size_t p = 0; p < 4; ++p)
      data.images(i, p) = p == label ? 0.8f + 0.2f * std::sin(static_cast<float>(i))
                                     : 0.1f + 0.1f * std::cos(static_cast<float>(i * 4 + p));
  }
  return data;
}

}  // namespace training_data

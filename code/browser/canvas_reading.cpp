// The page "Try it": a canvas read as a digit, by the book's own code.
#include "canvas_reading.hpp"

#include <algorithm>
#include <stdexcept>

#include "softmax_cross_entropy.hpp"

namespace nn::browser {

namespace {

// Shrinks n values, `stride` apart from `first`, to m by area: output j is the
// mean of the input over [j·n/m, (j+1)·n/m), a partly covered pixel counting
// by the share of it that falls inside.
std::vector<float> shrink_line(const float* first, std::size_t n, std::size_t stride, std::size_t m) {
  const double scale = static_cast<double>(n) / static_cast<double>(m);
  std::vector<float> out(m);
  for (std::size_t j = 0; j < m; ++j) {
    const double from = static_cast<double>(j) * scale, to = from + scale;
    double sum = 0;
    for (auto i = static_cast<std::size_t>(from); i < n && static_cast<double>(i) < to; ++i)
      sum += (std::min(to, static_cast<double>(i + 1)) - std::max(from, static_cast<double>(i))) * first[i * stride];
    out[j] = static_cast<float>(sum / scale);
  }
  return out;
}

}  // namespace

std::vector<float> shrink_to_field(const InkPicture& picture) {
  // Every row across to 28 columns, then every one of those columns down to 28 rows.
  std::vector<float> across(picture.rows * kDigitSide);
  for (std::size_t y = 0; y < picture.rows; ++y) {
    const std::vector<float> row = shrink_line(&picture.ink[y * picture.cols], picture.cols, 1, kDigitSide);
    std::copy(row.begin(), row.end(), &across[y * kDigitSide]);
  }
  std::vector<float> field(kDigitSide * kDigitSide);
  for (std::size_t c = 0; c < kDigitSide; ++c) {
    const std::vector<float> column = shrink_line(&across[c], picture.rows, kDigitSide, kDigitSide);
    for (std::size_t r = 0; r < kDigitSide; ++r) field[r * kDigitSide + c] = column[r];
  }
  return field;
}

// [read-canvas]
CanvasReading read_canvas(Network& network, std::size_t width, std::size_t height, const std::uint8_t* rgba,
                          Preparation preparation) {
  const InkPicture picture = ink_from_rgba(width, height, rgba);
  CanvasReading reading;
  if (preparation == Preparation::mnist_like) {
    reading.input = mnist_like(picture);  // throws std::invalid_argument on a blank canvas
  } else {
    if (std::none_of(picture.ink.begin(), picture.ink.end(), [](float ink) { return ink > 0.1f; }))
      throw std::invalid_argument("the picture holds no ink: every pixel is the paper's shade");
    reading.input = shrink_to_field(picture);
  }

  // One image is a batch of B = 1: x is 1×784, the logits z are 1×K.
  const ConstTensorView input(reading.input.data(), 1, reading.input.size());
  Tensor probabilities(1, network.outputs());
  softmax(probabilities, network.forward(input));
  reading.probabilities.assign(probabilities.values().begin(), probabilities.values().end());
  reading.predicted = static_cast<std::size_t>(
      std::max_element(reading.probabilities.begin(), reading.probabilities.end()) - reading.probabilities.begin());
  return reading;
}
// [read-canvas]

}  // namespace nn::browser

#include "digit_image.hpp"

#include <algorithm>
#include <cmath>

#include <stdexcept>

namespace nn {

InkPicture ink_from_rgba(std::size_t width, std::size_t height, const std::uint8_t* rgba) {
  // Brightness in [0, 1], with transparent pixels shown over white paper.
  InkPicture picture{height, width, {}};
  std::vector<float> brightness(picture.rows * picture.cols);
  for (std::size_t i = 0; i < brightness.size(); ++i) {
    const std::uint8_t* pixel = &rgba[4 * i];
    const float luma = (0.299f * pixel[0] + 0.587f * pixel[1] + 0.114f * pixel[2]) / 255;
    const float alpha = pixel[3] / 255.0f;
    brightness[i] = alpha * luma + (1 - alpha);
  }

  // The paper is what the border shows: its median shade.
  std::vector<float> border;
  for (std::size_t c = 0; c < picture.cols; ++c)
    border.insert(border.end(), {brightness[c], brightness[(picture.rows - 1) * picture.cols + c]});
  for (std::size_t r = 0; r < picture.rows; ++r)
    border.insert(border.end(), {brightness[r * picture.cols], brightness[r * picture.cols + picture.cols - 1]});
  std::nth_element(border.begin(), border.begin() + static_cast<std::ptrdiff_t>(border.size() / 2), border.end());
  const float paper = border[border.size() / 2];
  const bool light_paper = paper > 0.5f;

  // Ink: how far each pixel is from the paper, towards the pen, scaled so the
  // darkest stroke is 1.
  picture.ink.resize(brightness.size());
  float strongest = 0;
  for (std::size_t i = 0; i < brightness.size(); ++i) {
    picture.ink[i] = std::max(0.0f, light_paper ? paper - brightness[i] : brightness[i] - paper);
    strongest = std::max(strongest, picture.ink[i]);
  }
  if (strongest > 0)
    for (float& v : picture.ink) v /= strongest;
  return picture;
}

namespace {

// Resamples one line of n values to m values by area: output j averages the
// input over [j·n/m, (j+1)·n/m), counting a partly covered pixel by its share.
// Works both ways: shrinking averages, enlarging repeats.
std::vector<float> resample(const std::vector<float>& line, std::size_t m) {
  const std::size_t n = line.size();
  const double scale = static_cast<double>(n) / static_cast<double>(m);
  std::vector<float> out(m);
  for (std::size_t j = 0; j < m; ++j) {
    const double from = static_cast<double>(j) * scale, to = from + scale;
    double sum = 0;
    for (auto i = static_cast<std::size_t>(from); i < n && static_cast<double>(i) < to; ++i) {
      const double overlap = std::min(to, static_cast<double>(i + 1)) - std::max(from, static_cast<double>(i));
      sum += overlap * line[i];
    }
    out[j] = static_cast<float>(sum / scale);
  }
  return out;
}

}  // namespace

// [mnist-like-code]
std::vector<float> mnist_like(const InkPicture& picture) {
  constexpr std::size_t kBox = 20, kField = 28;
  // 1. The bounding box of the ink (pixels above a tenth of the darkest stroke).
  std::size_t top = picture.rows, bottom = 0, left = picture.cols, right = 0;
  for (std::size_t r = 0; r < picture.rows; ++r)
    for (std::size_t c = 0; c < picture.cols; ++c)
      if (picture(r, c) > 0.1f) {
        top = std::min(top, r), bottom = std::max(bottom, r + 1);
        left = std::min(left, c), right = std::max(right, c + 1);
      }
  if (top >= bottom) throw std::invalid_argument("the picture holds no ink: every pixel is the paper's shade");

  // 2. Scale the box so that its longer side is 20 pixels, keeping the aspect
  //    ratio: first every row across, then every column down.
  const std::size_t height = bottom - top, width = right - left;
  const std::size_t new_height = std::max<std::size_t>(1, (kBox * height + std::max(height, width) / 2) / std::max(height, width));
  const std::size_t new_width = std::max<std::size_t>(1, (kBox * width + std::max(height, width) / 2) / std::max(height, width));
  std::vector<std::vector<float>> rows(height);
  for (std::size_t r = 0; r < height; ++r) {
    const float* start = &picture.ink[(top + r) * picture.cols + left];
    rows[r] = resample(std::vector<float>(start, start + width), new_width);
  }
  std::vector<float> box(new_height * new_width);  // row after row
  for (std::size_t c = 0; c < new_width; ++c) {
    std::vector<float> column(height);
    for (std::size_t r = 0; r < height; ++r) column[r] = rows[r][c];
    const std::vector<float> scaled = resample(column, new_height);
    for (std::size_t r = 0; r < new_height; ++r) box[r * new_width + c] = scaled[r];
  }

  // 3. The centre of mass of the ink, and the whole-pixel shift that puts it in
  //    pixel (14, 14) of the field (counted from 0, so its middle is at 14.5,
  //    where MNIST's digits have theirs), kept inside the field.
  double mass = 0, row_moment = 0, col_moment = 0;
  for (std::size_t r = 0; r < new_height; ++r)
    for (std::size_t c = 0; c < new_width; ++c) {
      const double ink = box[r * new_width + c];
      mass += ink;
      row_moment += ink * (static_cast<double>(r) + 0.5);
      col_moment += ink * (static_cast<double>(c) + 0.5);
    }
  auto offset = [&](double moment, std::size_t size) {
    const double wanted = std::round(static_cast<double>(kField) / 2 + 0.5 - moment / mass);
    return static_cast<std::size_t>(std::clamp(wanted, 0.0, static_cast<double>(kField - size)));
  };
  const std::size_t row_offset = offset(row_moment, new_height), col_offset = offset(col_moment, new_width);
  std::vector<float> field(kField * kField, 0.0f);
  for (std::size_t r = 0; r < new_height; ++r)
    for (std::size_t c = 0; c < new_width; ++c)
      field[(row_offset + r) * kField + col_offset + c] = std::min(1.0f, box[r * new_width + c]);
  return field;
}
// [mnist-like-code]

}  // namespace nn

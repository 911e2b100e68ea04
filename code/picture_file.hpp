// Chapter 10: reading a picture file (PNG or PGM) through Boost.GIL.
//
// Boost 1.74's GIL does not compile as C++20 (its I/O tags name constructors as
// template-ids, which C++20 forbids), so this one file is compiled as C++17 and
// its interface uses nothing newer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "digit_image.hpp"

namespace nn {

/// A picture as 8-bit red, green, blue and alpha, row after row.
struct RgbaPicture {
  std::size_t width = 0, height = 0;
  std::vector<std::uint8_t> rgba;  // height · width · 4
};

/// Reads a PNG or a PGM (P2 or P5) file, told apart by their first bytes, and
/// refuses a header that claims more than `largest_side` pixels a side before
/// allocating. Throws std::runtime_error with what was wrong (not the path).
RgbaPicture read_rgba_picture(const std::filesystem::path& path, std::size_t largest_side);

}  // namespace nn

namespace nn {

/// The largest picture read_picture accepts, per side: a digit needs far fewer
/// pixels, and a header that claims more is refused before anything is allocated.
inline constexpr std::size_t kLargestPictureSide = 8192;

/// Reads a PNG or PGM file as ink (see ink_from_rgba). Refuses anything but a
/// regular file before opening it (a FIFO would block). Throws
/// std::runtime_error whose message starts with the path.
InkPicture read_picture(const std::filesystem::path& path);

}  // namespace nn

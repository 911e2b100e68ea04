// Chapter 10: a picture of the reader's own, made to look like an MNIST digit.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "tensor.hpp"

namespace nn {

/// A greyscale picture as ink: one number per pixel in [0, 1], 1 where the pen
/// was, 0 for the paper, whichever way round the file stored them.
struct InkPicture {
  std::size_t rows = 0, cols = 0;
  std::vector<float> ink;  // rows · cols, row after row

  float operator()(std::size_t r, std::size_t c) const { return ink[r * cols + c]; }
};

/// The largest picture read_picture accepts, per side: a digit needs far fewer
/// pixels, and a header that claims more is refused before anything is allocated.
inline constexpr std::size_t kLargestPictureSide = 8192;

/// Reads a PNG or a PGM (binary P5 or text P2) file through Boost.GIL, told
/// apart by their first bytes, not their names. Transparent pixels count as
/// paper. The paper's shade is taken from the picture's border: on light paper
/// (dark ink) the shades are inverted, so that ink is always 1, as in MNIST,
/// and the paper's own shade is subtracted. Throws DataError naming the file.
InkPicture read_picture(const std::filesystem::path& path);

//! [mnist-like]
/// What MNIST's authors did to every digit (LeCun et al., 1998): the ink's
/// bounding box is scaled, keeping its aspect ratio, to fit a 20×20 box,
/// averaging the pixels each new pixel covers (so thin strokes become grey, not
/// lost); that box is then placed in a 28×28 field so that the ink's centre of
/// mass falls in the field's centre pixel, (14, 14). Returns the 784 pixels as one row (1×784),
/// ready for the network. Throws DataError if the picture holds no ink.
Tensor mnist_like(const InkPicture& picture);
//! [mnist-like]

}  // namespace nn

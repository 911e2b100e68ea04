// Chapter 10: a picture of the reader's own, made to look like an MNIST digit.
// Nothing here reads files, so the same code runs in the browser (WebAssembly),
// and nothing here needs more than C++17.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nn {

/// A greyscale picture as ink: one number per pixel in [0, 1], 1 where the pen
/// was, 0 for the paper, whichever way round the file stored them.
struct InkPicture {
  std::size_t rows = 0, cols = 0;
  std::vector<float> ink;  // rows · cols, row after row

  float operator()(std::size_t r, std::size_t c) const { return ink[r * cols + c]; }
};

/// The ink of an RGBA picture (width · height pixels of 4 bytes, row after row).
/// Transparent pixels count as paper. The paper's shade is taken from the
/// picture's border: on light paper (dark ink) the shades are inverted, so that
/// ink is always 1, as in MNIST, and the paper's own shade is subtracted.
InkPicture ink_from_rgba(std::size_t width, std::size_t height, const std::uint8_t* rgba);

// [mnist-like]
/// What MNIST's authors did to every digit (LeCun et al., 1998): the ink's
/// bounding box is scaled, keeping its aspect ratio, to fit a 20×20 box,
/// averaging the pixels each new pixel covers (so thin strokes become grey, not
/// lost); that box is then placed in a 28×28 field, shifted by whole pixels,
/// so that the ink's centre of mass falls in pixel (14, 14), counted from 0:
/// the pixel just below and right of the field's centre, whose middle is 14.5
/// pixels from the top and left edges, where MNIST's digits have their centre
/// of mass (kept inside the field if the box is too near an edge). Returns the 784 pixels,
/// row after row, ready for the network. Throws std::invalid_argument if the
/// picture holds no ink.
std::vector<float> mnist_like(const InkPicture& picture);
// [mnist-like]

}  // namespace nn

// The page "Try it" (chapters/10a-try-it.md): a digit drawn on a canvas, read by
// a trained network. This code runs twice: compiled to WebAssembly for the page,
// and natively in the build, which records the answers the page must agree with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "digit_image.hpp"
#include "network.hpp"

namespace nn::browser {

/// The side of the network's input field: 28 pixels, as MNIST's.
inline constexpr std::size_t kDigitSide = 28;

// [preparation]
/// How the canvas becomes the network's 28×28 input.
enum class Preparation {
  mnist_like,   ///< as MNIST's digits were made (nn::mnist_like): 20×20 box, centre of mass in the middle
  shrink_only,  ///< the whole canvas averaged down to 28×28: where and how big it was drawn is kept
};
// [preparation]

/// What the network made of one canvas.
struct CanvasReading {
  std::vector<float> input;          ///< the 28×28 input the network saw, row after row, ink 1
  std::vector<float> probabilities;  ///< p, one per class (K = 10), summing to 1
  std::size_t predicted = 0;         ///< the most probable class
};

/// Reads a width × height RGBA canvas (4 bytes a pixel, row after row) as a
/// digit: its ink (nn::ink_from_rgba), the 28×28 input made as `preparation`
/// says, and the network's probabilities for that input (a batch of B = 1).
/// Throws std::invalid_argument when the canvas holds no ink.
CanvasReading read_canvas(Network& network, std::size_t width, std::size_t height, const std::uint8_t* rgba,
                          Preparation preparation);

/// The whole picture averaged down to 28×28: output pixel (r, c) is the mean
/// ink over the part of the picture it covers. Nothing is moved or scaled to
/// fit, which is what the network would see without MNIST's preprocessing.
std::vector<float> shrink_to_field(const InkPicture& picture);

}  // namespace nn::browser

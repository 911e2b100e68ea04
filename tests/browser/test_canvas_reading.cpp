// The page "Try it": a canvas read as a digit (code/browser/canvas_reading.cpp),
// the code the page runs as WebAssembly and the build runs natively.
#include <catch2/catch.hpp>

#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "canvas_reading.hpp"

namespace {

using nn::browser::kDigitSide;

// A white, opaque side × side canvas with black squares of `size` pixels at each (top, left).
std::vector<std::uint8_t> canvas_with_squares(std::size_t side, std::size_t size,
                                              const std::vector<std::pair<std::size_t, std::size_t>>& corners) {
  std::vector<std::uint8_t> rgba(side * side * 4, 255);
  for (const auto& [top, left] : corners)
    for (std::size_t y = top; y < top + size; ++y)
      for (std::size_t x = left; x < left + size; ++x)
        for (std::size_t channel = 0; channel < 3; ++channel) rgba[(y * side + x) * 4 + channel] = 0;
  return rgba;
}

nn::Network small_network() {
  nn::Rng rng(7);
  return nn::make_mlp({kDigitSide * kDigitSide, 16, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
}

}  // namespace

TEST_CASE("shrink_to_field averages each 10×10 block of a 280×280 picture into one pixel", "[try_it]") {
  nn::InkPicture picture{280, 280, std::vector<float>(280 * 280, 0.0f)};
  for (std::size_t r = 50; r < 60; ++r)
    for (std::size_t c = 120; c < 125; ++c) picture.ink[r * 280 + c] = 1.0f;  // half of block (5, 12)
  const std::vector<float> field = nn::browser::shrink_to_field(picture);
  REQUIRE(field.size() == kDigitSide * kDigitSide);
  for (std::size_t i = 0; i < field.size(); ++i) {
    INFO("pixel " << i / kDigitSide << ", " << i % kDigitSide);
    CHECK(field[i] == Approx(i == 5 * kDigitSide + 12 ? 0.5 : 0.0).margin(1e-6));
  }
}

TEST_CASE("shrink_to_field shares a pixel between the outputs it straddles", "[try_it]") {
  // 42 pixels to 28: each output covers 1.5 inputs, so input 1 is half in output 0, half in output 1.
  nn::InkPicture picture{42, 42, std::vector<float>(42 * 42, 0.0f)};
  picture.ink[1 * 42 + 1] = 1.0f;
  const std::vector<float> field = nn::browser::shrink_to_field(picture);
  // Each of the four outputs gets a quarter of the pixel, over an area of 1.5 × 1.5.
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t c = 0; c < 2; ++c) CHECK(field[r * kDigitSide + c] == Approx(0.25 / 2.25));
  CHECK(std::accumulate(field.begin(), field.end(), 0.0) * 2.25 == Approx(1.0));
}

TEST_CASE("read_canvas refuses a blank canvas, whichever the preparation", "[try_it]") {
  nn::Network network = small_network();
  const std::vector<std::uint8_t> blank = canvas_with_squares(280, 0, {});
  for (auto preparation : {nn::browser::Preparation::mnist_like, nn::browser::Preparation::shrink_only})
    CHECK_THROWS_AS(nn::browser::read_canvas(network, 280, 280, blank.data(), preparation), std::invalid_argument);
}

TEST_CASE("read_canvas gives probabilities that sum to 1 and picks the largest", "[try_it]") {
  nn::Network network = small_network();
  const std::vector<std::uint8_t> rgba = canvas_with_squares(280, 40, {{100, 60}, {100, 180}});
  for (auto preparation : {nn::browser::Preparation::mnist_like, nn::browser::Preparation::shrink_only}) {
    const nn::browser::CanvasReading reading = nn::browser::read_canvas(network, 280, 280, rgba.data(), preparation);
    REQUIRE(reading.input.size() == kDigitSide * kDigitSide);
    REQUIRE(reading.probabilities.size() == 10);
    CHECK(std::accumulate(reading.probabilities.begin(), reading.probabilities.end(), 0.0) == Approx(1.0));
    for (float p : reading.probabilities) CHECK(p <= reading.probabilities[reading.predicted]);
  }
}

TEST_CASE("read_canvas: MNIST's preprocessing undoes where the digit was drawn, and shrinking alone keeps it", "[try_it]") {
  nn::Network network = small_network();
  // The same two-square "digit" drawn in the top-left corner and lower right.
  const std::vector<std::uint8_t> corner = canvas_with_squares(280, 30, {{0, 0}, {0, 60}});
  const std::vector<std::uint8_t> elsewhere = canvas_with_squares(280, 30, {{150, 120}, {150, 180}});
  using nn::browser::Preparation;
  const auto prepared_corner = nn::browser::read_canvas(network, 280, 280, corner.data(), Preparation::mnist_like);
  const auto prepared_elsewhere = nn::browser::read_canvas(network, 280, 280, elsewhere.data(), Preparation::mnist_like);
  CHECK(prepared_corner.input == prepared_elsewhere.input);
  CHECK(prepared_corner.probabilities == prepared_elsewhere.probabilities);
  const auto shrunk_corner = nn::browser::read_canvas(network, 280, 280, corner.data(), Preparation::shrink_only);
  const auto shrunk_elsewhere = nn::browser::read_canvas(network, 280, 280, elsewhere.data(), Preparation::shrink_only);
  CHECK(shrunk_corner.input != shrunk_elsewhere.input);
  CHECK(shrunk_corner.input[0] == Approx(1.0));  // the corner square covers pixel (0, 0) whole
}

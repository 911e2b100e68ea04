// The book's figures: gnuplot, driven through gnuplot-iostream, in one style.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "tensor.hpp"

namespace gnuplotio {
class Gnuplot;
}

namespace figures {

/// Thrown when gnuplot could not draw a figure.
class FigureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The book's colours, in the order every figure uses them.
inline constexpr std::array<const char*, 6> kPalette = {"#1f6fb4", "#e3761c", "#2a9d3a",
                                                        "#c23b3b", "#7b52ab", "#6b6b6b"};

/// One figure file drawn by one gnuplot process, in the book's style: an SVG for a
/// name ending in .svg, a PNG otherwise.
///
/// No string of the user's ever reaches gnuplot: gnuplot draws into a private
/// folder under /tmp whose name the program chose, and finish() moves the figure
/// to `file` with the file system's calls, replacing an older figure whole. gnuplot
/// exits 0 even when a command fails, so finish() also checks that it drew
/// something; what gnuplot says goes to a log, never to the terminal, and a
/// failure is one line naming the figure and gnuplot's first complaint.
class Figure {
 public:
  Figure(std::filesystem::path file, int width = 720, int height = 440);
  Figure(const Figure&) = delete;
  Figure& operator=(const Figure&) = delete;
  ~Figure();

  /// The gnuplot session, for commands (`figure.gnuplot() << "plot ..."`) and
  /// data (`send1d`).
  gnuplotio::Gnuplot& gnuplot();

  /// Sends a matrix as inline data for `plot '-' matrix with image`, row 0 at the top.
  void send_matrix(nn::ConstTensorView matrix);

  /// Waits for gnuplot, then moves the figure into place; throws FigureError if
  /// gnuplot drew nothing or the figure cannot be written where it belongs.
  void finish();

 private:
  std::filesystem::path file_;     // where the figure belongs: the user's path
  std::filesystem::path scratch_;  // the private folder gnuplot draws in
  std::unique_ptr<gnuplotio::Gnuplot> gnuplot_;
};

}  // namespace figures

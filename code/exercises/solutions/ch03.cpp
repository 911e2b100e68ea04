// Reference solutions to chapter 3's exercises.
#include "ch03.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace exercises {

// [ch03-lecun]
void initialise_lecun(nn::Dense& layer, nn::Rng& rng) {
  std::normal_distribution<double> normal(0.0, std::sqrt(1.0 / static_cast<double>(layer.inputs())));
  for (float& w : layer.weight.values()) w = static_cast<float>(normal(rng));
  nn::fill(layer.bias, 0.0f);
}
// [ch03-lecun]

// [ch03-parameter-count]
std::size_t mlp_parameter_count(const std::vector<std::size_t>& widths) {
  if (widths.size() < 2) throw std::invalid_argument("mlp_parameter_count: expected at least two widths");
  std::size_t count = 0;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l)
    count += widths[l] * widths[l + 1] + widths[l + 1];  // W is I×O, b is 1×O
  return count;
}
// [ch03-parameter-count]

// [ch03-forward-loops]
namespace {
void check_shapes(const char* function, nn::ConstTensorView out, nn::ConstTensorView in,
                  const nn::Dense& layer) {
  if (in.cols() != layer.inputs() || out.rows() != in.rows() || out.cols() != layer.outputs())
    throw nn::ShapeError(std::string(function) + ": in is " + nn::shape_string(in) + ", out " +
                         nn::shape_string(out) + " and W " + nn::shape_string(layer.weight.view()) +
                         "; expected in B×I and out B×O");
}
}  // namespace

// The order of the formula, n, o, i: the innermost loop walks down column o of W,
// O floats per step, chapter 1's slow column walk.
void dense_forward_loops(nn::TensorView out, nn::ConstTensorView in,
                         const nn::Dense& layer) {
  check_shapes("dense_forward_loops", out, in, layer);
  for (std::size_t n = 0; n < in.rows(); ++n)
    for (std::size_t o = 0; o < layer.outputs(); ++o) {
      float sum = layer.bias(0, o);
      for (std::size_t i = 0; i < layer.inputs(); ++i) sum += in(n, i) * layer.weight(i, o);
      out(n, o) = sum;
    }
}
// [ch03-forward-loops]

// [ch03-forward-loops-fast]
// Chapter 1's order, n, i, o: row n of out starts as the bias, then each input adds
// x(n, i) times row i of W. The innermost loop walks along a row of W and a row of
// out, both contiguous, and an input that is zero, as most pixels are, is skipped.
void dense_forward_loops_fast(nn::TensorView out, nn::ConstTensorView in,
                              const nn::Dense& layer) {
  check_shapes("dense_forward_loops_fast", out, in, layer);
  for (std::size_t n = 0; n < in.rows(); ++n) {
    const auto z = out.row(n);
    const auto bias = layer.bias.row(0);
    std::copy(bias.begin(), bias.end(), z.begin());
    for (std::size_t i = 0; i < layer.inputs(); ++i) {
      const float x = in(n, i);
      if (x == 0.0f) continue;
      const auto weights = layer.weight.row(i);
      for (std::size_t o = 0; o < z.size(); ++o) z[o] += x * weights[o];
    }
  }
}
// [ch03-forward-loops-fast]

}  // namespace exercises

// Reference solutions to chapter 3's exercises.
#include "ch03.hpp"

#include <cmath>
#include <stdexcept>

namespace exercises {

//! [ch03-lecun]
void initialise_lecun(nn::Dense& layer, nn::Rng& rng) {
  std::normal_distribution<double> normal(0.0, std::sqrt(1.0 / static_cast<double>(layer.inputs())));
  for (float& w : layer.weight.values()) w = static_cast<float>(normal(rng));
  nn::fill(layer.bias, 0.0f);
}
//! [ch03-lecun]

//! [ch03-parameter-count]
std::size_t mlp_parameter_count(const std::vector<std::size_t>& widths) {
  if (widths.size() < 2) throw std::invalid_argument("mlp_parameter_count: expected at least two widths");
  std::size_t count = 0;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l)
    count += widths[l] * widths[l + 1] + widths[l + 1];  // W is I×O, b is 1×O
  return count;
}
//! [ch03-parameter-count]

//! [ch03-forward-loops]
void dense_forward_loops(nn::TensorView out, nn::ConstTensorView in, const nn::Dense& layer) {
  if (in.cols() != layer.inputs() || out.rows() != in.rows() || out.cols() != layer.outputs())
    throw nn::ShapeError("dense_forward_loops: in is " + nn::shape_string(in) + ", out " + nn::shape_string(out) +
                         " and W " + nn::shape_string(layer.weight.view()) + "; expected in B×I and out B×O");
  for (std::size_t b = 0; b < in.rows(); ++b)
    for (std::size_t o = 0; o < layer.outputs(); ++o) {
      float sum = layer.bias(0, o);
      for (std::size_t i = 0; i < layer.inputs(); ++i) sum += in(b, i) * layer.weight(i, o);
      out(b, o) = sum;
    }
}
//! [ch03-forward-loops]

}  // namespace exercises

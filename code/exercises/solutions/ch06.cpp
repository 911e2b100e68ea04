// Reference solutions to chapter 6's exercises.
#include "ch06.hpp"

#include <cmath>

namespace exercises {

namespace {
void require_same_shape(const char* name, nn::ConstDoubleView a, nn::ConstDoubleView b) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw nn::ShapeError(std::string(name) + ": shapes " + nn::shape_string(a) + " and " + nn::shape_string(b) +
                         " must be the same");
}
}  // namespace

// [ch06-mse]
double mse_forward(nn::ConstDoubleView outputs, nn::ConstDoubleView targets) {
  require_same_shape("mse_forward", outputs, targets);
  double sum = 0;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const double difference = outputs.data()[i] - targets.data()[i];
    sum += difference * difference;
  }
  return sum / (2.0 * static_cast<double>(outputs.rows()));
}

// ∂/∂z of (1/2B)(z − y)² is (z − y)/B: the ½ was put there to cancel the 2.
void mse_backward(nn::DoubleView doutputs, nn::ConstDoubleView outputs, nn::ConstDoubleView targets) {
  require_same_shape("mse_backward", outputs, targets);
  require_same_shape("mse_backward", doutputs, outputs);
  const double inverse_batch = 1.0 / static_cast<double>(outputs.rows());
  for (std::size_t i = 0; i < outputs.size(); ++i)
    doutputs.data()[i] = (outputs.data()[i] - targets.data()[i]) * inverse_batch;
}
// [ch06-mse]

// [ch06-leaky-relu-layer]
void leaky_relu_forward(nn::DoubleView out, nn::ConstDoubleView in, double slope) {
  nn::map(out, in, [slope](double z) { return z > 0 ? z : slope * z; });
}

void leaky_relu_backward(nn::DoubleView din, nn::ConstDoubleView dout, nn::ConstDoubleView in, double slope) {
  require_same_shape("leaky_relu_backward", din, dout);
  require_same_shape("leaky_relu_backward", in, dout);
  for (std::size_t i = 0; i < dout.size(); ++i)
    din.data()[i] = dout.data()[i] * (in.data()[i] > 0 ? 1.0 : slope);
}
// [ch06-leaky-relu-layer]

// [ch06-gradient-norm]
double gradient_norm(nn::DoubleNetwork& network) {
  double sum_of_squares = 0;
  network.for_each_parameter([&](nn::DoubleTensor&, nn::DoubleTensor& gradient) {
    for (double g : gradient.values()) sum_of_squares += g * g;
  });
  return std::sqrt(sum_of_squares);
}
// [ch06-gradient-norm]

}  // namespace exercises

// Chapter 6: checking backpropagation against finite differences.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "network.hpp"

namespace nn {

/// |a − b| / max(|a|, |b|, floor): the relative error, with a floor so that two
/// gradients that are both almost zero do not divide by almost zero.
double relative_error(double a, double b, double floor = 1e-8);

// [central-difference]
/// The central difference (L(θ + ε) − L(θ − ε)) / 2ε for every element θ of
/// `parameter`, written into `numerical`. Its truncation error is O(ε²).
void central_differences(DoubleTensor& parameter, DoubleTensor& numerical, double epsilon,
                         const std::function<double()>& loss);
// [central-difference]

/// How far backpropagation's gradient g of one parameter tensor is from the
/// central differences g̃ of the mean softmax–cross-entropy loss on (input,
/// targets): ‖g − g̃‖ / max(‖g‖, ‖g̃‖), over the whole tensor. Measured on the
/// tensor rather than element by element, so that an element whose gradient is
/// nearly zero cannot make rounding noise look like an error.
struct ParameterCheck {
  std::string name;  // "layer 1 weight", "layer 1 bias", …
  std::size_t count = 0;
  double relative_error = 0;
};
std::vector<ParameterCheck> check_gradients(DoubleNetwork& network, ConstDoubleView input,
                                            ConstDoubleView targets, double epsilon = 1e-5);

}  // namespace nn

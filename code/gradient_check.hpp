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

//! [central-difference]
/// The central difference (f(θ + ε) − f(θ − ε)) / 2ε for every element θ of
/// `parameter`, written into `numerical`. Its truncation error is O(ε²).
void central_differences(DoubleTensor& parameter, DoubleTensor& numerical, double epsilon,
                         const std::function<double()>& loss);
//! [central-difference]

/// The largest relative error of each parameter tensor of a network between
/// backpropagation's gradient and the central differences of the mean
/// softmax–cross-entropy loss on (input, targets). Named "layer 1 weight" etc.
struct ParameterCheck {
  std::string name;
  std::size_t count = 0;
  double max_relative_error = 0;
};
std::vector<ParameterCheck> check_gradients(DoubleNetwork& network, ConstDoubleView input,
                                            ConstDoubleView targets, double epsilon = 1e-5);

}  // namespace nn

// Chapter 6: checking backpropagation against finite differences.
#include "gradient_check.hpp"

#include <algorithm>
#include <cmath>

#include "softmax_cross_entropy.hpp"

namespace nn {

double relative_error(double a, double b, double floor) {
  return std::abs(a - b) / std::max({std::abs(a), std::abs(b), floor});
}

void central_differences(DoubleTensor& parameter, DoubleTensor& numerical, double epsilon,
                         const std::function<double()>& loss) {
  for (std::size_t i = 0; i < parameter.size(); ++i) {
    const double saved = parameter.data()[i];
    parameter.data()[i] = saved + epsilon;
    const double plus = loss();
    parameter.data()[i] = saved - epsilon;
    const double minus = loss();
    parameter.data()[i] = saved;
    numerical.data()[i] = (plus - minus) / (2 * epsilon);
  }
}

// [check-gradients]
std::vector<ParameterCheck> check_gradients(DoubleNetwork& network, ConstDoubleView input,
                                            ConstDoubleView targets, double epsilon) {
  DoubleTensor probabilities(targets.rows(), targets.cols()), dlogits(targets.rows(), targets.cols());
  auto loss = [&] { return softmax_cross_entropy_forward(probabilities, network.forward(input), targets); };

  loss();  // backpropagation's gradients, from one forward and one backward
  softmax_cross_entropy_backward(dlogits, probabilities, targets);
  network.zero_gradients();
  network.backward(input, dlogits);

  std::vector<ParameterCheck> checks;
  std::size_t dense_index = 0;
  network.for_each_parameter([&](DoubleTensor& parameter, DoubleTensor& gradient) {
    const bool is_weight = checks.size() % 2 == 0;
    if (is_weight) ++dense_index;
    DoubleTensor numerical(parameter.rows(), parameter.cols());
    central_differences(parameter, numerical, epsilon, loss);
    double difference = 0, gradient_norm = 0, numerical_norm = 0;  // squared 2-norms
    for (std::size_t i = 0; i < parameter.size(); ++i) {
      const double g = gradient.data()[i], g_numerical = numerical.data()[i];  // g and g̃
      difference += (g - g_numerical) * (g - g_numerical);
      gradient_norm += g * g;
      numerical_norm += g_numerical * g_numerical;
    }
    checks.push_back({"layer " + std::to_string(dense_index) + (is_weight ? " weight" : " bias"), parameter.size(),
                      std::sqrt(difference / std::max({gradient_norm, numerical_norm, 1e-300}))});
  });
  return checks;
}
// [check-gradients]

}  // namespace nn

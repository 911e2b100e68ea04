// Reference solutions to chapter 15's exercises.
#include "ch15.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "softmax_cross_entropy.hpp"

namespace exercises {

// [ch15-standard-error]
double accuracy_standard_error(double accuracy, std::size_t images) {
  if (images == 0) throw std::invalid_argument("accuracy_standard_error: no images");
  if (!(accuracy >= 0 && accuracy <= 1))
    throw std::invalid_argument("accuracy_standard_error: an accuracy must be in [0, 1]");
  // Each image is a coin that comes up "right" with probability p: the count of
  // right answers is binomial, variance n p (1 − p), so the fraction's is p (1 − p) / n.
  return std::sqrt(accuracy * (1 - accuracy) / static_cast<double>(images));
}
// [ch15-standard-error]

// [ch15-ensemble]
std::vector<std::uint8_t> ensemble_predict(const std::vector<const nn::Network*>& members,
                                           nn::ConstTensorView images) {
  if (members.empty()) throw std::invalid_argument("ensemble_predict: no members");
  nn::Tensor sum, probabilities;
  std::vector<nn::Tensor> outputs;  // each member's layer outputs: the members are const
  for (const nn::Network* member : members) {
    const nn::ConstTensorView logits = member->forward(images, outputs);
    probabilities.resize(logits.rows(), logits.cols());
    nn::softmax(probabilities, logits);
    if (sum.size() == 0) {
      sum.resize(logits.rows(), logits.cols());
      nn::fill(sum, 0.0f);
    }
    for (std::size_t i = 0; i < sum.size(); ++i) sum.data()[i] += probabilities.data()[i];
  }
  // Dividing by the number of members would not change which class is largest.
  std::vector<std::uint8_t> predicted(sum.rows());
  for (std::size_t n = 0; n < sum.rows(); ++n) {
    const auto row = sum.row(n);
    predicted[n] = static_cast<std::uint8_t>(std::max_element(row.begin(), row.end()) - row.begin());
  }
  return predicted;
}
// [ch15-ensemble]

}  // namespace exercises

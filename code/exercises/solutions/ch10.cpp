// Reference solutions to chapter 10's exercises.
#include "ch10.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace exercises {

// [ch10-per-class]
std::vector<double> per_class_accuracy(const std::filesystem::path& path, const nn::Dataset& data) {
  nn::Network network = nn::load_model(path);
  nn::require_shape(network, data.images.cols(), nn::kClasses, path.string());
  const std::vector<std::uint8_t> predictions = nn::predict(network, data.images);
  std::vector<std::size_t> correct(nn::kClasses), total(nn::kClasses);
  for (std::size_t n = 0; n < data.size(); ++n) {
    ++total[data.labels[n]];
    correct[data.labels[n]] += predictions[n] == data.labels[n];
  }
  std::vector<double> accuracy(nn::kClasses, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < nn::kClasses; ++k)
    if (total[k] > 0) accuracy[k] = static_cast<double>(correct[k]) / static_cast<double>(total[k]);
  return accuracy;
}
// [ch10-per-class]

// [ch10-top-k]
double top_k_accuracy(nn::Network& network, const nn::Dataset& data, std::size_t k) {
  if (k < 1 || k > nn::kClasses) throw std::invalid_argument("top_k_accuracy: k must be in 1 … 10");
  std::size_t hits = 0;
  const std::size_t chunk = 1000;
  for (std::size_t first = 0; first < data.size(); first += chunk) {
    const std::size_t count = std::min(chunk, data.size() - first);
    const nn::ConstTensorView logits = network.forward(data.images.view().rows_slice(first, count));
    for (std::size_t n = 0; n < count; ++n) {
      const auto row = logits.row(n);
      const float own = row[data.labels[first + n]];
      std::size_t larger = 0;  // the label's rank, from 0: how many logits beat it
      for (float z : row) larger += z > own;
      hits += larger < k;
    }
  }
  return data.size() ? static_cast<double>(hits) / static_cast<double>(data.size()) : 0.0;
}

std::vector<double> top_k_accuracies(const std::filesystem::path& path, const nn::Dataset& data) {
  nn::Network network = nn::load_model(path);
  nn::require_shape(network, data.images.cols(), nn::kClasses, path.string());
  std::vector<double> accuracies;
  for (std::size_t k = 1; k <= nn::kClasses; ++k) accuracies.push_back(top_k_accuracy(network, data, k));
  return accuracies;
}
// [ch10-top-k]

// [ch10-scores]
std::vector<ClassScores> class_scores(const nn::Tensor& confusion) {
  if (confusion.rows() != confusion.cols())
    throw nn::ShapeError("class_scores: a confusion matrix must be square, not " +
                         nn::shape_string(confusion.view()));
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const std::size_t classes = confusion.rows();
  std::vector<ClassScores> scores(classes);
  for (std::size_t k = 0; k < classes; ++k) {
    double predicted_k = 0, actually_k = 0;  // column k's sum and row k's sum
    for (std::size_t j = 0; j < classes; ++j) {
      predicted_k += confusion(j, k);
      actually_k += confusion(k, j);
    }
    ClassScores& s = scores[k];
    s.precision = ratio(confusion(k, k), predicted_k);
    s.recall = ratio(confusion(k, k), actually_k);
    s.f1 = ratio(2 * s.precision * s.recall, s.precision + s.recall);
  }
  return scores;
}
// [ch10-scores]

}  // namespace exercises

// Chapter 10's exercises. Answer them in workspace/ch10.cpp; the tests are
// tests/exercises/test_ch10_exercises.cpp (ctest -L exercise).
#pragma once

#include <filesystem>
#include <vector>

#include "model_file.hpp"
#include "training.hpp"

namespace exercises {

// [ch10-declarations]
/// Exercise 10.1: load the model saved at `path` (nn::load_model) and return,
/// for each of the K = 10 classes, the fraction of `data`'s images of that
/// class that it classifies correctly; NaN for a class with no images. Throws
/// nn::ModelFileError, naming the path, if the model does not take data's
/// images or does not give K outputs (nn::require_shape).
std::vector<double> per_class_accuracy(const std::filesystem::path& path, const nn::Dataset& data);

/// Exercise 10.2: top-k accuracy, the fraction of images whose label is among
/// the k classes with the largest logits. Ties count for the label: an image
/// counts when fewer than k logits are strictly larger than its label's.
/// Throws std::invalid_argument unless 1 ≤ k ≤ K.
double top_k_accuracy(nn::Network& network, const nn::Dataset& data, std::size_t k);
/// Exercise 10.2, measured: the top-k accuracy of the model saved at `path`
/// on `data` for k = 1, 2, …, K (element k − 1 is top-k). Throws
/// nn::ModelFileError as per_class_accuracy does.
std::vector<double> top_k_accuracies(const std::filesystem::path& path, const nn::Dataset& data);

/// Exercise 10.3: precision and recall of every class from a K×K confusion
/// matrix whose element (k, j) counts the images of class k predicted as j.
/// Precision of k: the fraction of the images predicted k that are k; recall of k: the
/// fraction of the images of k predicted k; F1 their harmonic mean. A ratio or
/// mean with nothing to divide by is 0.
struct ClassScores {
  double precision = 0, recall = 0, f1 = 0;
};
std::vector<ClassScores> class_scores(const nn::Tensor& confusion);
// [ch10-declarations]

}  // namespace exercises

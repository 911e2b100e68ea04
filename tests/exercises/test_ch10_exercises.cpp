// Chapter 10's exercises, checked on a one-layer network whose predictions can
// be read off by hand, and on a confusion matrix counted by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "ch10.hpp"

namespace {
// One dense layer, 2 inputs → 10 logits: logit 3 is input 0, logit 5 input 1,
// logit 7 half of input 0, the rest 0. An image is called 3 or 5 by its larger
// pixel, and 7 is always the runner-up among 3 and 7.
nn::Network reader() {
  nn::Dense dense(2, 10);
  dense.weight(0, 3) = 1;
  dense.weight(1, 5) = 1;
  dense.weight(0, 7) = 0.5f;
  return nn::Network({dense});
}

nn::Dataset four_images() {
  nn::Dataset data;
  data.images = nn::Tensor(4, 2, {0.9f, 0.1f,    // logits 3: 0.9, 5: 0.1, 7: 0.45 → 3
                                  0.2f, 0.7f,    // → 5
                                  0.6f, 0.35f,   // → 3, but labelled 5: its logit is second
                                  0.3f, 0.6f});  // → 5, labelled 7: 7's logit 0.15 is third
  data.labels = {3, 5, 5, 7};
  return data;
}
}  // namespace

TEST_CASE("exercise 10.1: per-class accuracy of a saved model", "[exercise][ch10]") {
  INFO("hint: per class, correct predictions over images of that class; NaN for a class with no images; nn::require_shape refuses a model that does not fit the data");
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "nn_exercise_10_1.nnsc";
  nn::save_model(reader(), path);
  const std::vector<double> accuracy = exercises::per_class_accuracy(path, four_images());
  REQUIRE(accuracy.size() == 10);
  CHECK(accuracy[3] == Approx(1.0));        // its one image, right
  CHECK(accuracy[5] == Approx(0.5));        // one of two
  CHECK(accuracy[7] == Approx(0.0));        // its one image, wrong
  CHECK(std::isnan(accuracy[0]));           // no images of 0
  nn::Dataset wide = four_images();
  wide.images = nn::Tensor(4, 3);           // three pixels: not what the model reads
  CHECK_THROWS_AS(exercises::per_class_accuracy(path, wide), nn::ModelFileError);
  std::filesystem::remove(path);
}

TEST_CASE("exercise 10.2: top-k accuracy counts the label among the k largest logits", "[exercise][ch10]") {
  INFO("hint: an image counts when fewer than k logits are strictly larger than its label's logit");
  nn::Network network = reader();
  const nn::Dataset data = four_images();
  CHECK(exercises::top_k_accuracy(network, data, 1) == Approx(0.5));   // images 1 and 2
  CHECK(exercises::top_k_accuracy(network, data, 2) == Approx(0.75));  // image 3's 5 is second
  CHECK(exercises::top_k_accuracy(network, data, 3) == Approx(1.0));   // image 4's 7 is third
  CHECK(exercises::top_k_accuracy(network, data, 10) == Approx(1.0));
  CHECK_THROWS_AS(exercises::top_k_accuracy(network, data, 0), std::invalid_argument);
  CHECK_THROWS_AS(exercises::top_k_accuracy(network, data, 11), std::invalid_argument);
}

TEST_CASE("exercise 10.2, measured: top-1 to top-K accuracy of a saved model", "[exercise][ch10]") {
  INFO("hint: load the model, check its shape against the data, and return top_k_accuracy for k = 1, …, 10");
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "nn_exercise_10_2.nnsc";
  nn::save_model(reader(), path);
  const std::vector<double> accuracies = exercises::top_k_accuracies(path, four_images());
  REQUIRE(accuracies.size() == 10);
  CHECK(accuracies[0] == Approx(0.5));   // top-1: images 1 and 2
  CHECK(accuracies[1] == Approx(0.75));  // top-2: image 3's 5 is second
  for (std::size_t k = 2; k < 10; ++k) CHECK(accuracies[k] == Approx(1.0));
  nn::Dataset wide = four_images();
  wide.images = nn::Tensor(4, 3);
  CHECK_THROWS_AS(exercises::top_k_accuracies(path, wide), nn::ModelFileError);
  std::filesystem::remove(path);
}

TEST_CASE("exercise 10.3: precision, recall and F1 from a confusion matrix", "[exercise][ch10]") {
  INFO("hint: precision of k divides the diagonal (k, k) by column k's sum, recall by row k's sum; 0 where there is nothing to divide by");
  // Three classes. Class 0: 8 images, 6 right, 2 called 1. Class 1: 4 images,
  // 3 right, 1 called 0. Class 2: none, and nothing predicted 2.
  const nn::Tensor confusion(3, 3, {6, 2, 0,  //
                                    1, 3, 0,  //
                                    0, 0, 0});
  const std::vector<exercises::ClassScores> scores = exercises::class_scores(confusion);
  REQUIRE(scores.size() == 3);
  CHECK(scores[0].precision == Approx(6.0 / 7.0));  // column 0: 6 + 1 predicted 0
  CHECK(scores[0].recall == Approx(6.0 / 8.0));
  CHECK(scores[0].f1 == Approx(2.0 * 6 / (7 + 8)));  // 2·TP / (predicted + actual)
  CHECK(scores[1].precision == Approx(3.0 / 5.0));
  CHECK(scores[1].recall == Approx(3.0 / 4.0));
  CHECK(scores[1].f1 == Approx(2.0 * 3 / (5 + 4)));
  CHECK(scores[2].precision == 0.0);
  CHECK(scores[2].recall == 0.0);
  CHECK(scores[2].f1 == 0.0);
  CHECK_THROWS_AS(exercises::class_scores(nn::Tensor(2, 3)), nn::ShapeError);
}

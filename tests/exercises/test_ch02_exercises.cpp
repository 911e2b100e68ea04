// Chapter 2's exercises, checked against statistics worked by hand.
#include <catch2/catch.hpp>

#include "ch02.hpp"

using nn::Tensor;

TEST_CASE("exercise 2.1: pixel_statistics gives mean and standard deviation", "[exercise][ch02]") {
  // Pixels 0, 0.5, 0.5, 1: mean 0.5, variance (0.25 + 0 + 0 + 0.25) / 4 = 0.125.
  const Tensor images(2, 2, {0, 0.5f, 0.5f, 1});
  const exercises::PixelStatistics s = exercises::pixel_statistics(images);
  CHECK(s.mean == Approx(0.5));
  CHECK(s.standard_deviation == Approx(std::sqrt(0.125)));
}

TEST_CASE("exercise 2.2: standardise gives mean 0 and deviation 1", "[exercise][ch02]") {
  Tensor images(1, 4, {0, 0.5f, 0.5f, 1});
  exercises::standardise(images, {0.5, 0.25});
  CHECK(std::vector<float>(images.values().begin(), images.values().end()) == std::vector<float>{-2, 0, 0, 2});
  CHECK_THROWS_AS(exercises::standardise(images, {0.5, 0.0}), std::invalid_argument);
}

TEST_CASE("exercise 2.3: bounding_box frames the ink", "[exercise][ch02]") {
  // A 4×5 image with ink at (1, 3) and (2, 1).
  std::vector<float> image(20, 0.0f);
  image[1 * 5 + 3] = 0.9f;
  image[2 * 5 + 1] = 0.6f;
  image[3 * 5 + 4] = 0.1f;  // below the threshold: not ink
  const exercises::BoundingBox box = exercises::bounding_box(image, 4, 5, 0.5f);
  CHECK_FALSE(box.empty);
  CHECK(box.top == 1);
  CHECK(box.bottom == 2);
  CHECK(box.left == 1);
  CHECK(box.right == 3);
  CHECK(exercises::bounding_box(std::vector<float>(20, 0.2f), 4, 5, 0.5f).empty);
}

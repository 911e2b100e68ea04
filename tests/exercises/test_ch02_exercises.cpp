// Chapter 2's exercises, checked against statistics and boxes worked by hand.
// Each check says what was expected and why, so that a wrong answer explains itself.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "ch02.hpp"

using nn::Tensor;

TEST_CASE("exercise 2.1: pixel_statistics gives mean and standard deviation", "[exercise][ch02]") {
  // Pixels 0, 0.5, 0.5, 1: mean 0.5, variance (0.25 + 0 + 0 + 0.25) / 4 = 0.125.
  const Tensor images(2, 2, {0, 0.5f, 0.5f, 1});
  const exercises::PixelStatistics s = exercises::pixel_statistics(images);
  INFO("pixels 0, 0.5, 0.5, 1 over all rows: the mean is 2 / 4 = 0.5");
  CHECK(s.mean == Approx(0.5));
  INFO("the variance is ((0 − 0.5)² + 0 + 0 + (1 − 0.5)²) / 4 = 0.125, divided by the count N = 4 (the "
       "population variance, not N − 1), and the standard deviation is its square root, 0.354");
  CHECK(s.standard_deviation == Approx(std::sqrt(0.125)));
}

TEST_CASE("exercise 2.2: standardise gives mean 0 and deviation 1", "[exercise][ch02]") {
  Tensor images(1, 4, {0, 0.5f, 0.5f, 1});
  exercises::standardise(images, {0.5, 0.25});
  INFO("with mean 0.5 and standard deviation 0.25, (x − 0.5) / 0.25 maps 0, 0.5, 0.5, 1 to −2, 0, 0, 2: use the "
       "statistics passed in, not the images' own");
  CHECK(std::vector<float>(images.values().begin(), images.values().end()) == std::vector<float>{-2, 0, 0, 2});
  INFO("a standard deviation of 0 would divide by zero: standardise must throw std::invalid_argument");
  CHECK_THROWS_AS(exercises::standardise(images, {0.5, 0.0}), std::invalid_argument);
}

TEST_CASE("exercise 2.3: bounding_box frames the ink", "[exercise][ch02]") {
  // A 4×5 image with ink at (1, 3) and (2, 1).
  std::vector<float> image(20, 0.0f);
  image[1 * 5 + 3] = 0.9f;
  image[2 * 5 + 1] = 0.6f;
  image[3 * 5 + 4] = 0.1f;  // below the threshold: not ink
  const exercises::BoundingBox box = exercises::bounding_box(image, 4, 5, 0.5f);
  INFO("a 4×5 image with ink above 0.5 at (row 1, column 3) and (row 2, column 1), and 0.1 at (3, 4), which is "
       "below the threshold: the box is rows 1 to 2 and columns 1 to 3, inclusive");
  CHECK_FALSE(box.empty);
  CHECK(box.top == 1);
  CHECK(box.bottom == 2);
  CHECK(box.left == 1);
  CHECK(box.right == 3);
  INFO("an image with no pixel above the threshold has no box: empty must stay set");
  CHECK(exercises::bounding_box(std::vector<float>(20, 0.2f), 4, 5, 0.5f).empty);
}

TEST_CASE("exercise 2.3: survey_boxes sums up the boxes of a set", "[exercise][ch02]") {
  // Three 4×5 images: a 2×3 box, a 4×1 box (a tall bar) and one with no ink.
  nn::Dataset data{Tensor(3, 20), {0, 1, 2}, 4, 5};
  data.images(0, 1 * 5 + 1) = 1;
  data.images(0, 2 * 5 + 3) = 1;
  for (std::size_t r = 0; r < 4; ++r) data.images(1, r * 5 + 2) = 1;
  const exercises::BoxSurvey survey = exercises::survey_boxes(data, 0.5f);
  INFO("image 0 has ink at (1, 1) and (2, 3): a box 2 rows tall and 3 columns wide; image 1 is a bar down "
       "column 2: 4 tall and 1 wide; image 2 has no ink and no box");
  CHECK(survey.images == 2);
  CHECK(survey.tallest == 4);
  CHECK(survey.widest == 3);
  INFO("longer_side has max(4, 5) + 1 = 6 entries, indexed by the longer side of a box in pixels: image 0's is 3 "
       "and image 1's is 4, so longer_side is {0, 0, 0, 1, 1, 0}");
  CHECK(survey.longer_side == std::vector<std::size_t>{0, 0, 0, 1, 1, 0});
}

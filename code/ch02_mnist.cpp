// Chapter 2's program: reads MNIST, checks it, counts it and draws it.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <numeric>

#include <gnuplot-iostream.h>

#include "figure.hpp"
#include "mnist.hpp"
#include "program.hpp"
#include "report.hpp"

namespace {

using nn::Dataset;
using nn::Tensor;

// Copies `count` images into one picture, `per_row` images to a row.
Tensor tile(const Dataset& data, const std::vector<std::size_t>& which, std::size_t per_row) {
  const std::size_t h = data.image_rows, w = data.image_cols;
  const std::size_t grid_rows = (which.size() + per_row - 1) / per_row;
  Tensor picture(grid_rows * h, per_row * w);
  for (std::size_t i = 0; i < which.size(); ++i)
    for (std::size_t r = 0; r < h; ++r)
      for (std::size_t c = 0; c < w; ++c)
        picture((i / per_row) * h + r, (i % per_row) * w + c) = data.images(which[i], r * w + c);
  return picture;
}

void draw_grey_image(const std::filesystem::path& file, const Tensor& picture, int width, int height,
                     const std::string& palette = "set palette gray negative") {
  figures::Figure figure(file, width, height);
  figure.gnuplot() << "unset border\nunset tics\nunset grid\nunset colorbox\nset size ratio -1\n"
                   << palette << "\nset xrange [-0.5:" << picture.cols() - 0.5 << "]\nset yrange [-0.5:"
                   << picture.rows() - 0.5 << "]\nset margins 0,0,0,0\n"
                   // `with image`, not `with image pixels`: cairo then draws one bitmap,
                   // where separate pixel rectangles would leave antialiased seams.
                   << "plot '-' matrix with image\n";
  figure.send_matrix(picture);
  figure.finish();
}

// [mean-images]
// The mean of every class's images: row k holds the average of all images labelled k.
Tensor class_means(const Dataset& data) {
  Tensor sums(nn::kClasses, data.images.cols());
  std::vector<std::size_t> counts = nn::class_counts(data.labels);
  for (std::size_t n = 0; n < data.size(); ++n) {
    const auto image = data.images.row(n);
    auto sum = sums.row(data.labels[n]);
    for (std::size_t p = 0; p < image.size(); ++p) sum[p] += image[p];
  }
  for (std::size_t k = 0; k < nn::kClasses; ++k)
    for (float& v : sums.row(k)) v /= static_cast<float>(std::max<std::size_t>(counts[k], 1));
  return sums;
}
// [mean-images]

std::size_t total(const std::vector<std::size_t>& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::size_t{0});
}


// [nearest-mean]
// The nearest-class-mean classifier: image x gets the class k whose mean m_k is
// nearest. ‖x − m_k‖² = ‖x‖² − 2 x·m_k + ‖m_k‖², and ‖x‖² is the same for every
// class, so the nearest mean has the largest score x·m_k − ½‖m_k‖²: a product
// with the means as weights plus a constant per class, chapter 1's matmul_a_bt
// and add_row. means is K×I; returns one predicted class per image.
std::vector<std::size_t> nearest_mean_predictions(const Dataset& data, const Tensor& means) {
  Tensor scores(data.size(), means.rows());     // N×K: scores(n, k) = x_n · m_k
  nn::matmul_a_bt(scores, data.images, means);
  Tensor offsets(1, means.rows());              // 1×K: −½‖m_k‖²
  for (std::size_t k = 0; k < means.rows(); ++k)
    for (float v : means.row(k)) offsets(0, k) -= 0.5f * v * v;
  nn::add_row(scores, offsets);
  std::vector<std::size_t> predictions(data.size());
  for (std::size_t n = 0; n < data.size(); ++n) {
    const auto row = scores.row(n);
    const auto best = std::max_element(row.begin(), row.end());
    predictions[n] = static_cast<std::size_t>(best - row.begin());
  }
  return predictions;
}
// [nearest-mean]

// The share of images whose prediction is their label, in total and per class.
struct Accuracy {
  double overall = 0;
  std::vector<double> per_class;
};
Accuracy accuracy(const Dataset& data, const std::vector<std::size_t>& predictions) {
  std::vector<std::size_t> correct(nn::kClasses, 0);
  for (std::size_t n = 0; n < data.size(); ++n) correct[data.labels[n]] += predictions[n] == data.labels[n];
  const std::vector<std::size_t> counts = nn::class_counts(data.labels);
  Accuracy result{static_cast<double>(total(correct)) / static_cast<double>(data.size()), {}};
  for (std::size_t k = 0; k < nn::kClasses; ++k)
    result.per_class.push_back(static_cast<double>(correct[k]) / static_cast<double>(std::max<std::size_t>(counts[k], 1)));
  return result;
}

// How the training digits sit in their frame, for exercise 2.3 (the appendix
// quotes these numbers): the box around every pixel above zero, and the centre
// of mass of the ink. MNIST's authors scaled each digit to fit a 20 × 20 box and
// moved its centre of mass to the middle of the 28 × 28 image.
struct FrameSurvey {
  std::size_t larger_than_20 = 0;      // boxes taller or wider than 20 pixels
  std::size_t longer_side_20 = 0;      // boxes whose longer side is exactly 20
  double farthest_centre_of_mass = 0;  // pixels from the image's centre, at most
  std::size_t tallest = 0, widest = 0;  // the largest box height and width, in pixels
  std::size_t zero_pixels = 0, pixels = 0;  // pixels exactly 0, and all pixels
};
FrameSurvey survey_frames(const Dataset& data) {
  FrameSurvey survey;
  const std::size_t h = data.image_rows, w = data.image_cols;
  const double centre_row = (static_cast<double>(h) - 1) / 2, centre_col = (static_cast<double>(w) - 1) / 2;
  for (std::size_t n = 0; n < data.size(); ++n) {
    std::size_t top = h, bottom = 0, left = w, right = 0;
    double ink = 0, row_moment = 0, col_moment = 0;
    for (std::size_t r = 0; r < h; ++r)
      for (std::size_t c = 0; c < w; ++c) {
        const float pixel = data.images(n, r * w + c);
        ++survey.pixels;
        survey.zero_pixels += pixel == 0;
        if (pixel <= 0) continue;
        top = std::min(top, r), bottom = std::max(bottom, r), left = std::min(left, c), right = std::max(right, c);
        ink += pixel, row_moment += pixel * static_cast<double>(r), col_moment += pixel * static_cast<double>(c);
      }
    if (ink == 0) continue;
    const std::size_t height = bottom - top + 1, width = right - left + 1;
    survey.larger_than_20 += height > 20 || width > 20;
    survey.longer_side_20 += std::max(height, width) == 20;
    survey.tallest = std::max(survey.tallest, height);
    survey.widest = std::max(survey.widest, width);
    survey.farthest_centre_of_mass = std::max(
        survey.farthest_centre_of_mass, std::hypot(row_moment / ink - centre_row, col_moment / ink - centre_col));
  }
  return survey;
}

void histogram_figure(const figures::Report& report, const std::vector<std::size_t>& train,
                      const std::vector<std::size_t>& test, const nn::ClassNames& classes) {
  figures::Figure figure(report.figure_path("class_histogram.svg"), 720, 420);
  // The key sits above the bars, in a row of its own, where it hides none of them.
  figure.gnuplot() << "set style data histograms\nset style histogram clustered gap 1\n"
                   << "set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
                   << "set key outside top center horizontal\n"
                   << "set xlabel '" << classes.noun << "'\nset ylabel 'share of the set (%)'\nset yrange [0:*]\n"
                   << "plot '-' using 2:xtic(1) title 'training file (" << figures::with_thousands(total(train))
                   << " images)', '-' using 2 title 'test (" << figures::with_thousands(total(test)) << " images)'\n";
  auto shares = [&classes](const std::vector<std::size_t>& counts) {
    const auto all = static_cast<double>(total(counts));
    std::vector<std::pair<std::string, double>> rows;  // the class's name, quoted for gnuplot, and its share
    for (std::size_t k = 0; k < counts.size(); ++k)
      rows.emplace_back(std::string(1, '"').append(classes.names[k]).append(1, '"'), 100.0 * static_cast<double>(counts[k]) / all);
    return rows;
  };
  figure.gnuplot().send1d(shares(train));
  figure.gnuplot().send1d(shares(test));
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  std::uint64_t validation_size = 10000;
  nn::po::options_description options("Options");
  nn::Flags(options).data(flags).out(flags).validation(validation_size);
  return nn::run_program(argc, argv, "chapter 2, MNIST: read, check, count and draw the digits", options, [&] {
    figures::Report report(flags.out_dir, "ch02", flags.check_claims);
    // [load]
    const Dataset train = nn::load_split(flags.data_dir, nn::Split::train);
    const Dataset test = nn::load_split(flags.data_dir, nn::Split::test);
    nn::require_validation_fits(validation_size, train.size());
    const nn::TrainValidationSplit split = nn::split_off_validation(train, validation_size);
    // [load]
    const auto train_counts = nn::class_counts(train.labels), test_counts = nn::class_counts(test.labels);
    const nn::ClassNames classes = nn::class_names_for(flags.data_dir);

    std::cout << "read " << train.size() << " training and " << test.size() << " test images of "
              << train.image_rows << "×" << train.image_cols << " pixels from " << flags.data_dir.string() << '\n'
              << std::setw(12) << classes.noun << "   train    test\n";
    std::vector<std::vector<std::string>> rows;
    for (std::size_t k = 0; k < nn::kClasses; ++k) {
      std::cout << std::setw(12) << classes.names[k] << "  " << std::setw(6) << train_counts[k] << "  " << std::setw(6)
                << test_counts[k] << '\n';
      rows.push_back({classes.names[k], figures::with_thousands(train_counts[k]), figures::with_thousands(test_counts[k])});
    }
    rows.push_back({"all", figures::with_thousands(train.size()), figures::with_thousands(test.size())});
    std::cout << "training split: " << split.train.size() << " to train on, " << split.validation.size()
              << " to validate\n";
    report.table("class_counts", {classes.noun, "images in the training file", "images in the test set"}, rows);
    // The balance the text describes: every class between 8% and 12% of each set,
    // and its share in the two sets within a percentage point.
    double smallest_share = 1, largest_share = 0, largest_gap = 0;
    for (std::size_t k = 0; k < nn::kClasses; ++k) {
      const double train_share = static_cast<double>(train_counts[k]) / static_cast<double>(train.size());
      const double test_share = static_cast<double>(test_counts[k]) / static_cast<double>(test.size());
      smallest_share = std::min({smallest_share, train_share, test_share});
      largest_share = std::max({largest_share, train_share, test_share});
      largest_gap = std::max(largest_gap, std::abs(train_share - test_share));
    }
    report.claim("the classes are close to balanced (each between 8% and 12% of its set) and in the same "
                 "proportions in both sets (within 1 percentage point)",
                 smallest_share > 0.08 && largest_share < 0.12 && largest_gap < 0.01,
                 "shares from " + figures::fixed(100 * smallest_share, 1) + "% to " +
                     figures::fixed(100 * largest_share, 1) + "%; the largest gap between the sets " +
                     figures::fixed(100 * largest_gap, 2) + " points");
    report.number("train_size", figures::with_thousands(train.size()));
    report.number("test_size", figures::with_thousands(test.size()));
    report.number("fit_size", figures::with_thousands(split.train.size()));
    report.number("validation_size", figures::with_thousands(split.validation.size()));

    std::vector<std::size_t> first_hundred(100);
    for (std::size_t i = 0; i < first_hundred.size(); ++i) first_hundred[i] = i;
    draw_grey_image(report.figure_path("digits.png"), tile(train, first_hundred, 10), 560, 560);
    histogram_figure(report, train_counts, test_counts, classes);
    // The means of the images the network will train on; the validation images
    // and the test images stay unseen, as they will for the network.
    const Tensor means = class_means(split.train);
    Dataset mean_images{means, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, train.image_rows, train.image_cols};
    draw_grey_image(report.figure_path("class_means.png"), tile(mean_images, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10),
                    900, 100, "set palette defined (0 '#ffffff', 0.5 '#6fa8dc', 1 '#0b3d75')");

    const Accuracy baseline = accuracy(test, nearest_mean_predictions(test, means));
    const auto worst = static_cast<std::size_t>(
        std::min_element(baseline.per_class.begin(), baseline.per_class.end()) - baseline.per_class.begin());
    const auto best = static_cast<std::size_t>(
        std::max_element(baseline.per_class.begin(), baseline.per_class.end()) - baseline.per_class.begin());
    std::cout << "nearest class mean: " << figures::fixed(100 * baseline.overall, 2) << "% of the test images right; "
              << "best " << classes.noun << ' ' << classes.names[best] << " ("
              << figures::fixed(100 * baseline.per_class[best], 1) << "%), worst " << classes.names[worst] << " (" << figures::fixed(100 * baseline.per_class[worst], 1) << "%)\n";
    report.number("nearest_mean_accuracy", figures::fixed(100 * baseline.overall, 1));
    report.number("nearest_mean_best_digit", std::to_string(best));
    report.number("nearest_mean_best_accuracy", figures::fixed(100 * baseline.per_class[best], 1));
    report.number("nearest_mean_worst_digit", std::to_string(worst));
    report.number("nearest_mean_worst_accuracy", figures::fixed(100 * baseline.per_class[worst], 1));
    report.claim("the nearest-mean classifier works to a point: far above the one in ten of guessing, far below "
                 "every test image right (between 50% and 95%)",
                 baseline.overall > 0.5 && baseline.overall < 0.95,
                 figures::fixed(100 * baseline.overall, 1) + "% of the test images right");

    const FrameSurvey frames = survey_frames(train);
    report.number("frames_larger_than_20", figures::with_thousands(frames.larger_than_20));
    report.number("frames_longer_side_20", figures::with_thousands(frames.longer_side_20));
    report.number("frames_farthest_centre", figures::fixed(frames.farthest_centre_of_mass, 1));
    report.number("frames_tallest", std::to_string(frames.tallest));
    report.number("frames_widest", std::to_string(frames.widest));
    report.number("zero_pixel_percent",
                  figures::fixed(100.0 * static_cast<double>(frames.zero_pixels) /
                                     static_cast<double>(std::max<std::size_t>(frames.pixels, 1)), 0));
    // Worded from the numbers, not checked: another data set (Fashion-MNIST) is
    // framed otherwise, and the program must still run on it.
    const bool keeps_to_it = frames.larger_than_20 == 0 &&
                             static_cast<double>(frames.longer_side_20) > 0.99 * static_cast<double>(train.size());
    report.number("frames_verdict", keeps_to_it ? "keeps to that description closely"
                                                : "does not keep strictly to that description");
    report.finish();
  });
}

// Chapter 2's program: reads MNIST, checks it, counts it and draws it.
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
                   << "plot '-' matrix with image pixels\n";
  figure.send_matrix(picture);
  figure.finish();
}

//! [mean-images]
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
//! [mean-images]

std::size_t total(const std::vector<std::size_t>& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::size_t{0});
}

void histogram_figure(const figures::Report& report, const std::vector<std::size_t>& train,
                      const std::vector<std::size_t>& test) {
  figures::Figure figure(report.figure_path("class_histogram.svg"), 720, 380);
  figure.gnuplot() << "set style data histograms\nset style histogram clustered gap 1\n"
                   << "set style fill solid 0.8 border -1\nset boxwidth 0.9\nset key top right\n"
                   << "set xlabel 'digit'\nset ylabel 'share of the set (%)'\nset yrange [0:*]\n"
                   << "plot '-' using 2:xtic(1) title 'training (" << total(train)
                   << " images)', '-' using 2 title 'test (" << total(test) << " images)'\n";
  auto shares = [](const std::vector<std::size_t>& counts) {
    const auto all = static_cast<double>(total(counts));
    std::vector<std::pair<int, double>> rows;
    for (std::size_t k = 0; k < counts.size(); ++k) rows.emplace_back(k, 100.0 * static_cast<double>(counts[k]) / all);
    return rows;
  };
  figure.gnuplot().send1d(shares(train));
  figure.gnuplot().send1d(shares(test));
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  std::size_t validation_size = 10000;
  nn::po::options_description options("Options");
  nn::add_data_flag(options, flags);
  nn::add_out_flag(options, flags);
  options.add_options()("validation", nn::po::value(&validation_size)->default_value(validation_size),
                        "images held out of the training set for validation");
  return nn::run_program(argc, argv, "chapter 2, MNIST: read, check, count and draw the digits", options, [&] {
    figures::Report report(flags.out_dir, "ch02");
    //! [load]
    const Dataset train = nn::load_split(flags.data_dir, nn::Split::train);
    const Dataset test = nn::load_split(flags.data_dir, nn::Split::test);
    if (validation_size >= train.size())
      throw nn::UsageError("--validation " + std::to_string(validation_size) + " must be below the " +
                           std::to_string(train.size()) + " training images");
    const nn::TrainValidationSplit split = nn::split_off_validation(train, validation_size);
    //! [load]
    const auto train_counts = nn::class_counts(train.labels), test_counts = nn::class_counts(test.labels);

    std::cout << "read " << train.size() << " training and " << test.size() << " test images of "
              << train.image_rows << "×" << train.image_cols << " pixels from " << flags.data_dir.string() << '\n'
              << "digit   train    test\n";
    std::vector<std::vector<std::string>> rows;
    for (std::size_t k = 0; k < nn::kClasses; ++k) {
      std::cout << "  " << k << "   " << std::setw(6) << train_counts[k] << "  " << std::setw(6) << test_counts[k] << '\n';
      rows.push_back({std::to_string(k), std::to_string(train_counts[k]), std::to_string(test_counts[k])});
    }
    rows.push_back({"all", std::to_string(train.size()), std::to_string(test.size())});
    std::cout << "training split: " << split.train.size() << " to train on, " << split.validation.size()
              << " to validate\n";
    report.table("class_counts", {"digit", "training images", "test images"}, rows);
    report.number("train_size", std::to_string(train.size()));
    report.number("test_size", std::to_string(test.size()));
    report.number("fit_size", std::to_string(split.train.size()));
    report.number("validation_size", std::to_string(split.validation.size()));

    std::vector<std::size_t> first_hundred(100);
    for (std::size_t i = 0; i < first_hundred.size(); ++i) first_hundred[i] = i;
    draw_grey_image(report.figure_path("digits.png"), tile(train, first_hundred, 10), 560, 560);
    histogram_figure(report, train_counts, test_counts);
    const Tensor means = class_means(train);
    Dataset mean_images{means, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, train.image_rows, train.image_cols};
    draw_grey_image(report.figure_path("class_means.png"), tile(mean_images, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10),
                    900, 100, "set palette defined (0 '#ffffff', 0.5 '#6fa8dc', 1 '#0b3d75')");
    report.finish();
  });
}

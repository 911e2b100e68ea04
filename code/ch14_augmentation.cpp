// Chapter 14's program: data augmentation, drawn, timed and tried on MNIST.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iostream>

#include <gnuplot-iostream.h>

#include "augmentation.hpp"
#include "experiment.hpp"
#include "figure.hpp"
#include "minibatch.hpp"
#include "parallel.hpp"

namespace {

using nn::Tensor;
constexpr std::size_t kSide = nn::kImageSide;

// [variants]
// The four ways to train the experiment compares, and what each distorts.
struct Variant {
  std::string name;
  nn::AugmentSettings settings;
};

std::vector<Variant> variants_of(const nn::AugmentSettings& affine, const nn::AugmentSettings& elastic) {
  nn::AugmentSettings both = affine;
  both.elastic_alpha = elastic.elastic_alpha;
  both.elastic_sigma = elastic.elastic_sigma;
  return {{"none", {}}, {"affine", affine}, {"elastic", elastic}, {"affine and elastic", both}};
}
// [variants]

// `count` copies of one image, as rows of a batch.
Tensor copies_of(std::span<const float> image, std::size_t count) {
  Tensor batch(count, nn::kImagePixels);
  for (std::size_t n = 0; n < count; ++n) std::ranges::copy(image, batch.row(n).begin());
  return batch;
}

// Rows of 28×28 images laid side by side into one picture, `per_row` to a row
// of the picture, with a one-pixel gap of background between them.
Tensor tile(nn::ConstTensorView images, std::size_t per_row) {
  const std::size_t step = kSide + 1, grid_rows = (images.rows() + per_row - 1) / per_row;
  Tensor picture(grid_rows * step - 1, per_row * step - 1);
  for (std::size_t n = 0; n < images.rows(); ++n)
    for (std::size_t r = 0; r < kSide; ++r)
      for (std::size_t c = 0; c < kSide; ++c)
        picture((n / per_row) * step + r, (n % per_row) * step + c) = images(n, r * kSide + c);
  return picture;
}

void draw_grey_image(const std::filesystem::path& file, const Tensor& picture, int width, int height) {
  figures::Figure figure(file, width, height);
  figure.gnuplot() << "unset border\nunset tics\nunset grid\nunset colorbox\nset size ratio -1\n"
                   << "set palette gray negative\nset cbrange [0:1]\nset xrange [-0.5:" << picture.cols() - 0.5
                   << "]\nset yrange [-0.5:" << picture.rows() - 0.5 << "]\nset margins 0,0,0,0\n"
                   << "plot '-' matrix with image\n";
  figure.send_matrix(picture);
  figure.finish();
}

// The grid: one digit, first as it is and then under `per_variant` − 1 draws
// of each augmenting variant, one variant to a row of the picture.
void draw_distortions(const figures::Report& report, std::span<const float> digit, const std::vector<Variant>& variants,
                      std::size_t per_variant, std::uint64_t seed) {
  std::vector<float> all;
  nn::Rng rng(seed);
  for (std::size_t v = 1; v < variants.size(); ++v) {
    Tensor batch = copies_of(digit, per_variant);
    nn::augment(batch.view().rows_slice(1, per_variant - 1), variants[v].settings, rng);  // row 0 stays the original
    all.insert(all.end(), batch.values().begin(), batch.values().end());
  }
  const nn::ConstTensorView images(all.data(), all.size() / nn::kImagePixels, nn::kImagePixels);
  draw_grey_image(report.figure_path("distortions.png"), tile(images, per_variant), 760,
                  static_cast<int>(760 * (variants.size() - 1) * 29 / (per_variant * 29)));
}

// [field-figure]
// One elastic displacement field, drawn as arrows over the digit, beside the
// digit it makes. The arrow at output pixel p runs to p + δ(p), the point the
// pixel takes its ink from (before the affine part, which is left out here).
// Returns the mean and the largest length of the field's displacements, in pixels.
std::pair<double, double> draw_field(const figures::Report& report, std::span<const float> digit,
                                     const nn::AugmentSettings& elastic, std::uint64_t seed) {
  nn::ImageRng rng{seed};
  std::array<float, nn::kImagePixels> noise;
  nn::DisplacementField field;
  nn::SmoothingBuffers buffers;
  const std::vector<float> kernel = nn::gaussian_kernel(elastic.elastic_sigma);
  for (float& v : noise) v = rng.symmetric();
  nn::smooth_field(field.along_x, noise, kernel, elastic.elastic_alpha, buffers);
  for (float& v : noise) v = rng.symmetric();
  nn::smooth_field(field.along_y, noise, kernel, elastic.elastic_alpha, buffers);
  Tensor distorted(1, nn::kImagePixels);
  nn::warp(distorted.row(0), digit, nn::InverseMap{}, &field);

  // An image as (x, y, value) points, gnuplot's y running up where the rows run down.
  auto points = [](std::span<const float> image) {
    std::vector<std::tuple<double, double, double>> all;
    for (std::size_t r = 0; r < kSide; ++r)
      for (std::size_t c = 0; c < kSide; ++c) all.emplace_back(c, kSide - 1 - r, image[r * kSide + c]);
    return all;
  };
  figures::Figure figure(report.figure_path("field.png"), 760, 400);
  gnuplotio::Gnuplot& gp = figure.gnuplot();
  gp << "set multiplot layout 1,2 margins 0.02,0.98,0.02,0.9 spacing 0.04,0\n"
     << "unset border\nunset tics\nunset colorbox\nset size ratio -1\nset palette gray negative\n"
     << "set cbrange [0:2.5]\nset xrange [-0.5:27.5]\nset yrange [-0.5:27.5]\nunset key\n"
     << "set title 'the field δ, every second pixel, over the digit'\n"
     << "plot '-' using 1:2:3 with image, '-' with vectors head filled size 0.5,20 linecolor rgb '"
     << figures::kPalette[0] << "' linewidth 1.6\n";
  gp.send1d(points(digit));  // pale: the colour range runs to 2.5, the ink to 1
  std::vector<std::tuple<double, double, double, double>> arrows;
  for (std::size_t r = 0; r < kSide; r += 2)
    for (std::size_t c = 0; c < kSide; c += 2) {
      const std::size_t i = r * kSide + c;  // gnuplot's y runs up, the image's rows down
      arrows.emplace_back(c, kSide - 1 - r, field.along_x[i], -field.along_y[i]);
    }
  gp.send1d(arrows);
  gp << "set cbrange [0:1]\nset title 'the digit it makes'\nplot '-' using 1:2:3 with image\n";
  gp.send1d(points(distorted.row(0)));
  gp << "unset multiplot\n";
  figure.finish();
  double sum = 0, largest = 0;
  for (std::size_t i = 0; i < nn::kImagePixels; ++i) {
    const double length = std::hypot(field.along_x[i], field.along_y[i]);
    sum += length;
    largest = std::max(largest, length);
  }
  return {sum / nn::kImagePixels, largest};
}
// [field-figure]

// [timing]
// The cost of augmentation alone: the first 50,000 training images (or all there
// are) gathered in batches of 64, as training fills them, and distorted. The
// wall-clock seconds, and the processor seconds the program spent, which other
// programs on a shared machine do not inflate as much.
struct Cost {
  double seconds = 0, processor_seconds = 0;
};
Cost cost_of_augmenting(const nn::Dataset& train, const nn::AugmentSettings& settings, std::size_t images) {
  const std::size_t batch_size = 64;
  Tensor batch(batch_size, nn::kImagePixels);
  nn::Rng rng(1);
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t processor_start = std::clock();
  for (std::size_t first = 0; first < images; first += batch_size) {
    const std::size_t count = std::min(batch_size, images - first);
    const nn::TensorView x = batch.view().rows_slice(0, count);
    std::copy_n(train.images.row(first).data(), count * nn::kImagePixels, x.data());
    nn::augment(x, settings, rng);
  }
  return {nn::seconds_since(start), static_cast<double>(std::clock() - processor_start) / CLOCKS_PER_SEC};
}
// [timing]

// One variant trained at every learning rate of the grid; the rate whose run
// ends with the best validation accuracy is kept, and only its model meets the test set.
struct Trial {
  float learning_rate = 0;
  double validation_accuracy = 0;
};
struct Result {
  std::vector<Trial> trials;
  float learning_rate = 0;
  nn::History history;  // of the chosen rate's run
  nn::Evaluation validation, test;
};

// [experiment]
Result train_variant(const Variant& variant, const nn::Network& start, const nn::Dataset& train,
                     const nn::MnistParts& data, const nn::MiniBatchSettings& budget, const std::vector<float>& rates) {
  Result result;
  nn::Network best;
  for (float learning_rate : rates) {
    nn::Network network = start;  // every run from the same initial weights
    nn::MiniBatchSettings settings = budget;
    settings.learning_rate = learning_rate;
    if (variant.name != "none")
      settings.transform = [&variant](nn::TensorView images, nn::Rng& rng) {
        nn::augment(images, variant.settings, rng);  // a new distortion of every image, every epoch
      };
    nn::Progress progress(std::cout, variant.name + ", η " + figures::fixed(learning_rate, 3), budget.epochs);
    nn::History history = nn::train_mini_batch(network, train, data.validation, settings, &progress);
    if (history.empty()) break;  // Ctrl-C
    result.trials.push_back({learning_rate, history.back().validation.accuracy});
    if (result.history.empty() || history.back().validation.accuracy > result.history.back().validation.accuracy) {
      result.learning_rate = learning_rate;
      result.history = std::move(history);
      best = std::move(network);
    }
    if (nn::stop_requested()) break;
  }
  if (!result.history.empty()) {
    result.validation = result.history.back().validation;
    result.test = nn::evaluate(best, data.test);  // the chosen model only
  }
  return result;
}
// [experiment]

std::string percent(double fraction) { return figures::fixed(100 * fraction, 2); }

double seconds_per_epoch(const Result& r) { return r.history.back().seconds / static_cast<double>(r.history.size()); }

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags;
  network_flags.hidden = 256;
  // [settings-used]
  nn::AugmentSettings affine{.max_shift = 2, .max_rotation = 15, .max_scale = 0.1f, .max_shear = 0.2f};
  nn::AugmentSettings elastic{.elastic_alpha = 34, .elastic_sigma = 4};  // Simard et al.'s values
  // [settings-used]
  nn::MiniBatchSettings budget{.epochs = 10, .batch_size = 64, .seed = 1, .decay = 0.9f};
  std::uint64_t train_images = 10'000;
  std::vector<float> rates = {0.2f, 0.4f, 0.8f};
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("epochs", budget.epochs, 1, 1000, "epochs of every run")
      .count("train-images", train_images, 100, 60'000, "how many of the training images the experiment trains on")
      .positive_reals("rates", rates, 1e6, "learning rates tried for every variant (default 0.2 0.4 0.8)")
      .real("max-shift", affine.max_shift, 0, 14, "largest shift, pixels", true)
      .real("max-rotation", affine.max_rotation, 0, 180, "largest rotation, degrees", true)
      .real("max-scale", affine.max_scale, 0, 0.9, "largest change of scale, a fraction", true)
      .real("max-shear", affine.max_shear, 0, 2, "largest shear", true)
      .real("alpha", elastic.elastic_alpha, 0, 1000, "elastic α: pixels per unit of smoothed noise", true)
      .real("sigma", elastic.elastic_sigma, 0.1, 14, "elastic σ: the smoothing Gaussian's standard deviation, pixels");
  nn::add_network_flags(options, network_flags);
  return nn::run_program(argc, argv, "chapter 14, data augmentation: drawn, timed and tried", options, [&] {
    budget.seed = network_flags.seed;
    figures::Report report(flags.out_dir, "ch14", flags.check_claims);
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);
    const std::vector<Variant> variants = variants_of(affine, elastic);

    // The figures: the first training image under many draws, and one field.
    const std::span<const float> digit = data.train.images.row(0);
    draw_distortions(report, digit, variants, 10, network_flags.seed);
    const auto [mean_displacement, largest_displacement] = draw_field(report, digit, elastic, network_flags.seed);
    report.number("alpha", figures::fixed(elastic.elastic_alpha, 0));
    report.number("sigma", figures::fixed(elastic.elastic_sigma, 0));
    report.number("mean_displacement", figures::fixed(mean_displacement, 1));
    report.number("largest_displacement", figures::fixed(largest_displacement, 1));

    // Bilinear sampling spreads the edge of every stroke: count the lit pixels
    // of the first 1,000 training images before and after both distortions.
    {
      Tensor sample = nn::first_images(data.train, std::min<std::size_t>(1000, data.train.size())).images;
      auto lit_per_image = [&] {
        return static_cast<double>(std::ranges::count_if(sample.values(), [](float v) { return v != 0; })) /
               static_cast<double>(sample.rows());
      };
      const double before = lit_per_image();
      nn::Rng rng(network_flags.seed);
      nn::augment(sample, variants.back().settings, rng);
      report.number("lit_before", figures::fixed(before, 0));
      report.number("lit_after", figures::fixed(lit_per_image(), 0));
    }

    // The cost of a pass over 50,000 images, on one core and on all of them.
    const std::size_t timed_images = std::min<std::size_t>(50'000, data.train.size());
    const std::size_t cores = nn::parallel::pool().size();
    std::vector<std::vector<std::string>> cost_rows;
    std::vector<Cost> one_core;
    double all_cores_both = 0;
    for (std::size_t v = 1; v < variants.size(); ++v) {
      nn::parallel::set_threads(1);
      const Cost one = cost_of_augmenting(data.train, variants[v].settings, timed_images);
      nn::parallel::set_threads(cores);
      const Cost all = cost_of_augmenting(data.train, variants[v].settings, timed_images);
      one_core.push_back(one);
      all_cores_both = all.seconds;  // the last variant's: both distortions
      cost_rows.push_back({variants[v].name, figures::fixed(one.processor_seconds, 2), figures::fixed(one.seconds, 2),
                           figures::fixed(all.seconds, 2)});
      std::cout << "augmenting " << timed_images << " images, " << variants[v].name << ": "
                << figures::fixed(one.seconds, 2) << " s on one core (" << figures::fixed(one.processor_seconds, 2)
                << " s of processor time), " << figures::fixed(all.seconds, 2) << " s on " << cores << '\n';
    }
    report.table("cost", {"augmentation", "processor seconds, one core", "seconds, one core",
                          "seconds, " + std::to_string(cores) + " cores"},
                 cost_rows);
    double slowest = 0;
    for (const Cost& c : one_core) slowest = std::max(slowest, c.processor_seconds);
    report.number("timed_images", figures::with_thousands(timed_images));
    report.number("cores", std::to_string(cores));
    report.number("slowest_one_core", figures::fixed(slowest, 2));
    report.number("elastic_over_affine", figures::fixed(one_core[1].processor_seconds / one_core[0].processor_seconds, 1));
    report.claim("augmenting " + figures::with_thousands(timed_images) +
                     " images costs less than 0.8 s of one core's processor time, whatever the distortion",
                 slowest < 0.8, "the slowest took " + figures::fixed(slowest, 2) + " processor seconds");

    // The experiment: the same network and budget, four ways.
    const nn::Dataset train = nn::first_images(data.train, std::min<std::size_t>(train_images, data.train.size()));
    const nn::Network start = nn::make_network(network_flags, train.images.cols());
    std::vector<Result> results;
    for (const Variant& variant : variants) {
      results.push_back(train_variant(variant, start, train, data, budget, rates));
      if (nn::stop_requested())
        throw nn::Interrupted("stopped during the " + variant.name + " runs; the figures and the cost table are in " +
                              flags.out_dir.string() + ", the experiment's tables are not");
    }
    std::vector<std::vector<std::string>> rows;
    for (std::size_t v = 0; v < variants.size(); ++v) {
      const Result& r = results[v];
      rows.push_back({variants[v].name, figures::fixed(r.learning_rate, 2), figures::fixed(r.history.back().train_loss, 3),
                      percent(r.validation.accuracy), percent(r.test.accuracy), percent(1 - r.test.accuracy),
                      figures::fixed(seconds_per_epoch(r), 2)});
    }
    report.table("results", {"augmentation", "η chosen on validation", "training loss, last epoch",
                             "validation accuracy (%)", "test accuracy (%)", "test error (%)", "seconds per epoch"},
                 rows);
    std::vector<std::vector<std::string>> tuning;
    for (std::size_t v = 0; v < variants.size(); ++v)
      for (const Trial& t : results[v].trials)
        tuning.push_back({variants[v].name, figures::fixed(t.learning_rate, 2), percent(t.validation_accuracy)});
    report.table("tuning", {"augmentation", "learning rate η", "validation accuracy after the last epoch (%)"}, tuning);

    report.number("train_images", figures::with_thousands(train.size()));
    report.number("epochs", std::to_string(budget.epochs));
    report.number("batch_size", std::to_string(budget.batch_size));
    report.number("decay", figures::fixed(budget.decay, 2));
    report.number("widths", nn::widths_string(start));
    report.number("runs", std::to_string(variants.size() * rates.size()));
    for (std::size_t v = 0; v < variants.size(); ++v)
      std::cout << variants[v].name << ": η " << results[v].learning_rate << ", validation "
                << percent(results[v].validation.accuracy) << "%, test " << percent(results[v].test.accuracy) << "%\n";

    // What the prose says of the results, in words from these numbers.
    const char* keys[] = {"none", "affine", "elastic", "both"};
    auto error_of = [&](std::size_t v) { return 1 - results[v].test.accuracy; };
    for (std::size_t v = 0; v < variants.size(); ++v) {
      report.number(std::string("test_error_") + keys[v], percent(error_of(v)));
      report.number(std::string("validation_") + keys[v], percent(results[v].validation.accuracy));
      report.number(std::string("train_loss_") + keys[v], figures::fixed(results[v].history.back().train_loss, 3));
      report.number(std::string("epoch_ms_") + keys[v], figures::fixed(1000 * seconds_per_epoch(results[v]), 0));
    }
    std::size_t best = 1;  // the augmented variant chosen on validation, as a reader would choose
    for (std::size_t v = 2; v < variants.size(); ++v)
      if (results[v].validation.accuracy > results[best].validation.accuracy) best = v;
    report.number("best_variant", variants[best].name);
    report.number("best_test_error", percent(error_of(best)));
    report.number("error_cut", figures::fixed(100 * (error_of(0) - error_of(best)) / error_of(0), 0));
    double largest_augmented_error = 0, smallest_augmented_loss = 1e30;
    for (std::size_t v = 1; v < variants.size(); ++v) {
      largest_augmented_error = std::max(largest_augmented_error, error_of(v));
      smallest_augmented_loss = std::min(smallest_augmented_loss, results[v].history.back().train_loss);
    }
    bool validation_behind = true;
    for (std::size_t v = 1; v < variants.size(); ++v)
      validation_behind = validation_behind && results[v].validation.accuracy > results[0].validation.accuracy;
    report.number("validation_verdict", validation_behind ? "below that of every augmented run"
                                                          : "not below that of every augmented run");
    report.claim("every kind of augmentation lowers the test error, each by at least half a point",
                 largest_augmented_error < error_of(0) - 0.005,
                 "test error " + percent(error_of(0)) + "% without augmentation; at most " +
                     percent(largest_augmented_error) + "% with it");
    report.claim("the augmented runs end with a higher training loss than the plain one, at least twice as high",
                 smallest_augmented_loss > 2 * results[0].history.back().train_loss,
                 "training loss " + figures::fixed(results[0].history.back().train_loss, 3) + " without; at least " +
                     figures::fixed(smallest_augmented_loss, 3) + " with");
    const nn::EpochRecord& plain_end = results[0].history.back();
    report.number("validation_loss_none", figures::fixed(plain_end.validation.loss, 3));
    report.claim("without augmentation, the training loss ends far below the validation loss: under half of it",
                 plain_end.train_loss < 0.5 * plain_end.validation.loss,
                 "training loss " + figures::fixed(plain_end.train_loss, 3) + ", validation loss " +
                     figures::fixed(plain_end.validation.loss, 3));
    // The ratio of the milliseconds as the page prints them, so that a reader
    // who divides them gets the same number.
    const auto printed_ms = [&](std::size_t v) { return std::round(1000 * seconds_per_epoch(results[v])); };
    const double epoch_ratio = printed_ms(3) / std::max(1.0, printed_ms(0));
    report.number("epoch_ratio_both", figures::fixed(epoch_ratio, 1));
    report.number("epoch_time_verdict", epoch_ratio > 1.1 ? "rises" : epoch_ratio < 0.9 ? "falls" : "hardly changes");
    // The augmentation alone of one epoch's images, at the pool's size, as a share of the augmented epoch.
    const double augment_seconds = all_cores_both * static_cast<double>(train.size()) / static_cast<double>(timed_images);
    report.number("augment_share", figures::fixed(100 * augment_seconds / seconds_per_epoch(results[3]), 0));
    std::size_t at_top = 0;
    for (const Result& r : results) at_top += r.learning_rate == *std::ranges::max_element(rates);
    report.number("rates_at_top", at_top == 0 ? "none of the variants"
                                  : at_top == results.size() ? "every variant"
                                                             : std::to_string(at_top) + " of the " +
                                                                   std::to_string(results.size()) + " variants");
    report.number("largest_rate", figures::fixed(*std::ranges::max_element(rates), 2));
    report.finish();
  });
}

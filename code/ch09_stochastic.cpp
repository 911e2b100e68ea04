// Chapter 9's program: stochastic gradient descent, one image per update.
#include <algorithm>
#include <cmath>
#include <iostream>

#include <gnuplot-iostream.h>

#include "experiment.hpp"
#include "figure.hpp"
#include "stochastic.hpp"

namespace {

// [moving-average]
// The mean of the last `window` values at every point (fewer at the start).
std::vector<double> moving_average(const std::vector<float>& values, std::size_t window) {
  std::vector<double> averages(values.size());
  double sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    averages[i] = sum / static_cast<double>(std::min(i + 1, window));
  }
  return averages;
}
// [moving-average]

// The noisy losses span many decades, down to exactly 0 for an image the
// network gets right with a probability that rounds to 1. The figure's floor
// is the decade below the smallest 1% of the losses; anything lower is drawn
// on the floor. Returns the floor.
double loss_floor(const std::vector<float>& losses) {
  std::vector<float> sorted = losses;
  const std::size_t at = sorted.size() / 100;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(at), sorted.end());
  const double low = std::max(static_cast<double>(sorted[at]), 1e-12);
  return std::pow(10.0, std::floor(std::log10(low)));
}

void draw_losses(const figures::Report& report, const std::vector<float>& losses, std::size_t window, double floor) {
  const std::vector<double> smooth = moving_average(losses, window);
  // Only every 5th point is sent: 10,000 dots show the noise as well as 50,000.
  std::vector<std::pair<double, double>> noisy, averaged;
  for (std::size_t i = 0; i < losses.size(); i += 5) noisy.emplace_back(i + 1, std::max<double>(losses[i], floor));
  for (std::size_t i = 0; i < smooth.size(); i += 5) averaged.emplace_back(i + 1, smooth[i]);
  figures::Figure figure(report.figure_path("losses.png"), 760, 460);
  figure.gnuplot() << "set xlabel 'update (one training image each)'\nset ylabel 'loss of that image'\n"
                   << "set logscale y\nset format y '10^{%T}'\nset yrange [" << floor << ":30]\n"
                   << "set key outside top center horizontal\nset xrange [0:" << losses.size() << "]\n";
  // Tick labels with a thousands separator, as the book prints counts: 10,000 rather than 10000.
  // About five to ten ticks, at 1, 2 or 5 times a power of ten.
  const double raw = std::max(1.0, static_cast<double>(losses.size()) / 5);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const auto step = static_cast<std::size_t>(magnitude * (raw >= 5 * magnitude ? 5 : raw >= 2 * magnitude ? 2 : 1));
  figure.gnuplot() << "set xtics (";
  for (std::size_t x = 0; x <= losses.size(); x += step)
    figure.gnuplot() << (x ? ", " : "") << "'" << figures::with_thousands(x) << "' " << x;
  figure.gnuplot() << ")\n"
                   << "plot '-' with points pointtype 7 pointsize 0.35 linecolor rgb '#8fb3dd' notitle, "
                   << "'-' with lines linewidth 3 linecolor rgb '#e3761c' title 'moving average of the last "
                   << figures::with_thousands(window) << "', "
                   << "NaN with points pointtype 7 pointsize 1.2 linecolor rgb '#8fb3dd' "
                   << "title 'loss of each update (every 5th drawn)'\n";
  figure.gnuplot().send1d(noisy);
  figure.gnuplot().send1d(averaged);
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags;
  nn::StochasticSettings settings{.epochs = 1, .learning_rate = 0.01f, .seed = 1, .shuffle = true};
  std::size_t window = 1000;
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("epochs", settings.epochs, 1, 1000, "passes over the training images")
      .real("learning-rate", settings.learning_rate, 0, 1e6, "step size η")
      .count("window", window, 1, 1'000'000, "updates averaged in the figure's smooth curve");
  nn::add_network_flags(options, network_flags);
  return nn::run_program(argc, argv, "chapter 9, stochastic gradient descent: one image per update", options, [&] {
    settings.seed = network_flags.seed;
    figures::Report report(flags.out_dir, "ch09", flags.check_claims);
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);
    nn::Network network = nn::make_network(network_flags, data.train.images.cols());

    // [run]
    std::vector<float> losses;
    losses.reserve(settings.epochs * data.train.size());
    nn::Progress progress(std::cout, "stochastic", settings.epochs);
    const nn::History history =
        nn::train_stochastic(network, data.train, data.validation, settings, &progress, &losses);
    // [run]
    if (nn::stop_requested()) {  // Ctrl-C: keep the losses of the updates made
      if (losses.empty()) throw nn::Interrupted("stopped before the first update; nothing to keep");
      draw_losses(report, losses, std::min(window, losses.size()), loss_floor(losses));
      throw nn::Interrupted("the losses of the " + figures::with_thousands(losses.size()) + " updates made are in " +
                            report.figure_path("losses.png").string());
    }
    nn::warn_if_not_learned(history, settings.learning_rate, nn::kClasses, std::cerr);
    const nn::Evaluation test = nn::evaluate(network, data.test);
    const nn::EpochRecord& last = history.back();
    const double rate = static_cast<double>(last.updates) / last.seconds;
    std::cout << "test accuracy " << figures::fixed(100 * test.accuracy, 2) << "% after " << last.updates
              << " updates, " << figures::fixed(rate, 0) << " updates/s\n";
    report.number("epochs", std::to_string(settings.epochs));
    report.number("widths", nn::widths_string(network));
    report.number("learning_rate", figures::fixed(settings.learning_rate, 3));
    report.number("updates", figures::with_thousands(last.updates));
    report.number("seconds", figures::fixed(last.seconds, 2));
    report.number("updates_per_second", figures::with_thousands(static_cast<std::size_t>(rate)));
    report.number("microseconds_per_update", figures::fixed(1e6 / rate, 1));
    report.number("validation_accuracy", figures::fixed(100 * last.validation.accuracy, 2));
    report.number("test_accuracy", figures::fixed(100 * test.accuracy, 2));
    report.number("window", figures::with_thousands(window));
    const auto pixels = data.train.images.values();
    const auto zero_pixels = std::count(pixels.begin(), pixels.end(), 0.0f);  // rows the fused step skips
    report.number("zero_pixels", figures::fixed(100.0 * static_cast<double>(zero_pixels) / pixels.size(), 0));

    // What the figure shows, in numbers: how the losses spread, and where the average went.
    const double floor = loss_floor(losses);
    const auto below = std::count_if(losses.begin(), losses.end(), [&](float l) { return l < floor; });
    const auto above_one = std::count_if(losses.begin(), losses.end(), [](float l) { return l > 1.0f; });
    const std::size_t tail = losses.size() / 10;  // the last tenth of the updates
    const auto tail_begin = losses.end() - static_cast<long>(tail);
    const auto tiny = std::count_if(tail_begin, losses.end(), [](float l) { return l < 0.01f; });
    const std::vector<double> smooth = moving_average(losses, window);
    const double first_average = smooth[std::min(window, smooth.size()) - 1];  // over the first window
    report.number("floor", figures::scientific(floor, 0));
    report.number("below_floor", figures::fixed(100.0 * static_cast<double>(below) / losses.size(), 1));
    report.number("above_one", figures::fixed(100.0 * static_cast<double>(above_one) / losses.size(), 1));
    report.number("tail_tiny", figures::fixed(100.0 * static_cast<double>(tiny) / static_cast<double>(tail), 0));
    report.number("first_average", figures::fixed(first_average, 3));
    report.number("last_average", figures::fixed(smooth.back(), 3));
    report.claim("in the last tenth of the epoch most images (more than half) have a loss below 0.01",
                 2 * tiny > static_cast<long>(tail), figures::fixed(100.0 * tiny / static_cast<double>(tail), 0) + "%");
    std::size_t tenths_with_misses = 0;  // tenths of the epoch with at least one loss above 1
    for (std::size_t t = 0; t < 10; ++t)
      tenths_with_misses += std::any_of(losses.begin() + static_cast<long>(t * tail),
                                        losses.begin() + static_cast<long>((t + 1) * tail), [](float l) { return l > 1; });
    report.claim("a few images at every stage have a loss above 1",
                 tenths_with_misses == 10 && 100 * above_one < static_cast<long>(losses.size()) * 10,
                 figures::fixed(100.0 * static_cast<double>(above_one) / losses.size(), 1) +
                     "% of all updates; in " + std::to_string(tenths_with_misses) + " of the 10 tenths of the epoch");
    report.claim("the moving average falls over the epoch, to less than half its first value",
                 smooth.back() < first_average / 2,
                 figures::fixed(first_average, 3) + " over the first " + figures::with_thousands(window) + " updates, " +
                     figures::fixed(smooth.back(), 3) + " over the last");
    draw_losses(report, losses, window, floor);
    report.finish();
  });
}

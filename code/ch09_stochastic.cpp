// Chapter 9's program: stochastic gradient descent, one image per update.
#include <algorithm>
#include <iostream>

#include <gnuplot-iostream.h>

#include "experiment.hpp"
#include "figure.hpp"
#include "stochastic.hpp"

namespace {

//! [moving-average]
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
//! [moving-average]

void draw_losses(const figures::Report& report, const std::vector<float>& losses, std::size_t window) {
  const std::vector<double> smooth = moving_average(losses, window);
  // Every loss is drawn, but only every 5th point is sent: 10,000 dots show the noise as well as 50,000.
  std::vector<std::pair<double, double>> noisy, averaged;
  for (std::size_t i = 0; i < losses.size(); i += 5) noisy.emplace_back(i + 1, losses[i]);
  for (std::size_t i = 0; i < smooth.size(); i += 5) averaged.emplace_back(i + 1, smooth[i]);
  figures::Figure figure(report.figure_path("losses.png"), 900, 440);
  figure.gnuplot() << "set xlabel 'update (one training image each)'\nset ylabel 'loss of that image'\n"
                   << "set logscale y\nset yrange [1e-4:20]\nset key top right\n"
                   << "plot '-' with dots linecolor rgb '#9bbbe0' title 'loss of each update', "
                   << "'-' with lines linewidth 2.5 linecolor rgb '#e3761c' title 'moving average of "
                   << window << "'\n";
  figure.gnuplot().send1d(noisy);
  figure.gnuplot().send1d(averaged);
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags;
  nn::StochasticSettings settings{1, 0.01f, 1, true};
  std::size_t window = 1000;
  nn::po::options_description options("Options");
  nn::add_data_flag(options, flags);
  nn::add_out_flag(options, flags);
  nn::add_network_flags(options, network_flags);
  options.add_options()
      ("epochs", nn::po::value(&settings.epochs)->default_value(settings.epochs), "passes over the training images")
      ("learning-rate", nn::po::value(&settings.learning_rate)->default_value(settings.learning_rate), "step size η")
      ("window", nn::po::value(&window)->default_value(window), "updates averaged in the figure's smooth curve");
  return nn::run_program(argc, argv, "chapter 9, stochastic gradient descent: one image per update", options, [&] {
    nn::require_positive("learning-rate", settings.learning_rate);
    nn::require_positive("epochs", static_cast<double>(settings.epochs));
    nn::require_positive("window", static_cast<double>(window));
    settings.seed = network_flags.seed;
    figures::Report report(flags.out_dir, "ch09");
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);
    nn::Network network = nn::make_network(network_flags, data.train.images.cols());

    //! [run]
    std::vector<float> losses;
    losses.reserve(settings.epochs * data.train.size());
    nn::Progress progress(std::cout, "stochastic", settings.epochs);
    const nn::History history =
        nn::train_stochastic(network, data.train, data.validation, settings, &progress, &losses);
    //! [run]
    const nn::Evaluation test = nn::evaluate(network, data.test);
    const nn::EpochRecord& last = history.back();
    const double rate = static_cast<double>(last.updates) / last.seconds;
    std::cout << "test accuracy " << figures::fixed(100 * test.accuracy, 2) << "% after " << last.updates
              << " updates, " << figures::fixed(rate, 0) << " updates/s\n";
    report.number("epochs", std::to_string(settings.epochs));
    report.number("learning_rate", figures::fixed(settings.learning_rate, 3));
    report.number("updates", std::to_string(last.updates));
    report.number("seconds", figures::fixed(last.seconds, 2));
    report.number("updates_per_second", figures::fixed(rate, 0));
    report.number("microseconds_per_update", figures::fixed(1e6 / rate, 1));
    report.number("validation_accuracy", figures::fixed(100 * last.validation.accuracy, 2));
    report.number("test_accuracy", figures::fixed(100 * test.accuracy, 2));
    report.number("window", std::to_string(window));
    const auto pixels = data.train.images.values();
    const auto zero_pixels = std::count(pixels.begin(), pixels.end(), 0.0f);  // rows the fused step skips
    report.number("zero_pixels", figures::fixed(100.0 * static_cast<double>(zero_pixels) / pixels.size(), 0));
    draw_losses(report, losses, window);
    report.finish();
  });
}

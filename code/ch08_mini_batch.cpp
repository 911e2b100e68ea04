// Chapter 8's program: mini-batch gradient descent, and what the batch size does.
#include <iostream>

#include <gnuplot-iostream.h>

#include "experiment.hpp"
#include "figure.hpp"
#include "minibatch.hpp"

namespace {

struct SweepPoint {
  std::size_t batch_size = 0;
  nn::EpochRecord last;
};

void draw_sweep(const figures::Report& report, const std::vector<SweepPoint>& sweep, std::size_t epochs) {
  std::vector<std::pair<double, double>> loss, accuracy;
  for (const SweepPoint& p : sweep) {
    loss.emplace_back(p.batch_size, p.last.validation.loss);
    accuracy.emplace_back(p.batch_size, 100 * p.last.validation.accuracy);
  }
  figures::Figure figure(report.figure_path("batch_size.svg"));
  figure.gnuplot() << "set logscale x 2\nset xlabel 'batch size (images per update)'\n"
                   << "set ylabel 'validation loss after " << epochs << " epochs'\n"
                   << "set y2label 'validation accuracy (%)'\nset ytics nomirror\nset y2tics\nset key top center\n"
                   << "plot '-' with linespoints title 'validation loss', "
                   << "'-' axes x1y2 with linespoints title 'validation accuracy'\n";
  figure.gnuplot().send1d(loss);
  figure.gnuplot().send1d(accuracy);
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags;
  nn::MiniBatchSettings settings{2, 64, 0.1f, 1};
  std::vector<std::size_t> batch_sizes = {8, 16, 32, 64, 128, 256, 512, 1024};
  nn::po::options_description options("Options");
  nn::add_data_flag(options, flags);
  nn::add_out_flag(options, flags);
  nn::add_network_flags(options, network_flags);
  options.add_options()
      ("epochs", nn::po::value(&settings.epochs)->default_value(settings.epochs), "epochs of every run")
      ("learning-rate", nn::po::value(&settings.learning_rate)->default_value(settings.learning_rate), "step size η")
      ("batch-sizes", nn::po::value(&batch_sizes)->multitoken(), "batch sizes to compare (default 8 16 … 1024)");
  return nn::run_program(argc, argv, "chapter 8, mini-batch gradient descent and the batch size", options, [&] {
    nn::require_positive("learning-rate", settings.learning_rate);
    nn::require_positive("epochs", static_cast<double>(settings.epochs));
    for (std::size_t b : batch_sizes) nn::require_positive("batch-sizes", static_cast<double>(b));
    settings.seed = network_flags.seed;
    figures::Report report(flags.out_dir, "ch08");
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);

    //! [sweep]
    std::vector<SweepPoint> sweep;
    std::vector<std::vector<std::string>> rows;
    for (std::size_t batch_size : batch_sizes) {
      nn::Network network = nn::make_network(network_flags, data.train.images.cols());  // the same start each time
      settings.batch_size = batch_size;
      nn::Progress progress(std::cout, "batch " + std::to_string(batch_size), settings.epochs);
      const nn::History history = nn::train_mini_batch(network, data.train, data.validation, settings, &progress);
      sweep.push_back({batch_size, history.back()});
      //! [sweep]
      const nn::EpochRecord& last = history.back();
      rows.push_back({std::to_string(batch_size), std::to_string(last.updates), figures::fixed(last.validation.loss, 4),
                      figures::fixed(100 * last.validation.accuracy, 2), figures::fixed(last.seconds, 2)});
    }
    report.table("sweep", {"batch size", "updates", "validation loss", "validation accuracy (%)", "seconds"}, rows);
    const auto best = std::max_element(sweep.begin(), sweep.end(), [](const SweepPoint& a, const SweepPoint& b) {
      return a.last.validation.accuracy < b.last.validation.accuracy;
    });
    report.number("epochs", std::to_string(settings.epochs));
    report.number("learning_rate", figures::fixed(settings.learning_rate, 2));
    report.number("best_batch_size", std::to_string(best->batch_size));
    report.number("best_accuracy", figures::fixed(100 * best->last.validation.accuracy, 2));
    report.number("largest_batch_accuracy", figures::fixed(100 * sweep.back().last.validation.accuracy, 2));
    report.number("largest_batch_size", std::to_string(sweep.back().batch_size));
    draw_sweep(report, sweep, settings.epochs);
    report.finish();
  });
}

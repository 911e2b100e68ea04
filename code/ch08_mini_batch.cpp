// Chapter 8's program: mini-batch gradient descent, and what the batch size does.
#include <algorithm>
#include <iostream>

#include <gnuplot-iostream.h>

#include "experiment.hpp"
#include "figure.hpp"
#include "minibatch.hpp"

namespace {

// One batch size trained twice from the same start: once at the fixed learning
// rate, once at the rate scaled with the batch size.
struct SweepPoint {
  std::size_t batch_size = 0;
  nn::EpochRecord fixed;   // at η
  float scaled_rate = 0;   // min(cap, η · B / B_smallest)
  nn::EpochRecord scaled;  // at scaled_rate
};

void draw_sweep(const figures::Report& report, const std::vector<SweepPoint>& sweep, std::size_t epochs,
                float learning_rate) {
  std::vector<std::pair<double, double>> fixed, scaled;
  for (const SweepPoint& p : sweep) {
    fixed.emplace_back(p.batch_size, 100 * p.fixed.validation.accuracy);
    scaled.emplace_back(p.batch_size, 100 * p.scaled.validation.accuracy);
  }
  figures::Figure figure(report.figure_path("batch_size.svg"), 720, 420);
  figure.gnuplot() << "set logscale x 2\nset xlabel 'batch size B (images per update, log scale)'\n"
                   << "set ylabel 'validation accuracy after " << epochs << " epochs (%)'\nset key bottom left\n"
                   << "plot '-' with linespoints linetype 1 title 'fixed learning rate η = "
                   << figures::fixed(learning_rate, 2) << "', "
                   << "'-' with linespoints linetype 2 title 'η scaled with B, up to a cap'\n";
  figure.gnuplot().send1d(fixed);
  figure.gnuplot().send1d(scaled);
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags;
  nn::MiniBatchSettings settings{.epochs = 2, .batch_size = 64, .learning_rate = 0.1f, .seed = 1};
  float rate_cap = 0.8f;
  std::vector<std::size_t> batch_sizes = {8, 16, 32, 64, 128, 256, 512, 1024};
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("epochs", settings.epochs, 1, 10'000, "epochs of every run")
      .real("learning-rate", settings.learning_rate, 0, 1e6,
            "step size η of the fixed series, and of the smallest batch in the scaled one")
      .real("rate-cap", rate_cap, 0, 1e6, "the largest learning rate of the scaled series")
      .counts("batch-sizes", batch_sizes, 1, 60'000, "batch sizes to compare (default 8 16 … 1024)");
  nn::add_network_flags(options, network_flags);
  return nn::run_program(argc, argv, "chapter 8, mini-batch gradient descent and the batch size", options, [&] {
    std::sort(batch_sizes.begin(), batch_sizes.end());
    settings.seed = network_flags.seed;
    figures::Report report(flags.out_dir, "ch08", flags.check_claims);
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);

    // [sweep]
    // The linear scaling rule (Goyal et al. 2017): k times the batch, k times the
    // learning rate, starting from η at the smallest batch, up to a cap.
    auto scaled_rate = [&](std::size_t batch_size) {
      return std::min(rate_cap, settings.learning_rate * static_cast<float>(batch_size) /
                                    static_cast<float>(batch_sizes.front()));
    };
    auto train = [&](std::size_t batch_size, float learning_rate, const std::string& label) {
      nn::Network network = nn::make_network(network_flags, data.train.images.cols());  // the same start each time
      nn::MiniBatchSettings run = settings;
      run.batch_size = batch_size;
      run.learning_rate = learning_rate;
      nn::Progress progress(std::cout, label, settings.epochs);
      const nn::History history = nn::train_mini_batch(network, data.train, data.validation, run, &progress);
      return history.empty() ? nn::EpochRecord{} : history.back();  // empty only after Ctrl-C
    };
    std::vector<SweepPoint> sweep;
    for (std::size_t batch_size : batch_sizes) {
      const std::string batch = "batch " + std::to_string(batch_size);
      const float scaled = scaled_rate(batch_size);
      const nn::EpochRecord at_fixed = train(batch_size, settings.learning_rate, batch + ", fixed η");
      // Where the two rates agree (the smallest batch), the same run serves both series.
      const nn::EpochRecord at_scaled =
          scaled == settings.learning_rate ? at_fixed : train(batch_size, scaled, batch + ", scaled η");
      if (nn::stop_requested()) break;  // Ctrl-C: this batch size's runs were cut short
      sweep.push_back({batch_size, at_fixed, scaled, at_scaled});
    }
    // [sweep]
    if (nn::stop_requested()) {
      if (sweep.empty()) throw nn::Interrupted("stopped before the first batch size was done; nothing to keep");
      draw_sweep(report, sweep, settings.epochs, settings.learning_rate);
      throw nn::Interrupted("the batch sizes done (" + std::to_string(sweep.size()) + ") are drawn in " +
                            report.figure_path("batch_size.svg").string());
    }
    std::vector<std::vector<std::string>> rows;
    for (const SweepPoint& p : sweep)
      rows.push_back({std::to_string(p.batch_size), figures::with_thousands(p.fixed.updates),
                      figures::fixed(100 * p.fixed.validation.accuracy, 2), figures::fixed(p.scaled_rate, 3),
                      figures::fixed(100 * p.scaled.validation.accuracy, 2), figures::fixed(p.fixed.seconds, 2)});
    report.table("sweep", {"batch size B", "updates", "validation accuracy at η fixed (%)", "scaled η",
                           "validation accuracy at η scaled (%)", "seconds (η fixed)"},
                 rows);

    auto accuracy_of = [](const nn::EpochRecord& r) { return r.validation.accuracy; };
    auto best_of = [&](auto record) {
      return *std::max_element(sweep.begin(), sweep.end(), [&](const SweepPoint& a, const SweepPoint& b) {
        return accuracy_of(record(a)) < accuracy_of(record(b));
      });
    };
    auto spread_of = [&](auto record) {  // best minus worst accuracy across the batch sizes, in points
      double lowest = 1, highest = 0;
      for (const SweepPoint& p : sweep) {
        lowest = std::min(lowest, accuracy_of(record(p)));
        highest = std::max(highest, accuracy_of(record(p)));
      }
      return 100 * (highest - lowest);
    };
    auto fixed = [](const SweepPoint& p) { return p.fixed; };
    auto scaled = [](const SweepPoint& p) { return p.scaled; };
    const SweepPoint best_fixed = best_of(fixed), best_scaled = best_of(scaled);
    const double spread_fixed = spread_of(fixed), spread_scaled = spread_of(scaled);
    std::size_t capped_from = 0;  // the smallest batch whose scaled rate is the cap
    for (const SweepPoint& p : sweep)
      if (p.scaled_rate == rate_cap && capped_from == 0) capped_from = p.batch_size;
    report.number("epochs", std::to_string(settings.epochs));
    report.number("learning_rate", figures::fixed(settings.learning_rate, 2));
    report.number("rate_cap", figures::fixed(rate_cap, 2));
    report.number("smallest_batch", std::to_string(sweep.front().batch_size));
    report.number("largest_batch_size", std::to_string(sweep.back().batch_size));
    report.number("capped_from", capped_from ? std::to_string(capped_from) : std::string("none"));
    report.number("widths", nn::widths_string(nn::make_network(network_flags, data.train.images.cols())));
    // The first batch at the cap, where the scaled rate is at its largest: how its
    // two runs compare, in words from their numbers (one run each, one seed).
    const auto at_cap = std::find_if(sweep.begin(), sweep.end(), [&](const SweepPoint& p) {
      return p.batch_size == capped_from;
    });
    if (at_cap != sweep.end()) {
      const double scaled_accuracy = 100 * at_cap->scaled.validation.accuracy;
      const double fixed_accuracy = 100 * at_cap->fixed.validation.accuracy;
      report.number("cap_scaled_accuracy", figures::fixed(scaled_accuracy, 2));
      report.number("cap_fixed_accuracy", figures::fixed(fixed_accuracy, 2));
      report.number("cap_verdict", scaled_accuracy < fixed_accuracy   ? "lower than"
                                   : scaled_accuracy > fixed_accuracy ? "higher than"
                                                                      : "the same as");
    } else {
      report.number("cap_scaled_accuracy", "–");
      report.number("cap_fixed_accuracy", "–");
      report.number("cap_verdict", "not measured against");
    }
    // The best batch size, and any other within a tenth of a point of it: one
    // seed cannot tell those apart, so the text names them together.
    std::string best_sizes;
    for (const SweepPoint& p : sweep)
      if (best_fixed.fixed.validation.accuracy - p.fixed.validation.accuracy < 0.001)
        best_sizes += (best_sizes.empty() ? "" : " and ") + std::to_string(p.batch_size);
    report.number("best_batch_size", best_sizes);
    report.number("best_accuracy", figures::fixed(100 * best_fixed.fixed.validation.accuracy, 2));
    report.number("largest_batch_accuracy", figures::fixed(100 * sweep.back().fixed.validation.accuracy, 2));
    report.number("best_scaled_batch_size", std::to_string(best_scaled.batch_size));
    report.number("best_scaled_accuracy", figures::fixed(100 * best_scaled.scaled.validation.accuracy, 2));
    report.number("largest_batch_scaled_accuracy", figures::fixed(100 * sweep.back().scaled.validation.accuracy, 2));
    report.number("spread_fixed", figures::fixed(spread_fixed, 1));
    report.number("spread_scaled", figures::fixed(spread_scaled, 1));
    report.number("spread_verdict", spread_scaled < spread_fixed ? "narrows" : "does not narrow");
    report.claim("with the learning rate scaled with the batch size, the largest batch comes much closer to the "
                 "best: the spread of accuracies across batch sizes at least halves",
                 spread_scaled < spread_fixed / 2,
                 "spread " + figures::fixed(spread_fixed, 1) + " points at a fixed η, " +
                     figures::fixed(spread_scaled, 1) + " points with η scaled");
    draw_sweep(report, sweep, settings.epochs, settings.learning_rate);
    report.finish();
  });
}

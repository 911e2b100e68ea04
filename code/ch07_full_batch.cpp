// Chapter 7's program: full-batch gradient descent on MNIST.
#include <algorithm>
#include <iostream>

#include "experiment.hpp"
#include "figure.hpp"

namespace {

// What a run at a learning rate far too large ends with: finite but useless,
// or stopped by the divergence checks.
struct Overshoot {
  double largest_train_loss = 0;   // the largest training loss of any epoch
  double final_accuracy = 0;       // validation accuracy after the last epoch
  std::size_t hidden_units = 0;    // of the first hidden layer
  std::size_t dead_units = 0;      // of those, the ReLU units that output 0 for every validation image
  std::string divergence;          // the DivergenceError's message, if the checks stopped the run
};

Overshoot overshoot(const nn::NetworkFlags& network_flags, const nn::MnistParts& data, float learning_rate,
                    std::size_t epochs) {
  nn::Network network = nn::make_network(network_flags, data.train.images.cols());
  Overshoot result;
  try {
    const nn::History history = nn::train_full_batch(network, data.train, data.validation,
                                                     {.epochs = epochs, .learning_rate = learning_rate});
    for (const nn::EpochRecord& r : history) result.largest_train_loss = std::max(result.largest_train_loss, r.train_loss);
    result.final_accuracy = history.back().validation.accuracy;
    // A dead unit: its ReLU (layer 1, after the first dense layer) outputs 0 for
    // every validation image, so it also passes back a gradient of 0 for all of them.
    network.forward(data.validation.images.view());
    const nn::ConstTensorView hidden = network.output(1);
    result.hidden_units = hidden.cols();
    for (std::size_t o = 0; o < hidden.cols(); ++o) {
      bool dead = true;
      for (std::size_t n = 0; n < hidden.rows() && dead; ++n) dead = hidden(n, o) == 0.0f;
      result.dead_units += dead;
    }
  } catch (const nn::DivergenceError& e) {
    result.divergence = e.what();
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags;
  nn::FullBatchSettings settings{.epochs = 40, .learning_rate = 0.5f};
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("epochs", settings.epochs, 1, 100'000, "epochs: one update each")
      .real("learning-rate", settings.learning_rate, 0, 1e6, "step size η");
  nn::add_network_flags(options, network_flags);
  return nn::run_program(argc, argv, "chapter 7, full-batch gradient descent on MNIST", options, [&] {
    figures::Report report(flags.out_dir, "ch07", flags.check_claims);
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);
    nn::Network network = nn::make_network(network_flags, data.train.images.cols());
    const nn::EpochRecord start = nn::initial_record(network, data.train, data.validation);

    // [run]
    nn::Progress progress(std::cout, "full batch", settings.epochs);
    const nn::History history = nn::train_full_batch(network, data.train, data.validation, settings, &progress);
    const nn::Evaluation test = nn::evaluate(network, data.test);
    // [run]
    if (nn::stop_requested()) {  // Ctrl-C: keep the curves of the epochs run
      nn::History curve{start};
      curve.insert(curve.end(), history.begin(), history.end());
      nn::draw_history(report, "curves.svg", curve);
      throw nn::Interrupted("the curves of the " + std::to_string(history.size()) + " epochs run are in " +
                            report.figure_path("curves.svg").string());
    }

    nn::warn_if_not_learned(history, settings.learning_rate, nn::kClasses, std::cerr);
    const nn::EpochRecord& last = history.back();
    std::cout << "test accuracy " << figures::fixed(100 * test.accuracy, 2) << "% after " << last.epoch
              << " updates in " << figures::fixed(last.seconds, 1) << " s\n";
    report.number("epochs", std::to_string(settings.epochs));
    report.number("learning_rate", figures::fixed(settings.learning_rate, 2));
    report.number("widths", nn::widths_string(network));
    report.number("hidden", std::to_string(network_flags.hidden));
    report.number("train_size", figures::with_thousands(data.train.size()));
    report.number("validation_size", figures::with_thousands(data.validation.size()));
    report.number("test_size", figures::with_thousands(data.test.size()));
    report.number("hidden_floats", figures::with_thousands(data.train.size() * network_flags.hidden));
    report.number("initial_loss", figures::fixed(start.train_loss, 3));
    report.number("final_loss", figures::fixed(last.train_loss, 3));
    report.number("final_validation_loss", figures::fixed(last.validation.loss, 3));
    report.number("validation_accuracy", figures::fixed(100 * last.validation.accuracy, 2));
    report.number("test_accuracy", figures::fixed(100 * test.accuracy, 2));
    report.number("seconds", figures::fixed(last.seconds, 1));
    report.number("seconds_per_epoch", figures::fixed(last.seconds / static_cast<double>(last.epoch), 2));

    // What the figure shows, in numbers: the gap between the curves, the updates
    // that raised the loss, and how the last quarter of the run went.
    std::size_t rises = 0, validation_below = 0;
    double previous = start.train_loss, widest_gap = 0;
    for (const nn::EpochRecord& r : history) {
      rises += r.train_loss > previous;
      validation_below += r.validation.loss < r.train_loss;
      previous = r.train_loss;
      widest_gap = std::max(widest_gap, std::abs(r.validation.loss - r.train_loss));
    }
    const nn::EpochRecord& three_quarters = history[history.size() * 3 / 4 - 1];
    report.number("rises", std::to_string(rises));
    report.number("validation_below", std::to_string(validation_below));
    // "at all 40 epochs", or "at 31 of the 40 epochs and at the end": where the validation loss was the lower.
    report.number("validation_below_where",
                  validation_below == history.size()
                      ? "at all " + std::to_string(history.size()) + " epochs"
                      : "at " + std::to_string(validation_below) + " of the " + std::to_string(history.size()) +
                            " epochs and at the end");
    report.number("widest_gap", figures::fixed(widest_gap, 3));
    report.number("quarter_epoch", std::to_string(three_quarters.epoch));
    report.number("quarter_accuracy", figures::fixed(100 * three_quarters.validation.accuracy, 2));
    report.number("quarter_loss", figures::fixed(three_quarters.validation.loss, 3));
    report.claim("the training loss fell to less than half its initial value", last.train_loss < start.train_loss / 2,
                 figures::fixed(start.train_loss, 3) + " before the first update, " +
                     figures::fixed(last.train_loss, 3) + " after the last");
    report.claim("the training and validation losses stay close together, within 0.1 at every epoch",
                 widest_gap < 0.1, "widest gap " + figures::fixed(widest_gap, 3));
    report.claim("at the same parameters the validation loss sits below the training loss, at the end of the run",
                 last.validation.loss < last.train_loss,
                 figures::fixed(last.validation.loss, 3) + " against " + figures::fixed(last.train_loss, 3) +
                     "; below at " + std::to_string(validation_below) + " of " + std::to_string(history.size()) +
                     " epochs");
    report.claim("the validation loss was still falling over the last quarter of the run",
                 last.validation.loss < 0.95 * three_quarters.validation.loss,
                 figures::fixed(three_quarters.validation.loss, 3) + " after epoch " +
                     std::to_string(three_quarters.epoch) + ", " + figures::fixed(last.validation.loss, 3) +
                     " after epoch " + std::to_string(last.epoch));

    nn::History curve{start};
    curve.insert(curve.end(), history.begin(), history.end());
    nn::draw_history(report, "curves.svg", curve);

    {  // The two failures of the section on divergence, run rather than told.
      const std::size_t epochs = 10;
      const Overshoot finite = overshoot(network_flags, data, 50.0f, epochs);
      report.claim("at η = 50 the loss grows by orders of magnitude yet stays finite, and the validation accuracy "
                   "ends near chance (below 20%)",
                   finite.divergence.empty() && finite.largest_train_loss > 100 * start.train_loss &&
                       finite.final_accuracy < 0.2,
                   finite.divergence.empty()
                       ? "largest training loss " + figures::scientific(finite.largest_train_loss, 1) +
                             ", final validation accuracy " + figures::fixed(100 * finite.final_accuracy, 2) + "%"
                       : "stopped: " + finite.divergence);
      const Overshoot overflow = overshoot(network_flags, data, 1e6f, epochs);
      report.claim("at η = 10⁶ a number overflows and the checks stop the run", !overflow.divergence.empty(),
                   overflow.divergence.empty() ? "the run finished" : "stopped: " + overflow.divergence.substr(0, 90) + "…");
      report.number("overshoot_loss", figures::scientific(finite.largest_train_loss, 1));
      report.number("overshoot_accuracy", figures::fixed(100 * finite.final_accuracy, 1));
      report.number("overshoot_dead", std::to_string(finite.dead_units));
      report.number("overshoot_hidden", std::to_string(finite.hidden_units));
      report.claim("after the run at η = 50, more than half of the hidden ReLU units are dead (output 0 for every "
                   "validation image)",
                   finite.dead_units * 2 > finite.hidden_units,
                   std::to_string(finite.dead_units) + " of " + std::to_string(finite.hidden_units) + " units");
    }
    report.finish();
  });
}

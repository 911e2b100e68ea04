// Chapter 7's program: full-batch gradient descent on MNIST.
#include <iostream>

#include "experiment.hpp"
#include "figure.hpp"

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags;
  nn::FullBatchSettings settings{40, 0.5f};
  nn::po::options_description options("Options");
  nn::add_data_flag(options, flags);
  nn::add_out_flag(options, flags);
  nn::add_network_flags(options, network_flags);
  options.add_options()
      ("epochs", nn::po::value(&settings.epochs)->default_value(settings.epochs), "epochs: one update each")
      ("learning-rate", nn::po::value(&settings.learning_rate)->default_value(settings.learning_rate),
       "step size η");
  return nn::run_program(argc, argv, "chapter 7, full-batch gradient descent on MNIST", options, [&] {
    nn::require_positive("learning-rate", settings.learning_rate);
    nn::require_positive("epochs", static_cast<double>(settings.epochs));
    figures::Report report(flags.out_dir, "ch07");
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);
    nn::Network network = nn::make_network(network_flags, data.train.images.cols());

    //! [run]
    nn::Progress progress(std::cout, "full batch", settings.epochs);
    const nn::History history = nn::train_full_batch(network, data.train, data.validation, settings, &progress);
    const nn::Evaluation test = nn::evaluate(network, data.test);
    //! [run]

    const nn::EpochRecord& last = history.back();
    std::cout << "test accuracy " << figures::fixed(100 * test.accuracy, 2) << "% after " << last.epoch
              << " updates in " << figures::fixed(last.seconds, 1) << " s\n";
    report.number("epochs", std::to_string(settings.epochs));
    report.number("learning_rate", figures::fixed(settings.learning_rate, 2));
    report.number("hidden", std::to_string(network_flags.hidden));
    report.number("train_size", std::to_string(data.train.size()));
    report.number("first_loss", figures::fixed(history.front().train_loss, 3));
    report.number("final_loss", figures::fixed(last.train_loss, 3));
    report.number("validation_accuracy", figures::fixed(100 * last.validation.accuracy, 2));
    report.number("test_accuracy", figures::fixed(100 * test.accuracy, 2));
    report.number("seconds", figures::fixed(last.seconds, 1));
    report.number("seconds_per_epoch", figures::fixed(last.seconds / static_cast<double>(last.epoch), 2));
    nn::draw_history(report, "curves.svg", history);
    report.finish();
  });
}

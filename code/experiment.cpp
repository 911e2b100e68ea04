#include "experiment.hpp"

#include <gnuplot-iostream.h>

#include "figure.hpp"

namespace nn {

MnistParts load_mnist_parts(const std::filesystem::path& dir, std::size_t validation_size) {
  Dataset train = load_split(dir, Split::train);
  require_validation_fits(validation_size, train.size());
  TrainValidationSplit split = split_off_validation(train, validation_size);
  return {std::move(split.train), std::move(split.validation), load_split(dir, Split::test)};
}

void add_network_flags(po::options_description& options, NetworkFlags& flags) {
  Flags(options)
      .count("hidden", flags.hidden, 1, 65'536, "width of the hidden layer")
      .choice("activation", flags.activation, {"relu", "sigmoid", "tanh"}, "activation of the hidden layer")
      .count("seed", flags.seed, 0, ~std::uint64_t{0}, "seed of the initial weights and the shuffling")
      .validation(flags.validation);
}

Network make_network(const NetworkFlags& flags, std::size_t inputs) {
  if (flags.hidden == 0) throw UsageError("--hidden must be at least 1; got 0");
  ActivationKind kind{};
  try {
    kind = parse_activation(flags.activation);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--activation: ") + e.what());
  }
  Rng rng(flags.seed);
  return make_mlp({inputs, flags.hidden, kClasses}, kind, kind == ActivationKind::relu ? Init::he : Init::xavier,
                  rng);
}

EpochRecord initial_record(Network& network, const Dataset& train, const Dataset& validation) {
  return {.epoch = 0, .updates = 0, .seconds = 0, .train_loss = evaluate(network, train).loss,
          .validation = evaluate(network, validation)};
}

std::string widths_string(const Network& network) {
  std::string widths;
  for (const Layer& layer : network.layers)
    if (const auto* dense = std::get_if<Dense>(&layer))
      widths += (widths.empty() ? std::to_string(dense->inputs()) : "") + "-" + std::to_string(dense->outputs());
  return widths;
}


void draw_history(const figures::Report& report, const std::string& name, const History& history) {
  std::vector<std::pair<double, double>> train_loss, validation_loss, accuracy;
  for (const EpochRecord& r : history) {
    train_loss.emplace_back(r.epoch, r.train_loss);
    validation_loss.emplace_back(r.epoch, r.validation.loss);
    accuracy.emplace_back(r.epoch, 100 * r.validation.accuracy);
  }
  figures::Figure figure(report.figure_path(name));
  figure.gnuplot() << "set xlabel 'epoch (one update each)'\nset ylabel 'loss (cross-entropy)'\n"
                   << "set y2label 'validation accuracy (%)'\nset ytics nomirror\nset y2tics\n"
                   << "set key center right opaque\nset yrange [0:*]\nset y2range [0:100]\n"
                   << "plot '-' with lines title 'training loss', '-' with lines title 'validation loss', "
                   << "'-' axes x1y2 with lines title 'validation accuracy'\n";
  figure.gnuplot().send1d(train_loss);
  figure.gnuplot().send1d(validation_loss);
  figure.gnuplot().send1d(accuracy);
  figure.finish();
}

}  // namespace nn

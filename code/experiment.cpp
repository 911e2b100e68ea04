#include "experiment.hpp"

#include <gnuplot-iostream.h>

#include "figure.hpp"
#include "softmax_cross_entropy.hpp"

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

Tensor tile(ConstTensorView images, std::size_t side, std::size_t per_row, std::size_t gap, std::size_t below) {
  const std::size_t rows = (images.rows() + per_row - 1) / per_row;
  Tensor picture(rows * (side + below), per_row * (side + gap));
  for (std::size_t i = 0; i < images.rows(); ++i)
    for (std::size_t r = 0; r < side; ++r)
      for (std::size_t c = 0; c < side; ++c)
        picture((i / per_row) * (side + below) + r, (i % per_row) * (side + gap) + c) = images(i, r * side + c);
  return picture;
}

void draw_picture(const std::filesystem::path& file, const Tensor& picture, int width, int height,
                  const std::string& palette, const std::string& range, const std::string& labels) {
  figures::Figure figure(file, width, height);
  figure.gnuplot() << "unset border\nunset tics\nunset grid\nunset colorbox\nset size ratio -1\n" << palette << '\n'
                   << range << "\nset xrange [-0.5:" << picture.cols() - 0.5 << "]\nset yrange [-0.5:"
                   << picture.rows() - 0.5 << "]\n" << labels << "plot '-' matrix with image\n";
  figure.send_matrix(picture);
  figure.finish();
}

// [mistakes]
std::vector<Mistake> confident_mistakes(const Network& network, const Dataset& test) {
  std::vector<Mistake> mistakes;
  Tensor probabilities;
  std::vector<Tensor> outputs;  // the layers' outputs: a const network keeps none of its own
  for (std::size_t first = 0; first < test.size(); first += 1000) {
    const std::size_t count = std::min<std::size_t>(1000, test.size() - first);
    const ConstTensorView logits = network.forward(test.images.view().rows_slice(first, count), outputs);
    probabilities.resize(count, logits.cols());
    softmax(probabilities, logits);
    for (std::size_t n = 0; n < count; ++n) {
      const auto p = probabilities.row(n);
      const auto best = static_cast<std::uint8_t>(std::max_element(p.begin(), p.end()) - p.begin());
      if (best != test.labels[first + n]) mistakes.push_back({first + n, test.labels[first + n], best, p[best]});
    }
  }
  std::sort(mistakes.begin(), mistakes.end(), [](const Mistake& a, const Mistake& b) {
    return a.confidence > b.confidence;
  });
  return mistakes;
}
// [mistakes]

void draw_mistakes(const figures::Report& report, const Dataset& test, const std::vector<Mistake>& mistakes) {
  const std::size_t shown = std::min<std::size_t>(16, mistakes.size()), per_row = 8, side = 28, gap = 6, below = 18;
  const std::size_t rows = (shown + per_row - 1) / per_row, height = rows * (side + below);
  Tensor images(shown, side * side);
  std::string labels;
  for (std::size_t i = 0; i < shown; ++i) {
    std::ranges::copy(test.images.row(mistakes[i].index), images.row(i).begin());
    // The picture's row 0 is drawn at the top, y = height − 1; the label, on two
    // lines (true → predicted, then the probability), sits in the gap under its image.
    const double x = static_cast<double>((i % per_row) * (side + gap)) + (side - 1) / 2.0;
    const double y = static_cast<double>(height) - 1.0 - static_cast<double>((i / per_row) * (side + below)) -
                     static_cast<double>(side) - static_cast<double>(below) / 2;
    labels += "set label " + std::to_string(i + 1) + " \"" + std::to_string(mistakes[i].label) + " → " +
              std::to_string(mistakes[i].predicted) + "\\n" + figures::fixed(100 * mistakes[i].confidence, 0) +
              "%\" at " + std::to_string(x) + "," + std::to_string(y) + " center front font ',11'\n";
  }
  draw_picture(report.figure_path("mistakes.png"), tile(images, side, per_row, gap, below), 720, 270,
               "set palette gray negative", "set cbrange [0:1]", labels);
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

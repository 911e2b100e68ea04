// Chapter 3's program: a dense layer worked by hand, and what the scale of the
// initial weights does to real MNIST images pushed through a stack of layers.
#include <cmath>
#include <iostream>
#include <optional>

#include <gnuplot-iostream.h>

#include "activations.hpp"
#include "dense.hpp"
#include "figure.hpp"
#include "mnist.hpp"
#include "program.hpp"
#include "report.hpp"

namespace {

using nn::ConstTensorView;
using nn::Dense;
using nn::Tensor;

void print(const std::string& name, ConstTensorView t) { nn::print(std::cout, name, t); }

//! [worked-forward]
void worked_forward(figures::Report& report) {
  Dense layer(3, 2);                          // I = 3 inputs, O = 2 outputs
  layer.weight = Tensor(3, 2, {1, 0.5f,       // W is I×O: row i holds what
                               0, 2,          // input i adds to each output
                               -1, 1});
  layer.bias = Tensor(1, 2, {0.1f, -1});
  const Tensor x(2, 3, {1, 2, 3,              // a batch of B = 2 samples
                        -1, 0, 4});
  Tensor y(2, 2);                             // B×O
  layer.forward(y, x);
  print("x", x);
  print("y = x W + b", y);
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t o = 0; o < 2; ++o)
      report.number("y" + std::to_string(b) + std::to_string(o), figures::fixed(y(b, o), 1));
}
//! [worked-forward]

// One way to draw a stack's weights: a rule of chapter 3's, or, for comparison, a
// fixed standard deviation that ignores the layer's size.
struct Scheme {
  std::string name;
  std::optional<nn::Init> init;  // empty: normal with standard deviation fixed_std
  double fixed_std = 0;
};

double standard_deviation(ConstTensorView t) {
  double sum = 0, sum_of_squares = 0;
  for (float v : t.values()) {
    sum += v;
    sum_of_squares += static_cast<double>(v) * v;
  }
  const double n = static_cast<double>(t.size()), mean = sum / n;
  return std::sqrt(std::max(0.0, sum_of_squares / n - mean * mean));
}

//! [spread]
// Pushes a batch of images through `depth` dense layers of `width` units, each
// followed by `activation`, and returns the standard deviation of every layer's
// pre-activations z = h W + b, taken over the whole B×width batch.
std::vector<double> preactivation_spread(ConstTensorView images, const Scheme& scheme, nn::ActivationKind activation,
                                         int depth, std::size_t width, nn::Rng& rng) {
  std::vector<double> spread;
  Tensor z(images.rows(), width), h(images.rows(), width);
  ConstTensorView in = images;
  for (int l = 0; l < depth; ++l) {
    Dense layer(in.cols(), width);
    if (scheme.init) {
      nn::initialise(layer, *scheme.init, rng);
    } else {
      std::normal_distribution<float> normal(0.0f, static_cast<float>(scheme.fixed_std));
      for (float& w : layer.weight.values()) w = normal(rng);
    }
    layer.forward(z, in);
    spread.push_back(standard_deviation(z));
    nn::Activation{activation}.forward(h, z);
    in = h;
  }
  return spread;
}
//! [spread]

// The mean and the mean square of every pixel of every image.
std::pair<double, double> pixel_moments(ConstTensorView images) {
  double sum = 0, sum_of_squares = 0;
  for (float v : images.values()) {
    sum += v;
    sum_of_squares += static_cast<double>(v) * v;
  }
  const double n = static_cast<double>(images.size());
  return {sum / n, sum_of_squares / n};
}

struct Run {
  std::string label;
  std::vector<double> spread;
};

void spread_figure(const figures::Report& report, const std::vector<Run>& relu, const std::vector<Run>& tanh,
                   std::size_t width, std::size_t images) {
  figures::Figure figure(report.figure_path("spread.svg"), 1000, 430);
  Gnuplot& gp = figure.gnuplot();
  gp << "set multiplot layout 1,2 title 'std of pre-activations z = h W + b, " << images << " MNIST images, layers of "
     << width << " units'\n"
     << "set logscale y\nset format y '10^{%L}'\nset xlabel 'layer'\nset ylabel 'standard deviation of z'\n"
     << "set xtics 1\nset xrange [0.7:" << relu.front().spread.size() + 0.3 << "]\nset key bottom left\n";
  for (const auto* panel : {&relu, &tanh}) {
    gp << "set title '" << (panel == &relu ? "ReLU" : "tanh") << " after every layer'\nplot ";
    for (std::size_t i = 0; i < panel->size(); ++i)
      gp << (i ? ", " : "") << "'-' with linespoints linetype " << i + 1 << " title '" << (*panel)[i].label << "'";
    gp << '\n';
    for (const Run& run : *panel) {
      std::vector<std::pair<int, double>> points;
      for (std::size_t l = 0; l < run.spread.size(); ++l) points.emplace_back(l + 1, run.spread[l]);
      gp.send1d(points);
    }
  }
  gp << "unset multiplot\n";
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  std::uint64_t seed = 1;
  int depth = 6, width = 256, image_count = 1000;
  nn::po::options_description options("Options");
  nn::add_data_flag(options, flags);
  nn::add_out_flag(options, flags);
  options.add_options()("seed", nn::po::value(&seed)->default_value(seed), "seed of the random weights")(
      "layers", nn::po::value(&depth)->default_value(depth), "dense layers in the stack")(
      "width", nn::po::value(&width)->default_value(width), "units in every layer of the stack")(
      "images", nn::po::value(&image_count)->default_value(image_count), "training images pushed through it");
  return nn::run_program(argc, argv, "chapter 3, the dense layer: a forward pass by hand, and initialisation",
                         options, [&] {
    nn::require_positive("layers", depth);
    nn::require_positive("width", width);
    nn::require_positive("images", image_count);
    if (depth > 100 || width > 4096)
      throw nn::UsageError("--layers at most 100 and --width at most 4096; got " + std::to_string(depth) + " and " +
                           std::to_string(width));
    figures::Report report(flags.out_dir, "ch03");
    worked_forward(report);

    const nn::Dataset train = nn::load_split(flags.data_dir, nn::Split::train);
    const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(image_count), train.size());
    const ConstTensorView images = train.images.view().rows_slice(0, count);
    const auto [pixel_mean, pixel_mean_square] = pixel_moments(images);
    const std::size_t units = static_cast<std::size_t>(width);
    std::cout << "\npushing " << count << " images through " << depth << " layers of " << units
              << " units; pixel mean " << figures::fixed(pixel_mean, 3) << ", mean square "
              << figures::fixed(pixel_mean_square, 3) << '\n';

    const std::vector<Scheme> schemes = {{"He", nn::Init::he}, {"Xavier", nn::Init::xavier},
                                         {"N(0, 0.01^2)", std::nullopt, 0.01}};
    std::vector<Run> relu_runs, tanh_runs;
    for (nn::ActivationKind activation : {nn::ActivationKind::relu, nn::ActivationKind::tanh})
      for (const Scheme& scheme : schemes) {
        nn::Rng rng(seed);
        Run run{scheme.name, preactivation_spread(images, scheme, activation, depth, units, rng)};
        std::cout << nn::to_string(activation) << ", " << scheme.name << ":";
        for (double s : run.spread) std::cout << ' ' << figures::scientific(s, 2);
        std::cout << '\n';
        (activation == nn::ActivationKind::relu ? relu_runs : tanh_runs).push_back(run);
      }

    std::vector<std::vector<std::string>> rows;
    for (int l = 0; l < depth; ++l) {
      std::vector<std::string> row{std::to_string(l + 1)};
      for (const auto* runs : {&relu_runs, &tanh_runs})
        for (const Run& run : *runs) row.push_back(figures::fixed(run.spread[l], 3));
      rows.push_back(row);
    }
    report.table("spread", {"layer", "ReLU, He", "ReLU, Xavier", "ReLU, N(0, 0.01²)", "tanh, He", "tanh, Xavier",
                            "tanh, N(0, 0.01²)"},
                 rows);
    spread_figure(report, relu_runs, tanh_runs, units, count);

    // The first layer sees the pixels themselves: Var z = I · Var W · E[x²].
    const double inputs = static_cast<double>(train.images.cols());
    auto predicted_first = [&](nn::Init init) {
      return std::sqrt(inputs * nn::init_variance(init, train.images.cols(), units) * pixel_mean_square);
    };
    report.number("images", std::to_string(count));
    report.number("layers", std::to_string(depth));
    report.number("width", std::to_string(units));
    report.number("pixel_mean", figures::fixed(pixel_mean, 3));
    report.number("pixel_mean_square", figures::fixed(pixel_mean_square, 3));
    report.number("he_first_predicted", figures::fixed(predicted_first(nn::Init::he), 3));
    report.number("he_first", figures::fixed(relu_runs[0].spread.front(), 3));
    report.number("xavier_first_predicted", figures::fixed(predicted_first(nn::Init::xavier), 3));
    report.number("xavier_first", figures::fixed(relu_runs[1].spread.front(), 3));
    report.number("he_relu_last", figures::fixed(relu_runs[0].spread.back(), 3));
    report.number("xavier_relu_last", figures::fixed(relu_runs[1].spread.back(), 3));
    report.number("small_relu_last", figures::scientific(relu_runs[2].spread.back(), 1));
    report.number("he_tanh_last", figures::fixed(tanh_runs[0].spread.back(), 3));
    report.number("xavier_tanh_last", figures::fixed(tanh_runs[1].spread.back(), 3));
    report.finish();
  });
}

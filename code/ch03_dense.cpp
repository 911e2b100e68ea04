// Chapter 3's program: a dense layer worked by hand, and what the scale of the
// initial weights does to real MNIST images pushed through a stack of layers.
#include <cmath>
#include <iostream>
#include <numbers>
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

// [worked-forward]
void worked_forward(figures::Report& report) {
  Dense layer(3, 2);                          // I = 3 inputs, O = 2 outputs
  layer.weight = Tensor(3, 2, {1, 0.5f,       // W is I×O: row i holds what
                               0, 2,          // input i adds to each output
                               -1, 1});
  layer.bias = Tensor(1, 2, {0.1f, -1});
  const Tensor x(2, 3, {1, 2, 3,              // a batch of B = 2 samples
                        -1, 0, 4});
  Tensor z(2, 2);                             // B×O
  layer.forward(z, x);
  print("x", x);
  print("z = x W + b", z);
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t o = 0; o < 2; ++o)
      report.number(std::string("z").append(std::to_string(n)).append(std::to_string(o)), figures::fixed(z(n, o), 1));
}
// [worked-forward]

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

// What a stack did to a batch: the standard deviation of every layer's
// pre-activations, and the last layer's pre-activations themselves (B×width).
struct StackRun {
  std::vector<double> spread;
  Tensor last_z;
};

// [spread]
// Pushes a batch of images (B×I) through `depth` dense layers of `width` units,
// each followed by `activation`, and returns the standard deviation of every
// layer's pre-activations z = x W + b, taken over the whole B×width batch.
StackRun preactivation_spread(ConstTensorView images, const Scheme& scheme, nn::ActivationKind activation,
                              std::size_t depth, std::size_t width, nn::Rng& rng) {
  StackRun run{{}, Tensor(images.rows(), width)};
  Tensor& z = run.last_z;
  Tensor a(images.rows(), width);  // the activation's output, the next layer's x
  ConstTensorView x = images;
  for (std::size_t l = 0; l < depth; ++l) {
    Dense layer(x.cols(), width);
    if (scheme.init) {
      nn::initialise(layer, *scheme.init, rng);
    } else {
      std::normal_distribution<float> normal(0.0f, static_cast<float>(scheme.fixed_std));
      for (float& w : layer.weight.values()) w = normal(rng);
    }
    layer.forward(z, x);
    run.spread.push_back(standard_deviation(z));
    nn::Activation{activation}.forward(a, z);
    x = a;
  }
  return run;
}
// [spread]

// [variance-map]
// E[g(ζ)] for a standard normal ζ, by Simpson's rule on [−10, 10], beyond which
// the normal density is below 10⁻²² and the functions here are bounded.
template <typename Function>
double normal_expectation(Function g) {
  constexpr int intervals = 2000;  // even, as Simpson's rule needs
  constexpr double from = -10.0, step = 20.0 / intervals;
  double sum = 0;
  for (int k = 0; k <= intervals; ++k) {
    const double zeta = from + k * step;
    const double simpson_weight = (k == 0 || k == intervals) ? 1 : (k % 2 == 1 ? 4 : 2);
    sum += simpson_weight * g(zeta) * std::exp(-0.5 * zeta * zeta);
  }
  return sum * step / 3 / std::sqrt(2 * std::numbers::pi);
}

// The variance a tanh layer hands on. If a layer's z is normal with variance σ²,
// its output a = tanh z has E[a²] = E[tanh²(σ ζ)], and the next layer, I inputs
// with weights of variance σ_W², gets Var z = I σ_W² E[a²]. gain = I σ_W² is 2
// under He and I · 2/(I + O) = 1 under Xavier when I = O.
double next_tanh_variance(double variance, double gain) {
  return gain * normal_expectation([variance](double zeta) {
           const double a = std::tanh(std::sqrt(variance) * zeta);
           return a * a;
         });
}

// The variance σ*² = next_tanh_variance(σ*², gain) that a deep stack settles at,
// found as the stack finds it: by applying the map again and again.
double tanh_fixed_point(double gain) {
  double variance = 1.0;
  for (int l = 0; l < 10000; ++l) {
    const double next = next_tanh_variance(variance, gain);
    if (std::abs(next - variance) < 1e-12) return next;
    variance = next;
  }
  return variance;
}
// [variance-map]

// The map's prediction for every layer of a tanh stack: layer 1 as measured, each
// later one from the one before.
std::vector<double> predicted_tanh_spread(double first_spread, double gain, std::size_t depth) {
  std::vector<double> spread{first_spread};
  while (spread.size() < depth) spread.push_back(std::sqrt(next_tanh_variance(spread.back() * spread.back(), gain)));
  return spread;
}

// The mean pixel and the mean square pixel of every image.
std::pair<double, double> pixel_moments(ConstTensorView images) {
  double sum = 0, sum_of_squares = 0;
  for (float v : images.values()) {
    sum += v;
    sum_of_squares += static_cast<double>(v) * v;
  }
  const double n = static_cast<double>(images.size());
  return {sum / n, sum_of_squares / n};
}


// A spread as the table and the prose print it: three decimals, or scientific
// notation when three decimals would show only zeros.
std::string spread_text(double spread) {
  return spread >= 0.01 ? figures::fixed(spread, 3) : figures::scientific(spread, 1);
}

struct Run {
  std::string label;
  std::vector<double> spread;
};

void spread_figure(const figures::Report& report, const std::vector<Run>& relu, const std::vector<Run>& tanh,
                   std::size_t width, std::size_t images) {
  // The two panels one above the other, each the page's width, so that their
  // labels are read at the size they are drawn.
  figures::Figure figure(report.figure_path("spread.svg"), 720, 820);
  Gnuplot& gp = figure.gnuplot();
  gp << "set multiplot layout 2,1 title 'std of the pre-activations z = x W + b, " << figures::with_thousands(images)
     << " MNIST images, layers of " << width << " units'\n"
     << "set logscale y\nset format y '10^{%L}'\nset xlabel 'layer'\nset ylabel 'standard deviation of z'\n"
     << "set xtics 1\nset xrange [0.7:" << relu.front().spread.size() + 0.3 << "]\nset key bottom left\n";
  for (const auto* panel : {&relu, &tanh}) {
    // ReLU's curves span several decades and need the log scale; tanh's He and
    // Xavier curves lie within one decade, which a linear axis shows in full
    // (the fixed 0.01's curve then lies along zero).
    if (panel == &tanh) gp << "unset logscale y\nset format y '%g'\nset yrange [0:*]\nset key top left\n";
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

// A deep tanh stack under He and Xavier, measured (points) against the variance
// map's prediction (lines), with He's fixed point.
void tanh_depth_figure(const figures::Report& report, const std::vector<Run>& measured,
                       const std::vector<Run>& predicted, double fixed_point_spread) {
  figures::Figure figure(report.figure_path("tanh_depth.svg"), 720, 440);
  Gnuplot& gp = figure.gnuplot();
  const std::size_t depth = measured.front().spread.size();
  gp << "set xlabel 'layer'\nset ylabel 'standard deviation of z'\nset yrange [0:1]\nset xrange [0:" << depth + 1
     << "]\nset key right center\n"
     << "plot " << fixed_point_spread << " with lines dashtype 2 linetype 6 title 'He fixed point, σ* = "
     << figures::fixed(fixed_point_spread, 3) << "'";
  for (std::size_t i = 0; i < measured.size(); ++i)
    gp << ", '-' with points linetype " << i + 1 << " title '" << measured[i].label << ", measured'"
       << ", '-' with lines linetype " << i + 1 << " title '" << predicted[i].label << ", the map'";
  gp << '\n';
  for (std::size_t i = 0; i < measured.size(); ++i)
    for (const Run* run : {&measured[i], &predicted[i]}) {
      std::vector<std::pair<int, double>> points;
      for (std::size_t l = 0; l < run->spread.size(); ++l) points.emplace_back(l + 1, run->spread[l]);
      gp.send1d(points);
    }
  figure.finish();
}

// The mean of tanh′(z) = 1 − tanh²z over every element of z, and the share of
// elements with |z| > 2, where tanh′ is below 0.071: saturated units.
std::pair<double, double> tanh_slope_and_saturation(ConstTensorView z) {
  double slope = 0;
  std::size_t saturated = 0;
  for (float v : z.values()) {
    const double a = std::tanh(static_cast<double>(v));
    slope += 1 - a * a;
    saturated += std::abs(v) > 2.0f;
  }
  const double n = static_cast<double>(z.size());
  return {slope / n, static_cast<double>(saturated) / n};
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  std::uint64_t seed = 1;
  std::uint64_t depth = 6, deep_depth = 50, width = 256, image_count = 1000;
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("seed", seed, 0, ~std::uint64_t{0}, "seed of the random weights")
      .count("layers", depth, 1, 100, "dense layers in the stack")
      .count("deep-layers", deep_depth, 1, 100, "dense layers in the deep tanh stack")
      .count("width", width, 1, 4096, "units in every layer of the stack")
      .count("images", image_count, 1, 60'000, "training images pushed through it");
  return nn::run_program(argc, argv, "chapter 3, the dense layer: a forward pass by hand, and initialisation",
                         options, [&] {
    figures::Report report(flags.out_dir, "ch03", flags.check_claims);
    worked_forward(report);

    const nn::Dataset train = nn::load_split(flags.data_dir, nn::Split::train);
    const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(image_count), train.size());
    const ConstTensorView images = train.images.view().rows_slice(0, count);
    const auto [pixel_mean, pixel_mean_square] = pixel_moments(images);
    const std::size_t units = static_cast<std::size_t>(width);
    std::cout << "\npushing " << count << " images through " << depth << " layers of " << units
              << " units; pixel mean " << figures::fixed(pixel_mean, 3) << ", mean square "
              << figures::fixed(pixel_mean_square, 3) << '\n';

    const Scheme he{"He", nn::Init::he}, xavier{"Xavier", nn::Init::xavier}, small{"N(0, 0.01²)", std::nullopt, 0.01};
    std::vector<Run> relu_runs, tanh_runs;
    for (nn::ActivationKind activation : {nn::ActivationKind::relu, nn::ActivationKind::tanh})
      for (const Scheme& scheme : {he, xavier, small}) {
        nn::Rng rng(seed);
        Run run{scheme.name, preactivation_spread(images, scheme, activation, depth, units, rng).spread};
        std::cout << nn::activation_name(activation) << ", " << scheme.name << ":";
        for (double s : run.spread) std::cout << ' ' << figures::scientific(s, 2);
        std::cout << '\n';
        (activation == nn::ActivationKind::relu ? relu_runs : tanh_runs).push_back(run);
      }

    std::vector<std::vector<std::string>> rows;
    for (std::size_t l = 0; l < depth; ++l) {
      std::vector<std::string> row{std::to_string(l + 1)};
      for (const auto* runs : {&relu_runs, &tanh_runs})
        for (const Run& run : *runs) row.push_back(spread_text(run.spread[l]));
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
    report.number("images", figures::with_thousands(count));
    report.number("layers", std::to_string(depth));
    report.number("width", std::to_string(units));
    report.number("pixel_mean", figures::fixed(pixel_mean, 3));
    report.number("pixel_mean_square", figures::fixed(pixel_mean_square, 3));
    report.number("he_first_predicted", figures::fixed(predicted_first(nn::Init::he), 3));
    report.number("he_first", figures::fixed(relu_runs[0].spread.front(), 3));
    report.number("xavier_first_predicted", figures::fixed(predicted_first(nn::Init::xavier), 3));
    report.number("xavier_first", figures::fixed(relu_runs[1].spread.front(), 3));
    report.number("he_relu_last", spread_text(relu_runs[0].spread.back()));
    report.number("xavier_relu_last", spread_text(relu_runs[1].spread.back()));
    report.number("small_relu_last", spread_text(relu_runs[2].spread.back()));
    report.number("he_tanh_last", spread_text(tanh_runs[0].spread.back()));
    report.number("xavier_tanh_last", spread_text(tanh_runs[1].spread.back()));
    report.number("he_weight_sd", figures::fixed(std::sqrt(nn::init_variance(nn::Init::he, units, units)), 3));
    report.number("small_shrink", figures::scientific(relu_runs[0].spread.back() / relu_runs[2].spread.back(), 0));

    // What the ReLU panel shows, checked with wide margins: He keeps the spread
    // within a factor of 2 of the first layer's; Xavier loses about 1/√2 per
    // layer; a fixed 0.01 ends a thousand times below He. (The text describes the
    // default stack; the last two need a few layers to show.)
    const double he_ratio = relu_runs[0].spread.back() / relu_runs[0].spread.front();
    report.claim("ReLU with He keeps the spread steady (within a factor of 2 of the first layer's)",
                 he_ratio > 0.5 && he_ratio < 2, "last layer / first layer = " + figures::fixed(he_ratio, 2));
    if (depth >= 4) {
      const double xavier_per_layer =
          std::pow(relu_runs[1].spread.back() / relu_runs[1].spread.front(), 1.0 / (depth - 1));
      report.claim("ReLU with Xavier loses about 1/√2 = 0.71 of the spread per layer (between 0.6 and 0.8)",
                   xavier_per_layer > 0.6 && xavier_per_layer < 0.8,
                   "factor per layer " + figures::fixed(xavier_per_layer, 2));
      report.claim("with a fixed 0.01 the ReLU signal all but vanishes (below 1/1,000 of He's)",
                   relu_runs[2].spread.back() < 1e-3 * relu_runs[0].spread.back(),
                   spread_text(relu_runs[2].spread.back()) + " against He's " +
                       spread_text(relu_runs[0].spread.back()));
    }

    // A deeper tanh stack, against the variance map.
    const double he_gain = static_cast<double>(units) * nn::init_variance(nn::Init::he, units, units);
    const double xavier_gain = static_cast<double>(units) * nn::init_variance(nn::Init::xavier, units, units);
    const double fixed_point = std::sqrt(tanh_fixed_point(he_gain));
    std::vector<Run> deep_measured, deep_predicted;
    Tensor he_last_z;
    for (const Scheme& scheme : {he, xavier}) {
      nn::Rng rng(seed);
      StackRun run = preactivation_spread(images, scheme, nn::ActivationKind::tanh, deep_depth, units, rng);
      const double gain = scheme.init == nn::Init::he ? he_gain : xavier_gain;
      deep_predicted.push_back({scheme.name, predicted_tanh_spread(run.spread.front(), gain, run.spread.size())});
      deep_measured.push_back({scheme.name, run.spread});
      if (scheme.init == nn::Init::he) he_last_z = std::move(run.last_z);
      std::cout << "tanh, " << scheme.name << ", " << deep_depth << " layers: last spread "
                << figures::fixed(run.spread.back(), 3) << ", the map predicts "
                << figures::fixed(deep_predicted.back().spread.back(), 3) << '\n';
    }
    tanh_depth_figure(report, deep_measured, deep_predicted, fixed_point);
    const auto [he_slope, he_saturated] = tanh_slope_and_saturation(he_last_z);
    const double he_deep_last = deep_measured[0].spread.back();
    const double slope_predicted = normal_expectation([&](double zeta) {
      const double a = std::tanh(fixed_point * zeta);
      return 1 - a * a;
    });
    const double xavier_deep_last = deep_measured[1].spread.back();
    const double xavier_deep_predicted = deep_predicted[1].spread.back();
    std::cout << "He fixed point: standard deviation " << figures::fixed(fixed_point, 3) << ", mean tanh' there "
              << figures::fixed(slope_predicted, 3) << "; measured at the last layer " << figures::fixed(he_slope, 3)
              << ", with " << figures::fixed(100 * he_saturated, 1) << "% of z beyond ±2\n";
    report.number("deep_layers", std::to_string(deep_depth));
    report.number("tanh_fixed_point", figures::fixed(fixed_point, 3));
    report.number("he_tanh_deep_last", figures::fixed(he_deep_last, 3));
    report.number("tanh_slope_predicted", figures::fixed(slope_predicted, 2));
    report.number("he_tanh_slope", figures::fixed(he_slope, 2));
    report.number("he_tanh_saturated", figures::fixed(100 * he_saturated, 1));
    report.number("xavier_tanh_deep_first", figures::fixed(deep_measured[1].spread.front(), 3));
    report.number("xavier_tanh_deep_last", figures::fixed(xavier_deep_last, 3));
    report.number("xavier_tanh_deep_predicted", figures::fixed(xavier_deep_predicted, 3));
    if (deep_depth >= 20) {  // the claims of the text, about a deep stack
    report.claim("a deep tanh stack under He settles at the map's fixed point (within 5%)",
                 std::abs(he_deep_last - fixed_point) < 0.05 * fixed_point,
                 "last layer " + figures::fixed(he_deep_last, 3) + ", fixed point " + figures::fixed(fixed_point, 3));
    report.claim("nothing saturates there: the mean of tanh′ in the last layer is above 0.5",
                 he_slope > 0.5,
                 "mean tanh′ " + figures::fixed(he_slope, 2) + "; " + figures::fixed(100 * he_saturated, 1) +
                     "% of z beyond ±2");
    report.claim("under Xavier the tanh stack's spread shrinks, as the map predicts (within 10%)",
                 xavier_deep_last < deep_measured[1].spread.front() &&
                     std::abs(xavier_deep_last - xavier_deep_predicted) < 0.1 * xavier_deep_predicted,
                 "first layer " + figures::fixed(deep_measured[1].spread.front(), 3) + ", last " +
                     figures::fixed(xavier_deep_last, 3) + ", the map " + figures::fixed(xavier_deep_predicted, 3));
    }
    report.finish();
  });
}

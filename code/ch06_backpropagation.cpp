// Chapter 6's program: backpropagation through a real network on real digits,
// checked tensor by tensor against finite differences in double precision; the
// network drawn as a graph; and gradients that add up until they are zeroed.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include <gnuplot-iostream.h>

#include "figure.hpp"
#include "gradient_check.hpp"
#include "mnist.hpp"
#include "network.hpp"
#include "program.hpp"
#include "report.hpp"
#include "softmax_cross_entropy.hpp"

namespace {

using nn::DoubleTensor;

DoubleTensor to_double(nn::ConstTensorView t) {
  DoubleTensor result(t.rows(), t.cols());
  std::copy(t.values().begin(), t.values().end(), result.values().begin());
  return result;
}


// How the graph draws one layer: its label, its colours (Graphviz attributes;
// empty: the default blue) and the name of the tensor it outputs. One function
// per kind of layer, so a new kind does not compile until it has a drawing.
struct Node {
  std::string label, colours, output;
};

Node node_of(const nn::Dense& dense, std::size_t& dense_index) {
  ++dense_index;
  return {.label = "Dense " + std::to_string(dense_index) + "\\nW " + nn::shape_string(dense.weight.view()) +
                   ", b 1×" + std::to_string(dense.outputs()) + "\\n" +
                   figures::with_thousands(dense.weight.size() + dense.bias.size()) + " parameters",
          .colours = "",
          .output = "z" + std::to_string(dense_index)};
}

Node node_of(const nn::Activation& activation, const std::size_t& dense_index) {
  return {.label = nn::activation_name(activation.kind),
          .colours = "fillcolor=\"#fbe3cf\", color=\"#e3761c\", fontcolor=\"#7a3a05\"",
          .output = "a" + std::to_string(dense_index)};
}

Node node_of(const nn::Dropout& dropout, const std::size_t& dense_index) {
  return {.label = "dropout r = " + figures::fixed(dropout.rate, 2),
          .colours = "fillcolor=\"#e0e0e0\", color=\"#555555\", fontcolor=\"#222222\"",
          .output = "a" + std::to_string(dense_index)};
}

// The network as Graphviz draws it: solid arrows carry the forward pass, each
// labelled with the tensor and its shape; dashed arrows carry its gradient back.
std::string network_dot(const nn::Network& network) {
  std::ostringstream dot;
  dot << "digraph network {\n  rankdir=TB; bgcolor=\"transparent\"; nodesep=0.5; ranksep=0.32;\n"
      << "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, color=\"#1f6fb4\", "
      << "fillcolor=\"#dce8f5\", fontcolor=\"#0b3d75\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=10, color=\"#1f6fb4\", fontcolor=\"#333333\"];\n"
      << "  x [label=\"images x\", shape=plaintext, style=\"\"];\n";
  std::string previous = "x", tensor = "x";
  std::size_t width = network.inputs(), dense_index = 0;
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    const std::string name = "layer" + std::to_string(l);
    const Node node = std::visit([&](const auto& kind) { return node_of(kind, dense_index); }, network.layers[l]);
    if (!node.colours.empty()) dot << "  " << name << " [" << node.colours << "];\n";
    dot << "  " << name << " [label=\"" << node.label << "\"];\n"
        << "  " << previous << " -> " << name << " [label=\"" << tensor << "  B×" << width << "\"];\n";
    if (previous != "x") dot << "  " << name << " -> " << previous << " [style=dashed, color=\"#c23b3b\", "
                              << "fontcolor=\"#c23b3b\", label=\"    d" << tensor << "\", constraint=false];\n";
    width = std::visit([&](const auto& kind) { return kind.output_width(width); }, network.layers[l]);
    tensor = node.output;
    previous = name;
  }
  dot << "  loss [label=\"softmax +\\ncross-entropy\", fillcolor=\"#dff0e1\", color=\"#2a9d3a\", "
      << "fontcolor=\"#155020\"];\n"
      << "  y [label=\"targets y\", shape=plaintext, style=\"\"];\n  L [shape=plaintext, style=\"\"];\n"
      << "  " << previous << " -> loss [label=\"logits " << tensor << "  B×" << width << "\"];\n"
      << "  loss -> " << previous << " [style=dashed, color=\"#c23b3b\", fontcolor=\"#c23b3b\", label=\"d" << tensor
      << " = (p − y)/B\", constraint=false];\n"
      << "  y -> loss;\n  loss -> L;\n}\n";
  return dot.str();
}

// Writes the graph's source beside the figure and has Graphviz's dot draw it.
void network_figure(const figures::Report& report, const nn::Network& network) {
  const std::filesystem::path source = report.figure_path("network.dot"), svg = report.figure_path("network.svg");
  {
    std::ofstream out(source);
    out << network_dot(network);
    if (!out.flush()) throw figures::FigureError(source.string() + ": cannot be written");
  }
  std::filesystem::remove(svg);
  const std::string command = "dot -Tsvg -o '" + svg.string() + "' '" + source.string() + "'";
  std::error_code error;
  if (std::system(command.c_str()) != 0 || std::filesystem::file_size(svg, error) == 0 || error)
    throw figures::FigureError(svg.string() + ": Graphviz's dot drew no figure (is graphviz installed?)");
}

// A number as a person writes it: six significant digits at most, no trailing
// zeros ("2", not "2.000000").
std::string plain(double value) {
  std::ostringstream text;
  text << std::setprecision(6) << value;
  return text.str();
}

// The smallest |z| of any pre-activation that feeds a ReLU, over the batch the
// last forward saw: a central difference whose step moves such a z by more
// than that crosses ReLU's kink, where the derivative jumps from 0 to 1.
double closest_to_kink(const nn::DoubleNetwork& network) {
  double closest = std::numeric_limits<double>::infinity();
  for (std::size_t l = 0; l + 1 < network.layers.size(); ++l) {
    const auto* activation = std::get_if<nn::DoubleActivation>(&network.layers[l + 1]);
    if (!activation || activation->kind != nn::ActivationKind::relu) continue;
    for (double z : network.output(l).values()) closest = std::min(closest, std::abs(z));
  }
  return closest;
}

// The first layer's weights checked with a coarse step, ε = 10⁻², through the
// network's weights with every hidden activation set to `kind`: through ReLU a
// step of 10⁻² can cross a kink, through tanh only the curvature adds error.
double coarse_first_layer_error(const nn::DoubleNetwork& network, nn::ActivationKind kind, nn::ConstDoubleView x,
                                nn::ConstDoubleView y) {
  nn::DoubleNetwork copy = network;
  for (auto& layer : copy.layers)
    if (auto* activation = std::get_if<nn::DoubleActivation>(&layer)) activation->kind = kind;
  return nn::check_gradients(copy, x, y, 1e-2).front().relative_error;
}

// [accumulation]
// Two backward passes of one batch without zeroing in between: every gradient
// is the sum of both, twice the gradient of one pass.
double accumulation_ratio(nn::DoubleNetwork& network, nn::ConstDoubleView x, nn::ConstDoubleView y) {
  DoubleTensor p(y.rows(), y.cols()), dlogits(y.rows(), y.cols());
  nn::softmax_cross_entropy_forward(p, network.forward(x), y);
  nn::softmax_cross_entropy_backward(dlogits, p, y);
  network.zero_gradients();
  network.backward(x, dlogits);
  const DoubleTensor once = std::get<nn::DoubleDense>(network.layers[0]).dweight;
  network.backward(x, dlogits);  // no zero_gradients(): the second pass adds on
  const DoubleTensor& twice = std::get<nn::DoubleDense>(network.layers[0]).dweight;
  double sum_once = 0, sum_twice = 0;
  for (std::size_t i = 0; i < once.size(); ++i) {
    sum_once += std::abs(once.data()[i]);
    sum_twice += std::abs(twice.data()[i]);
  }
  network.zero_gradients();
  return sum_twice / sum_once;
}
// [accumulation]

void checks_figure(const figures::Report& report, const std::vector<nn::ParameterCheck>& checks,
                   const std::string& network, std::size_t images) {
  figures::Figure figure(report.figure_path("checks.svg"), 760, 420);
  Gnuplot& gp = figure.gnuplot();
  gp << "set style fill solid 0.85 border -1\nset boxwidth 0.6\nset logscale y\nset format y '10^{%L}'\n"
     << "set yrange [1e-12:1e-4]\nset xrange [-0.6:" << checks.size() - 0.4 << "]\n"
     << "set ylabel 'relative error ‖g − g̃‖ / max(‖g‖, ‖g̃‖)'\nset key top right\n"
     << "set title '" << network << ", " << images << " MNIST images, in double'\n"
     << "plot '-' using 0:2:xtic(1) with boxes linetype 1 title 'backpropagation against central differences', "
     << "1e-6 with lines linetype 4 dashtype 2 linewidth 1.5 title 'bound in the tests, 10^{-6}'\n";
  for (const nn::ParameterCheck& check : checks) gp << '"' << check.name << "\" " << check.relative_error << '\n';
  gp << "e\n";
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  std::uint64_t seed = 1;
  std::uint64_t image_count = 4;
  double epsilon = 1e-5;
  std::string activation_name = "relu";
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("seed", seed, 0, ~std::uint64_t{0}, "seed of the random weights")
      .count("images", image_count, 1, 1000, "training images in the checked batch")
      .real("epsilon", epsilon, 0, 1, "step of the central differences")
      .choice("activation", activation_name, {"relu", "sigmoid", "tanh"}, "hidden activation");
  return nn::run_program(argc, argv, "chapter 6, backpropagation: a gradient check of a whole network on MNIST",
                         options, [&] {
    nn::ActivationKind activation;
    try {
      activation = nn::parse_activation(activation_name);
    } catch (const std::invalid_argument& e) {
      throw nn::UsageError(std::string("--") + e.what());
    }
    figures::Report report(flags.out_dir, "ch06", flags.check_claims);
    const nn::Dataset train = nn::load_split(flags.data_dir, nn::Split::train);
    const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(image_count), train.size());
    const std::vector<std::uint8_t> labels(train.labels.begin(), train.labels.begin() + static_cast<long>(count));
    const DoubleTensor x = to_double(train.images.view().rows_slice(0, count));
    const nn::Tensor targets = nn::one_hot(labels);  // named: a view of a temporary would dangle
    const DoubleTensor y = to_double(targets);
    const std::vector<std::size_t> widths = {train.images.cols(), 32, 16, nn::kClasses};

    nn::Rng rng(seed);
    const nn::Init init = activation == nn::ActivationKind::relu ? nn::Init::he : nn::Init::xavier;
    // [check-network]
    nn::Network network = nn::make_mlp(widths, activation, init, rng);
    nn::DoubleNetwork checked = nn::to_double(network);
    const auto start = std::chrono::steady_clock::now();
    const std::vector<nn::ParameterCheck> checks = nn::check_gradients(checked, x, y, epsilon);
    // [check-network]
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::string name = std::to_string(widths[0]);
    for (std::size_t i = 1; i < widths.size(); ++i) name += "-" + std::to_string(widths[i]);
    // As prose writes the activation: ReLU is an acronym, sigmoid and tanh are not.
    name += activation == nn::ActivationKind::relu ? std::string(" ReLU") : " " + nn::activation_name(activation);
    name += " network";
    std::cout << name << ", " << count << " images, " << figures::with_thousands(nn::parameter_count(network))
              << " parameters, checked in " << figures::fixed(seconds, 2) << " s:\n";
    std::vector<std::vector<std::string>> rows;
    double worst = 0;
    for (const auto& check : checks) {
      std::cout << "  " << check.name << " (" << check.count << " values): relative error "
                << figures::scientific(check.relative_error, 1) << '\n';
      rows.push_back({check.name, figures::with_thousands(check.count), figures::scientific(check.relative_error, 1)});
      worst = std::max(worst, check.relative_error);
    }
    checked.forward(x);
    const double kink_distance = closest_to_kink(checked);
    const bool has_relu = std::isfinite(kink_distance);
    if (has_relu)
      std::cout << "the ReLU pre-activation closest to the kink: |z| = " << figures::scientific(kink_distance, 1)
                << ", " << plain(kink_distance / epsilon) << " times epsilon\n";
    const double coarse_relu = coarse_first_layer_error(checked, nn::ActivationKind::relu, x, y);
    const double coarse_tanh = coarse_first_layer_error(checked, nn::ActivationKind::tanh, x, y);
    std::cout << "with epsilon 1e-2, the first layer's weights: relative error " << figures::scientific(coarse_relu, 1)
              << " through ReLU, " << figures::scientific(coarse_tanh, 1) << " through tanh\n";
    const double ratio = accumulation_ratio(checked, x, y);
    std::cout << "two backward passes without zeroing: the first layer's |dW| grows by a factor of " << plain(ratio)
              << '\n';

    report.table("checks", {"parameter tensor", "values", "relative error"}, rows);
    report.number("network", name);
    report.number("parameters", figures::with_thousands(nn::parameter_count(network)));
    report.number("images", std::to_string(count));
    report.number("epsilon", figures::scientific(epsilon, 0));
    // One significant digit, rounded up: the prose says "at most".
    const double decade = std::pow(10.0, std::floor(std::log10(worst)));
    report.number("worst_error", figures::scientific(std::ceil(worst / decade) * decade, 0));
    report.claim("every tensor's relative error is inside the tests' 10⁻⁶ bound", worst < 1e-6,
                 "worst " + figures::scientific(worst, 1));
    report.number("bound_verdict", worst < 1e-8   ? "far inside"
                                   : worst < 1e-6 ? "inside"
                                                  : "outside");
    // A step of ε moves a pre-activation by about ε times the weight or input
    // it meets; ten steps away is safely clear of the kink.
    report.number("kink_sentence",
                  !has_relu ? "This run's network has no ReLU, so it has no kink to cross."
                  : kink_distance > 10 * epsilon
                      ? "In this run the ReLU pre-activation closest to the kink is " +
                            figures::scientific(kink_distance, 1) + " away from it, more than ten steps ε: " +
                            "no step of the check should have crossed a kink (only the unperturbed " +
                            "point is examined)."
                      : "In this run a ReLU pre-activation lies " + figures::scientific(kink_distance, 1) +
                            " from the kink, within ten steps ε: a step may have crossed it, and the check " +
                            "of that layer's tensors can show a large error.");
    report.number("coarse_relu_error", figures::scientific(coarse_relu, 0));
    report.claim("with ε = 10⁻², the check through ReLU is off by more than ten times the check through tanh",
                 coarse_relu > 10 * coarse_tanh,
                 figures::scientific(coarse_relu, 1) + " through ReLU, " + figures::scientific(coarse_tanh, 1) +
                     " through tanh");
    report.number("coarse_tanh_error", figures::scientific(coarse_tanh, 0));
    report.number("coarse_verdict", coarse_relu > 100 * coarse_tanh
                                        ? "consistent with the kinks, not the step's truncation, making nearly all of that error"
                                        : "here the kinks add little to the step's truncation error");
    report.number("check_seconds", figures::fixed(seconds, 1));
    report.number("accumulation_ratio", plain(ratio));
    report.claim("two backward passes without zeroing double the gradient", std::abs(ratio - 2) < 1e-12,
                 "the first layer's ‖dW‖₁ grew by a factor of " + plain(ratio));
    checks_figure(report, checks, name, count);
    network_figure(report, network);
    report.finish();
  });
}

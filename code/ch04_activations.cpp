// Chapter 4's program: ReLU, sigmoid and tanh with their derivatives, checked
// against finite differences, and what the textbook formulas do at large |x|.
#include <cmath>
#include <functional>
#include <iomanip>
#include <iostream>

#include <gnuplot-iostream.h>

#include "activations.hpp"
#include "figure.hpp"
#include "program.hpp"
#include "report.hpp"

namespace {

// One activation, as the library computes it: the function and its derivative,
// the derivative taken from the function's output as the backward pass will.
struct Curve {
  std::string name;
  std::function<double(double)> f;
  std::function<double(double)> derivative_from_output;
};

const std::vector<Curve>& curves() {
  static const std::vector<Curve> all = {
      {"ReLU", nn::relu<double>, nn::relu_derivative_from_output<double>},
      {"sigmoid", nn::sigmoid<double>, nn::sigmoid_derivative_from_output<double>},
      {"tanh", nn::tanh_activation<double>, nn::tanh_derivative_from_output<double>},
  };
  return all;
}

void print_table(const std::vector<double>& xs) {
  std::cout << "     x" << std::setw(12) << "ReLU" << std::setw(8) << "ReLU'" << std::setw(12) << "sigmoid"
            << std::setw(10) << "sigmoid'" << std::setw(10) << "tanh" << std::setw(10) << "tanh'\n";
  std::cout << std::fixed << std::setprecision(4);
  for (double x : xs) {
    std::cout << std::setw(6) << std::setprecision(1) << x << std::setprecision(4);
    for (const Curve& curve : curves()) {
      const double y = curve.f(x);
      std::cout << std::setw(10) << y << std::setw(10) << curve.derivative_from_output(y);
    }
    std::cout << '\n';
  }
  std::cout << std::defaultfloat;
}

// The largest difference between each derivative and the central difference
// (f(x + h) − f(x − h)) / 2h on a grid that skips ReLU's kink at 0.
double worst_derivative_error(const Curve& curve) {
  const double h = 1e-5;
  double worst = 0;
  for (double x = -6.05; x <= 6.0; x += 0.1) {
    const double numerical = (curve.f(x + h) - curve.f(x - h)) / (2 * h);
    worst = std::max(worst, std::abs(curve.derivative_from_output(curve.f(x)) - numerical));
  }
  return worst;
}

//! [naive-formulas]
// The textbook formulas, written as they read. For x above about 89 the float
// e^x overflows to infinity, and ∞/∞ is NaN.
float naive_sigmoid(float x) { return std::exp(x) / (1.0f + std::exp(x)); }
float naive_tanh(float x) { return (std::exp(x) - std::exp(-x)) / (std::exp(x) + std::exp(-x)); }
//! [naive-formulas]

std::string show(float value) { return std::isnan(value) ? "NaN" : figures::fixed(value, 4); }

void overflow_demo(figures::Report& report) {
  std::cout << "\nat large |x|, in float:\n";
  for (float x : {-100.0f, 100.0f}) {
    std::cout << "  x = " << x << ": e^x/(1+e^x) = " << show(naive_sigmoid(x)) << ", sigmoid = "
              << show(nn::sigmoid(x)) << "; (e^x-e^-x)/(e^x+e^-x) = " << show(naive_tanh(x))
              << ", tanh = " << show(nn::tanh_activation(x)) << '\n';
  }
  report.number("naive_sigmoid_100", show(naive_sigmoid(100.0f)));
  report.number("sigmoid_100", show(nn::sigmoid(100.0f)));
  report.number("sigmoid_minus_100", figures::scientific(nn::sigmoid(-100.0f), 1));
  report.number("naive_tanh_100", show(naive_tanh(100.0f)));
  report.number("tanh_100", show(nn::tanh_activation(100.0f)));
}

void functions_figure(const figures::Report& report, double range) {
  figures::Figure figure(report.figure_path("functions.svg"), 1080, 380);
  Gnuplot& gp = figure.gnuplot();
  gp << "set multiplot layout 1,3\nset xlabel 'x'\nset key top left\nset xzeroaxis linecolor rgb '#999999'\n"
     << "set yzeroaxis linecolor rgb '#999999'\nset xrange [" << -range << ":" << range << "]\n";
  for (const Curve& curve : curves()) {
    std::vector<std::pair<double, double>> values, derivatives;
    for (int i = 0; i <= 400; ++i) {
      const double x = -range + 2 * range * i / 400.0;
      const double y = curve.f(x);
      values.emplace_back(x, y);
      derivatives.emplace_back(x, curve.derivative_from_output(y));
    }
    gp << "set title '" << curve.name << "'\n"
       << (curve.name == "ReLU" ? "set yrange [-0.5:" + std::to_string(range) + "]\n" : "set yrange [-1.1:1.1]\n")
       << "plot '-' with lines linetype 1 title 'f(x)', '-' with lines linetype 2 dashtype 2 title \"f'(x)\"\n";
    gp.send1d(values);
    gp.send1d(derivatives);
  }
  gp << "unset multiplot\n";
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  double range = 5;
  nn::po::options_description options("Options");
  nn::add_out_flag(options, flags);
  options.add_options()("range", nn::po::value(&range)->default_value(range), "plot x from -range to range");
  return nn::run_program(argc, argv, "chapter 4, activations: ReLU, sigmoid and tanh with their derivatives",
                         options, [&] {
    nn::require_positive("range", range);
    figures::Report report(flags.out_dir, "ch04");
    print_table({-2, -0.5, 0, 0.5, 2});

    std::cout << "\nlargest |derivative - central difference| on [-6, 6]:\n";
    for (const Curve& curve : curves()) {
      const double error = worst_derivative_error(curve);
      std::cout << "  " << curve.name << ": " << figures::scientific(error, 1) << '\n';
      std::string key = curve.name;
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      report.number(key + "_derivative_error", figures::scientific(error, 1));
    }
    overflow_demo(report);
    functions_figure(report, range);
    report.finish();
  });
}

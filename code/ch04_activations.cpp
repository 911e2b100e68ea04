// Chapter 4's program: ReLU, sigmoid and tanh with their derivatives, checked
// against finite differences; what one hidden layer of sigmoids can draw that no
// stack of linear layers can; how each way of writing the sigmoid and tanh
// fares in float; and where He-initialised tanh layers settle.
#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <iostream>
#include <numbers>
#include <sstream>
#include <string>
#include <utility>

#include <gnuplot-iostream.h>

#include "activations.hpp"
#include "dense.hpp"
#include "figure.hpp"
#include "program.hpp"
#include "report.hpp"

namespace {

// One activation, as the library computes it: a = f(z), and its derivative f′
// taken from the output a, as the backward pass will.
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


// A number as a person writes it: up to four significant digits, no trailing
// zeros, powers of ten for the very small and the very large.

std::string plain(double value) {
  if (std::isnan(value)) return "NaN";
  if (value == 0 || std::isinf(value) || (std::abs(value) >= 1e-3 && std::abs(value) < 1e4)) {
    std::ostringstream text;
    text << std::setprecision(4) << value;
    if (std::isinf(value)) return value > 0 ? "∞" : "−∞";
    return figures::with_minus_sign(text.str());
  }
  return figures::scientific(value, 2);
}

void print_table(const std::vector<double>& zs) {
  std::cout << "     z" << std::setw(12) << "ReLU" << std::setw(8) << "ReLU'" << std::setw(12) << "sigmoid"
            << std::setw(10) << "sigmoid'" << std::setw(10) << "tanh" << std::setw(10) << "tanh'\n";
  std::cout << std::fixed << std::setprecision(4);
  for (double z : zs) {
    std::cout << std::setw(6) << std::setprecision(1) << z << std::setprecision(4);
    for (const Curve& curve : curves()) {
      const double a = curve.f(z);
      std::cout << std::setw(10) << a << std::setw(10) << curve.derivative_from_output(a);
    }
    std::cout << '\n';
  }
  std::cout << std::defaultfloat;
}

// The largest difference between each derivative and the central difference
// (f(z + h) − f(z − h)) / 2h on a grid that skips ReLU's kink at 0.
double worst_derivative_error(const Curve& curve) {
  const double h = 1e-5;
  double worst = 0;
  for (double z = -6.05; z <= 6.0; z += 0.1) {
    const double numerical = (curve.f(z + h) - curve.f(z - h)) / (2 * h);
    worst = std::max(worst, std::abs(curve.derivative_from_output(curve.f(z)) - numerical));
  }
  return worst;
}

void derivative_checks(figures::Report& report) {
  std::cout << "\nlargest |derivative - central difference| on [-6, 6]:\n";
  double worst = 0;
  for (const Curve& curve : curves()) {
    const double error = worst_derivative_error(curve);
    std::cout << "  " << curve.name << ": " << figures::scientific(error, 1) << '\n';
    std::string key = curve.name;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    report.number(key + "_derivative_error", figures::scientific(error, 1));
    worst = std::max(worst, error);
  }
  report.claim("the three derivatives, written from the output, are right", worst < 1e-8,
               "largest difference from a central difference " + figures::scientific(worst, 1));
}

// Where the derivative of the sigmoid and of tanh falls below 1% of its peak
// (¼ and 1): beyond it a unit is saturated. tanh′(z) = 4σ′(2z), so tanh's point
// is the sigmoid's halved.
double flat_beyond(const Curve& curve, double peak) {
  double z = 0;
  while (curve.derivative_from_output(curve.f(z)) > 0.01 * peak) z += 1e-4;
  return z;
}

void saturation(figures::Report& report) {
  const double sigmoid_flat = flat_beyond(curves()[1], 0.25), tanh_flat = flat_beyond(curves()[2], 1.0);
  std::cout << "\nthe derivative falls below 1% of its peak beyond |z| = " << figures::fixed(sigmoid_flat, 2)
            << " (sigmoid) and " << figures::fixed(tanh_flat, 2) << " (tanh)\n";
  report.number("sigmoid_flat", figures::fixed(sigmoid_flat, 1));
  report.number("tanh_flat", figures::fixed(tanh_flat, 1));
  report.claim("tanh′ is half as wide as σ′", std::abs(sigmoid_flat / tanh_flat - 2) < 0.01,
               "1% points " + figures::fixed(sigmoid_flat, 2) + " and " + figures::fixed(tanh_flat, 2));
}

// [naive-formulas]
// Other ways to write the sigmoid and tanh, each correct on paper, in float.
float sigmoid_as_displayed(float z) { return 1.0f / (1.0f + std::exp(-z)); }
float sigmoid_multiplied_through(float z) { return std::exp(z) / (1.0f + std::exp(z)); }
// σ(z) = ½ (1 + tanh(z/2))
float sigmoid_from_tanh(float z) { return 0.5f * (1.0f + std::tanh(z / 2)); }

float tanh_as_displayed(float z) {
  return (std::exp(z) - std::exp(-z)) / (std::exp(z) + std::exp(-z));
}
// tanh z = 2σ(2z) − 1
float tanh_from_sigmoid(float z) { return 2.0f * nn::sigmoid(2.0f * z) - 1.0f; }
// [naive-formulas]

struct Form {
  std::string name;
  std::function<float(float)> f;
};

// One table row per form, one column per z; a cell is in bold where the form is
// more than 0.1% away from the exact value (computed in double, rounded to float).
struct FormsTable {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<bool>> wrong;  // [form][column]
};

FormsTable forms_table(const std::vector<Form>& forms, const std::vector<float>& zs,
                       const std::function<double(double)>& exact) {
  FormsTable table;
  for (const Form& form : forms) {
    std::vector<std::string> row{form.name};
    std::vector<bool> wrong;
    for (float z : zs) {
      const float value = form.f(z), truth = static_cast<float>(exact(z));
      const bool off = !(std::abs(value - truth) <= 1e-3f * std::abs(truth));
      row.push_back(off ? "**" + plain(value) + "**" : plain(value));
      wrong.push_back(off);
    }
    table.rows.push_back(row);
    table.wrong.push_back(wrong);
  }
  std::vector<std::string> truth_row{"exact, rounded to float"};
  for (float z : zs) truth_row.push_back(plain(static_cast<float>(exact(z))));
  table.rows.push_back(truth_row);
  return table;
}

std::vector<std::string> header_for(const std::vector<float>& zs) {
  std::vector<std::string> header{"form"};
  for (float z : zs)  // 1×10⁻⁸ rather than 1.00×10⁻⁸: the columns are narrow
    header.push_back("z = " + (std::abs(z) < 1e-3f ? figures::scientific(z, 0) : plain(z)));
  return header;
}

// The table on the terminal: one line per form, cells apart by " | ".
void print_forms(const std::string& title, const std::vector<std::string>& header, const FormsTable& table) {
  std::cout << '\n' << title << " in float (*: more than 0.1% off):\n";
  std::vector<std::vector<std::string>> lines{header};
  lines.insert(lines.end(), table.rows.begin(), table.rows.end());
  for (const auto& cells : lines) {
    std::cout << ' ';
    for (std::string cell : cells) {
      std::erase(cell, '`');
      if (cell.starts_with("**")) cell = cell.substr(2, cell.size() - 4) + "*";
      std::cout << ' ' << cell << " |";
    }
    std::cout << '\n';
  }
}

void forms_of_the_formulas(figures::Report& report) {
  const std::vector<float> sigmoid_zs = {-100, -20, -1, 20, 100};
  const std::vector<Form> sigmoid_forms = {
      {"`1 / (1 + exp(-z))`", sigmoid_as_displayed},
      {"`exp(z) / (1 + exp(z))`", sigmoid_multiplied_through},
      {"`0.5 * (1 + tanh(z / 2))`", sigmoid_from_tanh},
      {"`nn::sigmoid(z)`, two branches", [](float z) { return nn::sigmoid(z); }},
  };
  const auto exact_sigmoid = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };  // in double: exact here
  const FormsTable sigmoids = forms_table(sigmoid_forms, sigmoid_zs, exact_sigmoid);
  print_forms("sigmoid", header_for(sigmoid_zs), sigmoids);
  report.table("sigmoid_forms", header_for(sigmoid_zs), sigmoids.rows);

  const std::vector<float> tanh_zs = {1e-8f, 1e-6f, 1, 100};
  const std::vector<Form> tanh_forms = {
      {"`(exp(z) - exp(-z)) / (exp(z) + exp(-z))`", tanh_as_displayed},
      {"`2 * sigmoid(2 * z) - 1`", tanh_from_sigmoid},
      {"`std::tanh(z)`", [](float z) { return nn::tanh_activation(z); }},
  };
  const FormsTable tanhs = forms_table(tanh_forms, tanh_zs, [](double z) { return std::tanh(z); });
  print_forms("tanh", header_for(tanh_zs), tanhs);
  report.table("tanh_forms", header_for(tanh_zs), tanhs.rows);

  // What the text says of each form, checked on a fine grid over [−200, 200] and in the tables.
  bool displayed_finite = true, library_finite = true;
  for (float z = -200; z <= 200; z += 0.25f) {
    displayed_finite = displayed_finite && std::isfinite(sigmoid_as_displayed(z));
    library_finite = library_finite && std::isfinite(nn::sigmoid(z)) && std::isfinite(nn::tanh_activation(z));
  }
  report.claim("the sigmoid as displayed never gives NaN", displayed_finite, "finite on [−200, 200], step 0.25");
  report.claim("the displayed sigmoid gives 0 at z = −100, where the library keeps the tiny true value",
               sigmoid_as_displayed(-100) == 0 && nn::sigmoid(-100.0f) > 0,
               "σ(−100) = " + plain(sigmoid_as_displayed(-100)) + " as displayed, " + plain(nn::sigmoid(-100.0f)) +
                   " by the library");
  report.claim("eᶻ/(1 + eᶻ) is NaN at z = 100", std::isnan(sigmoid_multiplied_through(100)),
               "it gave " + plain(sigmoid_multiplied_through(100)));
  report.claim("½(1+tanh(z/2)) loses σ(−20) entirely", sigmoid_from_tanh(-20) == 0,
               "it gave " + plain(sigmoid_from_tanh(-20)) + " for " + plain(exact_sigmoid(-20)));
  report.claim("the displayed tanh is NaN at z = 100 and 2σ(2z) − 1 is 0 at z = 10⁻⁸",
               std::isnan(tanh_as_displayed(100)) && tanh_from_sigmoid(1e-8f) == 0,
               "they gave " + plain(tanh_as_displayed(100)) + " and " + plain(tanh_from_sigmoid(1e-8f)));
  bool library_right = library_finite;
  for (bool off : sigmoids.wrong.back()) library_right = library_right && !off;
  for (bool off : tanhs.wrong.back()) library_right = library_right && !off;
  report.claim("the library's sigmoid and tanh are right in every column, and finite everywhere", library_right,
               "within 0.1% of the exact value in both tables; finite on [−200, 200]");
  report.number("sigmoid_minus_100", plain(nn::sigmoid(-100.0f)));
}

// E[g(σ ξ)] for a standard normal ξ, by the trapezoid rule on [−10, 10].
double normal_mean(const std::function<double(double)>& g, double sigma) {
  const int steps = 4000;
  const double h = 20.0 / steps;
  double sum = 0;
  for (int i = 0; i <= steps; ++i) {
    const double xi = -10 + h * i;
    const double weight = (i == 0 || i == steps ? 0.5 : 1.0) * std::exp(-xi * xi / 2) / std::sqrt(2 * std::numbers::pi);
    sum += weight * g(sigma * xi);
  }
  return sum * h;
}

// He weights (variance 2/I) into a tanh layer of I units: the next layer's
// pre-activation z' = Σᵢ aᵢ Wᵢₒ has variance I · (2/I) · E[a²] = 2 E[tanh²(z)].
// Iterated from one layer to the next, the variance of z settles where
// σ² = 2 E[tanh²(σ ξ)].
void he_tanh_fixed_point(figures::Report& report, double tanh_flat) {
  double variance = 1;
  for (int layer = 0; layer < 200; ++layer)
    variance = 2 * normal_mean([](double z) { return std::tanh(z) * std::tanh(z); }, std::sqrt(variance));
  const double spread = std::sqrt(variance);
  const double mean_slope = normal_mean([](double z) { return 1 - std::tanh(z) * std::tanh(z); }, spread);
  const double saturated = std::erfc(tanh_flat / spread / std::sqrt(2.0));  // P(|z| > tanh_flat)
  const double gradient_growth =
      2 * normal_mean([](double z) { return std::pow(1 - std::tanh(z) * std::tanh(z), 2); }, spread);
  std::cout << "\nHe weights into tanh layers: the spread of z settles at " << figures::fixed(spread, 3)
            << "; there the mean of tanh' is " << figures::fixed(mean_slope, 3) << ", "
            << figures::fixed(100 * saturated, 3) << "% of the units are beyond |z| = "
            << figures::fixed(tanh_flat, 2) << ", and the backward pass multiplies a gradient's variance by "
            << figures::fixed(gradient_growth, 2) << " per layer\n";
  report.number("he_tanh_spread", figures::fixed(spread, 2));
  report.number("he_tanh_mean_slope", figures::fixed(mean_slope, 2));
  report.number("he_tanh_saturated", figures::fixed(100 * saturated, 2) + "%");
  report.number("he_tanh_gradient_growth", figures::fixed(gradient_growth, 2));
  report.claim("He-initialised tanh layers do not saturate", mean_slope > 0.5 && saturated < 0.01,
               "spread " + figures::fixed(spread, 3) + ", mean tanh′ " + figures::fixed(mean_slope, 3) + ", " +
                   figures::fixed(100 * saturated, 3) + "% beyond the 1% point");
  report.claim("there, a gradient's variance changes by less than a quarter per layer",
               std::abs(gradient_growth - 1) < 0.25, "factor " + figures::fixed(gradient_growth, 3));
}

// [sum-of-steps]
// One hidden layer of sigmoids with weights set by hand: hidden unit j is a
// steep step up where the input x passes (j + 1)/T, and the output layer gives
// it the height of that step, so the network draws a staircase of T = hidden + 1
// treads through the curve g (Nielsen, Neural Networks and Deep Learning,
// chapter 4). x is B×1, one input per sample; so is the output.
nn::Tensor staircase_network(const std::function<double(double)>& g, std::size_t hidden,
                             nn::ConstTensorView x) {
  const double treads = static_cast<double>(hidden + 1);
  const double steepness = 30 * treads;  // each step rises over a fifth of a tread
  auto tread_height = [&](std::size_t j) { return g((static_cast<double>(j) + 0.5) / treads); };
  nn::Dense steps(1, hidden), heights(hidden, 1);
  for (std::size_t j = 0; j < hidden; ++j) {
    const double position = static_cast<double>(j + 1) / treads;
    // z_j = steepness · (x − position): a step up where x passes position
    steps.weight(0, j) = static_cast<float>(steepness);
    steps.bias(0, j) = static_cast<float>(-steepness * position);
    heights.weight(j, 0) = static_cast<float>(tread_height(j + 1) - tread_height(j));
  }
  heights.bias(0, 0) = static_cast<float>(tread_height(0));
  nn::Tensor z(x.rows(), hidden), a(x.rows(), hidden), out(x.rows(), 1);
  steps.forward(z, x);
  nn::Activation{nn::ActivationKind::sigmoid}.forward(a, z);
  heights.forward(out, a);
  return out;
}
// [sum-of-steps]

void staircase_figure(figures::Report& report) {
  const auto g = [](double x) { return 0.2 + 0.4 * x * x + 0.3 * x * std::sin(15 * x); };  // Nielsen's curve
  const std::size_t points = 801;
  nn::Tensor x(points, 1);
  for (std::size_t n = 0; n < points; ++n) x(n, 0) = static_cast<float>(n) / static_cast<float>(points - 1);

  // Without the activation, any stack of dense layers is one: out = x W + b, a
  // straight line. The best one here is the one whose largest distance from the
  // curve is smallest (the minimax line), so that it stands for all of them. For
  // a slope s the best intercept puts the line midway between the largest and
  // smallest of r_n = g(x_n) − s·x_n, at distance (max r − min r)/2; that
  // distance is convex in s, so a ternary search on s finds its minimum.
  auto residual_range = [&](double s) {
    double low = g(x(0, 0)) - s * x(0, 0), high = low;
    for (std::size_t n = 1; n < points; ++n) {
      const double r = g(x(n, 0)) - s * x(n, 0);
      low = std::min(low, r), high = std::max(high, r);
    }
    return std::pair{low, high};
  };
  auto line_distance = [&](double s) {
    const auto [low, high] = residual_range(s);
    return (high - low) / 2;
  };
  double slope_low = -10, slope_high = 10;
  for (int iteration = 0; iteration < 200; ++iteration) {
    const double left = slope_low + (slope_high - slope_low) / 3, right = slope_high - (slope_high - slope_low) / 3;
    if (line_distance(left) < line_distance(right))
      slope_high = right;
    else
      slope_low = left;
  }
  const double slope = (slope_low + slope_high) / 2;
  const auto [residual_low, residual_high] = residual_range(slope);
  const double intercept = (residual_low + residual_high) / 2;
  auto line = [&](double v) { return intercept + slope * v; };

  const std::vector<std::size_t> widths = {8, 32};
  std::vector<nn::Tensor> outputs;
  for (std::size_t hidden : widths) outputs.push_back(staircase_network(g, hidden, x));
  auto worst = [&](const std::function<double(std::size_t)>& approximation) {
    double error = 0;
    for (std::size_t n = 0; n < points; ++n) error = std::max(error, std::abs(approximation(n) - g(x(n, 0))));
    return error;
  };
  const double line_error = worst([&](std::size_t n) { return line(x(n, 0)); });
  std::vector<double> errors;
  for (const nn::Tensor& out : outputs) errors.push_back(worst([&](std::size_t n) { return out(n, 0); }));
  std::cout << "\nlargest distance from the curve: best straight line " << figures::fixed(line_error, 3);
  for (std::size_t i = 0; i < widths.size(); ++i)
    std::cout << ", " << widths[i] << " sigmoids " << figures::fixed(errors[i], 3);
  std::cout << '\n';
  report.number("line_error", figures::fixed(line_error, 2));
  report.number("few_units", std::to_string(widths[0]));
  report.number("many_units", std::to_string(widths[1]));
  report.number("few_units_error", figures::fixed(errors[0], 2));
  report.number("many_units_error", figures::fixed(errors[1], 2));
  report.claim("more hidden sigmoids draw the curve more closely, and both beat every straight line",
               errors[1] < errors[0] && errors[0] < line_error,
               "largest distance " + figures::fixed(errors[1], 3) + " with " + std::to_string(widths[1]) + ", " +
                   figures::fixed(errors[0], 3) + " with " + std::to_string(widths[0]) + ", " +
                   figures::fixed(line_error, 3) + " for the best line (the minimax line)");

  std::vector<std::pair<double, double>> curve, best_line, few, many;
  for (std::size_t n = 0; n < points; ++n) {
    curve.emplace_back(x(n, 0), g(x(n, 0)));
    best_line.emplace_back(x(n, 0), line(x(n, 0)));
    few.emplace_back(x(n, 0), outputs[0](n, 0));
    many.emplace_back(x(n, 0), outputs[1](n, 0));
  }
  figures::Figure figure(report.figure_path("staircase.svg"), 760, 440);
  figure.gnuplot() << "set xlabel 'network input x'\nset ylabel 'network output'\nset key top left\n"
                   << "set xrange [0:1]\nset yrange [0:1]\n"
                   << "plot '-' with lines linetype 6 linewidth 5 title 'the curve to draw', "
                   << "'-' with lines linetype 4 dashtype 2 title 'best straight line (any linear stack)', "
                   << "'-' with lines linetype 2 title '" << widths[0] << " hidden sigmoids', "
                   << "'-' with lines linetype 1 title '" << widths[1] << " hidden sigmoids'\n";
  figure.gnuplot().send1d(curve);
  figure.gnuplot().send1d(best_line);
  figure.gnuplot().send1d(few);
  figure.gnuplot().send1d(many);
  figure.finish();
}

void functions_figure(const figures::Report& report, double range) {
  figures::Figure figure(report.figure_path("functions.svg"), 780, 320);
  Gnuplot& gp = figure.gnuplot();
  gp << "set multiplot layout 1,3\nset xlabel 'z'\nset key top left samplen 2\nset xzeroaxis linecolor rgb '#999999'\n"
     << "set yzeroaxis linecolor rgb '#999999'\nset xrange [" << -range << ":" << range << "]\n"
     << "set xtics " << std::max(1.0, std::round(range / 2.5)) << '\n';  // five tics: a panel is narrow
  for (const Curve& curve : curves()) {
    std::vector<std::pair<double, double>> values, derivatives;
    for (int i = 0; i <= 400; ++i) {
      const double z = -range + 2 * range * i / 400.0;
      const double a = curve.f(z);
      values.emplace_back(z, a);
      derivatives.emplace_back(z, curve.derivative_from_output(a));
    }
    if (curve.name != "ReLU") gp << "unset key\n";  // one key, in the panel with room for it
    gp << "set title '" << curve.name << "'\n"
       << (curve.name == "ReLU" ? "set yrange [-0.5:" + std::to_string(range) + "]\n" : "set yrange [-1.1:1.1]\n")
       << "plot '-' with lines linetype 1 title 'f(z)', '-' with lines linetype 2 dashtype 2 title \"f'(z)\"\n";
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
  nn::Flags(options).out(flags).real("range", range, 0, 100, "plot z from -range to range");
  return nn::run_program(argc, argv, "chapter 4, activations: ReLU, sigmoid and tanh with their derivatives",
                         options, [&] {
    figures::Report report(flags.out_dir, "ch04", flags.check_claims);
    print_table({-2, -0.5, 0, 0.5, 2});
    derivative_checks(report);
    saturation(report);
    he_tanh_fixed_point(report, flat_beyond(curves()[2], 1.0));
    staircase_figure(report);
    forms_of_the_formulas(report);
    functions_figure(report, range);
    report.finish();
  });
}

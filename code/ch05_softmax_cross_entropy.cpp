// Chapter 5's program: softmax and cross-entropy worked on one sample, the fused
// gradient p − y checked against the Jacobian it replaces, extreme logits, and how
// the step size of a finite difference decides its error, in float and in double.
#include <cmath>
#include <iostream>

#include <gnuplot-iostream.h>

#include "figure.hpp"
#include "program.hpp"
#include "report.hpp"
#include "softmax_cross_entropy.hpp"

namespace {

using nn::DoubleTensor;

void print_row(const std::string& name, nn::ConstDoubleView t) {
  std::cout << "  " << name << ':';
  for (double v : t.values()) std::cout << ' ' << figures::fixed(v, 4);
  std::cout << '\n';
}

//! [jacobian-check]
// The long way round, for one sample: the softmax Jacobian J(i, j) = p_i (δ_ij − p_j)
// times ∂L/∂p = −y / p. The fused backward says the product is p − y.
double jacobian_route_difference(const DoubleTensor& p, const DoubleTensor& y, const DoubleTensor& fused) {
  const std::size_t classes = p.cols();
  double worst = 0;
  for (std::size_t j = 0; j < classes; ++j) {
    double dz_j = 0;  // ∂L/∂z_j = Σ_i ∂L/∂p_i · ∂p_i/∂z_j
    for (std::size_t i = 0; i < classes; ++i) {
      const double dp_i = -y(0, i) / p(0, i);
      const double jacobian_ij = p(0, i) * ((i == j ? 1.0 : 0.0) - p(0, j));
      dz_j += dp_i * jacobian_ij;
    }
    worst = std::max(worst, std::abs(dz_j - fused(0, j)));
  }
  return worst;
}
//! [jacobian-check]

void worked_example(figures::Report& report) {
  const DoubleTensor z(1, 3, {2.0, 1.0, 0.1});  // logits of one sample, K = 3
  const DoubleTensor y(1, 3, {1.0, 0.0, 0.0});  // its true class is 0
  DoubleTensor p(1, 3), dz(1, 3);
  const double loss = nn::softmax_cross_entropy_forward(p, z, y);
  nn::softmax_cross_entropy_backward(dz, p, y);
  std::cout << "one sample, K = 3, true class 0:\n";
  print_row("z", z);
  print_row("p = softmax(z)", p);
  std::cout << "  L = -log p_0 = " << figures::fixed(loss, 4) << '\n';
  print_row("dL/dz = p - y", dz);
  const double difference = jacobian_route_difference(p, y, dz);
  std::cout << "  largest difference from the Jacobian route: " << figures::scientific(difference, 1) << '\n';
  for (std::size_t k = 0; k < 3; ++k) {
    report.number("p" + std::to_string(k), figures::fixed(p(0, k), 3));
    report.number("dz" + std::to_string(k), figures::fixed(dz(0, k), 3));
  }
  report.number("loss", figures::fixed(loss, 3));
  report.number("jacobian_difference", figures::scientific(difference, 1));
}

void extreme_logits(figures::Report& report) {
  const DoubleTensor z(1, 3, {1000.0, 0.0, -1000.0});
  const DoubleTensor y(1, 3, {0.0, 0.0, 1.0});  // the worst case: the true class has the lowest logit
  DoubleTensor p(1, 3), dz(1, 3);
  const double loss = nn::softmax_cross_entropy_forward(p, z, y);
  nn::softmax_cross_entropy_backward(dz, p, y);
  const double naive_p0 = std::exp(z(0, 0)) / (std::exp(z(0, 0)) + std::exp(z(0, 1)) + std::exp(z(0, 2)));
  std::cout << "\nlogits (1000, 0, -1000), true class 2:\n  L = " << loss << "; without the shift, p_0 = e^1000 / "
            << "(e^1000 + ...) = " << naive_p0 << '\n';
  print_row("dL/dz", dz);
  report.number("extreme_loss", figures::fixed(loss, 0));
  report.number("extreme_naive", std::isnan(naive_p0) ? "NaN" : figures::scientific(naive_p0, 1));
}

// The loss of one sample against its true-class logit z_t, the other K − 1 logits
// held at zero; and ∂L/∂z_t = p_t − 1 beside it.
void loss_figure(const figures::Report& report) {
  const std::size_t classes = 10;
  DoubleTensor z(1, classes), y(1, classes), p(1, classes), dz(1, classes);
  y(0, 0) = 1;
  std::vector<std::pair<double, double>> losses, gradients;
  for (int i = 0; i <= 320; ++i) {
    z(0, 0) = -8 + 16 * i / 320.0;
    losses.emplace_back(z(0, 0), nn::softmax_cross_entropy_forward(p, z, y));
    nn::softmax_cross_entropy_backward(dz, p, y);
    gradients.emplace_back(z(0, 0), dz(0, 0));
  }
  figures::Figure figure(report.figure_path("loss.svg"), 760, 420);
  figure.gnuplot() << "set xlabel 'true-class logit z_t (the other 9 logits are 0)'\n"
                   << "set ylabel 'loss L = -log p_t'\nset y2label 'gradient dL/dz_t = p_t - 1'\n"
                   << "set yrange [0:*]\nset y2range [-1.05:0.05]\nset ytics nomirror\nset y2tics -1,0.25,0\n"
                   << "set border 11\nset key right center\n"
                   << "plot '-' with lines linetype 1 title 'loss (left axis)', "
                   << "'-' axes x1y2 with lines linetype 2 dashtype 2 title 'gradient (right axis)'\n";
  figure.gnuplot().send1d(losses);
  figure.gnuplot().send1d(gradients);
  figure.finish();
}

//! [central-difference-any-precision]
// The central difference of the mean loss with respect to every logit, computed
// entirely in Real (float or double): the perturbed logit, the two losses and
// their difference are all rounded to Real, as they would be in a real check.
template <typename Real>
void central_differences_in(nn::BasicTensor<Real>& logits, const nn::BasicTensor<Real>& targets,
                            nn::BasicTensor<Real>& numerical, Real epsilon) {
  nn::BasicTensor<Real> p(logits.rows(), logits.cols());
  for (std::size_t i = 0; i < logits.size(); ++i) {
    const Real saved = logits.data()[i];
    logits.data()[i] = saved + epsilon;
    const Real plus = nn::softmax_cross_entropy_forward(p, logits, targets);
    logits.data()[i] = saved - epsilon;
    const Real minus = nn::softmax_cross_entropy_forward(p, logits, targets);
    logits.data()[i] = saved;
    numerical.data()[i] = (plus - minus) / (2 * epsilon);
  }
}
//! [central-difference-any-precision]

// ‖a − b‖ / max(‖a‖, ‖b‖) over two whole tensors.
template <typename Real>
double normwise_error(const nn::BasicTensor<Real>& numerical, const DoubleTensor& exact) {
  double difference = 0, n_norm = 0, e_norm = 0;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    const double n = numerical.data()[i], e = exact.data()[i];
    difference += (n - e) * (n - e);
    n_norm += n * n;
    e_norm += e * e;
  }
  return std::sqrt(difference / std::max(n_norm, e_norm));
}

struct ErrorCurve {
  std::vector<std::pair<double, double>> points;  // (ε, relative error)
  std::pair<double, double> best{0, 1e300};
};

template <typename Real>
ErrorCurve error_against_epsilon(const DoubleTensor& logits, const DoubleTensor& targets, const DoubleTensor& exact) {
  nn::BasicTensor<Real> z(logits.rows(), logits.cols()), y(logits.rows(), logits.cols()),
      numerical(logits.rows(), logits.cols());
  std::copy(logits.values().begin(), logits.values().end(), z.values().begin());
  std::copy(targets.values().begin(), targets.values().end(), y.values().begin());
  ErrorCurve curve;
  for (int tenth = -130; tenth <= 0; tenth += 2) {  // ε from 10⁻¹³ to 1 in steps of 10^0.2
    const Real epsilon = static_cast<Real>(std::pow(10.0, tenth / 10.0));
    central_differences_in(z, y, numerical, epsilon);
    const double error = normwise_error(numerical, exact);
    curve.points.emplace_back(epsilon, error);
    if (error < curve.best.second) curve.best = {epsilon, error};
  }
  return curve;
}

void epsilon_figure(figures::Report& report, std::size_t batch, double scale) {
  const std::size_t classes = 10;
  DoubleTensor logits(batch, classes), targets(batch, classes), p(batch, classes), exact(batch, classes);
  for (std::size_t i = 0; i < logits.size(); ++i) logits.data()[i] = scale * std::sin(1.7 * static_cast<double>(i) + 0.3);
  for (std::size_t b = 0; b < batch; ++b) targets(b, (3 * b + 1) % classes) = 1;
  nn::softmax_cross_entropy_forward(p, logits, targets);
  nn::softmax_cross_entropy_backward(exact, p, targets);  // the fused gradient, in double

  const ErrorCurve in_float = error_against_epsilon<float>(logits, targets, exact);
  const ErrorCurve in_double = error_against_epsilon<double>(logits, targets, exact);
  std::cout << "\nfinite differences of the loss of " << batch << " samples (logits up to ±" << scale
            << "), against (p - y)/B:\n";
  for (const auto& [name, curve] : {std::pair{"float", &in_float}, std::pair{"double", &in_double}}) {
    std::cout << "  " << name << ": smallest error " << figures::scientific(curve->best.second, 1) << " at epsilon "
              << figures::scientific(curve->best.first, 1) << '\n';
    report.number(std::string(name) + "_best_epsilon", figures::scientific(curve->best.first, 0));
    report.number(std::string(name) + "_best_error", figures::scientific(curve->best.second, 0));
  }
  report.number("check_batch", std::to_string(batch));

  // Guides through the double curve: truncation ∝ ε² at its right end, and
  // rounding ∝ 1/ε at its left end.
  const auto& right = in_double.points.back();
  const auto& left = in_double.points.front();
  figures::Figure figure(report.figure_path("epsilon.svg"), 760, 460);
  figure.gnuplot() << "set logscale xy\nset format x '10^{%L}'\nset format y '10^{%L}'\n"
                   << "set xlabel 'step size ε'\nset ylabel 'relative error of the central difference'\n"
                   << "set xrange [1e-13:1]\nset yrange [1e-12:10]\nset key bottom left\n"
                   << "plot '-' with linespoints linetype 1 title 'float', "
                   << "'-' with linespoints linetype 2 title 'double', "
                   << right.second / (right.first * right.first)
                   << " * x**2 with lines linetype 6 dashtype 2 linewidth 1 title '∝ ε² (truncation)', "
                   << left.second * left.first
                   << " / x with lines linetype 6 dashtype 3 linewidth 1 title '∝ 1/ε (rounding)'\n";
  figure.gnuplot().send1d(in_float.points);
  figure.gnuplot().send1d(in_double.points);
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  int batch = 4;
  double scale = 3;
  nn::po::options_description options("Options");
  nn::add_out_flag(options, flags);
  options.add_options()("batch", nn::po::value(&batch)->default_value(batch),
                        "samples in the finite-difference experiment")(
      "scale", nn::po::value(&scale)->default_value(scale), "largest |logit| in that experiment");
  return nn::run_program(argc, argv, "chapter 5, softmax and cross-entropy: the loss, its gradient, and checking it",
                         options, [&] {
    nn::require_positive("batch", batch);
    nn::require_positive("scale", scale);
    if (batch > 1000) throw nn::UsageError("--batch at most 1000; got " + std::to_string(batch));
    figures::Report report(flags.out_dir, "ch05");
    worked_example(report);
    extreme_logits(report);
    loss_figure(report);
    epsilon_figure(report, static_cast<std::size_t>(batch), scale);
    report.finish();
  });
}

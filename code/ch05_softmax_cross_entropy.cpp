// Chapter 5's program: softmax and cross-entropy worked on one sample, the fused
// gradient p − y checked against the Jacobian it replaces, extreme logits, and how
// the step size of a finite difference decides its error, in float and in double.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

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


// [jacobian-check]
// The long way round, for one sample: the softmax Jacobian J(k, j) = p_k (δ_kj − p_j)
// times ∂L/∂p_k = −y_k / p_k. The fused backward says the product is p − y.
double jacobian_route_difference(const DoubleTensor& p, const DoubleTensor& y, const DoubleTensor& fused) {
  const std::size_t classes = p.cols();
  double worst = 0;
  for (std::size_t j = 0; j < classes; ++j) {
    double dz_j = 0;  // ∂L/∂z_j = Σ_k ∂L/∂p_k · ∂p_k/∂z_j
    for (std::size_t k = 0; k < classes; ++k) {
      const double dp_k = -y(0, k) / p(0, k);
      const double jacobian_kj = p(0, k) * ((k == j ? 1.0 : 0.0) - p(0, j));
      dz_j += dp_k * jacobian_kj;
    }
    worst = std::max(worst, std::abs(dz_j - fused(0, j)));
  }
  return worst;
}
// [jacobian-check]

void worked_example(figures::Report& report) {
  const DoubleTensor z(1, 3, {2.0, 1.0, 0.1});  // logits of one sample, K = 3
  const DoubleTensor y(1, 3, {1.0, 0.0, 0.0});  // its label ℓ is 0
  DoubleTensor p(1, 3), dz(1, 3);
  const double loss = nn::softmax_cross_entropy_forward(p, z, y);
  nn::softmax_cross_entropy_backward(dz, p, y);
  std::cout << "one sample, K = 3, label 0:\n";
  print_row("z", z);
  print_row("p = softmax(z)", p);
  std::cout << "  L = -log p_0 = " << figures::fixed(loss, 4) << '\n';
  print_row("dL/dz = p - y", dz);
  const double difference = jacobian_route_difference(p, y, dz);
  std::cout << "  largest difference from the Jacobian route: " << figures::scientific(difference, 1) << '\n';
  for (std::size_t k = 0; k < 3; ++k) {
    report.number(std::string("p").append(std::to_string(k)), figures::fixed(p(0, k), 3));
    report.number(std::string("dz").append(std::to_string(k)), figures::fixed(dz(0, k), 3));
  }
  report.number("loss", figures::fixed(loss, 3));
  // The long way divides p_ℓ (δ_ℓj − p_j) by p_ℓ again; that undoes itself to
  // within a rounding or two, often exactly, so the routes agree to the last bits.
  report.number("jacobian_agreement",
                difference == 0 ? "give the same numbers to the last bit: the largest difference is 0"
                                : "agree to rounding: the largest difference is " +
                                      figures::scientific(difference, 1));
  report.claim("the Jacobian route and p − y agree", difference < 1e-15,
               "largest difference " + figures::scientific(difference, 1));
}

// A number as a person writes it: up to four significant digits, powers of ten
// for the very small and the very large, and NaN and ±∞ as such.
std::string show(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+∞" : "−∞";
  if (value != 0 && (std::abs(value) < 1e-3 || std::abs(value) >= 1e4))
    return figures::scientific(value, 1);
  std::ostringstream text;
  text << std::setprecision(4) << value;
  return figures::with_minus_sign(text.str());
}

// [unshifted]
// The textbook formulas without the shift: p = e^z / Σ e^z, L = −log p_ℓ.
void unshifted_softmax_cross_entropy(DoubleTensor& p, double& loss, const DoubleTensor& z, std::size_t label) {
  double sum = 0;
  for (double v : z.values()) sum += std::exp(v);  // e^1000 = +∞
  for (std::size_t k = 0; k < z.cols(); ++k) p(0, k) = std::exp(z(0, k)) / sum;
  loss = -std::log(p(0, label));
}
// [unshifted]

void extreme_logits(figures::Report& report) {
  const DoubleTensor z(1, 3, {1000.0, 0.0, -1000.0});
  const DoubleTensor y(1, 3, {0.0, 0.0, 1.0});  // the worst case: the label has the lowest logit
  DoubleTensor p(1, 3), dz(1, 3), naive_p(1, 3), naive_dz(1, 3);
  const double loss = nn::softmax_cross_entropy_forward(p, z, y);
  nn::softmax_cross_entropy_backward(dz, p, y);
  double naive_loss = 0;
  unshifted_softmax_cross_entropy(naive_p, naive_loss, z, 2);
  nn::softmax_cross_entropy_backward(naive_dz, naive_p, y);
  std::cout << "\nlogits (1000, 0, -1000), label 2:\n  shifted:   L = " << loss << '\n';
  print_row("dL/dz", dz);
  std::cout << "  unshifted: p = (" << show(naive_p(0, 0)) << ", " << show(naive_p(0, 1)) << ", "
            << show(naive_p(0, 2)) << "), L = -log p_2 = " << show(naive_loss) << ", dL/dz = ("
            << show(naive_dz(0, 0)) << ", " << show(naive_dz(0, 1)) << ", " << show(naive_dz(0, 2)) << ")\n";
  report.number("extreme_loss", figures::fixed(loss, 0));
  report.number("extreme_dz0", show(dz(0, 0)));
  report.number("extreme_dz2", show(dz(0, 2)));
  report.number("naive_p0", show(naive_p(0, 0)));
  report.number("naive_p1", show(naive_p(0, 1)));
  report.number("naive_p2", show(naive_p(0, 2)));
  report.number("naive_loss", show(naive_loss));
  report.number("naive_dz0", show(naive_dz(0, 0)));
  bool finite = std::isfinite(loss);
  for (double g : dz.values()) finite = finite && std::isfinite(g);
  report.claim("with the shift, the loss of logits (1000, 0, −1000) is 2000 and the gradient finite",
               finite && loss == 2000.0, "L = " + show(loss) + ", dz = (" + show(dz(0, 0)) + ", " + show(dz(0, 1)) + ", " +
                   show(dz(0, 2)) + ")");
  report.claim("without it, p₀ is NaN and the loss +∞",
               std::isnan(naive_p(0, 0)) && std::isinf(naive_loss) && naive_loss > 0,
               "p₀ = " + show(naive_p(0, 0)) + ", L = " + show(naive_loss));
}

// [squared-error]
// Softmax followed by the squared error L = ½ Σ_k (p_k − y_k)², for one sample:
// its gradient goes through the softmax Jacobian, and nothing cancels:
// ∂L/∂z_j = Σ_k (p_k − y_k) p_k (δ_kj − p_j).
double squared_error(const DoubleTensor& p, const DoubleTensor& y) {
  double sum = 0;
  for (std::size_t k = 0; k < p.cols(); ++k) sum += 0.5 * (p(0, k) - y(0, k)) * (p(0, k) - y(0, k));
  return sum;
}
double squared_error_gradient(const DoubleTensor& p, const DoubleTensor& y, std::size_t j) {
  double dz_j = 0;
  for (std::size_t k = 0; k < p.cols(); ++k) dz_j += (p(0, k) - y(0, k)) * p(0, k) * ((k == j ? 1.0 : 0.0) - p(0, j));
  return dz_j;
}
// [squared-error]

// One sample of K = 10 classes, label 0, whose logit z_ℓ = z_0 moves while the
// other nine stay at 0: the cross-entropy, its gradient p_ℓ − 1, and the
// squared error's gradient beside it.
void loss_figures(figures::Report& report) {
  const std::size_t classes = 10;
  DoubleTensor z(1, classes), y(1, classes), p(1, classes), dz(1, classes);
  y(0, 0) = 1;
  std::vector<std::pair<double, double>> losses, gradients, squared_gradients;
  double worst_check = 0;  // the squared error's gradient against its central difference
  for (int i = 0; i <= 320; ++i) {
    z(0, 0) = -8 + 16 * i / 320.0;
    losses.emplace_back(z(0, 0), nn::softmax_cross_entropy_forward(p, z, y));
    nn::softmax_cross_entropy_backward(dz, p, y);
    gradients.emplace_back(z(0, 0), dz(0, 0));
    squared_gradients.emplace_back(z(0, 0), squared_error_gradient(p, y, 0));
    const double h = 1e-6, saved = z(0, 0);
    z(0, 0) = saved + h;
    nn::softmax(p, z);
    const double plus = squared_error(p, y);
    z(0, 0) = saved - h;
    nn::softmax(p, z);
    const double minus = squared_error(p, y);
    z(0, 0) = saved;
    worst_check = std::max(worst_check, std::abs((plus - minus) / (2 * h) - squared_gradients.back().second));
  }
  // Confidently wrong: the first point, z_ℓ = −8.
  const double cross_entropy_pull = gradients.front().second, squared_pull = squared_gradients.front().second;
  const double ratio = cross_entropy_pull / squared_pull;
  std::cout << "\nat z_l = -8, the other logits 0: dL/dz_l = " << figures::fixed(cross_entropy_pull, 4)
            << " with cross-entropy, " << figures::scientific(squared_pull, 2) << " with the squared error\n";
  report.number("wrong_logit", figures::fixed(losses.front().first, 0));
  report.number("cross_entropy_pull", figures::fixed(cross_entropy_pull, 5));
  report.number("squared_pull", figures::scientific(squared_pull, 1));
  report.number("pull_ratio", figures::scientific(ratio, 1));
  report.claim("the squared error's gradient, coded from the Jacobian, is right", worst_check < 1e-8,
               "largest difference from a central difference " + figures::scientific(worst_check, 1));
  report.claim("confidently wrong, cross-entropy pulls over a hundred times harder than the squared error",
               ratio > 100, "with the true logit at −8: " + figures::fixed(cross_entropy_pull, 5) + " against " +
                                figures::scientific(squared_pull, 1));

  figures::Figure loss_figure(report.figure_path("loss.svg"), 760, 420);
  loss_figure.gnuplot() << "set xlabel 'logit z_ℓ of the true class (the other 9 logits are 0)'\n"
                        << "set ylabel 'loss L = -log p_ℓ'\nset y2label 'gradient dL/dz_ℓ = p_ℓ - 1'\n"
                        << "set yrange [0:*]\nset y2range [-1.05:0.05]\nset ytics nomirror\nset y2tics -1,0.25,0\n"
                        << "set border 11\n"
                        // top, left of centre: above the falling loss, left of the rising gradient
                        << "set key at graph 0.38, 0.97 center top\n"
                        << "plot '-' with lines linetype 1 title 'loss (left axis)', "
                        << "'-' axes x1y2 with lines linetype 2 dashtype 2 title 'gradient (right axis)'\n";
  loss_figure.gnuplot().send1d(losses);
  loss_figure.gnuplot().send1d(gradients);
  loss_figure.finish();

  figures::Figure pull_figure(report.figure_path("pull.svg"), 760, 420);
  pull_figure.gnuplot() << "set xlabel 'logit z_ℓ of the true class (the other 9 logits are 0)'\n"
                        << "set ylabel 'gradient dL/dz_ℓ'\nset yrange [-1.05:0.05]\nset key right bottom\n"
                        << "set arrow from -6.5,-0.3 to -6.5,-0.03 linecolor rgb '#555555'\n"
                        << "set label 'confidently wrong: squared error barely pulls' at -7.8,-0.36 "
                        << "textcolor rgb '#555555'\n"
                        << "plot '-' with lines linetype 2 dashtype 2 title 'softmax + cross-entropy: p_ℓ - 1', "
                        << "'-' with lines linetype 4 title 'softmax + squared error'\n";
  pull_figure.gnuplot().send1d(gradients);
  pull_figure.gnuplot().send1d(squared_gradients);
  pull_figure.finish();
}

// [central-difference-any-precision]
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
// [central-difference-any-precision]

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

// The slope of log₁₀(error) against log₁₀(ε) by least squares, over the points
// with first ≤ ε ≤ last.
double log_log_slope(const ErrorCurve& curve, double first, double last) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [epsilon, error] : curve.points) {
    if (epsilon < first * 0.999 || epsilon > last * 1.001) continue;
    const double u = std::log10(epsilon), v = std::log10(error);
    n += 1, sx += u, sy += v, sxx += u * u, sxy += u * v;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

void epsilon_figure(figures::Report& report, std::size_t batch, double scale) {
  const std::size_t classes = 10;
  DoubleTensor logits(batch, classes), targets(batch, classes), p(batch, classes), exact(batch, classes);
  for (std::size_t i = 0; i < logits.size(); ++i) logits.data()[i] = scale * std::sin(1.7 * static_cast<double>(i) + 0.3);
  for (std::size_t n = 0; n < batch; ++n) targets(n, (3 * n + 1) % classes) = 1;
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

  // The two branches of the V, measured on the double curve: truncation right
  // of ε = 10⁻², rounding left of 10⁻⁷; and the float curve's floor, where the
  // change ε·|g| of the loss is below the spacing of floats near the loss, and
  // both losses round to the same float.
  const double truncation_slope = log_log_slope(in_double, 1e-2, 1);
  const double rounding_slope = log_log_slope(in_double, 1e-13, 1e-7);
  bool float_flat = true;
  for (const auto& [epsilon, error] : in_float.points)
    if (epsilon <= 1e-8) float_flat = float_flat && error == 1;
  const double precision_gap = in_float.best.second / in_double.best.second;
  // Where both are in their rounding branch, ε = 10⁻⁶, float's error over double's;
  // and where both are in the truncation branch, ε ≥ 0.1, how far apart they are.
  auto at = [](const ErrorCurve& curve, double epsilon) {
    for (const auto& [e, error] : curve.points)
      if (std::abs(std::log10(e) - std::log10(epsilon)) < 0.01) return error;
    return std::numeric_limits<double>::quiet_NaN();
  };
  const double rounding_ratio = at(in_float, 1e-6) / at(in_double, 1e-6);
  double truncation_apart = 0;  // the largest |log₁₀(float error / double error)| for ε ≥ 0.1
  for (std::size_t i = 0; i < in_double.points.size(); ++i)
    if (in_double.points[i].first >= 0.0999)
      truncation_apart = std::max(
          truncation_apart, std::abs(std::log10(in_float.points[i].second / in_double.points[i].second)));
  std::cout << "  slopes of the double curve: " << figures::fixed(truncation_slope, 2) << " on the right, "
            << figures::fixed(rounding_slope, 2) << " on the left\n";
  report.number("truncation_slope", figures::fixed(truncation_slope, 1));
  report.number("rounding_slope", figures::fixed(rounding_slope, 1));
  report.number("precision_gap", figures::scientific(precision_gap, 0));
  report.number("rounding_ratio", figures::scientific(rounding_ratio, 0));
  // How far the measured ratio is from the unit roundoffs' 2²⁹, in words.
  const double ratio_factor = std::max(rounding_ratio / std::ldexp(1.0, 29), std::ldexp(1.0, 29) / rounding_ratio);
  report.number("rounding_ratio_agreement", ratio_factor <= 2    ? "within a factor of two of it"
                                            : ratio_factor <= 3  ? "within a factor of three of it"
                                            : ratio_factor <= 10 ? "within a factor of ten of it"
                                                                 : "a factor " + figures::fixed(ratio_factor, 0) +
                                                                       " away from it");
  report.claim("the error falls like ε² on the right (truncation) and grows like 1/ε on the left (rounding)",
               std::abs(truncation_slope - 2) < 0.2 && std::abs(rounding_slope + 1) < 0.2,
               "slopes " + figures::fixed(truncation_slope, 2) + " and " +
                   figures::fixed(rounding_slope, 2));
  report.claim("on the right, float and double coincide", truncation_apart < 0.05,
               "for ε ≥ 0.1 their errors differ by at most a factor " +
                   figures::fixed(std::pow(10.0, truncation_apart), 3));
  report.claim("in float, every step up to 10⁻⁸ gives a relative error of exactly 1", float_flat,
               float_flat ? "error 1 at every such ε" : "some ε ≤ 10⁻⁸ gave another error");
  report.claim("at its best, float is orders of magnitude worse than double", precision_gap > 1e3,
               figures::scientific(in_float.best.second, 1) + " against " +
                   figures::scientific(in_double.best.second, 1));

  // Guides of slope 2 and −1 through the double curve's two ends, moved a
  // decade off the data (up and down) so that they stay visible beside it.
  const auto& right = in_double.points.back();
  const auto& left = in_double.points.front();
  figures::Figure figure(report.figure_path("epsilon.svg"), 760, 460);
  figure.gnuplot() << "set logscale xy\nset format x '10^{%L}'\nset format y '10^{%L}'\n"
                   << "set xlabel 'step size ε'\nset ylabel 'relative error of the central difference'\n"
                   << "set xrange [1e-13:1]\nset yrange [1e-14:10]\nset key bottom left Left reverse samplen 2\n"
                   << "plot '-' with linespoints linetype 1 title 'float', "
                   << "'-' with linespoints linetype 2 title 'double', "
                   << 10 * right.second / (right.first * right.first)
                   << " * x**2 with lines linecolor rgb '#333333' dashtype 2 linewidth 1.5 "
                   << "title 'slope 2: truncation ∝ ε² (guide, ×10)', "
                   << 0.1 * left.second * left.first
                   << " / x with lines linecolor rgb '#333333' dashtype 3 linewidth 1.5 "
                   << "title 'slope −1: rounding ∝ 1/ε (guide, ×0.1)'\n";
  figure.gnuplot().send1d(in_float.points);
  figure.gnuplot().send1d(in_double.points);
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  std::uint64_t batch = 4;
  double scale = 3;
  nn::po::options_description options("Options");
  nn::Flags(options)
      .out(flags)
      .count("batch", batch, 1, 1000, "samples in the finite-difference experiment")
      .real("scale", scale, 0, 80, "largest |logit| in that experiment");
  return nn::run_program(argc, argv, "chapter 5, softmax and cross-entropy: the loss, its gradient, and checking it",
                         options, [&] {
    figures::Report report(flags.out_dir, "ch05", flags.check_claims);
    worked_example(report);
    extreme_logits(report);
    loss_figures(report);
    epsilon_figure(report, static_cast<std::size_t>(batch), scale);
    report.finish();
  });
}

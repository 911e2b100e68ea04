// Chapter 1's program: a matrix product worked by hand, views that share memory,
// and what the order of three loops costs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <random>

#include <gnuplot-iostream.h>

#include "figure.hpp"
#include "program.hpp"
#include "report.hpp"
#include "tensor.hpp"

namespace {

using nn::ConstTensorView;
using nn::Tensor;
using nn::TensorView;

void print(const std::string& name, ConstTensorView t) { nn::print(std::cout, name, t); }

// [worked-product]
void worked_product(figures::Report& report) {
  const Tensor a(2, 3, {1, 2, 3,
                        4, 5, 6});
  const Tensor b(3, 2, {7, 8,
                        9, 10,
                        11, 12});
  Tensor c(2, 2);
  nn::matmul(c, a, b);  // c(0,0) = 1·7 + 2·9 + 3·11 = 58, and so on
  print("a", a);
  print("b", b);
  print("c = a b", c);
  report.number("c00", figures::fixed(c(0, 0), 0));
  report.number("c01", figures::fixed(c(0, 1), 0));
  report.number("c10", figures::fixed(c(1, 0), 0));
  report.number("c11", figures::fixed(c(1, 1), 0));
}
// [worked-product]

// [views]
void views_share_memory() {
  Tensor batch(4, 3, {0, 1, 2,
                      3, 4, 5,
                      6, 7, 8,
                      9, 10, 11});
  TensorView middle = batch.view().rows_slice(1, 2);  // rows 1 and 2, no copy
  middle(0, 0) = -3;                                  // writes batch(1, 0)
  std::cout << "after middle(0, 0) = -3, batch(1, 0) is " << batch(1, 0)
            << "; the view starts " << (middle.data() - batch.data()) << " floats into the buffer\n";
}
// [views]

// [naive-order]
// The same product with the loops in the textbook order i, j, k: the innermost
// loop walks down a column of b, one element per row, a whole row apart in memory.
void matmul_ijk(TensorView out, ConstTensorView a, ConstTensorView b) {
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < b.cols(); ++j) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < a.cols(); ++k) sum += a(i, k) * b(k, j);
      out(i, j) = sum;
    }
}
// [naive-order]

// Best of a few runs of one n×n product, in GFLOP/s (2n³ floating-point operations).
template <typename Product>
double gflops(std::size_t n, Product product) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  Tensor a(n, n), b(n, n), out(n, n);
  for (float& v : a.values()) v = uniform(rng);
  for (float& v : b.values()) v = uniform(rng);
  double best = 1e30;
  for (int repeat = 0; repeat < 3; ++repeat) {
    const auto start = std::chrono::steady_clock::now();
    product(out.view(), a.view(), b.view());
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return 2.0 * static_cast<double>(n * n * n) / best / 1e9;
}

bool is_power_of_two(std::size_t n) { return n != 0 && (n & (n - 1)) == 0; }

// The two orders at one size n, in GFLOP/s.
struct OrderTiming {
  std::size_t n;
  double column_walk, row_walk;  // loops i, j, k and loops i, k, j
  double ratio() const { return row_walk / column_walk; }
};

void loop_order_figure(figures::Report& report) {
  // Sizes that are powers of two and sizes that are not, up to 520: a row of a
  // power-of-two matrix is a power-of-two number of bytes, and the column walk
  // then meets the cache's sets at their worst (see the chapter).
  std::vector<OrderTiming> timings;
  for (std::size_t n : {32, 64, 96, 128, 160, 192, 256, 320, 384, 448, 500, 512, 520}) {
    timings.push_back({n, gflops(n, matmul_ijk), gflops(n, [](TensorView o, ConstTensorView a, ConstTensorView b) {
                         nn::reference::matmul(o, a, b);  // the loop listed above, not chapter 11's kernels
                       })});
    std::cout << "n = " << n << ": loops i,j,k " << figures::fixed(timings.back().column_walk, 2)
              << " GFLOP/s, loops i,k,j " << figures::fixed(timings.back().row_walk, 2) << " GFLOP/s, ratio "
              << figures::fixed(timings.back().ratio(), 1) << '\n';
  }
  auto at = [&](std::size_t n) {
    return *std::find_if(timings.begin(), timings.end(), [n](const OrderTiming& t) { return t.n == n; });
  };
  const OrderTiming below = at(500), power = at(512), above = at(520);
  // The typical ratio at the largest sizes: the geometric mean of the two sizes
  // beside 512 that are not powers of two.
  const double typical_ratio = std::sqrt(below.ratio() * above.ratio());
  report.number("n_below", std::to_string(below.n));
  report.number("n_power", std::to_string(power.n));
  report.number("n_above", std::to_string(above.n));
  report.number("ijk_gflops_below", figures::fixed(below.column_walk, 2));
  report.number("ikj_gflops_below", figures::fixed(below.row_walk, 2));
  report.number("ijk_gflops_power", figures::fixed(power.column_walk, 2));
  report.number("ikj_gflops_power", figures::fixed(power.row_walk, 2));
  report.number("ijk_gflops_above", figures::fixed(above.column_walk, 2));
  report.number("ikj_gflops_above", figures::fixed(above.row_walk, 2));
  report.number("ratio_below", figures::fixed(below.ratio(), 0));
  report.number("ratio_power", figures::fixed(power.ratio(), 0));
  report.number("ratio_above", figures::fixed(above.ratio(), 0));
  report.number("typical_ratio", figures::fixed(typical_ratio, 0));
  // How the gap between the orders changes with n, worded from the numbers: where
  // the ratio peaks and how far it has fallen back at the largest size. Powers of
  // two are left out here; the text treats them on their own.
  const OrderTiming* peak = nullptr;
  for (const OrderTiming& t : timings)
    if (!is_power_of_two(t.n) && (!peak || t.ratio() > peak->ratio())) peak = &t;
  const OrderTiming& largest = timings.back();
  const std::string peak_text = "a ratio of about " + figures::fixed(peak->ratio(), 0) + " at n = " +
                                std::to_string(peak->n) + " (leaving aside the powers of two, which the next "
                                "paragraphs come to)";
  std::string gap_shape;
  if (peak == &largest)
    gap_shape = "the gap keeps widening over the sizes measured, to " + peak_text + ".";
  else if (largest.ratio() < 0.8 * peak->ratio())
    gap_shape = "the gap widens at first, to " + peak_text + ", and then narrows again, to about " +
                figures::fixed(largest.ratio(), 0) + " at n = " + std::to_string(largest.n) + ".";
  else
    gap_shape = "the gap widens at first, to " + peak_text + ", and then stays about level: the ratio is still "
                "about " + figures::fixed(largest.ratio(), 0) + " at n = " + std::to_string(largest.n) + ".";
  report.number("gap_shape", gap_shape);
  // Worded from the numbers rather than checked: a busy machine can blur a factor of 2.
  const double power_penalty = std::min(below.column_walk, above.column_walk) / power.column_walk;
  report.number("power_verdict",
                power_penalty > 1.5   ? "well below its speed at the sizes either side (a headline measured at a "
                                        "power of two alone would overstate the gain)"
                : power_penalty > 1.1 ? "somewhat below its speed at the sizes either side"
                                      : "no slower than at the sizes either side, on this run");
  // The direction of the headline, with a wide margin: the row walk wins by more
  // than a factor of 2 at every size from 256 up, powers of two or not.
  const OrderTiming* weakest = nullptr;
  for (const OrderTiming& t : timings)
    if (t.n >= 256 && (!weakest || t.ratio() < weakest->ratio())) weakest = &t;
  report.claim("from n = 256 up, the row walk is faster than the column walk, by more than a factor of 2, at "
               "every size measured",
               weakest->ratio() > 2,
               "the smallest ratio was " + figures::fixed(weakest->ratio(), 1) + ", at n = " +
                   std::to_string(weakest->n));

  std::vector<std::pair<double, double>> ijk, ikj, ijk_power;
  for (const OrderTiming& t : timings) {
    ijk.emplace_back(t.n, t.column_walk);
    ikj.emplace_back(t.n, t.row_walk);
    if (is_power_of_two(t.n)) ijk_power.emplace_back(t.n, t.column_walk);
  }
  figures::Figure figure(report.figure_path("loop_order.svg"));
  figure.gnuplot() << "set xlabel 'n (the product of two n×n matrices)'\nset ylabel 'GFLOP/s'\n"
                   << "set key top right\nset logscale y\nset xtics 64\n"
                   << "plot '-' with linespoints title 'loops i, j, k (column walk)', "
                   << "'-' with linespoints title 'loops i, k, j (row walk)', "
                   << "'-' with points linetype 4 pointtype 6 pointsize 1.6 title 'column walk, n a power of two'\n";
  figure.gnuplot().send1d(ijk);
  figure.gnuplot().send1d(ikj);
  figure.gnuplot().send1d(ijk_power);
  figure.finish();
}

// A 3×4 tensor and the one flat buffer that holds it, each cell labelled with its
// (row, column) and its offset r·4 + c.
void layout_figure(const figures::Report& report) {
  figures::Figure figure(report.figure_path("layout.svg"), 760, 300);
  Gnuplot& gp = figure.gnuplot();
  gp << "unset border\nunset tics\nunset grid\nset xrange [-0.5:12.5]\nset yrange [-2.2:3.4]\nset size ratio -1\n";
  int object = 1;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) {
      const int offset = r * 4 + c;
      gp << "set object " << object++ << " rect from " << c << "," << 2 - r << " to " << c + 1 << "," << 3 - r
         << " fillcolor rgb '" << figures::kPalette[r] << "' fillstyle solid 0.25 border rgb '#333333'\n";
      gp << "set label '(" << r << "," << c << ")' at " << c + 0.5 << "," << 2.5 - r << " center font ',14'\n";
      gp << "set object " << object++ << " rect from " << offset << ",-2 to " << offset + 1 << ",-1"
         << " fillcolor rgb '" << figures::kPalette[r] << "' fillstyle solid 0.25 border rgb '#333333'\n";
      gp << "set label '" << offset << "' at " << offset + 0.5 << ",-1.5 center font ',14'\n";
    }
  gp << "set label 'tensor, 3×4' at 4.3,2 left\nset label 'buffer: element (r, c) at offset r·4 + c' at 0,-0.5 left\n"
     << "plot NaN notitle\n";
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::po::options_description options("Options");
  nn::Flags(options).out(flags);
  return nn::run_program(argc, argv, "chapter 1, the Tensor: a product by hand, views, loop order", options, [&] {
    figures::Report report(flags.out_dir, "ch01", flags.check_claims);
    worked_product(report);
    views_share_memory();
    layout_figure(report);
    loop_order_figure(report);
    report.finish();
  });
}

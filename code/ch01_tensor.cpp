// Chapter 1's program: a matrix product worked by hand, views that share memory,
// and what the order of three loops costs.
#include <chrono>
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

//! [worked-product]
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
//! [worked-product]

//! [views]
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
//! [views]

//! [naive-order]
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
//! [naive-order]

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

void loop_order_figure(figures::Report& report) {
  std::vector<std::pair<double, double>> ijk, ikj;
  for (std::size_t n : {32, 64, 128, 192, 256, 384, 512}) {
    ijk.emplace_back(n, gflops(n, matmul_ijk));
    ikj.emplace_back(n, gflops(n, [](TensorView o, ConstTensorView a, ConstTensorView b) {
                       nn::reference::matmul(o, a, b);  // the loop listed above, not chapter 11's kernels
                     }));
    std::cout << "n = " << n << ": loops i,j,k " << figures::fixed(ijk.back().second, 2)
              << " GFLOP/s, loops i,k,j " << figures::fixed(ikj.back().second, 2) << " GFLOP/s\n";
  }
  report.number("ijk_gflops", figures::fixed(ijk.back().second, 2));
  report.number("ikj_gflops", figures::fixed(ikj.back().second, 2));
  report.number("order_speedup", figures::fixed(ikj.back().second / ijk.back().second, 0));

  figures::Figure figure(report.figure_path("loop_order.svg"));
  figure.gnuplot() << "set xlabel 'n (the product of two n×n matrices)'\nset ylabel 'GFLOP/s'\n"
                   << "set key top left\nset logscale y\n"
                   << "plot '-' with linespoints title 'loops i, j, k (column walk)', "
                   << "'-' with linespoints title 'loops i, k, j (row walk)'\n";
  figure.gnuplot().send1d(ijk);
  figure.gnuplot().send1d(ikj);
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
      gp << "set label '(" << r << "," << c << ")' at " << c + 0.5 << "," << 2.5 - r << " center font ',11'\n";
      gp << "set object " << object++ << " rect from " << offset << ",-2 to " << offset + 1 << ",-1"
         << " fillcolor rgb '" << figures::kPalette[r] << "' fillstyle solid 0.25 border rgb '#333333'\n";
      gp << "set label '" << offset << "' at " << offset + 0.5 << ",-1.5 center font ',11'\n";
    }
  gp << "set label 'tensor, 3×4' at 4.3,2 left\nset label 'buffer: element (r, c) at offset r·4 + c' at 0,-0.5 left\n"
     << "plot NaN notitle\n";
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::po::options_description options("Options");
  nn::add_out_flag(options, flags);
  return nn::run_program(argc, argv, "chapter 1, the Tensor: a product by hand, views, loop order", options, [&] {
    figures::Report report(flags.out_dir, "ch01");
    worked_product(report);
    views_share_memory();
    layout_figure(report);
    loop_order_figure(report);
    report.finish();
  });
}

// Chapter 11's program: what each step of making the products fast buys, on
// scaled-down versions of the benchmark's three workloads.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <random>
#include <vector>

#include <gnuplot-iostream.h>

#include "figure.hpp"
#include "kernels.hpp"
#include "minibatch.hpp"
#include "parallel.hpp"
#include "program.hpp"
#include "report.hpp"
#include "stochastic.hpp"

namespace {

using nn::kernels::Stage;
using Clock = std::chrono::steady_clock;

const Stage kStages[] = {Stage::reference, Stage::skip_zeros, Stage::blocked, Stage::threads};
const char* const kStageNames[] = {"reference", "skip zeros", "blocked", "2 threads"};

// Seconds that f takes: the fastest of `repeats` runs, because on a shared
// machine noise only ever adds time.
template <typename F>
double time_best(int repeats, F f) {
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    f();
    best = std::min(best, nn::seconds_since(start));
  }
  return best;
}

nn::Dataset first_images(const nn::Dataset& data, std::size_t count) {
  nn::Dataset head{nn::Tensor(count, data.images.cols()), {}, data.image_rows, data.image_cols};
  std::copy_n(data.images.data(), head.images.size(), head.images.data());
  head.labels.assign(data.labels.begin(), data.labels.begin() + static_cast<std::ptrdiff_t>(count));
  return head;
}

nn::Network fresh_network() {
  nn::Rng rng(0);
  return nn::make_mlp({784, 128, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
}

//! [workloads]
// The benchmark's three workloads, made smaller so that even chapter 1's loops
// finish in seconds: one mini-batch epoch over the first 5,000 images (batch
// 64), 2,000 per-sample updates, one full-batch step over 5,000 images.
struct Workloads {
  double minibatch = 0, sgd = 0, fullbatch = 0;  // seconds, the fastest of three runs
};

Workloads time_workloads(const nn::Dataset& five_thousand, const nn::Dataset& two_thousand) {
  Workloads w;
  const nn::Tensor targets = nn::one_hot(five_thousand.labels);
  w.minibatch = time_best(3, [&] {
    nn::Network net = fresh_network();
    nn::Tensor x(64, 784), y(64, nn::kClasses);
    nn::StepBuffers buffers;
    nn::Rng rng(1);
    const std::vector<std::size_t> order = nn::shuffled_order(five_thousand.size(), rng);
    for (std::size_t first = 0; first < order.size(); first += 64) {
      const std::size_t count = std::min<std::size_t>(64, order.size() - first);
      const std::span<const std::size_t> rows(order.data() + first, count);
      const nn::TensorView xs = x.view().rows_slice(0, count), ys = y.view().rows_slice(0, count);
      nn::gather_rows(xs, five_thousand.images, rows);
      nn::gather_one_hot(ys, five_thousand.labels, rows);
      nn::train_step(net, xs, ys, 0.1f, buffers);
    }
  });
  w.sgd = time_best(3, [&] {
    nn::Network net = fresh_network();
    nn::SampleBuffers buffers;
    for (std::size_t i = 0; i < two_thousand.size(); ++i)
      nn::stochastic_step(net, two_thousand.images.view().rows_slice(i, 1), two_thousand.labels[i], 0.01f, buffers);
  });
  w.fullbatch = time_best(3, [&] {
    nn::Network net = fresh_network();
    nn::StepBuffers buffers;
    nn::train_step(net, five_thousand.images, targets, 0.5f, buffers);
  });
  return w;
}
//! [workloads]

//! [profile]
// Where one mini-batch step of the straightforward code spends its time: each
// product of the step timed on its own, with chapter 1's loops, for a batch of
// 64 real images; the rest of the step is the whole step minus the products.
std::vector<std::pair<std::string, double>> profile_step(const nn::Dataset& data) {
  nn::kernels::set_stage(Stage::reference);
  nn::Network net = fresh_network();
  const nn::ConstTensorView x = data.images.view().rows_slice(0, 64);
  const nn::Tensor y = nn::one_hot(std::vector<std::uint8_t>(data.labels.begin(), data.labels.begin() + 64));
  auto& dense1 = std::get<nn::Dense>(net.layers[0]);
  auto& dense2 = std::get<nn::Dense>(net.layers[2]);
  nn::Tensor h(64, 128), logits(64, 10), dlogits(64, 10), dh(64, 128);
  std::mt19937 rng(2);
  std::normal_distribution<float> normal(0.0f, 0.1f);
  for (float& v : dlogits.values()) v = normal(rng);
  for (float& v : dh.values()) v = normal(rng);
  nn::StepBuffers buffers;
  // Each part is timed 21 times, all parts in turn so that they meet the same
  // conditions on a shared machine; the fastest run of each counts (noise only
  // ever adds time).
  const std::vector<std::pair<std::string, std::function<void()>>> work = {
      {"layer 1 forward, x W₁ (64×784 by 784×128)", [&] { nn::matmul(h, x, dense1.weight); }},
      {"layer 1 weight gradient, xᵀ dh (784×64 by 64×128)",
       [&] { nn::matmul_at_b(dense1.dweight, x, dh, nn::Write::accumulate); }},
      {"layer 2 forward, h W₂ (64×128 by 128×10)", [&] { nn::matmul(logits, h, dense2.weight); }},
      {"layer 2 weight gradient, hᵀ dlogits (128×64 by 64×10)",
       [&] { nn::matmul_at_b(dense2.dweight, h, dlogits, nn::Write::accumulate); }},
      {"layer 2 input gradient, dlogits W₂ᵀ (64×10 by 10×128)", [&] { nn::matmul_a_bt(dh, dlogits, dense2.weight); }},
      {"the whole step", [&] { nn::train_step(net, x, y, 0.1f, buffers); }},
  };
  std::vector<double> best(work.size(), 1e30);
  for (int repeat = 0; repeat < 21; ++repeat)
    for (std::size_t p = 0; p < work.size(); ++p) {
      const auto start = Clock::now();
      work[p].second();
      best[p] = std::min(best[p], nn::seconds_since(start));
    }
  std::vector<std::pair<std::string, double>> parts;
  double products = 0;
  for (std::size_t p = 0; p + 1 < work.size(); ++p) {
    parts.emplace_back(work[p].first, best[p]);
    products += best[p];
  }
  parts.emplace_back("everything else (bias, ReLU, softmax, update)", std::max(0.0, best.back() - products));
  nn::kernels::set_stage(Stage::threads);
  return parts;
}
//! [profile]

//! [peak]
// The machine's peak: eight independent chains of fused multiply-adds on
// 8-float vectors, as many as the two FMA units of a core keep busy, each
// FMA two floating-point operations per lane.
double peak_gflops_one_core() {
  using Floats8 = float __attribute__((vector_size(32)));
  Floats8 acc[8] = {};
  const Floats8 x = Floats8{} + 0.999999f, y = Floats8{} + 1e-7f;
  const long iterations = 20'000'000;
  const auto start = Clock::now();
  for (long i = 0; i < iterations; ++i)
    for (auto& a : acc) a = a * x + y;
  const double seconds = nn::seconds_since(start);
  float sink = 0;
  for (const auto& a : acc) sink += a[0];
  if (sink == 42.0f) std::cout << ' ';  // keeps the loop from being optimised away
  return 2.0 * 8 * 8 * static_cast<double>(iterations) / seconds / 1e9;
}
//! [peak]

// Bytes of every parameter, for comparing two networks bit for bit.
std::vector<float> parameters(nn::Network& net) {
  std::vector<float> all;
  net.for_each_parameter([&](nn::Tensor& p, nn::Tensor&) { all.insert(all.end(), p.values().begin(), p.values().end()); });
  return all;
}

void stage_figure(const figures::Report& report, const std::vector<Workloads>& times) {
  figures::Figure figure(report.figure_path("stages.svg"), 900, 380);
  auto& gp = figure.gnuplot();
  gp << "set multiplot layout 1,3\nset style data histograms\nset style fill solid 0.8 border -1\n"
     << "set boxwidth 0.75\nset xtics rotate by -30 font ',11'\nset yrange [0:*]\nunset key\nset grid ytics\n";
  const char* titles[] = {"mini-batch epoch, 5,000 images (s)", "2,000 per-sample updates (s)",
                          "full-batch step, 5,000 images (s)"};
  for (int w = 0; w < 3; ++w) {
    gp << "set title '" << titles[w] << "' font ',12'\n"
       << "plot '-' using 2:xtic(1) linecolor rgb '" << figures::kPalette[w] << "'\n";
    for (std::size_t s = 0; s < times.size(); ++s) {
      const double value = w == 0 ? times[s].minibatch : w == 1 ? times[s].sgd : times[s].fullbatch;
      gp << '"' << kStageNames[s] << "\" " << value << '\n';
    }
    gp << "e\n";
  }
  gp << "unset multiplot\n";
  figure.finish();
}

void profile_figure(const figures::Report& report, const std::vector<std::pair<std::string, double>>& parts) {
  figures::Figure figure(report.figure_path("profile.svg"), 900, 320);
  auto& gp = figure.gnuplot();
  gp << "set style fill solid 0.8 border -1\nset yrange [-0.6:" << parts.size() - 0.4 << "]\nunset key\n"
     << "set xlabel 'microseconds per mini-batch step of 64 images, chapter 1 loops'\nset grid xtics\n"
     << "set ytics font ',11'\nset xrange [0:*]\nset lmargin 52\n"
     << "plot '-' using (0):0:(0):($2):($0-0.35):($0+0.35):ytic(1) with boxxyerror linecolor rgb '"
     << figures::kPalette[0] << "'\n";
  for (const auto& [name, seconds] : parts) gp << '"' << name << "\" " << seconds * 1e6 << '\n';
  gp << "e\n";
  figure.finish();
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::po::options_description options("Options");
  nn::add_data_flag(options, flags);
  nn::add_out_flag(options, flags);
  return nn::run_program(argc, argv, "chapter 11, making it fast: every step timed", options, [&] {
    figures::Report report(flags.out_dir, "ch11", flags.check_claims);
    const nn::Dataset train = nn::load_split(flags.data_dir, nn::Split::train);
    const nn::Dataset five_thousand = first_images(train, 5000), two_thousand = first_images(train, 2000);
    nn::parallel::set_threads(2);

    std::size_t zeros = 0;
    for (float v : train.images.values()) zeros += v == 0.0f;
    report.number("zero_percent", figures::fixed(100.0 * static_cast<double>(zeros) / static_cast<double>(train.images.size()), 0));

    // The profile of the straightforward step.
    const auto parts = profile_step(train);
    double step = 0;
    for (const auto& part : parts) step += part.second;
    std::cout << "one mini-batch step with chapter 1's loops, " << figures::fixed(step * 1e6, 0) << " µs:\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, seconds] : parts) {
      std::cout << "  " << name << ": " << figures::fixed(seconds * 1e6, 0) << " µs\n";
      rows.push_back({name, figures::fixed(seconds * 1e6, 0), figures::fixed(100 * seconds / step, 0) + " %"});
    }
    report.table("profile", {"part of the step", "µs", "share"}, rows);
    report.number("profile_step_us", figures::fixed(step * 1e6, 0));
    report.number("profile_products_percent", figures::fixed(100 * (step - parts.back().second) / step, 0));
    profile_figure(report, parts);

    // Every stage on the three workloads.
    std::vector<Workloads> times;
    std::vector<std::vector<std::string>> stage_rows;
    for (std::size_t s = 0; s < std::size(kStages); ++s) {
      nn::kernels::set_stage(kStages[s]);
      times.push_back(time_workloads(five_thousand, two_thousand));
      const Workloads& t = times.back();
      std::cout << kStageNames[s] << ": mini-batch " << figures::fixed(t.minibatch, 3) << " s, per-sample "
                << figures::fixed(t.sgd, 3) << " s, full-batch " << figures::fixed(t.fullbatch, 3) << " s\n";
      stage_rows.push_back({kStageNames[s], figures::fixed(t.minibatch * 1000, 0), figures::fixed(t.sgd * 1000, 1),
                            figures::fixed(t.fullbatch * 1000, 0)});
    }
    nn::kernels::set_stage(Stage::threads);
    report.table("stages", {"stage", "mini-batch epoch of 5,000 (ms)", "2,000 per-sample updates (ms)",
                            "full-batch step of 5,000 (ms)"},
                 stage_rows);
    stage_figure(report, times);
    const Workloads &first = times.front(), &last = times.back();
    report.number("speedup_minibatch", figures::fixed(first.minibatch / last.minibatch, 0));
    report.number("speedup_sgd", figures::fixed(first.sgd / last.sgd, 1));
    report.number("speedup_fullbatch", figures::fixed(first.fullbatch / last.fullbatch, 0));
    report.number("skip_speedup", figures::fixed(times[0].fullbatch / times[1].fullbatch, 1));
    report.number("blocked_speedup", figures::fixed(times[1].fullbatch / times[2].fullbatch, 1));
    report.number("threads_speedup_fullbatch", figures::fixed(times[2].fullbatch / times[3].fullbatch, 2));
    report.number("threads_speedup_minibatch", figures::fixed(times[2].minibatch / times[3].minibatch, 2));

    //! [same-bits]
    // Train the same network on 2,000 images with one thread and with two:
    // every parameter must come out with the same bits.
    std::vector<std::vector<float>> results;
    for (std::size_t threads : {1, 2}) {
      nn::parallel::set_threads(threads);
      nn::Network net = fresh_network();
      const nn::Tensor targets = nn::one_hot(two_thousand.labels);
      nn::StepBuffers buffers;
      for (int step = 0; step < 5; ++step) nn::train_step(net, two_thousand.images, targets, 0.5f, buffers);
      results.push_back(parameters(net));
    }
    const bool same = std::memcmp(results[0].data(), results[1].data(), results[0].size() * sizeof(float)) == 0;
    //! [same-bits]
    std::cout << "parameters after 5 full-batch steps, 1 thread vs 2: " << (same ? "identical" : "DIFFERENT") << '\n';
    if (!same) throw std::runtime_error("one and two threads gave different parameters");
    report.number("same_bits", same ? "identical bit for bit" : "different");
    report.number("parameter_count", std::to_string(results[0].size()));

    // The peak, and what the products reach: the full-batch forward product of
    // 5,000 images, counted as the dense product it stands for (2·B·I·O flops).
    const double peak = peak_gflops_one_core();
    nn::Network net = fresh_network();
    const auto& dense1 = std::get<nn::Dense>(net.layers[0]);
    nn::Tensor h(5000, 128);
    const double dense_flops = 2.0 * 5000 * 784 * 128;
    const double real_flops = dense_flops * (1.0 - static_cast<double>(zeros) / static_cast<double>(train.images.size()));
    std::vector<std::vector<std::string>> gflops_rows;
    for (std::size_t s = 0; s < std::size(kStages); ++s) {
      nn::kernels::set_stage(kStages[s]);
      const double seconds = time_best(5, [&] { nn::matmul(h, five_thousand.images, dense1.weight); });
      gflops_rows.push_back({kStageNames[s], figures::fixed(seconds * 1000, 1), figures::fixed(dense_flops / seconds / 1e9, 1),
                             s == 0 ? "—" : figures::fixed(real_flops / seconds / 1e9, 1)});
      if (kStages[s] == Stage::threads) {
        report.number("forward_effective_gflops", figures::fixed(dense_flops / seconds / 1e9, 0));
        report.number("forward_done_gflops", figures::fixed(real_flops / seconds / 1e9, 0));
        report.number("forward_peak_percent", figures::fixed(100 * real_flops / seconds / 1e9 / (2 * peak), 0));
      }
    }
    nn::kernels::set_stage(Stage::threads);
    report.table("gflops", {"stage", "ms", "GFLOP/s as a dense product", "GFLOP/s actually done"}, gflops_rows);
    report.number("peak_gflops_core", figures::fixed(peak, 0));
    report.number("peak_gflops_machine", figures::fixed(2 * peak, 0));
    std::cout << "peak of one core: " << figures::fixed(peak, 1) << " GFLOP/s\n";
    report.finish();
  });
}

// Chapter 11's program: what each step of making the products fast buys, on
// scaled-down versions of the benchmark's three workloads; the machine's limits
// (its FMA peak and memory bandwidth, read against the caches it reports); and,
// where Debian's python3-torch is installed, the benchmark beside PyTorch.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <gnuplot-iostream.h>

#include "benchmark_workloads.hpp"
#include "figure.hpp"
#include "kernels.hpp"
#include "minibatch.hpp"
#include "parallel.hpp"
#include "program.hpp"
#include "report.hpp"
#include "shared_gradient.hpp"
#include "shared_step.hpp"
#include "softmax_cross_entropy.hpp"
#include "stochastic.hpp"

namespace {

using nn::kernels::Stage;
using Clock = std::chrono::steady_clock;

const Stage kStages[] = {Stage::reference, Stage::skip_zeros, Stage::blocked, Stage::threads};
const char* const kStageNames[] = {"reference", "skip zeros", "blocked", "2 threads"};
const std::size_t kStageThreads[] = {1, 1, 1, 2};
constexpr std::size_t kHidden = 128, kInputs = 784;
// The copy of a mini-batch is timed over this many batches of this many images.
constexpr std::size_t kCopyBatch = 64, kCopyBatches = 200;

// --- Numbers as the book prints them -----------------------------------------

// A number with `digits` decimals and its thousands separated by commas: 4,954.3.
std::string grouped(double value, int digits) {
  const std::string plain = figures::fixed(value, digits);
  const std::size_t sign = plain[0] == '-' ? 1 : 0, point = std::min(plain.find('.'), plain.size());
  std::string text = plain.substr(0, sign);
  for (std::size_t i = sign; i < point; ++i) {
    text += plain[i];
    const std::size_t left = point - i - 1;  // digits still to come before the point
    if (left > 0 && left % 3 == 0) text += ',';
  }
  return text + plain.substr(point);
}

// "1 core", "2 cores": a count and its noun, singular or plural.
std::string count_of(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// "1.3 times faster", "about as fast (1.04 times)" or "slower (0.80 times the speed)":
// the words for going from `before` seconds to `after` seconds. Within 15%
// either way the machine's noise could turn the comparison round.
constexpr double kNoiseBand = 1.15;  // within this factor either way: "about as fast"
std::string speed_words(double before, double after) {
  const double ratio = before / after;
  // Two decimals below 10, so a reader who divides the table's rounded medians
  // gets the same ratio to within its last digit.
  if (ratio >= kNoiseBand) return figures::fixed(ratio, ratio < 10 ? 2 : 0) + " times faster";
  if (ratio > 1 / kNoiseBand) return "about as fast (" + figures::fixed(ratio, 2) + " times the speed)";
  return "slower (" + figures::fixed(ratio, 2) + " times the speed)";
}

// --- The machine -------------------------------------------------------------

// [vector-width]
// What the kernels were compiled for: -march=native turns on the widest vector
// instructions of the processor that builds the book, and the compiler says
// which through its macros. x86-64 has 16 vector registers, 32 with AVX-512.
#if defined(__AVX512F__)
constexpr const char* kVectorSet = "AVX-512";
constexpr int kVectorBits = 512, kVectorRegisters = 32;
#elif defined(__AVX2__) || defined(__AVX__)
constexpr const char* kVectorSet = "AVX2";
constexpr int kVectorBits = 256, kVectorRegisters = 16;
#elif defined(__ARM_NEON)
constexpr const char* kVectorSet = "NEON";
constexpr int kVectorBits = 128, kVectorRegisters = 32;
#else
constexpr const char* kVectorSet = "SSE2";
constexpr int kVectorBits = 128, kVectorRegisters = 16;
#endif
// [vector-width]

struct Caches {
  std::size_t l1d = 0, l2 = 0, l3 = 0;  // bytes per cache, 0 when unknown
};

// "48K" or "1024K" or "32M", as Linux writes cache sizes, in bytes.
std::size_t size_in_bytes(const std::string& text) {
  std::size_t value = 0, used = 0;
  try {
    value = std::stoul(text, &used);
  } catch (const std::exception&) {
    return 0;
  }
  const char unit = used < text.size() ? text[used] : ' ';
  return unit == 'K' ? value << 10 : unit == 'M' ? value << 20 : value;
}

// [caches]
// The data caches of the first core, as Linux describes them in /sys (each
// index* folder is one cache: its level, its type and its size); sysconf's
// figures where /sys says nothing.
Caches read_caches() {
  Caches caches;
  const std::filesystem::path folder = "/sys/devices/system/cpu/cpu0/cache";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    auto read = [&](const char* name) {
      std::ifstream in(entry.path() / name);
      std::string word;
      in >> word;
      return word;
    };
    const std::string level = read("level"), type = read("type");
    const std::size_t bytes = size_in_bytes(read("size"));
    if (level == "1" && type == "Data") caches.l1d = bytes;
    if (level == "2" && type != "Instruction") caches.l2 = bytes;
    if (level == "3" && type != "Instruction") caches.l3 = bytes;
  }
  auto from_sysconf = [](int name) {
    const long bytes = sysconf(name);
    return bytes > 0 ? std::size_t(bytes) : 0;
  };
  if (caches.l1d == 0) caches.l1d = from_sysconf(_SC_LEVEL1_DCACHE_SIZE);
  if (caches.l2 == 0) caches.l2 = from_sysconf(_SC_LEVEL2_CACHE_SIZE);
  if (caches.l3 == 0) caches.l3 = from_sysconf(_SC_LEVEL3_CACHE_SIZE);
  return caches;
}
// [caches]

// The hardware threads this program may run on: all of the machine's, unless
// its CPU affinity (set by taskset, or by a container's cpuset) allows fewer.
// Empty when Linux does not say.
std::set<std::size_t> allowed_cpus() {
  std::set<std::size_t> cpus;
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) != 0) return cpus;
  for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &mask)) cpus.insert(cpu);
  return cpus;
}

// The hardware threads that /sys lists and that are online (an offline one
// keeps its cpuN folder but loses its topology): cpu0, cpu1, … Empty when it
// lists none.
std::set<std::size_t> listed_cpus() {
  std::set<std::size_t> cpus;
  std::error_code error;
  for (const auto& cpu : std::filesystem::directory_iterator("/sys/devices/system/cpu", error)) {
    const std::string name = cpu.path().filename().string();
    if (name.size() > 3 && name.compare(0, 3, "cpu") == 0 &&
        std::all_of(name.begin() + 3, name.end(), [](unsigned char c) { return std::isdigit(c); }) &&
        std::filesystem::exists(cpu.path() / "topology", error))
      cpus.insert(std::stoul(name.substr(3)));
  }
  return cpus;
}

// How many CPUs a list in /sys names: "0-1" two, "0,4" two, "0-3,8-11" eight.
std::size_t cpus_in(const std::string& list) {
  std::size_t count = 0;
  std::istringstream ranges(list);
  std::string range;
  while (std::getline(ranges, range, ',')) {
    std::istringstream in(range);
    std::size_t first = 0, last = 0;
    char dash = 0;
    if (!(in >> first)) continue;
    if (!(in >> dash >> last) || dash != '-' || last < first) last = first;
    count += last - first + 1;
  }
  return count;
}

// The cores among `cpus`, as opposed to the hardware threads that
// std::thread::hardware_concurrency counts: the logical processors of one
// core (two, on a core that runs two threads at once) share one list of
// siblings in /sys, so the cores are the distinct lists; and how many hardware
// threads those cores have in all, which the lists name. 0 when /sys does not say.
struct Cores {
  std::size_t cores = 0, threads = 0;
};
Cores count_cores(const std::set<std::size_t>& cpus) {
  std::set<std::string> lists;
  for (const std::size_t cpu : cpus) {
    const std::filesystem::path topology = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology";
    for (const char* file : {"core_cpus_list", "thread_siblings_list"}) {  // the newer name, then the older
      std::ifstream in(topology / file);
      std::string siblings;
      if (in >> siblings) {
        lists.insert(siblings);
        break;
      }
    }
  }
  Cores counted{lists.size(), 0};
  for (const std::string& list : lists) counted.threads += cpus_in(list);
  return counted;
}

std::string kib(std::size_t bytes) { return grouped(static_cast<double>(bytes) / 1024, 0); }

// [peak]
// The machine's peak: kChains independent chains of fused multiply-adds,
// acc = acc·x + y, each FMA two operations on every lane. A chain waits for its
// own previous FMA (about 4 cycles), so a core with two FMA units needs at least
// 4 × 2 = 8 chains in flight to start two FMAs every cycle; 12 leave a margin
// and, with x and y, still fit in 16 registers. Each chain starts from its own
// value: chains that start equal stay equal, and GCC merged such chains into
// one, which then measured a fraction of the peak.
using Floats8 = float __attribute__((vector_size(32)));
using Floats16 = float __attribute__((vector_size(64)));
constexpr int kChains = 12;

template <typename Vector>
[[gnu::noinline]] double fma_gflops(long iterations) {
  constexpr int lanes = sizeof(Vector) / sizeof(float);
  Vector acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = Vector{} + (1.0f + 0.001f * static_cast<float>(c));
  const Vector x = Vector{} + 0.999999f, y = Vector{} + 1e-7f;
  const auto start = Clock::now();
  for (long i = 0; i < iterations; ++i)
    for (Vector& a : acc) a = a * x + y;
  const double seconds = nn::seconds_since(start);
  float sink = 0;
  for (const Vector& a : acc) sink += a[0];
  if (sink == 42.0f) std::cout << ' ';  // the sums are used, so the loop stays
  return 2.0 * lanes * kChains * static_cast<double>(iterations) / seconds / 1e9;
}
// [peak]

// The best of several runs: noise on a shared machine only ever lowers a
// ceiling, so the highest rate measured is the nearest to it.
template <typename F>
double best_rate(int runs, F rate) {
  double best = 0;
  for (int r = 0; r < runs; ++r) best = std::max(best, rate());
  return best;
}

// [bandwidth]
// Bytes per second that `threads` threads read from main memory: each sums its
// share of a buffer far larger than the last-level cache, with four running
// sums of eight floats so that the additions never wait for each other.
double read_bandwidth(const std::vector<float>& buffer, std::size_t threads) {
  auto sum_part = [&](std::size_t part, float* result) {
    const std::size_t floats = buffer.size() / threads / 32 * 32;
    const float* data = buffer.data() + part * floats;
    Floats8 sums[4] = {};
    for (std::size_t i = 0; i < floats; i += 32)
      for (int s = 0; s < 4; ++s) {
        Floats8 v;
        std::memcpy(&v, data + i + 8 * s, sizeof v);
        sums[s] += v;
      }
    *result = (sums[0] + sums[1] + sums[2] + sums[3])[0];
  };
  std::vector<float> results(threads);
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (std::size_t t = 1; t < threads; ++t) workers.emplace_back(sum_part, t, &results[t]);
  sum_part(0, &results[0]);
  for (std::thread& worker : workers) worker.join();
  const double seconds = nn::seconds_since(start);
  if (results[0] == 42.0f) std::cout << ' ';
  return static_cast<double>(buffer.size() / threads / 32 * 32 * threads * sizeof(float)) / seconds;
}
// [bandwidth]

// --- The network and the data ------------------------------------------------

nn::Network fresh_network() {
  nn::Rng rng(0);
  return nn::make_mlp({kInputs, kHidden, nn::kClasses}, nn::ActivationKind::relu, nn::Init::he, rng);
}

std::size_t nonzeros(nn::ConstTensorView images) {
  std::size_t count = 0;
  for (std::size_t n = 0; n < images.rows(); ++n)
    for (float v : images.row(n)) count += v != 0.0f;
  return count;
}

// Bytes of every parameter, for comparing two networks bit for bit.
std::vector<float> parameters(nn::Network& net) {
  std::vector<float> all;
  net.for_each_parameter(
      [&](nn::Tensor& p, nn::Tensor&) { all.insert(all.end(), p.values().begin(), p.values().end()); });
  return all;
}

// [work]
// The work of one training step on B images, of which `pixels` are not zero,
// for the roofline. Useful operations: the multiply-adds of the products that
// a zero cannot skip, 2 operations each: the first layer's forward product and
// weight gradient take one row of H per nonzero pixel; the second layer's
// three products are counted whole. Bytes: each operand of each product read
// from memory once and its output written once, the least traffic there is if
// no product found its operands still in a cache.
struct Work {
  double flops = 0, bytes = 0;
};
Work step_work(double batch, double pixels) {
  const double I = kInputs, H = kHidden, K = nn::kClasses, B = batch;
  auto product_bytes = [](double m, double k, double n) { return 4 * (m * k + k * n + m * n); };
  Work work;
  work.flops = 2 * (2 * pixels * H) + 3 * (2 * B * H * K);
  work.bytes = product_bytes(B, I, H) + product_bytes(I, B, H)                              // x W₁ and xᵀ dz₁
               + product_bytes(B, H, K) + product_bytes(H, B, K) + product_bytes(B, K, H);  // layer 2
  return work;
}
// [work]

// --- The profile of chapter 1's step -----------------------------------------

// [profile]
// Where one mini-batch step of the straightforward code spends its time: each
// product of the step timed on its own, with chapter 1's loops, for a batch of
// 64 real images, and then everything else that train_step does, timed as one
// part. (Subtracting the products from the whole step instead gave a rest that
// moved from 0 to 200 µs between runs: a product timed outside the step can
// take a different time than inside it.) The whole step is timed too, as a check.
struct Profile {
  std::vector<std::pair<std::string, double>> parts;  // name, median seconds
  double whole_step = 0;                              // median seconds
};

Profile profile_step(const nn::Dataset& data) {
  const nn::kernels::ScopedStage chapter_1_loops(Stage::reference);
  nn::Network net = fresh_network();
  const nn::ConstTensorView x = data.images.view().rows_slice(0, 64);
  const nn::Tensor y = nn::one_hot(std::vector<std::uint8_t>(data.labels.begin(), data.labels.begin() + 64));
  auto& dense1 = std::get<nn::Dense>(net.layers[0]);
  const auto& activation = std::get<nn::Activation>(net.layers[1]);  // ReLU
  auto& dense2 = std::get<nn::Dense>(net.layers[2]);
  nn::Tensor z1(64, kHidden), a(64, kHidden), dz1(64, kHidden), da(64, kHidden);
  nn::Tensor z(64, nn::kClasses), p(64, nn::kClasses), dz(64, nn::kClasses);
  std::mt19937 rng(2);
  std::normal_distribution<float> normal(0.0f, 0.1f);
  for (float& v : dz.values()) v = normal(rng);
  for (float& v : da.values()) v = normal(rng);
  nn::StepBuffers buffers;
  // Each part is timed 51 times, all parts in turn so that they meet the same
  // conditions on a shared machine; the median of each counts. A learning rate
  // of 0 costs the update the same work and leaves the network as it was.
  const std::vector<std::pair<std::string, std::function<void()>>> work = {
      {"layer 1 forward, x W₁ (64×784 by 784×128)", [&] { nn::matmul(z1, x, dense1.weight); }},
      {"layer 1 weight gradient, xᵀ dz₁ (784×64 by 64×128)",
       [&] { nn::matmul_at_b(dense1.dweight, x, dz1, nn::Write::overwrite); }},
      {"layer 2 forward, a W₂ (64×128 by 128×10)", [&] { nn::matmul(z, a, dense2.weight); }},
      {"layer 2 weight gradient, aᵀ dz₂ (128×64 by 64×10)",
       [&] { nn::matmul_at_b(dense2.dweight, a, dz, nn::Write::overwrite); }},
      {"layer 2 input gradient, dz₂ W₂ᵀ (64×10 by 10×128)", [&] { nn::matmul_a_bt(da, dz, dense2.weight); }},
      {"everything else (bias, ReLU, softmax, gradient sums, update)",
       [&] {
         nn::add_row(z1, dense1.bias);
         activation.forward(a, z1);
         nn::add_row(z, dense2.bias);
         nn::softmax_cross_entropy_forward(p, z, y);
         nn::softmax_cross_entropy_backward(dz, p, y);
         nn::fill(dense2.dbias, 0.0f);  // the backward pass writes the bias gradients (Write::overwrite)
         nn::add_column_sums(dense2.dbias, dz);
         activation.backward(dz1, da, z1, a);
         nn::fill(dense1.dbias, 0.0f);
         nn::add_column_sums(dense1.dbias, dz1);
         nn::gradient_descent_update(net, 0.0f);
       }},
      {"the whole step", [&] { nn::train_step(net, x, y, 0.0f, buffers); }},
  };
  std::vector<std::vector<double>> times(work.size());
  for (int repeat = 0; repeat < 51; ++repeat)
    for (std::size_t part = 0; part < work.size(); ++part) {
      const auto start = Clock::now();
      work[part].second();
      times[part].push_back(nn::seconds_since(start));
    }
  Profile profile;
  for (std::size_t part = 0; part + 1 < work.size(); ++part)
    profile.parts.emplace_back(work[part].first, median(times[part]));
  profile.whole_step = median(times.back());
  return profile;
}
// [profile]

// --- The stages on the scaled-down workloads ---------------------------------

// [workloads]
// The benchmark's three workloads, made smaller so that even chapter 1's loops
// finish in a fraction of a second: one mini-batch epoch over the first 5,000
// images (batch 64), 2,000 per-sample updates, one full-batch step over 5,000
// images. Seconds of each, one run.
struct Workloads {
  double minibatch = 0, sgd = 0, fullbatch = 0;
};

Workloads time_workloads(const nn::Dataset& five_thousand, const nn::Dataset& two_thousand, const nn::Tensor& targets) {
  Workloads w;
  auto timed = [](auto work) {
    const auto start = Clock::now();
    work();
    return nn::seconds_since(start);
  };
  w.minibatch = timed([&] {
    nn::Network net = fresh_network();
    nn::Tensor x(64, kInputs), y(64, nn::kClasses);
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
  w.sgd = timed([&] {
    nn::Network net = fresh_network();
    nn::SampleBuffers buffers;
    for (std::size_t n = 0; n < two_thousand.size(); ++n)
      nn::stochastic_step(net, two_thousand.images.view().rows_slice(n, 1), two_thousand.labels[n], 0.01f, buffers);
  });
  w.fullbatch = timed([&] {
    nn::Network net = fresh_network();
    nn::StepBuffers buffers;
    nn::train_step(net, five_thousand.images, targets, 0.5f, buffers);
  });
  return w;
}
// [workloads]

// --- Figures -----------------------------------------------------------------

void stage_figure(const figures::Report& report, const std::vector<Workloads>& times) {
  figures::Figure figure(report.figure_path("stages.svg"), 900, 380);
  auto& gp = figure.gnuplot();
  gp << "set multiplot layout 1,3\nset style data histograms\nset style fill solid 0.8 border -1\n"
     << "set boxwidth 0.75\nset xtics rotate by -30 font ',13'\nset ytics font ',12'\nset yrange [0:*]\nunset key\n"
     << "set grid ytics\n";
  const char* titles[] = {"mini-batch epoch (ms)", "2,000 updates (ms)", "full-batch step (ms)"};
  for (int w = 0; w < 3; ++w) {
    gp << "set title '" << titles[w] << "' font ',13'\n"
       << "plot '-' using 2:xtic(1) linecolor rgb '" << figures::kPalette[w] << "'\n";
    for (std::size_t s = 0; s < times.size(); ++s) {
      const double value = w == 0 ? times[s].minibatch : w == 1 ? times[s].sgd : times[s].fullbatch;
      gp << '"' << kStageNames[s] << "\" " << value * 1000 << '\n';
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
     << "set xlabel 'µs per step of 64 images, chapter 1 loops (medians)'\n"
     << "set grid xtics\nset ytics font ',14'\nset xtics font ',13'\nset xlabel font ',13'\nset xrange [0:*]\n"
     << "set lmargin 40\n"
     << "plot '-' using (0):0:(0):($2):($0-0.35):($0+0.35):ytic(1) with boxxyerror linecolor rgb '"
     << figures::kPalette[0] << "'\n";
  // The figure names each part without its shapes, which the table gives.
  for (const auto& [name, seconds] : parts)
    gp << '"' << name.substr(0, name.find(" (")) << "\" " << seconds * 1e6 << '\n';
  gp << "e\n";
  figure.finish();
}

struct RooflinePoint {
  std::string name;
  double intensity = 0, gflops = 0;  // useful operations per byte; useful GFLOP/s
  std::size_t threads = 1;           // that did the work
  bool workload = false;             // one of the benchmark's, or else a stage of the forward product
};

// The roofline: a loop doing `intensity` operations per byte of memory traffic
// can run no faster than min(peak, bandwidth × intensity).
void roofline_figure(const figures::Report& report, double peak_core, double peak8_core, bool kernels_wide,
                     std::size_t cores, double bandwidth_gbs, const std::vector<RooflinePoint>& points) {
  figures::Figure figure(report.figure_path("roofline.svg"), 760, 700);
  auto& gp = figure.gnuplot();
  const std::string roof = "roof, " + count_of(cores, "core");
  // The key below the plot: every point has its own entry, since labels
  // beside the points collided where two points come close.
  gp << "set logscale xy\nset xrange [0.01:300]\nset yrange [0.5:" << peak_core * cores * 6 << "]\n"
     << "set xlabel 'arithmetic intensity: useful floating-point operations per byte of memory traffic'\n"
     << "set ylabel 'useful GFLOP/s'\nset grid xtics ytics mxtics mytics\n"
     << "set key below Left reverse font ',11' spacing 1.15 height 1.5\n"
     << "set samples 400\n"
     << "roof(x, peak, bw) = (bw * x < peak ? bw * x : peak)\n"
     << "plot roof(x, " << peak_core * cores << ", " << bandwidth_gbs << ") with lines linewidth 2.5 linecolor rgb '"
     << figures::kPalette[0] << "' title '" << roof << ": "
     << grouped(std::round(peak_core) * static_cast<double>(cores), 0) << " GFLOP/s, " << grouped(bandwidth_gbs, 1)
     << " GB/s', "
     << "roof(x, " << peak8_core * cores << ", " << bandwidth_gbs
     << ") with lines dashtype 2 linewidth 2 linecolor rgb '" << figures::kPalette[0]
     << "' title \"" << roof << ", 8-float vectors" << (kernels_wide ? "" : " (the kernels' width)") << ": "
     << grouped(std::round(peak8_core) * static_cast<double>(cores), 0) << " GFLOP/s\"";
  // The benchmark's workloads as large hollow points; the stages of the first
  // layer's forward product as small filled ones, so that a stage's point
  // that falls on a workload's shows inside it.
  // A workload's key entry is a function of no value, which draws nothing but
  // its entry, with a smaller point, so that it keeps to its line of the key.
  const int workload_types[] = {4, 14, 6}, stage_types[] = {9, 7, 11, 13}, stage_colours[] = {1, 3, 4, 5};
  int workload = 0, stage = 0;
  for (const RooflinePoint& p : points)
    if (p.workload) {
      const std::string style = " with points pointtype " + std::to_string(workload_types[workload++ % 3]) +
                                " linewidth 2 linecolor rgb '" + figures::kPalette[2] + "'";
      gp << ", NaN" << style << " pointsize 1.4 title '" << p.name << ", " << count_of(p.threads, "thread")
         << " busy', '-' using 1:2" << style << " pointsize 2.6 notitle";
    }
  for (const RooflinePoint& p : points)
    if (!p.workload) {
      gp << ", '-' using 1:2 with points pointtype " << stage_types[stage % 4] << " pointsize 1.1 linecolor rgb '"
         << figures::kPalette[stage_colours[stage % 4]] << "' title 'layer 1 forward, 5,000 images: " << p.name
         << (p.name.find("thread") == std::string::npos ? ", " + count_of(p.threads, "thread") : "")
         << "'";  // (the stage "2 threads" says it already)
      ++stage;
    }
  gp << '\n';
  for (bool workloads : {true, false})
    for (const RooflinePoint& p : points)
      if (p.workload == workloads) gp << p.intensity << ' ' << p.gflops << "\ne\n";
  figure.finish();
}

// --- PyTorch beside the book -------------------------------------------------

// The peer's JSON lines, read without a JSON library: each is
// {"peer": ..., "workload": "...", "value": V, "unit": "...", "test_accuracy": A}.
std::vector<nn::benchmark::Result> parse_lines(const std::string& text) {
  std::vector<nn::benchmark::Result> results;
  std::istringstream lines(text);
  std::string line;
  auto field = [&](const std::string& name) {
    const std::size_t at = line.find("\"" + name + "\": ");
    if (at == std::string::npos)
      throw std::runtime_error("the PyTorch peer printed a line without " + name + ": " + line);
    return line.substr(at + name.size() + 4);
  };
  auto quoted = [](const std::string& rest) { return rest.substr(1, rest.find('"', 1) - 1); };
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '{') continue;
    results.push_back({quoted(field("workload")), std::stod(field("value")), quoted(field("unit")),
                       std::stod(field("test_accuracy"))});
  }
  return results;
}

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// [peer]
// Runs the PyTorch peer once, with Debian's Python (the first python3 on a
// PATH may be another without torch) and OpenBLAS left to choose its kernel
// for this processor, and returns its three lines.
std::vector<nn::benchmark::Result> run_peer(const std::filesystem::path& peer, const std::filesystem::path& data,
                                            std::size_t threads) {
  const std::string command = "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 " +
                              shell_quoted(peer.string()) + " --data " + shell_quoted(data.string()) + " --threads " +
                              std::to_string(threads);
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot start the PyTorch peer: " + command);
  std::string text;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
  if (pclose(pipe) != 0) throw std::runtime_error("the PyTorch peer failed: " + command);
  return parse_lines(text);
}
// [peer]

bool pytorch_installed() { return std::system("/usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1") == 0; }

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error(path.string() + ": cannot be written");
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  std::uint64_t comparison_runs = 5;
  std::filesystem::path peer = std::filesystem::path(__FILE__).parent_path() / "peer" / "pytorch_mlp.py";
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("comparison-runs", comparison_runs, 1, 99, "alternating runs of the book and PyTorch on the benchmark")
      .path("peer", peer, "the PyTorch peer script (run only where /usr/bin/python3 imports torch)");
  return nn::run_program(argc, argv, "chapter 11, making it fast: every step timed", options, [&] {
    figures::Report report(flags.out_dir, "ch11", flags.check_claims);
    const nn::Dataset train = nn::load_split(flags.data_dir, nn::Split::train);
    const nn::Dataset test = nn::load_split(flags.data_dir, nn::Split::test);
    // The most any measurement below takes: four runs of kCopyBatches batches
    // (two copies and two steps), each its own images.
    nn::benchmark::require_images(train, 4 * kCopyBatch * kCopyBatches, flags.data_dir);
    const nn::Dataset five_thousand = nn::first_images(train, 5000),
                      two_thousand = nn::first_images(train, 2000);
    nn::parallel::set_threads(2);
    // The machine's hardware threads and cores, and those this program may run
    // on: the same, unless its CPU affinity allows fewer.
    // (hardware_concurrency counts the machine's threads with this glibc; the
    // others are checked too, so that a library that counts only the allowed
    // ones cannot make the machine look as small as this program's share.)
    const std::set<std::size_t> listed = listed_cpus(), allowed = allowed_cpus();
    const std::size_t machine_threads =
        std::max({std::size_t{std::thread::hardware_concurrency()}, listed.size(), allowed.size(), std::size_t{1}});
    const Cores machine_cores_counted = count_cores(listed);
    const std::size_t machine_counted = machine_cores_counted.cores;
    const std::size_t hardware_threads = allowed.empty() ? machine_threads : allowed.size();
    const Cores allowed_cores = allowed.empty() ? machine_cores_counted : count_cores(allowed);
    const std::size_t counted = allowed_cores.cores;
    const std::size_t cores = counted > 0 ? counted : hardware_threads;
    // The runs below use two threads: the cores they can run on, whose peak bounds them.
    const std::size_t used_cores = std::min<std::size_t>(2, cores);

    const std::size_t zeros = train.images.size() - nonzeros(train.images);
    const double zero_fraction = static_cast<double>(zeros) / static_cast<double>(train.images.size());
    report.number("zero_percent", figures::fixed(100.0 * zero_fraction, 0));
    // An image's nonzero pixels, and their share of one block of kTile rows of W.
    const double per_image = static_cast<double>(train.images.size() - zeros) / static_cast<double>(train.size());
    const std::size_t blocks = (train.images.cols() + nn::kernels::kTile - 1) / nn::kernels::kTile;
    report.number("nonzeros_per_image", figures::fixed(per_image, 0));
    report.number("blocks_per_row", std::to_string(blocks));
    report.number("nonzeros_per_block", figures::fixed(per_image / static_cast<double>(blocks), 0));
    report.number("noise_band_percent", figures::fixed(100 * (kNoiseBand - 1), 0));

    // --- What the machine says about itself.
    const Caches caches = read_caches();
    report.number("vector_set", kVectorSet);
    report.number("vector_registers", std::to_string(kVectorRegisters));
    report.number("vector_floats", std::to_string(kVectorBits / 32));
    report.number("kernel_floats", std::to_string(nn::kernels::kVectorFloats));
    report.number("panel_registers", std::to_string(nn::kernels::kPanelWidth / nn::kernels::kVectorFloats));
    report.number("panel_width", std::to_string(nn::kernels::kPanelWidth));
    {  // Where this build's allocator puts a tensor the size of W₁: bytes past a 64-byte cache line.
      const nn::Tensor w1(kInputs, kHidden);
      const auto offset = reinterpret_cast<std::uintptr_t>(w1.data()) % 64;
      report.number("w1_line_offset", std::to_string(offset));
      report.number("w1_rows_aligned", offset == 0 ? "start on a cache line, as the vector loads want"
                                                   : "start " + std::to_string(offset) +
                                                         " bytes past a cache line, so every 64-byte vector load of "
                                                         "them straddles two lines");
    }
    report.number("tile_rows", std::to_string(nn::kernels::kTileRows));
    report.number("batch_parts", std::to_string((64 + nn::kernels::kTileRows - 1) / nn::kernels::kTileRows));
    // "2 cores", "4 cores and 8 hardware threads", or the threads alone where /sys does not say.
    const auto cores_of = [](std::size_t some_cores, std::size_t threads) {
      return some_cores == 0        ? count_of(threads, "hardware thread")
             : threads > some_cores ? count_of(some_cores, "core") + " and " + count_of(threads, "hardware thread")
                                    : count_of(some_cores, "core");
    };
    const std::string machine_words = cores_of(machine_counted, machine_threads);
    // Allowed fewer hardware threads than its cores have (taskset -c 0 on a
    // core that runs two), the program names the threads, and their cores.
    const bool part_cores = counted > 0 && hardware_threads < allowed_cores.threads;
    const std::string cores_words =
        part_cores ? count_of(hardware_threads, "hardware thread") + " of " + count_of(counted, "core")
                   : cores_of(counted, hardware_threads);
    const bool restricted = hardware_threads < machine_threads;
    // On x86, Linux sets the "hypervisor" flag of /proc/cpuinfo inside a
    // virtual machine, whose cores are the host's to place (unless the host
    // hides the flag; other processors have no such flag).
    bool virtual_machine = false;
    {
      std::ifstream cpuinfo("/proc/cpuinfo");
      for (std::string line; !virtual_machine && std::getline(cpuinfo, line);)
        virtual_machine = line.compare(0, 5, "flags") == 0 && line.find(" hypervisor") != std::string::npos;
    }
    report.number("cores", cores_words);
    report.number("cores_words",
                  machine_words +
                      (counted > 0 ? " (Linux lists in /sys, for each hardware thread, the threads of its "
                                     "core; the cores are the distinct lists)"
                                   : " (/sys did not say how many cores there are; this page takes "
                                     "each for a core)") +
                      (virtual_machine ? "; this is a virtual machine, whose host decides what runs its virtual "
                                         "cores (perhaps two hardware threads of one of the host's cores), and this "
                                         "page's peak for two cores assumes two separate ones"
                                       : "") +
                      (restricted ? "; this program can run on only " + cores_words + (part_cores ? "" : " of them") +
                                        " (its CPU affinity, set by taskset or a container, allows no more)"
                                  : ""));
    report.number("cores_sentence",
                  used_cores < 2 ? "This program can run on only " + cores_words +
                                       ": the two threads of this chapter's runs share one core, so the times below "
                                       "show what the pool does there, not what it gains with a core for each thread."
                                 : "This program can run on " + cores_words + ".");
    report.number("l1d_kib", caches.l1d ? kib(caches.l1d) : "an unknown number of");
    report.number("l2_kib", caches.l2 ? kib(caches.l2) : "an unknown number of");
    report.number("l3_mib",
                  caches.l3 ? grouped(static_cast<double>(caches.l3) / (1 << 20), 0) : "an unknown number of");
    const std::size_t tile = nn::kernels::kTile;
    const std::size_t w1_bytes = kInputs * kHidden * sizeof(float), w_tile_bytes = tile * kHidden * sizeof(float);
    const std::size_t transposed_tile_bytes = tile * tile * sizeof(float);
    report.number("tile", std::to_string(tile));
    report.number("w1_kib", kib(w1_bytes));
    report.number("w_tile_kib", kib(w_tile_bytes));
    report.number("transposed_tile_kib", kib(transposed_tile_bytes));
    report.number("w1_vs_l1", caches.l1d == 0         ? "perhaps more than"
                              : w1_bytes > caches.l1d ? "more than"
                                                      : "no more than");
    report.number("w_tile_l1_share", caches.l1d ? figures::fixed(100.0 * w_tile_bytes / caches.l1d, 0) + " % of this L1"
                                                : "an unknown share of the L1");
    const std::size_t out_rows_bytes = nn::kernels::kTileRows * kHidden * sizeof(float);
    report.number("out_rows_kib", kib(out_rows_bytes));
    report.number("tiles_vs_l1",
                  caches.l1d == 0 ? "may or may not fit in this L1"
                  : w_tile_bytes + out_rows_bytes == caches.l1d
                      ? "together fill the whole of this L1, with no room left for the images' pixels, "
                        "which the panels read too"
                  : w_tile_bytes + out_rows_bytes < caches.l1d ? "fit together in this L1"
                                                                : "are together more than this L1");
    // The full batch of chapter 7: 50,000 training images (the last 10,000 of
    // the file are its validation split); its dz₁ is 50,000 × 128 floats.
    const std::size_t full_batch = 50000, dz_bytes = full_batch * kHidden * sizeof(float);
    report.number("full_batch", grouped(full_batch, 0));
    report.number("dz_mib", figures::fixed(static_cast<double>(dz_bytes) / (1 << 20), 0));
    report.number("dz_vs_l2", caches.l2 == 0             ? "far more than a cache holds"
                              : dz_bytes > 4 * caches.l2 ? "many times the L2 cache"
                                                         : "not much more than the L2 cache");

    // --- The profile of the straightforward step.
    const Profile profile = profile_step(train);
    const auto& parts = profile.parts;
    double step = 0;
    for (const auto& part : parts) step += part.second;
    std::cout << "one mini-batch step with chapter 1's loops, " << figures::fixed(step * 1e6, 0) << " µs in parts, "
              << figures::fixed(profile.whole_step * 1e6, 0) << " µs whole:\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, seconds] : parts) {
      std::cout << "  " << name << ": " << figures::fixed(seconds * 1e6, 0) << " µs\n";
      rows.push_back({name, grouped(seconds * 1e6, 0), figures::fixed(100 * seconds / step, 0) + " %"});
    }
    rows.push_back({"all the parts (each share rounded on its own)", grouped(step * 1e6, 0), "100 %"});
    report.table("profile", {"part of the step", "µs (median of 51)", "share"}, rows);
    report.number("profile_step_us", grouped(step * 1e6, 0));
    report.number("profile_whole_step_us", grouped(profile.whole_step * 1e6, 0));
    const double products_share = (step - parts.back().second) / step;
    const double layer1_share = (parts[0].second + parts[1].second) / step;
    report.number("profile_products_percent", figures::fixed(100 * products_share, 0));
    report.number("profile_layer1_percent", figures::fixed(100 * layer1_share, 0));
    const double layer2 = parts[2].second + parts[3].second + parts[4].second;
    report.claim(
        "more than half of the step is matrix products, and the first layer's two take longer than the "
        "second layer's three, by far",
        products_share > 0.5 && parts[0].second + parts[1].second > 3 * layer2,
        "products " + figures::fixed(100 * products_share, 0) + " % of the step; the first layer's two " +
            figures::fixed((parts[0].second + parts[1].second) / layer2, 1) + " times the second layer's");
    profile_figure(report, parts);

    // --- Every stage on the three workloads: seven rounds, the stages in turn
    // within each round so that they meet the same conditions; medians.
    constexpr int kRounds = 7;
    const nn::Tensor five_thousand_targets = nn::one_hot(five_thousand.labels);
    std::vector<std::vector<Workloads>> runs(std::size(kStages));
    for (int round = 0; round < kRounds; ++round)
      for (std::size_t s = 0; s < std::size(kStages); ++s) {
        const nn::kernels::ScopedStage installed(kStages[s]);
        runs[s].push_back(time_workloads(five_thousand, two_thousand, five_thousand_targets));
      }
    std::vector<Workloads> times;
    std::vector<std::vector<std::string>> stage_rows;
    for (std::size_t s = 0; s < std::size(kStages); ++s) {
      std::vector<double> minibatch, sgd, fullbatch;
      for (const Workloads& w : runs[s])
        minibatch.push_back(w.minibatch), sgd.push_back(w.sgd), fullbatch.push_back(w.fullbatch);
      times.push_back({median(minibatch), median(sgd), median(fullbatch)});
      const Workloads& t = times.back();
      std::cout << kStageNames[s] << ": mini-batch " << figures::fixed(t.minibatch, 3) << " s, per-sample "
                << figures::fixed(t.sgd, 3) << " s, full-batch " << figures::fixed(t.fullbatch, 3) << " s\n";
      stage_rows.push_back({kStageNames[s], figures::fixed(t.minibatch * 1000, 1), figures::fixed(t.sgd * 1000, 1),
                            figures::fixed(t.fullbatch * 1000, 1)});
    }
    report.table(
        "stages",
        {"stage", "mini-batch epoch of 5,000 (ms)", "2,000 per-sample updates (ms)", "full-batch step of 5,000 (ms)"},
        stage_rows);
    report.number("rounds", std::to_string(kRounds));
    stage_figure(report, times);
    const Workloads &first = times[0], &skip = times[1], &blocked = times[2], &last = times[3];
    report.number("speedup_minibatch", speed_words(first.minibatch, last.minibatch));
    report.number("speedup_sgd", speed_words(first.sgd, last.sgd));
    report.number("speedup_fullbatch", speed_words(first.fullbatch, last.fullbatch));
    report.number("skip_fullbatch", speed_words(first.fullbatch, skip.fullbatch));
    report.number("skip_minibatch", speed_words(first.minibatch, skip.minibatch));
    report.number("blocked_fullbatch", speed_words(skip.fullbatch, blocked.fullbatch));
    report.number("blocked_minibatch", speed_words(skip.minibatch, blocked.minibatch));
    report.number("blocked_sgd", speed_words(skip.sgd, blocked.sgd));
    report.number("threads_fullbatch", speed_words(blocked.fullbatch, last.fullbatch));
    report.number("threads_minibatch", speed_words(blocked.minibatch, last.minibatch));
    // Said only when it happened. On this book's virtual machine the same
    // binary's two-thread mini-batch epoch has been seen to take longer than
    // one thread's in some minutes, and less in others.
    report.number("threads_minibatch_note",
                  used_cores < 2 ? "Here the two threads have one core between them, so the second thread adds no "
                                   "core to work on: what it changed in both workloads comes from the two sharing "
                                   "that core, or from the machine's noise, which the per-sample updates below "
                                   "measure."
                  : blocked.minibatch / last.minibatch < 1 / kNoiseBand
                      ? "In this run the second thread made the mini-batch slower, not faster: sharing "
                        "products this small pays only while the threads' cores pass data between them quickly, "
                        "and on a virtual machine, whose cores the host places, they need not."
                      : "");
    report.number("threads_sgd", speed_words(blocked.sgd, last.sgd));
    report.claim(
        "one thread of the blocked kernels runs the mini-batch epoch and the full-batch step at least twice "
        "as fast as chapter 1's loops",
        first.minibatch > 2 * blocked.minibatch && first.fullbatch > 2 * blocked.fullbatch,
        "mini-batch " + figures::fixed(first.minibatch / blocked.minibatch, 1) + " times, full-batch " +
            figures::fixed(first.fullbatch / blocked.fullbatch, 1) + " times");

    // [same-bits]
    // Train the same network on 2,000 images with one thread and with two:
    // five full-batch steps with each product shared among the threads, five
    // with whole chunks shared (shared_full_batch_gradient, below), an epoch
    // of mini-batches of 64 with the update and the copy of each batch shared
    // too (SharedGradientDescent, shared_gather_rows), and one with the whole
    // step shared (shared_train_step, below). Every parameter must come out
    // with the same bits.
    std::vector<std::vector<float>> results;
    for (std::size_t threads : {1, 2}) {
      nn::parallel::set_threads(threads);
      nn::Network net = fresh_network();
      nn::parallel::SharedGradientDescent shared_descent;
      nn::train_full_batch(net, two_thousand, two_thousand, {.epochs = 5, .learning_rate = 0.5f});
      nn::train_full_batch(net, two_thousand, two_thousand,
                           {.epochs = 5, .learning_rate = 0.5f, .gradient = nn::parallel::shared_full_batch_gradient});
      nn::MiniBatchSettings mini_batch{.epochs = 1, .batch_size = 64, .learning_rate = 0.1f,
                                       .rule = &shared_descent, .gather = nn::parallel::shared_gather_rows};
      nn::train_mini_batch(net, two_thousand, two_thousand, mini_batch);
      mini_batch.step = nn::parallel::shared_train_step;
      nn::train_mini_batch(net, two_thousand, two_thousand, mini_batch);
      results.push_back(parameters(net));
    }
    const bool same = std::memcmp(results[0].data(), results[1].data(), results[0].size() * sizeof(float)) == 0;
    // [same-bits]
    std::cout << "parameters after full-batch and mini-batch training, 1 thread vs 2: "
              << (same ? "identical" : "DIFFERENT") << '\n';
    report.claim("one thread and two give the same parameters, bit for bit", same,
                 same ? "all " + grouped(static_cast<double>(results[0].size()), 0) + " identical" : "they differ");
    report.number("parameter_count", grouped(static_cast<double>(results[0].size()), 0));

    // [same-step]
    // The shared step, on batches copied from bytes as the benchmark's are,
    // against chapter 7's step on batches copied from the floats: an epoch of
    // mini-batches of 64 on 2,000 images each way, on two threads, from the
    // same start.
    {
      nn::parallel::set_threads(2);
      nn::Network by_layers = fresh_network(), by_rows = fresh_network();
      nn::parallel::SharedGradientDescent descent;
      const nn::MiniBatchSettings settings{.epochs = 1, .batch_size = 64, .learning_rate = 0.1f, .rule = &descent};
      const nn::parallel::ByteImages bytes(two_thousand.images);
      nn::MiniBatchSettings shared_settings = settings;
      shared_settings.step = nn::parallel::shared_train_step;
      shared_settings.gather = std::cref(bytes);
      nn::train_mini_batch(by_layers, two_thousand, two_thousand, settings);
      nn::train_mini_batch(by_rows, two_thousand, two_thousand, shared_settings);
      const std::vector<float> a = parameters(by_layers), b = parameters(by_rows);
      const bool same_step = std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
      report.claim("the first 2,000 training images, this check's, are kept as bytes: every value is a pixel value",
                   bytes.exact(),
                   bytes.exact() ? "all " + grouped(static_cast<double>(two_thousand.images.size()), 0) + " of them"
                                 : "some value is not");
      report.claim("the shared step on batches copied from bytes gives the parameters of train_step, bit for bit",
                   same_step, same_step ? "all identical" : "they differ");
    }
    // [same-step]

    // --- The rows of W₁ that the shared step's update leaves as they are:
    // those of the pixels that are zero in every image of a batch. Counted
    // over the benchmark's batches (64) of one shuffled epoch of the training
    // file; the mean.
    {
      nn::Rng rng(12);
      const std::vector<std::size_t> order = nn::shuffled_order(train.size(), rng);
      constexpr std::size_t kBatch = nn::benchmark::kBatchSize;
      const std::size_t pixels = train.images.cols(), batches = train.size() / kBatch;
      double left = 0;
      for (std::size_t b = 0; b < batches; ++b) {
        std::vector<char> lit(pixels, 0);  // whether pixel k is nonzero in some image of the batch
        for (std::size_t r = b * kBatch; r < (b + 1) * kBatch; ++r)
          for (std::size_t k = 0; k < pixels; ++k) lit[k] |= train.images(order[r], k) != 0.0f;
        left += static_cast<double>(std::ranges::count(lit, 0));
      }
      left /= static_cast<double>(batches);
      report.number("rows_left", figures::fixed(left, 0));
      report.number("rows_left_percent", figures::fixed(100 * left / static_cast<double>(pixels), 0));
    }

    // The training file's images kept as bytes, made once (and timed) for the
    // two measurements below that copy their batches as the benchmark does.
    const auto bytes_start = Clock::now();
    const nn::parallel::ByteImages train_bytes(train.images);
    const double bytes_seconds = nn::seconds_since(bytes_start);

    // --- What the update costs the shared step, on one thread and on two.
    // The shared step on two threads as the update-cost timing below measures it;
    // the copy's timing after it times the same step again.
    double update_step_two_seconds = 0;
    {
      // [update-cost]
      // The same 200 batches of the benchmark's size, copied as the
      // benchmark copies them, from train_bytes (a ByteImages of the training
      // images, made once before this block), through two copies of one
      // network: one with plain descent, done inside the second job; one with
      // a rule that changes nothing, so that the step writes no parameter.
      // Only the steps are timed, on one thread and then on two.
      struct KeepParameters final : nn::Optimiser {
        void update(nn::Network&, float) override {}
      };
      constexpr std::size_t kBatch = nn::benchmark::kBatchSize, kSteps = 200;
      nn::Rng rng(13);
      const std::vector<std::size_t> order = nn::shuffled_order(train.size(), rng);
      nn::Tensor x(kBatch, kInputs), y(kBatch, nn::kClasses);
      nn::StepBuffers buffers;
      const auto time_steps = [&](nn::Network& net, nn::Optimiser& rule) {
        double stepping = 0;
        for (std::size_t b = 0; b < kSteps; ++b) {
          const std::span<const std::size_t> batch(order.data() + b * kBatch, kBatch);
          train_bytes(x, train.images, batch);
          nn::gather_one_hot(y, train.labels, batch);
          const auto start = Clock::now();
          nn::parallel::shared_train_step(net, x, y, 0.1f, buffers, rule);
          stepping += nn::seconds_since(start);
        }
        return stepping / kSteps;
      };
      nn::parallel::SharedGradientDescent descent;
      KeepParameters keep;
      // Per step, on one thread [0] and on two [1]: with the update, without,
      // and the difference within each round.
      std::vector<double> updating[2], keeping[2], extra[2];
      for (std::size_t threads = 1; threads <= 2; ++threads) {
        nn::parallel::set_threads(threads);
        for (int round = -1; round < kRounds; ++round) {  // round −1 untimed: the new pool's first steps
          nn::Network learning = fresh_network(), kept = fresh_network();
          double with_update = 0, without = 0;
          if (round % 2 == 0) {  // the order alternates from round to round
            with_update = time_steps(learning, descent);
            without = time_steps(kept, keep);
          } else {
            without = time_steps(kept, keep);
            with_update = time_steps(learning, descent);
          }
          if (round < 0) continue;
          updating[threads - 1].push_back(with_update);
          keeping[threads - 1].push_back(without);
          extra[threads - 1].push_back(with_update - without);
        }
      }
      // [update-cost]
      nn::parallel::set_threads(2);
      const double one = median(extra[0]) * 1e6, two = median(extra[1]) * 1e6;
      report.number("update_keep_one_us", figures::fixed(median(keeping[0]) * 1e6, 1));
      report.number("update_keep_two_us", figures::fixed(median(keeping[1]) * 1e6, 1));
      report.number("update_step_one_us", figures::fixed(median(updating[0]) * 1e6, 1));
      report.number("update_step_two_us", figures::fixed(median(updating[1]) * 1e6, 1));
      update_step_two_seconds = median(updating[1]);
      // A difference within 2 % of the step it is taken from is not told
      // apart from the machine's wobble; the words compare the two threads'
      // costs only when both are clear of it, and in wide bands, since the
      // ratio of two small differences wobbles more than either.
      const auto clear = [&](double us, std::size_t t) { return std::abs(us) > 0.02 * median(keeping[t]) * 1e6; };
      const auto longer = [&](double us, std::size_t t, const char* where) {
        return !clear(us, t) ? std::string("no measurably longer ") + where
               : us > 0      ? figures::fixed(us, 1) + " µs longer " + where
                             : figures::fixed(-us, 1) + " µs less " + where;
      };
      // Where the two threads can run on two cores, the likely reason where
      // it did not halve (on one core, see below).
      const std::string why =
          " A likely reason: in the first job each thread reads many rows of W₁, and in the second each writes the "
          "rows that change in its share of them. Before one core can write a cache line that the other core holds, "
          "the other core's copy is invalidated, so in the next step's first job that core must fetch the line back: "
          "a cost that one thread alone never pays, and that falls on the next step's forward pass rather than on "
          "the update.";
      std::string words = "The steps with the update took " + longer(one, 0, "on one thread") + " and " +
                          longer(two, 1, "on two") +
                          " (medians of each round's difference, which need not equal the difference of the medians "
                          "above).";
      if (used_cores < 2) {
        words += " Here the two threads have one core between them, so these costs cannot show what sharing the "
                 "update between two cores would change.";
      } else if (clear(one, 0) && clear(two, 1) && one > 0 && two > 0) {
        const double ratio = std::round(two / one * 100) / 100;  // as printed, so the bands match the figure
        const std::string as_much = " (" + figures::fixed(ratio, 2) + " times as much)";
        words += " So on two threads the update cost " +
                 (ratio <= 0.6 ? "about half as much as on one or less" + as_much + ": sharing it out paid."
                  : ratio <= 1 / kNoiseBand ? "less than on one, but more than half as much" + as_much + "." + why
                  : ratio < kNoiseBand      ? "about as much as on one" + as_much + "." + why
                                            : "more than on one" + as_much + "." + why);
      }
      report.number("update_words", words);
    }

    // --- What a job of the pool costs: 20,000 jobs of four pieces that do
    // nothing, on two threads; the median of seven rounds, per job.
    {
      nn::parallel::set_threads(2);
      std::vector<double> per_job;
      for (int round = 0; round < 7; ++round) {
        constexpr int kJobs = 20000;
        const auto start = Clock::now();
        for (int job = 0; job < kJobs; ++job) nn::parallel::pool().for_ranges(64, 16, [](std::size_t, std::size_t) {});
        per_job.push_back(nn::seconds_since(start) / kJobs);
      }
      // With one core for both threads no cache line travels between cores.
      report.number("job_words",
                    "Jobs of four empty pieces, given back to back to a pool of two threads, took " +
                        figures::fixed(median(per_job) * 1e6, 2) + " µs each in this run" +
                        (used_cores < 2 ? " (here the two threads have one core between them, so no cache "
                                          "line travels between cores: the figure is the cost of a job, not of a "
                                          "hand-over from one core to another)."
                                        : "."));
    }

    // --- A mini-batch's copy of its 64 images from the training file's
    // 60,000, on one thread, shared by two, and from bytes, and the step that
    // then trains on them: chapter 7's, with products and update shared, and
    // the shared step. Each round takes a new order and gives each of the four its own
    // 200 batches, so that neither copy finds the rows the other has just
    // brought into the caches; seven rounds, medians, per batch.
    {
      nn::parallel::set_threads(2);
      constexpr std::size_t kBatch = kCopyBatch, kBatches = kCopyBatches;
      nn::Tensor x(kBatch, train.images.cols()), y(kBatch, nn::kClasses);
      nn::Network net = fresh_network();
      nn::parallel::SharedGradientDescent shared_descent;
      nn::StepBuffers buffers;
      nn::Rng rng(11);
      auto start = Clock::now();
      report.number("bytes_ms", figures::fixed(bytes_seconds * 1000, 0));
      // Else the copy below would be from the floats, and so would the benchmark's.
      report.claim("the training file's images are kept as bytes: every value is a pixel value", train_bytes.exact(),
                   train_bytes.exact() ? "all " + grouped(static_cast<double>(train.images.size()), 0) + " of them"
                                 : "some value is not");
      std::vector<double> alone, shared, from_bytes, chapter7_step, shared_step, zeroing;
      for (int round = 0; round < 7; ++round) {
        const std::vector<std::size_t> order = nn::shuffled_order(train.size(), rng);
        const auto batch = [&](std::size_t b) { return std::span<const std::size_t>(order).subspan(b * kBatch, kBatch); };
        start = Clock::now();
        for (std::size_t b = 0; b < kBatches; ++b) nn::gather_rows(x, train.images, batch(b));
        alone.push_back(nn::seconds_since(start) / kBatches);
        start = Clock::now();
        for (std::size_t b = kBatches; b < 2 * kBatches; ++b) nn::parallel::shared_gather_rows(x, train.images, batch(b));
        shared.push_back(nn::seconds_since(start) / kBatches);
        // From the bytes, on the batches whose steps are timed below (their
        // copies there are not timed).
        start = Clock::now();
        for (std::size_t b = 2 * kBatches; b < 3 * kBatches; ++b) train_bytes(x, train.images, batch(b));
        from_bytes.push_back(nn::seconds_since(start) / kBatches);
        // Chapter 7's step and the shared step, each on batches of its own,
        // the one first in even rounds and the other in odd ones.
        const auto time_steps = [&](nn::TrainStep train_one, std::size_t first_batch) {
          double stepping = 0;
          for (std::size_t b = first_batch; b < first_batch + kBatches; ++b) {
            nn::parallel::shared_gather_rows(x, train.images, batch(b));
            nn::gather_one_hot(y, train.labels, batch(b));
            start = Clock::now();
            train_one(net, x, y, 0.1f, buffers, shared_descent);
            stepping += nn::seconds_since(start);
          }
          return stepping / kBatches;
        };
        if (round % 2 == 0) {
          chapter7_step.push_back(time_steps(nn::train_step, 2 * kBatches));
          shared_step.push_back(time_steps(nn::parallel::shared_train_step, 3 * kBatches));
        } else {
          shared_step.push_back(time_steps(nn::parallel::shared_train_step, 3 * kBatches));
          chapter7_step.push_back(time_steps(nn::train_step, 2 * kBatches));
        }
        // What chapter 7's step no longer does: zero every gradient first.
        start = Clock::now();
        for (std::size_t b = 0; b < kBatches; ++b) net.zero_gradients();
        zeroing.push_back(nn::seconds_since(start) / kBatches);
      }
      report.number("gather_alone_us", figures::fixed(median(alone) * 1e6, 1));
      report.number("gather_shared_us", figures::fixed(median(shared) * 1e6, 1));
      report.number("gather_step_us", figures::fixed(median(chapter7_step) * 1e6, 0));
      report.number("shared_step_us", figures::fixed(median(shared_step) * 1e6, 0));
      report.number("shared_step", speed_words(median(chapter7_step), median(shared_step)));
      // The same step, timed in two places under different conditions: where
      // the two medians differ by more than the noise band, the page says so.
      const double agreement = median(shared_step) / update_step_two_seconds;
      report.number("shared_step_again",
                    agreement > kNoiseBand || agreement < 1 / kNoiseBand
                        ? "The shared step on two threads took " +
                              figures::fixed(update_step_two_seconds * 1e6, 0) + " µs here against " +
                              figures::fixed(median(shared_step) * 1e6, 0) +
                              " µs earlier in this section, where it ran on a network further into training, on "
                              "other batches, after another copy and at another time; this run does not separate "
                              "those causes."
                        : "");
      // The benchmark takes the shared step for its mini-batches: it must not
      // be the slower of the two (the words above say by how much it is faster).
      report.claim("the shared step is not slower than chapter 7's step with each product shared",
                   median(shared_step) <= median(chapter7_step),
                   figures::fixed(median(shared_step) * 1e6, 1) + " µs against " +
                       figures::fixed(median(chapter7_step) * 1e6, 1) + " µs");
      report.number("gather_shared", speed_words(median(alone), median(shared)));
      report.number("gather_bytes_us", figures::fixed(median(from_bytes) * 1e6, 1));
      report.number("gather_bytes", speed_words(median(shared), median(from_bytes)));
      // The text says the bytes gain less than their 49 lines against 13 would suggest.
      report.claim("copying a batch from bytes gains less than the 49/13 ≈ 3.8 times that the cache lines alone "
                   "would suggest",
                   median(shared) / median(from_bytes) < 49.0 / 13.0,
                   figures::fixed(median(shared) / median(from_bytes), 2) + " times");
      report.number("gather_bytes_file_mb", figures::fixed(static_cast<double>(train.images.size()) / 1e6, 0));
      // The benchmark copies its batches from bytes: that copy must be the faster.
      report.claim("copying a batch from bytes is faster than copying its floats, both shared by two threads",
                   median(from_bytes) < median(shared),
                   figures::fixed(median(from_bytes) * 1e6, 1) + " µs against " +
                       figures::fixed(median(shared) * 1e6, 1) + " µs");
      report.number("gather_file_mb",
                    figures::fixed(static_cast<double>(train.images.size() * sizeof(float)) / 1e6, 0));
      // Chapter 8 called the copy small beside chapter 1's loops; the text says
      // it is not beside these kernels, which holds while one thread's copy is
      // more than a twentieth of the step's own time.
      const double percent = 100 * median(alone) / median(chapter7_step);
      report.number("gather_percent", figures::fixed(percent, 0));
      report.claim("copying a batch on one thread is not small beside chapter 7's step with each product shared "
                   "(over 5 % of its time)",
                   percent > 5, "the copy takes " + figures::fixed(percent, 1) + " % of the step's time");
      // Chapter 6 says zeroing the gradients before each step is a measurable
      // share of a step with these kernels: more than 1 %.
      const double zeroing_percent = 100 * median(zeroing) / median(chapter7_step);
      report.number("zeroing_us", figures::fixed(median(zeroing) * 1e6, 1));
      report.number("zeroing_percent", figures::fixed(zeroing_percent, 1));
      report.claim("zeroing every gradient is a measurable share of chapter 7's step with each product shared "
                   "(over 1 % of its time)",
                   zeroing_percent > 1,
                   "zeroing takes " + figures::fixed(zeroing_percent, 1) + " % of the step's time");
    }

    // --- The full batch of the benchmark (the training file's 60,000 images):
    // chapter 7's gradient with each product shared, against whole chunks
    // shared, on two threads; seven rounds in turn, medians.
    {
      const nn::Tensor all_targets = nn::one_hot(train.labels);
      std::vector<double> by_products, by_parts;
      nn::Network net = fresh_network();
      nn::StepBuffers buffers;
      for (int round = 0; round < 7; ++round) {
        auto start = Clock::now();
        nn::full_batch_gradient(net, train.images, all_targets, buffers);
        by_products.push_back(nn::seconds_since(start));
        start = Clock::now();
        nn::parallel::shared_full_batch_gradient(net, train.images, all_targets, buffers);
        by_parts.push_back(nn::seconds_since(start));
      }
      report.number("gradient_products_ms", figures::fixed(median(by_products) * 1000, 1));
      report.number("gradient_parts_ms", figures::fixed(median(by_parts) * 1000, 1));
      report.number("parts_fullbatch", speed_words(median(by_products), median(by_parts)));
    }

    // --- The machine's limits: the FMA peak and the memory bandwidth.
    const long iterations = 20'000'000;
    const double peak8 = best_rate(5, [&] { return fma_gflops<Floats8>(iterations); });
    const double peak_widest =
        kVectorBits >= 512 ? best_rate(5, [&] { return fma_gflops<Floats16>(iterations); }) : peak8;
    const double peak = std::max(peak8, peak_widest);
    const double used_peak = peak * static_cast<double>(used_cores);  // of the cores two threads can use at once
    std::cout << "FMA peak of one core: " << figures::fixed(peak8, 1) << " GFLOP/s with 8 floats, "
              << figures::fixed(peak_widest, 1) << " with the widest vectors\n";
    report.number("peak_gflops_core", grouped(peak, 0));
    report.number("peak_gflops_8", grouped(peak8, 0));
    report.number("peak_gflops_widest", grouped(peak_widest, 0));
    report.number("peak_two_threads_words",
                  used_cores == 2 ? grouped(std::round(peak) * 2, 0) +  // from one core's, as rounded above
                                        " for the 2 cores that this chapter's two threads use at most."
                                  : "this program can run on only one core, which this chapter's two threads "
                                    "share.");
    report.number("chains", std::to_string(kChains));
    // The kernels' vectors are the widest the compiler was told of
    // (kernels.hpp): 16 floats with AVX-512, else 8.
    const bool kernels_wide = nn::kernels::kVectorFloats >= 16;
    report.number("wide_vectors",
                  kVectorBits < 512 ? "The compiler has no wider vectors for this processor, and the kernels use these."
                  : peak_widest > 1.3 * peak8
                      ? "With 16 floats, the width of the kernels' vectors on this processor, a core reached " +
                            grouped(peak_widest, 0) + " GFLOP/s: the wider vectors raise the ceiling."
                      : "With 16 floats, the width of the kernels' vectors on this processor, a core reached " +
                            grouped(peak_widest, 0) +
                            " GFLOP/s, no more: this processor does as many operations a cycle with either width.");
    const std::size_t stream_bytes = std::max<std::size_t>(std::size_t{256} << 20, 8 * caches.l3);
    const std::vector<float> stream(stream_bytes / sizeof(float), 1.0f);
    const double bandwidth1 = best_rate(5, [&] { return read_bandwidth(stream, 1); }) / 1e9;
    const double bandwidth = best_rate(5, [&] { return read_bandwidth(stream, 2); }) / 1e9;
    std::cout << "memory read bandwidth: " << figures::fixed(bandwidth1, 1) << " GB/s on one thread, "
              << figures::fixed(bandwidth, 1) << " GB/s on two\n";
    report.number("stream_mib", grouped(static_cast<double>(stream_bytes >> 20), 0));
    report.number("bandwidth_gbs", figures::fixed(bandwidth, 1));
    report.number("bandwidth_one_gbs", figures::fixed(bandwidth1, 1));
    report.number("ridge", figures::fixed(used_peak / bandwidth, 0));

    // --- What the products reach: the first layer's forward product of 5,000
    // images at every stage. Done: the operations the loops execute (chapter
    // 1's do every multiply-add; the others skip the zero pixels). Useful: the
    // ones with a nonzero pixel, which any method must do.
    std::vector<RooflinePoint> roofline;
    std::vector<std::pair<std::string, double>> rates_against_peak;  // name, fraction of peak × threads
    nn::Network net = fresh_network();
    const auto& dense1 = std::get<nn::Dense>(net.layers[0]);
    nn::Tensor a(5000, kHidden);
    const double dense_flops = 2.0 * 5000 * kInputs * kHidden;
    const double useful_flops = 2.0 * static_cast<double>(nonzeros(five_thousand.images)) * kHidden;
    const double forward_bytes = 4.0 * (5000.0 * kInputs + kInputs * kHidden + 5000.0 * kHidden);
    std::vector<std::vector<double>> forward_times(std::size(kStages));
    for (int round = 0; round < kRounds; ++round)
      for (std::size_t s = 0; s < std::size(kStages); ++s) {
        const nn::kernels::ScopedStage installed(kStages[s]);
        const auto start = Clock::now();
        nn::matmul(a, five_thousand.images, dense1.weight);
        forward_times[s].push_back(nn::seconds_since(start));
      }
    std::vector<std::vector<std::string>> gflops_rows;
    double blocked_seconds = 0;  // the blocked stage's median, one thread
    for (std::size_t s = 0; s < std::size(kStages); ++s) {
      const double seconds = median(forward_times[s]);
      const double done = (s == 0 ? dense_flops : useful_flops) / seconds / 1e9, useful = useful_flops / seconds / 1e9;
      const std::size_t stage_cores = std::min<std::size_t>(kStageThreads[s], used_cores);
      const double of_peak = done / (peak * static_cast<double>(stage_cores));
      gflops_rows.push_back({kStageNames[s], std::to_string(kStageThreads[s]), figures::fixed(seconds * 1000, 2),
                             figures::fixed(done, 1), figures::fixed(100 * of_peak, 0) + " %",
                             figures::fixed(useful, 1)});
      rates_against_peak.emplace_back("the forward product, " + std::string(kStageNames[s]) + ", operations done, at " +
                                          figures::fixed(100 * of_peak, 0) + " % of the peak of its " +
                                          count_of(stage_cores, "core"),
                                      of_peak);
      roofline.push_back({kStageNames[s], useful_flops / forward_bytes, useful, kStageThreads[s]});
      if (kStages[s] == Stage::blocked) {
        blocked_seconds = seconds;
        report.number("forward_blocked_percent", figures::fixed(100 * of_peak, 0));
      }
      if (kStages[s] == Stage::threads) {
        report.number("forward_done_gflops", figures::fixed(done, 0));
        report.number("forward_peak_percent", figures::fixed(100 * of_peak, 0));
      }
    }
    report.table("gflops",
                 {"stage", "threads", "ms (median of " + std::to_string(kRounds) + ")", "GFLOP/s done",
                  "of the peak of its cores", "useful GFLOP/s"},
                 gflops_rows);
    report.number("forward_intensity", figures::fixed(useful_flops / forward_bytes, 1));
    report.number("forward_dense_intensity", figures::fixed(dense_flops / forward_bytes, 0));

    // --- Where the blocked product's time goes.
    // [panel-gap]
    // The blocked kernel on one thread, on two inputs of 5,000 rows of 64
    // elements, against one block of W₁ (its first kTile rows, 32 KiB), which
    // is meant to stay in the L1 cache with the running sums (in an L1 of
    // 48 KiB, together they fill it): every group of kTileRows rows adds to
    // the same rows of `sums`.
    // First every element nonzero: shares of 64 nonzeros, the loop at its
    // best. Then `per_block` nonzero elements per row at random places, as
    // many as one of the 5,000 images timed has in a block of W₁ on average.
    const double timed_per_image = useful_flops / (2.0 * kHidden) / 5000;
    const auto per_block = static_cast<std::size_t>(std::lround(timed_per_image / static_cast<double>(blocks)));
    constexpr std::size_t kBlock = nn::kernels::kTile, kGroup = nn::kernels::kTileRows;
    nn::Tensor block(kBlock, kHidden), sums(kGroup, kHidden);
    nn::Tensor every(5000, kBlock), scattered(5000, kBlock);
    std::copy_n(dense1.weight.data(), block.size(), block.data());
    fill(every, 0.5f);
    nn::Rng places(7);
    for (std::size_t i = 0; i < 5000; ++i) {
      const std::vector<std::size_t> order = nn::shuffled_order(kBlock, places);
      for (std::size_t c = 0; c < per_block; ++c) scattered(i, order[c]) = 0.5f;
    }
    const auto against_one_block = [&](const nn::Tensor& x) {
      const auto start = Clock::now();
      for (std::size_t i0 = 0; i0 < x.rows(); i0 += kGroup) {
        const std::size_t group_rows = std::min(kGroup, x.rows() - i0);
        nn::kernels::stages::matmul_blocked(sums.view().rows_slice(0, group_rows), x.view().rows_slice(i0, group_rows),
                                            block, nn::Write::accumulate, 0, group_rows);
      }
      return nn::seconds_since(start);
    };
    std::vector<double> every_times, scattered_times;
    for (int round = 0; round < kRounds; ++round) {
      every_times.push_back(against_one_block(every));
      scattered_times.push_back(against_one_block(scattered));
    }
    // [panel-gap]
    // Nanoseconds per nonzero element, rounded as printed (so that the
    // differences below add up for the reader), and the useful rate against
    // one core's peak. The real product is the blocked stage of the table above.
    const auto ns_per = [](double seconds, double nonzero_elements) {
      return std::round(seconds / nonzero_elements * 1e9 * 100) / 100;
    };
    const double ns_every = ns_per(median(every_times), 5000.0 * kBlock),
                 ns_scattered = ns_per(median(scattered_times), 5000.0 * static_cast<double>(per_block)),
                 ns_real = ns_per(blocked_seconds, useful_flops / (2.0 * kHidden));
    const auto of_one_core = [&](double ns) { return 2.0 * kHidden / ns / peak; };
    const auto gap_row = [&](std::string x, std::string w, std::string share, std::string name, double ns) {
      rates_against_peak.emplace_back("the blocked kernel on " + name + ", at " +
                                          figures::fixed(100 * of_one_core(ns), 0) + " % of the peak of its core",
                                      of_one_core(ns));
      return std::vector<std::string>{x, w, share, figures::fixed(ns, 2),
                                      figures::fixed(100 * of_one_core(ns), 0) + " %"};
    };
    const std::string count = std::to_string(per_block), width = std::to_string(kBlock);
    report.table("panel",
                 {"rows of x", "W₁", "a row's share of a block",
                  "ns per nonzero (median of " + std::to_string(kRounds) + ")", "of one core's peak"},
                 {gap_row(width + " elements", "first block", width + ", side by side", "every element nonzero",
                          ns_every),
                  gap_row(width + " elements", "first block", count + ", scattered",
                          count + " nonzero elements at random places", ns_scattered),
                  gap_row("784 pixels", "all " + std::to_string(blocks) + " blocks",
                          count + " on average, more or fewer", "the real product", ns_real)},
                 3);
    report.number("gap_every_percent", figures::fixed(100 * of_one_core(ns_every), 0));
    report.number("gap_real_percent", figures::fixed(100 * of_one_core(ns_real), 0));
    {
      const double total = ns_real - ns_every, shares = ns_scattered - ns_every, rest = ns_real - ns_scattered;
      // Where W₁ comes from, a block at a time: the nearest cache known to
      // hold all of it, or memory.
      const std::string w1_from = caches.l2 >= w1_bytes ? "L2"
                                  : caches.l2 == 0        ? "a cache or memory"
                                  : caches.l3 >= w1_bytes ? "L3"
                                  : caches.l3 == 0        ? "L3 or memory"
                                                          : "memory";
      const std::string others =
          " everything else that differs between the last two lines (among it: shares that vary from row to row "
          "and block to block, 784 pixels to scan for their nonzero bits, 5,000 different rows of output instead "
          "of the same 32, and all of W₁ coming from " + w1_from + ")";
      const std::string rest_words =
          rest >= 0.005    ? "and the remaining " + figures::fixed(rest, 2) + " ns come with" + others
          : rest <= -0.005 ? "and the real product wins " + figures::fixed(-rest, 2) + " ns back with" + others
                           : "and" + others + " adds nothing measurable";
      const std::string share_words = "shares of " + count + " nonzeros at scattered places instead of " + width +
                                      " side by side";
      report.number(
          "gap_words",
          total < 0.005 ? "So the real product costs no more per nonzero than the loop at its best."
          : shares < 0.005
              ? "So " + share_words + " cost no more here; the real product's extra " + figures::fixed(total, 2) +
                    " ns a nonzero come with" + others + "."
              : std::string(std::abs(2 * shares - total) < 0.01 ? "So the shape of the shares accounts for about half "
                                                                  "of what the real product loses against the loop's "
                                                                  "best: "
                            : 2 * shares > total ? "So most of what the real product loses against the loop's best "
                                                   "is lost already against one block of W₁, to the shape of its "
                                                   "shares: "
                                                 : "So the shape of the shares accounts for less than half of what "
                                                   "the real product loses against the loop's best: ") +
                    "of the " + figures::fixed(total, 2) + " ns that each of its nonzero pixels costs beyond the "
                    "loop's best, " + figures::fixed(shares, 2) + " ns come with " + share_words + ", " +
                    rest_words + ".");
    }

    // --- The benchmark's workloads, the book alone or beside PyTorch, in
    // alternating runs; medians.
    bool have_torch = pytorch_installed() && std::filesystem::is_regular_file(peer);
    std::string peer_failure;  // PyTorch installed, but the peer did not run
    std::vector<std::vector<nn::benchmark::Result>> book_runs, torch_runs;
    nn::parallel::set_threads(2);
    for (std::uint64_t run = 0; run < comparison_runs; ++run) {
      std::vector<nn::benchmark::Result> book;
      for (const char* workload : nn::benchmark::kWorkloads)
        book.push_back(nn::benchmark::run_workload(workload, train, test, kHidden, 0));
      book_runs.push_back(book);
      if (have_torch) try {
          torch_runs.push_back(run_peer(peer, flags.data_dir, 2));
        } catch (const std::runtime_error& error) {
          have_torch = false, peer_failure = error.what();
          std::cerr << "ch11_speed: " << peer_failure << "; the page says so and shows the book alone\n";
          torch_runs.clear();
        }
      std::cout << "benchmark run " << run + 1 << " of " << comparison_runs
                << (have_torch ? ", book and PyTorch\n" : ", book\n");
    }
    auto median_of = [](const std::vector<std::vector<nn::benchmark::Result>>& all_runs, const std::string& workload,
                        bool accuracy) {
      std::vector<double> values;
      for (const auto& run : all_runs)
        for (const auto& r : run)
          if (r.workload == workload) values.push_back(accuracy ? r.test_accuracy : r.value);
      if (values.empty()) throw std::runtime_error("no result for " + workload);
      return median(values);
    };
    const double train_pixels = static_cast<double>(train.images.size() - zeros);
    const double train_count = static_cast<double>(train.size());
    const double sgd_pixels =
        static_cast<double>(nonzeros(train.images.view().rows_slice(0, nn::benchmark::kSgdSamples)));
    std::vector<std::vector<std::string>> benchmark_rows;
    std::ostringstream comparison;
    for (const char* workload : nn::benchmark::kWorkloads) {
      const std::string name = workload;
      const double book = median_of(book_runs, name, false);
      // Useful operations per second of the workload, and its intensity.
      Work work;
      double gflops = 0;
      if (name == "minibatch_epoch") {
        const double steps = std::ceil(train_count / nn::benchmark::kBatchSize);
        const Work per_step = step_work(nn::benchmark::kBatchSize, train_pixels / steps);
        work = {per_step.flops * steps, per_step.bytes * steps};
        gflops = work.flops / book / 1e9;
      } else if (name == "sgd_samples") {
        const double samples = nn::benchmark::kSgdSamples;
        const Work per_sample = step_work(1, sgd_pixels / samples);
        work = per_sample;
        gflops = per_sample.flops * book / 1e9;
      } else {
        work = step_work(train_count, train_pixels);
        gflops = work.flops / (book / 1000) / 1e9;
      }
      const char* label = name == "minibatch_epoch" ? "mini-batch epoch"
                          : name == "sgd_samples"   ? "per-sample SGD"
                                                    : "full-batch step";
      // The per-sample updates' products have one row, never shared: one thread works.
      const std::size_t busy = name == "sgd_samples" ? 1 : 2, busy_cores = std::min(busy, used_cores);
      const double busy_peak = peak * static_cast<double>(busy_cores);
      roofline.push_back({label, work.flops / work.bytes, gflops, busy, true});
      rates_against_peak.emplace_back("the " + std::string(label) + ", useful operations, at " +
                                          figures::fixed(100 * gflops / busy_peak, 0) + " % of the peak of " +
                                          count_of(busy_cores, "core"),
                                      gflops / busy_peak);
      const std::string unit = name == "minibatch_epoch" ? "s" : name == "sgd_samples" ? "samples/s" : "ms";
      const int digits = name == "sgd_samples" ? 0 : name == "fullbatch_step" ? 1 : 3;
      std::vector<std::string> row = {label, grouped(book, digits) + " " + unit, figures::fixed(gflops, 1)};
      if (have_torch) {
        const double torch = median_of(torch_runs, name, false);
        const double ratio = name == "sgd_samples" ? book / torch : torch / book;  // above 1: the book is faster
        row.push_back(grouped(torch, digits) + " " + unit);
        // The same words as every comparison of the chapter: within 15 % it is
        // "about as fast", which the machine's noise could turn round.
        row.push_back(speed_words(ratio, 1.0));
        row.push_back(figures::fixed(100 * median_of(book_runs, name, true), 1) + " % / " +
                      figures::fixed(100 * median_of(torch_runs, name, true), 1) + " %");
      }
      benchmark_rows.push_back(row);
    }
    std::vector<std::string> header = {"workload", "the book (median)", "useful GFLOP/s"};
    if (have_torch)
      header.insert(header.end(), {"PyTorch (median)", "the book against PyTorch", "test accuracy, book / PyTorch"});
    report.table("benchmark", header, benchmark_rows);
    report.number("comparison_runs", std::to_string(comparison_runs));
    if (have_torch) {
      comparison << "PyTorch was installed where this page was built, so the build ran the peer, "
                 << "`code/peer/pytorch_mlp.py`, and the book's workloads in turn, "
                 << (comparison_runs == 1 ? std::string("once each on 2 threads, and the table gives the times")
                                          : std::to_string(comparison_runs) +
                                                " times each on 2 threads, and the table gives the medians")
                 << " (the per-sample figures in updates per second, the others in time). PyTorch multiplies "
                 << "with OpenBLAS, whose kernels are tuned by hand in assembly, but it does every multiply-add "
                 << "of the zero pixels, and it pays Python's and its own dispatch costs on every operation, "
                 << "however small. It copies each mini-batch out of its tensor of floats (`x[rows]`), where the "
                 << "book copies it from the pixels kept as bytes; the peer could do the same, and does not. ";
    } else {
      comparison << (peer_failure.empty() ? "PyTorch was not installed where this page was built"
                                          : "PyTorch was installed where this page was built, but " + peer_failure)
                 << ", so the build timed the book alone; "
                 << "the table gives the medians of " << comparison_runs << (comparison_runs == 1 ? " run." : " runs.")
                 << " To have the build run PyTorch "
                 << "beside it and print both with their ratios, install Debian's PyTorch "
                 << "(`sudo apt-get install python3-torch python3-numpy libopenblas0-pthread`; the program runs "
                 << "it with `/usr/bin/python3`) and build again. ";
    }
    // How busy the machine was: the load average of the last minute, from
    // Linux, against the threads the runs keep busy. Threads that wait for each other
    // suffer most when other work takes their cores, so a busy machine can
    // change the ratios a lot.
    double load = -1;
    std::ifstream("/proc/loadavg") >> load;
    if (load >= 0) {
      // The runs keep at most two threads running themselves: more than one more
      // thread's worth of load is other work, on the hardware threads the
      // runs did not use: other cores, or the runs' own cores' other threads.
      constexpr double kRunsThreads = 2;
      const std::size_t machine_cores = machine_counted > 0 ? machine_counted : machine_threads;
      const bool spare_cores = static_cast<double>(machine_cores) > kRunsThreads;
      comparison << "When these runs ended, the machine's load average (roughly how many threads were running "
                 << "or waiting to run, or waiting for the disk, on average over about the last minute) was "
                 << figures::fixed(load, 1) << ", on a machine with " << machine_words
                 << (restricted ? ", of which these runs can use only " + cores_words : std::string())
                 << "; the runs themselves keep at most " << kRunsThreads
                 << " threads running or waiting to run (the per-sample updates only one)"
                 << (restricted ? std::string("; the average is the whole machine's, so it cannot tell whether "
                                              "other work ran on ") +
                                      (cores == 1 ? "the core" : "the cores") + " these runs could use.\n"
                     : load > std::max(static_cast<double>(machine_threads), kRunsThreads) + 0.5
                         ? std::string(", so other work shared ") + (cores == 1 ? "the core" : "the cores") +
                               " with them, and these figures were measured on a busy machine, not on one running "
                               "these programs alone.\n"
                     : load > kRunsThreads + 1
                         ? std::string(", so other work was running too, ") +
                               (spare_cores ? "on cores the runs did not need.\n"
                                            : "on hardware threads the runs did not use, which share their cores.\n")
                     : load < kRunsThreads - 0.5
                         ? "; the average is below that, since it also covers the per-sample runs and the "
                           "moments between runs.\n"
                         : ", about what the runs themselves make.\n");
    }
    comparison << '\n';
    write_text(report.out_dir() / "ch11_pytorch.md", comparison.str());

    // Every rate of this chapter against the peak of the cores it used.
    auto worst = std::max_element(rates_against_peak.begin(), rates_against_peak.end(),
                                  [](const auto& x, const auto& y) { return x.second < y.second; });
    report.claim("no loop of the book runs faster than the measured FMA peak of the cores it uses", worst->second < 1.0,
                 "the highest: " + worst->first);
    report.claim("the measured peak is more than 1.5 times what chapter 1's loops reach",
                 peak > 1.5 * dense_flops / median(forward_times[0]) / 1e9,
                 "peak " + grouped(peak, 0) + " GFLOP/s, chapter 1's loops " +
                     figures::fixed(dense_flops / median(forward_times[0]) / 1e9, 1) + " GFLOP/s");
    roofline_figure(report, peak, peak8, kernels_wide, used_cores, bandwidth, roofline);
    report.finish();
  });
}

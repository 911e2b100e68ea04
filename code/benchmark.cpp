// The book's benchmark: the three workloads of the PyTorch peer
// (code/peer/pytorch_mlp.py; .ci/benchmark.sh runs both side by side) on the
// book's own network and training functions (benchmark_workloads.hpp):
//
//   minibatch_epoch  one shuffled epoch over the 60,000 training images, batch 64,
//                    learning rate 0.1; seconds for the epoch
//   sgd_samples      per-sample updates over the first 10,000 training images in
//                    file order, learning rate 0.01; samples per second
//   fullbatch_step   10 steps of full-batch gradient descent over all 60,000
//                    images, learning rate 0.5; milliseconds per step
//
// A 784-hidden-10 ReLU network, He initialisation, float32. Each run prints one
// JSON line: {"peer": "nn-from-scratch", "workload", "value", "unit", "test_accuracy"}.
// The timings exclude loading the data and evaluating on the test set, as the
// peer's do.
#include <cstdio>
#include <string>

#include "benchmark_workloads.hpp"
#include "kernels.hpp"
#include "parallel.hpp"
#include "program.hpp"

namespace {

nn::kernels::Stage stage_named(const std::string& name) {
  using nn::kernels::Stage;
  if (name == "reference") return Stage::reference;
  if (name == "skip_zeros") return Stage::skip_zeros;
  if (name == "blocked") return Stage::blocked;
  return Stage::threads;
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags common;
  std::uint64_t threads = 2, hidden = 128, repeat = 1, seed = 0;
  std::string only = "all", stage = "threads";
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(common)
      .count("threads", threads, 1, 256, "threads the kernels use")
      .count("hidden", hidden, 1, 65536, "width of the hidden layer")
      .count("seed", seed, 0, UINT64_MAX, "seed of the initial weights and the shuffling")
      .choice("only", only, {"all", "minibatch_epoch", "sgd_samples", "fullbatch_step"}, "the workload to run")
      .choice("stage", stage, {"reference", "skip_zeros", "blocked", "threads"}, "kernels of chapter 11's stage")
      .count("repeat", repeat, 1, 1000, "runs of each workload, one line each");
  return nn::run_program(argc, argv, "the book's benchmark: the PyTorch peer's three workloads", options, [&] {
    nn::parallel::set_threads(threads);
    nn::kernels::set_stage(stage_named(stage));
    const nn::Dataset train = nn::load_split(common.data_dir, nn::Split::train);
    const nn::Dataset test = nn::load_split(common.data_dir, nn::Split::test);
    nn::benchmark::require_images(train, nn::benchmark::kSgdSamples, common.data_dir);
    for (std::uint64_t run = 0; run < repeat; ++run)
      for (const char* workload : nn::benchmark::kWorkloads) {
        if (only != "all" && only != workload) continue;
        const nn::benchmark::Result r = nn::benchmark::run_workload(workload, train, test, hidden, seed);
        std::printf(
            "{\"peer\": \"nn-from-scratch\", \"workload\": \"%s\", \"value\": %.4f, \"unit\": \"%s\", "
            "\"test_accuracy\": %.4f}\n",
            r.workload.c_str(), r.value, r.unit.c_str(), r.test_accuracy);
        std::fflush(stdout);
      }
  });
}

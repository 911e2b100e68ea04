// The book's benchmark: the three workloads of the PyTorch peer
// (../shared/peers/pytorch_mlp.py in the authors' tree; .ci/benchmark.sh runs
// both side by side) on the book's own network and training functions.
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
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include "kernels.hpp"
#include "minibatch.hpp"
#include "parallel.hpp"
#include "program.hpp"
#include "stochastic.hpp"

namespace {

struct Flags {
  nn::CommonFlags common;
  std::size_t threads = 2, hidden = 128, repeat = 1;
  std::uint64_t seed = 0;
  std::string only, stage = "threads";
};

void print(const std::string& workload, double value, const char* unit, double test_accuracy) {
  std::printf("{\"peer\": \"nn-from-scratch\", \"workload\": \"%s\", \"value\": %.4f, \"unit\": \"%s\", "
              "\"test_accuracy\": %.4f}\n",
              workload.c_str(), value, unit, test_accuracy);
  std::fflush(stdout);
}

nn::Dataset first_images(const nn::Dataset& data, std::size_t count) {
  nn::Dataset head{nn::Tensor(count, data.images.cols()), {}, data.image_rows, data.image_cols};
  std::copy_n(data.images.data(), head.images.size(), head.images.data());
  head.labels.assign(data.labels.begin(), data.labels.begin() + static_cast<std::ptrdiff_t>(count));
  return head;
}

nn::kernels::Stage stage_named(const std::string& name) {
  using nn::kernels::Stage;
  if (name == "reference") return Stage::reference;
  if (name == "skip_zeros") return Stage::skip_zeros;
  if (name == "blocked") return Stage::blocked;
  if (name == "threads") return Stage::threads;
  throw nn::UsageError("--stage must be reference, skip_zeros, blocked or threads; got " + name);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  nn::po::options_description options("Options");
  nn::add_data_flag(options, flags.common);
  options.add_options()
      ("threads", nn::po::value(&flags.threads)->default_value(flags.threads), "threads the kernels use")
      ("hidden", nn::po::value(&flags.hidden)->default_value(flags.hidden), "width of the hidden layer")
      ("seed", nn::po::value(&flags.seed)->default_value(flags.seed), "seed of the initial weights and the shuffling")
      ("only", nn::po::value(&flags.only), "run one workload: minibatch_epoch, sgd_samples or fullbatch_step")
      ("stage", nn::po::value(&flags.stage)->default_value(flags.stage),
       "kernels of chapter 11's stage: reference, skip_zeros, blocked or threads")
      ("repeat", nn::po::value(&flags.repeat)->default_value(flags.repeat), "runs of each workload, one line each");
  return nn::run_program(argc, argv, "the book's benchmark: the PyTorch peer's three workloads", options, [&] {
    nn::require_positive("threads", static_cast<double>(flags.threads));
    nn::require_positive("hidden", static_cast<double>(flags.hidden));
    nn::require_positive("repeat", static_cast<double>(flags.repeat));
    if (!flags.only.empty() && flags.only != "minibatch_epoch" && flags.only != "sgd_samples" &&
        flags.only != "fullbatch_step")
      throw nn::UsageError("--only must be minibatch_epoch, sgd_samples or fullbatch_step; got " + flags.only);
    nn::parallel::set_threads(flags.threads);
    nn::kernels::set_stage(stage_named(flags.stage));
    const nn::Dataset train = nn::load_split(flags.common.data_dir, nn::Split::train);
    const nn::Dataset test = nn::load_split(flags.common.data_dir, nn::Split::test);
    auto wanted = [&](const char* workload) { return flags.only.empty() || flags.only == workload; };
    auto network = [&] {
      nn::Rng rng(flags.seed);
      return nn::make_mlp({train.images.cols(), flags.hidden, nn::kClasses}, nn::ActivationKind::relu,
                          nn::Init::he, rng);
    };
    for (std::size_t run = 0; run < flags.repeat; ++run) {
      //! [workloads]
      if (wanted("minibatch_epoch")) {
        nn::Network net = network();
        const nn::History history = nn::train_mini_batch(net, train, test, {.epochs = 1, .batch_size = 64,
                                                                             .learning_rate = 0.1f, .seed = flags.seed});
        print("minibatch_epoch", history.back().seconds, "s", history.back().validation.accuracy);
      }
      if (wanted("sgd_samples")) {
        const nn::Dataset head = first_images(train, 10000);
        nn::Network net = network();
        const nn::History history = nn::train_stochastic(
            net, head, test, {.epochs = 1, .learning_rate = 0.01f, .seed = flags.seed, .shuffle = false});
        print("sgd_samples", static_cast<double>(head.size()) / history.back().seconds, "samples/s",
              history.back().validation.accuracy);
      }
      if (wanted("fullbatch_step")) {
        nn::Network net = network();
        const nn::History history = nn::train_full_batch(net, train, test, {.epochs = 10, .learning_rate = 0.5f});
        print("fullbatch_step", history.back().seconds / 10 * 1000.0, "ms", history.back().validation.accuracy);
      }
      //! [workloads]
    }
  });
}

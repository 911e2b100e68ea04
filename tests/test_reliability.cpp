// Training that diverges stops with where and why; the same seed gives the same
// run, bit for bit, and, in a build with chapter 11, through its kernels on one
// thread or two.
#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>

#include "idx_files.hpp"
#include "minibatch.hpp"
#include "model_file.hpp"
#include "stochastic.hpp"
#include "training.hpp"
#ifdef BOOK_CHAPTER_11
#include "dropout.hpp"
#include "kernels.hpp"
#include "parallel.hpp"
#include "shared_step.hpp"
#endif

using Catch::Contains;

namespace {

// A small learnable set: 16×16 images, mostly zero (as MNIST's are), each with
// a bright bar whose row is its label, and speckles of noise.
nn::Dataset synthetic(std::size_t count, std::uint32_t seed) {
  constexpr std::size_t side = 16;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> label_of(0, 9), pixel(0, side * side - 1);
  nn::Dataset data;
  data.image_rows = data.image_cols = side;
  data.images = nn::Tensor(count, side * side);
  for (std::size_t n = 0; n < count; ++n) {
    const auto label = static_cast<std::uint8_t>(label_of(rng));
    data.labels.push_back(label);
    for (std::size_t c = 2; c < 14; ++c) data.images(n, (label + 3) * side + c) = 1.0f;
    for (int speckle = 0; speckle < 12; ++speckle) data.images(n, static_cast<std::size_t>(pixel(rng))) = 0.5f;
  }
  return data;
}

nn::Network network(std::uint64_t seed) {
  nn::Rng rng(seed);
  return nn::make_mlp({256, 64, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
}

std::string divergence_of(const std::function<void()>& train) {
  try {
    train();
  } catch (const nn::DivergenceError& e) {
    return e.what();
  }
  return "no error";
}

// The rate as the message writes it: as a person would, 1e30 rather than 1000000015047466219876688855040.000000.
std::string lr_text(float learning_rate) {
  if (learning_rate == 1e30f) return "with learning rate 1e30";
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, learning_rate).ptr;  // 0.25 as "0.25"
  return "with learning rate " + std::string(text, end);
}

bool all_finite(nn::Network& net) {
  bool finite = true;
  net.for_each_parameter([&](nn::Tensor& p, nn::Tensor&) {
    for (float v : p.values()) finite = finite && std::isfinite(v);
  });
  return finite;
}

constexpr float kHuge = 1e30f;  // a learning rate that blows any network up within a few steps

}  // namespace

TEST_CASE("full-batch training that diverges names the epoch, step, learning rate and a hint", "[divergence]") {
  const nn::Dataset train = synthetic(64, 1), validation = synthetic(16, 2);
  // Where it must stop, found by taking the same steps one by one.
  std::string expected;
  {
    nn::Network net = network(3);
    nn::StepBuffers buffers;
    const nn::Tensor targets = nn::one_hot(train.labels);
    for (std::size_t epoch = 1; epoch <= 20 && expected.empty(); ++epoch) {
      const float loss = nn::train_step(net, train.images, targets, kHuge, buffers);
      if (!std::isfinite(loss))
        expected = "at epoch " + std::to_string(epoch) + ", step 1 " + lr_text(kHuge);
      else if (!all_finite(net))
        expected = "after epoch " + std::to_string(epoch) + " " + lr_text(kHuge);
    }
  }
  REQUIRE_FALSE(expected.empty());
  nn::Network net = network(3);
  const std::string error =
      divergence_of([&] { nn::train_full_batch(net, train, validation, {.epochs = 20, .learning_rate = kHuge}); });
  CHECK_THAT(error, Contains("training diverged") && Contains(expected) && Contains("hint:") &&
                        Contains("smaller --learning-rate"));
}

TEST_CASE("mini-batch training that diverges stops at the very step", "[divergence]") {
  const nn::Dataset train = synthetic(128, 1), validation = synthetic(16, 2);
  const nn::MiniBatchSettings settings{.epochs = 3, .batch_size = 16, .learning_rate = kHuge, .seed = 5};
  // The same shuffled batches, replayed with the public pieces of train_mini_batch.
  std::string expected;
  {
    nn::Network net = network(3);
    nn::Rng rng(settings.seed);
    nn::StepBuffers buffers;
    nn::Tensor x(settings.batch_size, train.images.cols()), y(settings.batch_size, nn::kClasses);
    for (std::size_t epoch = 1; epoch <= settings.epochs && expected.empty(); ++epoch) {
      const auto order = nn::shuffled_order(train.size(), rng);
      for (std::size_t step = 0; step * settings.batch_size < train.size() && expected.empty(); ++step) {
        const std::span<const std::size_t> rows(order.data() + step * settings.batch_size, settings.batch_size);
        nn::gather_rows(x, train.images, rows);
        nn::gather_one_hot(y, train.labels, rows);
        if (!std::isfinite(nn::train_step(net, x, y, kHuge, buffers)))
          expected = "at epoch " + std::to_string(epoch) + ", step " + std::to_string(step + 1) + " ";
      }
    }
  }
  REQUIRE_FALSE(expected.empty());
  nn::Network net = network(3);
  const std::string error = divergence_of([&] { nn::train_mini_batch(net, train, validation, settings); });
  CHECK_THAT(error, Contains("the loss became") && Contains(expected + lr_text(kHuge)) && Contains("hint:"));
}

TEST_CASE("stochastic training that diverges stops before recording the bad loss", "[divergence]") {
  const nn::Dataset train = synthetic(64, 1), validation = synthetic(16, 2);
  nn::Network net = network(3);
  std::vector<float> losses;
  const std::string error = divergence_of([&] {
    nn::train_stochastic(net, train, validation, {.epochs = 2, .learning_rate = kHuge, .seed = 5}, nullptr, &losses);
  });
  REQUIRE(losses.size() < train.size());  // it stopped within the first epoch
  for (float loss : losses) CHECK(std::isfinite(loss));
  CHECK_THAT(error, Contains("at epoch 1, step " + std::to_string(losses.size() + 1) + " " + lr_text(kHuge)) &&
                        Contains("hint:"));
}

TEST_CASE("a parameter that is no longer finite is reported with where and the learning rate", "[divergence]") {
  nn::Network net = network(3);
  CHECK_NOTHROW(nn::check_parameters_finite(net, "after epoch 3", 0.25f));
  std::get<nn::Dense>(net.layers[2]).bias(0, 4) = std::numeric_limits<float>::infinity();
  const std::string error = divergence_of([&] { nn::check_parameters_finite(net, "after epoch 3", 0.25f); });
  CHECK_THAT(error, Contains("after epoch 3") && Contains(lr_text(0.25f)) && Contains("hint:"));
  CHECK_THAT(divergence_of([] { nn::check_loss_finite(std::nanf(""), 2, 7, 0.5f); }),
             Contains("the loss became NaN at epoch 2, step 7 " + lr_text(0.5f)));
}

namespace {

// One training run: every loss it recorded, in order, and its model file's bytes.
struct Run {
  std::vector<double> losses;
  std::vector<std::uint8_t> model;
};

std::vector<std::uint8_t> model_bytes(const nn::Network& net) {
  test_files::TemporaryFolder dir;
  nn::save_model(net, dir / "model.nn");
  std::ifstream file(dir / "model.nn", std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

enum class Method { full_batch, mini_batch, stochastic };

Run train(Method method, std::uint64_t seed, std::size_t threads) {
  const nn::Dataset data = synthetic(1536, 11), validation = synthetic(128, 12);
#ifdef BOOK_CHAPTER_11
  // Chapter 11's fastest kernels on `threads` threads, with enough images that
  // a full-batch product is shared among them (kernels::kWorthSharing).
  const nn::kernels::ScopedStage fastest(nn::kernels::Stage::threads);
  nn::parallel::set_threads(threads);
  REQUIRE(data.images.size() * 64 >= nn::kernels::kWorthSharing);  // the first layer's forward, 256 → 64
#else
  (void)threads;  // chapter 1's loops run on the calling thread alone
#endif
  nn::Network net = network(seed);
  Run run;
  nn::History history;
  std::vector<float> sample_losses;
  switch (method) {
    case Method::full_batch:
      history = nn::train_full_batch(net, data, validation, {.epochs = 4, .learning_rate = 0.5f});
      break;
    case Method::mini_batch:
      history = nn::train_mini_batch(net, data, validation,
                                     {.epochs = 2, .batch_size = 32, .learning_rate = 0.1f, .seed = seed});
      break;
    case Method::stochastic:
      history = nn::train_stochastic(net, data, validation, {.epochs = 1, .learning_rate = 0.01f, .seed = seed},
                                     nullptr, &sample_losses);
      break;
  }
  for (const nn::EpochRecord& record : history) {
    run.losses.push_back(record.train_loss);
    run.losses.push_back(record.validation.loss);
  }
  run.losses.insert(run.losses.end(), sample_losses.begin(), sample_losses.end());
  run.model = model_bytes(net);
#ifdef BOOK_CHAPTER_11
  nn::parallel::set_threads(std::max(1u, std::thread::hardware_concurrency()));
#endif
  return run;
}

}  // namespace

TEST_CASE("the same seed gives bit-identical losses and model files, on one thread or two", "[reproducibility]") {
  const auto [method, name] = GENERATE(table<Method, std::string>({{Method::full_batch, "full batch"},
                                                                   {Method::mini_batch, "mini-batch"},
                                                                   {Method::stochastic, "stochastic"}}));
  INFO(name);
  const Run first = train(method, 21, 1), again = train(method, 21, 1), two_threads = train(method, 21, 2);
  REQUIRE(first.losses.size() >= 4);
  CHECK(first.losses == again.losses);  // == on doubles: equal to the last bit (none is NaN)
  CHECK(first.model == again.model);
  CHECK(first.losses == two_threads.losses);
  CHECK(first.model == two_threads.model);
  // And the seed matters: another one gives another run.
  const Run other = train(method, 22, 1);
  CHECK(other.model != first.model);
  CHECK(other.losses != first.losses);
}

#ifdef BOOK_CHAPTER_11
TEST_CASE("chapter 11's shared step leaves a network with dropout to train_step, bits and masks alike",
          "[reproducibility]") {
  // Chapter 13's dropout draws its masks in the order of the whole batch, which
  // the shared step's parts of rows would not keep: it must hand the network to
  // train_step, and then the two trainings are one.
  const nn::kernels::ScopedStage fastest(nn::kernels::Stage::threads);
  nn::parallel::set_threads(2);
  const nn::Dataset data = synthetic(3 * 64, 31);
  const nn::Tensor targets = nn::one_hot(data.labels);
  nn::Network with_dropout = network(32);
  with_dropout.layers.insert(with_dropout.layers.begin() + 2, nn::Dropout({.rate = 0.3, .seed = 7}));
  nn::Network by_train_step = with_dropout;
  nn::GradientDescent descent;
  nn::StepBuffers buffers;
  for (std::size_t s = 0; s < 3; ++s) {
    const nn::ConstTensorView x = data.images.view().rows_slice(s * 64, 64), y = targets.view().rows_slice(s * 64, 64);
    const float shared_loss = nn::parallel::shared_train_step(with_dropout, x, y, 0.2f, buffers, descent);
    CHECK(shared_loss == nn::train_step(by_train_step, x, y, 0.2f, buffers, descent));
  }
  const auto parameters = [](const nn::Network& net) {
    std::vector<float> all;
    net.for_each_parameter([&](const nn::Tensor& parameter, const nn::Tensor&) {
      all.insert(all.end(), parameter.values().begin(), parameter.values().end());
    });
    return all;
  };
  CHECK(parameters(with_dropout) == parameters(by_train_step));  // == on floats: the same bits (none is NaN)
  CHECK_NOTHROW(with_dropout.output(0));  // train_step's own forward filled the network's buffers
  nn::parallel::set_threads(std::max(1u, std::thread::hardware_concurrency()));
}
#endif

// Chapter 7: full-batch gradient descent, the training step and evaluation.
#include <catch2/catch.hpp>

#include <algorithm>

#include "softmax_cross_entropy.hpp"
#include "training.hpp"
#include "training_data.hpp"

using nn::Tensor;

TEST_CASE("a tiny network learns a separable problem to 100%", "[training]") {
  const nn::Dataset data = training_data::four_corners(40);
  nn::Rng rng(1);
  nn::Network network = nn::make_mlp({4, 8, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  const nn::History history = nn::train_full_batch(network, data, data, {.epochs = 300, .learning_rate = 0.5f});
  CHECK(history.size() == 300);
  CHECK(history.back().validation.accuracy == 1.0);
  CHECK(history.back().train_loss < history.front().train_loss / 10);
  CHECK(history.back().updates == 300);
}

TEST_CASE("a full-batch record's training loss is measured after its update, where validation is", "[training]") {
  const nn::Dataset data = training_data::four_corners(20);
  nn::Rng rng(4);
  const nn::Network start = nn::make_mlp({4, 8, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  nn::Network trained = start;
  const nn::History history = nn::train_full_batch(trained, data, data, {.epochs = 2, .learning_rate = 0.5f});
  // By hand: two steps, the loss measured after each. train_step's own return
  // value is the loss before its update, which a lagging record would show.
  nn::Network by_hand = start;
  nn::StepBuffers buffers;
  const Tensor targets = nn::one_hot(data.labels);
  const float before_first = nn::train_step(by_hand, data.images, targets, 0.5f, buffers);
  const double after_first = nn::evaluate(by_hand, data).loss;
  nn::train_step(by_hand, data.images, targets, 0.5f, buffers);
  const double after_second = nn::evaluate(by_hand, data).loss;
  REQUIRE(history.size() == 2);
  CHECK(history[0].train_loss == after_first);
  CHECK(history[1].train_loss == after_second);
  CHECK(history[0].train_loss != Approx(before_first));  // the step moved the loss, so a lag would show
  // Training and validation are the same images here: both losses describe the same parameters.
  CHECK(history[1].validation.loss == history[1].train_loss);
}

TEST_CASE("one full-batch gradient is the mean of the per-sample gradients", "[training]") {
  const nn::Dataset data = training_data::four_corners(12);
  nn::Rng rng(2);
  nn::Network network = nn::make_mlp({4, 6, 10}, nn::ActivationKind::tanh, nn::Init::xavier, rng);
  const Tensor targets = nn::one_hot(data.labels);

  auto gradient_of = [&](nn::ConstTensorView x, nn::ConstTensorView y) {
    Tensor p(y.rows(), y.cols()), dz(y.rows(), y.cols());
    nn::softmax_cross_entropy_forward(p, network.forward(x), y);
    nn::softmax_cross_entropy_backward(dz, p, y);
    network.zero_gradients();
    network.backward(x, dz);
    return std::get<nn::Dense>(network.layers[0]).dweight;
  };
  const Tensor full = gradient_of(data.images, targets);
  Tensor mean(full.rows(), full.cols());
  for (std::size_t n = 0; n < data.size(); ++n) {
    const Tensor one = gradient_of(data.images.view().rows_slice(n, 1), targets.view().rows_slice(n, 1));
    for (std::size_t i = 0; i < mean.size(); ++i) mean.data()[i] += one.data()[i] / static_cast<float>(data.size());
  }
  for (std::size_t i = 0; i < full.size(); ++i) CHECK(full.data()[i] == Approx(mean.data()[i]).margin(1e-6));
}

TEST_CASE("train_step moves every parameter against its gradient", "[training]") {
  nn::Rng rng(3);
  nn::Network network = nn::make_mlp({4, 3, 10}, nn::ActivationKind::sigmoid, nn::Init::xavier, rng);
  const nn::Dataset data = training_data::four_corners(4);
  const Tensor targets = nn::one_hot(data.labels);
  const nn::Network before = network;
  nn::StepBuffers buffers;
  nn::train_step(network, data.images, targets, 0.1f, buffers);
  // After the step, θ_after = θ_before − 0.1 · dθ, with dθ the gradient the step left behind.
  for (std::size_t l : {0, 2}) {
    const auto& old_layer = std::get<nn::Dense>(before.layers[l]);
    const auto& new_layer = std::get<nn::Dense>(network.layers[l]);
    for (std::size_t i = 0; i < old_layer.weight.size(); ++i)
      CHECK(new_layer.weight.data()[i] == Approx(old_layer.weight.data()[i] - 0.1f * new_layer.dweight.data()[i]));
    for (std::size_t i = 0; i < old_layer.bias.size(); ++i)
      CHECK(new_layer.bias.data()[i] == Approx(old_layer.bias.data()[i] - 0.1f * new_layer.dbias.data()[i]));
  }
}

TEST_CASE("evaluate counts the images whose largest logit is the label", "[training]") {
  // One dense layer, 2 inputs → 10 outputs, whose logit k is input 0 when k = 3,
  // input 1 when k = 5, else 0: an image predicts 3 or 5 by its larger pixel.
  nn::Dense dense(2, 10);
  dense.weight(0, 3) = 1;
  dense.weight(1, 5) = 1;
  nn::Network network({dense});
  nn::Dataset data;
  data.images = Tensor(4, 2, {0.9f, 0.1f, 0.2f, 0.7f, 0.6f, 0.3f, 0.3f, 0.6f});
  data.labels = {3, 5, 5, 5};  // the third is wrong
  const nn::Evaluation result = nn::evaluate(network, data, 3);  // chunks of 3 and 1
  CHECK(result.accuracy == Approx(0.75));
  CHECK(nn::predict(network, data.images) == std::vector<std::uint8_t>{3, 5, 3, 5});
  CHECK(result.loss > 0);
}

TEST_CASE("evaluating a const network leaves the outputs its last forward kept for backward", "[training]") {
  const nn::Dataset batch = training_data::four_corners(4), other = training_data::four_corners(30);
  nn::Rng rng(6);
  nn::Network network = nn::make_mlp({4, 8, 10}, nn::ActivationKind::tanh, nn::Init::xavier, rng);
  network.forward(batch.images);
  const auto kept = network.output(1).values();
  const std::vector<float> hidden_before(kept.begin(), kept.end());
  const nn::Network& read_only = network;
  const nn::Evaluation result = nn::evaluate(read_only, other, 7);
  nn::Network copy = network;
  CHECK(nn::evaluate(copy, other).loss == Approx(result.loss));
  REQUIRE(network.output(1).rows() == batch.size());  // still the batch's, not evaluate's last chunk
  for (std::size_t i = 0; i < hidden_before.size(); ++i) CHECK(network.output(1).data()[i] == hidden_before[i]);
}

TEST_CASE("the chunked full-batch gradient is the gradient of one batch of all the images", "[training]") {
  // 300 images: two whole chunks of kFullBatchChunk and a part of one.
  static_assert(nn::kFullBatchChunk < 300 && 300 < 3 * nn::kFullBatchChunk);
  const nn::Dataset data = training_data::four_corners(300);
  nn::Rng rng(3);
  nn::Network chunked = nn::make_mlp({4, 8, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  nn::Network whole = chunked;
  const Tensor targets = nn::one_hot(data.labels);
  nn::StepBuffers buffers;
  const float chunked_loss = nn::full_batch_gradient(chunked, data.images, targets, buffers);
  // One batch of all 300, as chapter 6's backward takes it: dz = (p − y)/300.
  Tensor p(300, 10), dz(300, 10);
  const float whole_loss = nn::softmax_cross_entropy_forward(p, whole.forward(data.images), targets);
  nn::softmax_cross_entropy_backward(dz, p, targets);
  whole.zero_gradients();
  whole.backward(data.images, dz);
  CHECK(chunked_loss == Approx(whole_loss).epsilon(1e-6));
  std::vector<const Tensor*> got, expected;
  chunked.for_each_parameter([&](const Tensor&, const Tensor& gradient) { got.push_back(&gradient); });
  whole.for_each_parameter([&](const Tensor&, const Tensor& gradient) { expected.push_back(&gradient); });
  REQUIRE(got.size() == 4);
  for (std::size_t t = 0; t < got.size(); ++t)
    for (std::size_t i = 0; i < got[t]->size(); ++i)
      CHECK(got[t]->data()[i] == Approx(expected[t]->data()[i]).margin(1e-6));
  // A second call starts from zero: the gradients do not pile up.
  const Tensor first = std::get<nn::Dense>(chunked.layers[0]).dweight;
  nn::full_batch_gradient(chunked, data.images, targets, buffers);
  const Tensor& second = std::get<nn::Dense>(chunked.layers[0]).dweight;
  CHECK(std::equal(second.values().begin(), second.values().end(), first.values().begin()));
  CHECK(std::any_of(first.values().begin(), first.values().end(), [](float g) { return g != 0.0f; }));
}

// Chapter 9: stochastic gradient descent's fused per-sample step.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "stochastic.hpp"
#include "training_data.hpp"

using nn::Tensor;

TEST_CASE("nonzero_indices lists the positions of the elements that are not zero, in order", "[stochastic]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> values = {0.0f, 1.5f, 0.0f, -0.0f, nan, -2.0f, 0.0f, 1e-30f};
  std::vector<std::uint32_t> indices(40, 99);  // room for the longest list below
  REQUIRE(nn::nonzero_indices(values, indices.data()) == 4);  // −0 is zero; NaN is not
  CHECK(std::vector<std::uint32_t>(indices.begin(), indices.begin() + 4) == std::vector<std::uint32_t>{1, 4, 5, 7});
  CHECK(nn::nonzero_indices(std::span<const float>(), indices.data()) == 0);
  CHECK(nn::nonzero_indices(std::vector<float>(40, 0.0f), indices.data()) == 0);
}

TEST_CASE("the fused per-sample step equals a batch step of one sample", "[stochastic]") {
  const nn::Dataset data = training_data::four_corners(8);
  for (nn::ActivationKind kind : {nn::ActivationKind::relu, nn::ActivationKind::tanh, nn::ActivationKind::sigmoid}) {
    INFO(nn::activation_name(kind));
    nn::Rng rng_a(3), rng_b(3);
    nn::Network fused = nn::make_mlp({4, 7, 10}, kind, nn::Init::xavier, rng_a);
    nn::Network general = nn::make_mlp({4, 7, 10}, kind, nn::Init::xavier, rng_b);
    nn::SampleBuffers sample_buffers;
    nn::StepBuffers step_buffers;
    const Tensor targets = nn::one_hot(data.labels);
    for (std::size_t n = 0; n < data.size(); ++n) {
      const nn::ConstTensorView x = data.images.view().rows_slice(n, 1);
      const float loss_fused = nn::stochastic_step(fused, x, data.labels[n], 0.3f, sample_buffers);
      const float loss_general = nn::train_step(general, x, targets.view().rows_slice(n, 1), 0.3f, step_buffers);
      CHECK(loss_fused == loss_general);
    }
    for (std::size_t l : {0, 2}) {
      const auto& a = std::get<nn::Dense>(fused.layers[l]);
      const auto& b = std::get<nn::Dense>(general.layers[l]);
      CHECK(std::equal(a.weight.values().begin(), a.weight.values().end(), b.weight.values().begin()));
      CHECK(std::equal(a.bias.values().begin(), a.bias.values().end(), b.bias.values().begin()));
    }
  }
}

TEST_CASE("stochastic descent records one loss per update and learns", "[stochastic]") {
  const nn::Dataset data = training_data::four_corners(40);
  nn::Rng rng(4);
  nn::Network network = nn::make_mlp({4, 8, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  std::vector<float> losses;
  const nn::History history = nn::train_stochastic(network, data, data, {.epochs = 30, .learning_rate = 0.05f, .seed = 5, .shuffle = true}, nullptr, &losses);
  CHECK(losses.size() == 30 * 40);
  CHECK(history.back().updates == 30 * 40);
  CHECK(history.back().validation.accuracy == 1.0);
}

TEST_CASE("in file order, stochastic descent visits the images as they come", "[stochastic]") {
  // Two runs in file order agree whatever the seed: the seed only shuffles.
  const nn::Dataset data = training_data::four_corners(12);
  nn::Rng rng_a(8), rng_b(8);
  nn::Network a = nn::make_mlp({4, 5, 10}, nn::ActivationKind::tanh, nn::Init::xavier, rng_a);
  nn::Network b = nn::make_mlp({4, 5, 10}, nn::ActivationKind::tanh, nn::Init::xavier, rng_b);
  nn::train_stochastic(a, data, data, {.epochs = 1, .learning_rate = 0.1f, .seed = 1, .shuffle = false});
  nn::train_stochastic(b, data, data, {.epochs = 1, .learning_rate = 0.1f, .seed = 999, .shuffle = false});
  const auto& wa = std::get<nn::Dense>(a.layers[0]).weight;
  const auto& wb = std::get<nn::Dense>(b.layers[0]).weight;
  CHECK(std::equal(wa.values().begin(), wa.values().end(), wb.values().begin()));
}

TEST_CASE("given a rule, stochastic descent takes the general path, which plain descent makes identical",
          "[stochastic][optimiser]") {
  const nn::Dataset data = training_data::four_corners(12);
  nn::Rng rng_a(8), rng_b(8);
  nn::Network fused = nn::make_mlp({4, 5, 10}, nn::ActivationKind::tanh, nn::Init::xavier, rng_a);
  nn::Network general = nn::make_mlp({4, 5, 10}, nn::ActivationKind::tanh, nn::Init::xavier, rng_b);
  nn::GradientDescent plain;
  const nn::History a = nn::train_stochastic(fused, data, data, {.epochs = 2, .learning_rate = 0.1f, .seed = 4});
  const nn::History b = nn::train_stochastic(general, data, data, {.epochs = 2, .learning_rate = 0.1f, .seed = 4, .rule = &plain});
  CHECK(a.back().train_loss == b.back().train_loss);
  for (std::size_t l : {0, 2}) {
    const auto& wa = std::get<nn::Dense>(fused.layers[l]).weight;
    const auto& wb = std::get<nn::Dense>(general.layers[l]).weight;
    CHECK(std::equal(wa.values().begin(), wa.values().end(), wb.values().begin()));
  }
}

TEST_CASE("the fused step handles an activation as layer 0 as a batch step does", "[stochastic]") {
  const nn::Dataset data = training_data::four_corners(6);
  nn::Rng rng(8);
  nn::Dense dense(4, 10);
  nn::initialise(dense, nn::Init::xavier, rng);
  nn::Network fused({nn::Activation{nn::ActivationKind::sigmoid}, dense});
  nn::Network general = fused;
  nn::SampleBuffers sample_buffers;
  nn::StepBuffers step_buffers;
  const Tensor targets = nn::one_hot(data.labels);
  for (std::size_t n = 0; n < data.size(); ++n) {
    const nn::ConstTensorView x = data.images.view().rows_slice(n, 1);
    CHECK(nn::stochastic_step(fused, x, data.labels[n], 0.3f, sample_buffers) ==
          nn::train_step(general, x, targets.view().rows_slice(n, 1), 0.3f, step_buffers));
  }
  const auto& a = std::get<nn::Dense>(fused.layers[1]).weight;
  const auto& b = std::get<nn::Dense>(general.layers[1]).weight;
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a.data()[i] == Approx(b.data()[i]).margin(1e-6));
}

// Chapter 12: the update rules and the learning-rate schedules.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "optimisers.hpp"
#include "training_data.hpp"

using nn::Tensor;

namespace {

// One dense layer, 2 inputs and 2 outputs: a 2×2 weight W and a 1×2 bias b.
nn::Network tiny_network() { return nn::Network(std::vector<nn::Layer>{nn::Dense(2, 2)}); }

void set_parameters(nn::Network& network, float value) {
  network.for_each_parameter([&](Tensor& parameter, Tensor&) { nn::fill(parameter, value); });
}
void set_gradients(nn::Network& network, float value) {
  network.for_each_parameter([&](Tensor&, Tensor& gradient) { nn::fill(gradient, value); });
}
const Tensor& weight(nn::Network& network, std::size_t l = 0) { return std::get<nn::Dense>(network.layers[l]).weight; }
const Tensor& bias(nn::Network& network, std::size_t l = 0) { return std::get<nn::Dense>(network.layers[l]).bias; }

// Every parameter of the tiny network starts at θ = 1; the first update sees
// ∇ = 2 everywhere and the second ∇ = 1, with η = 0.1. Returns θ after each.
std::pair<float, float> two_steps(nn::Optimiser& rule, bool of_bias = false) {
  nn::Network network = tiny_network();
  set_parameters(network, 1.0f);
  set_gradients(network, 2.0f);
  rule.update(network, 0.1f);
  const float first = of_bias ? bias(network)(0, 1) : weight(network)(1, 0);
  set_gradients(network, 1.0f);
  rule.update(network, 0.1f);
  const float second = of_bias ? bias(network)(0, 1) : weight(network)(1, 0);
  return {first, second};
}

bool same_bits(nn::Network& a, nn::Network& b) {
  std::vector<const Tensor*> left, right;
  a.for_each_parameter([&](Tensor& parameter, Tensor&) { left.push_back(&parameter); });
  b.for_each_parameter([&](Tensor& parameter, Tensor&) { right.push_back(&parameter); });
  if (left.size() != right.size()) return false;
  for (std::size_t k = 0; k < left.size(); ++k)
    if (left[k]->size() != right[k]->size() ||
        std::memcmp(left[k]->data(), right[k]->data(), left[k]->size() * sizeof(float)) != 0)
      return false;
  return true;
}

// A few real training steps on a small problem, of a network and of its copy,
// each with its own rule; true when the two stay the same bits after every step.
bool same_training(nn::Optimiser& one, nn::Optimiser& other, float learning_rate, std::size_t steps) {
  const nn::Dataset data = training_data::four_corners(16);
  const Tensor targets = nn::one_hot(data.labels);
  nn::Rng rng(7);
  nn::Network a = nn::make_mlp({4, 6, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  nn::Network b = a;
  nn::StepBuffers buffers_a, buffers_b;
  for (std::size_t t = 0; t < steps; ++t) {
    nn::train_step(a, data.images, targets, learning_rate, buffers_a, one);
    nn::train_step(b, data.images, targets, learning_rate, buffers_b, other);
    if (!same_bits(a, b)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("momentum's first two steps, worked by hand", "[momentum]") {
  // μ = 0.5. v₁ = 2, θ₁ = 1 − 0.1·2 = 0.8; v₂ = 0.5·2 + 1 = 2, θ₂ = 0.8 − 0.1·2 = 0.6.
  nn::Momentum classical({.momentum = 0.5f});
  const auto [first, second] = two_steps(classical);
  CHECK(first == Approx(0.8f));
  CHECK(second == Approx(0.6f));
  REQUIRE(classical.velocities().size() == 2);
  CHECK(classical.velocities()[1](0, 0) == Approx(2.0f));
  // Nesterov: θ₁ = 1 − 0.1 (2 + 0.5·2) = 0.7; θ₂ = 0.7 − 0.1 (1 + 0.5·2) = 0.5.
  nn::Momentum nesterov({.momentum = 0.5f, .nesterov = true});
  const auto [nesterov_first, nesterov_second] = two_steps(nesterov);
  CHECK(nesterov_first == Approx(0.7f));
  CHECK(nesterov_second == Approx(0.5f));
}

TEST_CASE("momentum with μ = 0 is plain gradient descent, bit for bit", "[momentum]") {
  nn::Momentum no_memory({.momentum = 0.0f});
  nn::GradientDescent plain;
  CHECK(same_training(no_memory, plain, 0.3f, 6));
  nn::Momentum nesterov_no_memory({.momentum = 0.0f, .nesterov = true});
  nn::GradientDescent plain_again;
  CHECK(same_training(nesterov_no_memory, plain_again, 0.3f, 6));
  // And momentum that remembers is not: the check can tell rules apart.
  nn::Momentum remembers({.momentum = 0.9f});
  nn::GradientDescent plain_third;
  CHECK_FALSE(same_training(remembers, plain_third, 0.3f, 3));
}

TEST_CASE("RMSProp's first two steps, worked by hand", "[rmsprop]") {
  // ρ = 0.9. s₁ = 0.1·2² = 0.4, θ₁ = 1 − 0.1·2/√0.4 = 0.683772;
  // s₂ = 0.9·0.4 + 0.1·1² = 0.46, θ₂ = θ₁ − 0.1·1/√0.46 = 0.536330.
  nn::RmsProp rule({.decay = 0.9f});
  const auto [first, second] = two_steps(rule);
  CHECK(first == Approx(0.683772f).epsilon(1e-5));
  CHECK(second == Approx(0.536330f).epsilon(1e-5));
}

TEST_CASE("RMSProp with a constant gradient steps η·sign(∇) once s has settled, whatever ∇'s size", "[rmsprop]") {
  // s_t = (1 − ρᵗ) ∇², so the step η ∇ / √s_t → η ∇/|∇|.
  for (const float g : {1e-3f, 1.0f, -50.0f}) {
    nn::Network network = tiny_network();
    set_parameters(network, 0.0f);
    set_gradients(network, g);
    nn::RmsProp rule({.decay = 0.9f});
    float before = 0;
    for (int t = 1; t <= 200; ++t) {
      before = weight(network)(0, 0);
      rule.update(network, 0.01f);
    }
    INFO("gradient " << g);
    CHECK(weight(network)(0, 0) - before == Approx(-0.01f * std::copysign(1.0f, g)).epsilon(1e-4));
  }
}

TEST_CASE("Adam's first two steps, worked by hand", "[adam]") {
  // β₁ = 0.9, β₂ = 0.999. m₁ = 0.2, s₁ = 0.004, m̂₁ = 2, ŝ₁ = 4: θ₁ = 1 − 0.1·2/2 = 0.9.
  // m₂ = 0.28, s₂ = 0.004996, m̂₂ = 0.28/0.19, ŝ₂ = 0.004996/0.001999: θ₂ = 0.806782.
  nn::Adam rule;
  const auto [first, second] = two_steps(rule);
  CHECK(first == Approx(0.9f).epsilon(1e-6));
  CHECK(second == Approx(0.806782f).epsilon(1e-5));
  CHECK(rule.updates() == 2);
  // Without the bias correction: θ₁ = 1 − 0.1·0.2/√0.004 = 0.683772, θ₂ = θ₁ − 0.1·0.28/√0.004996 = 0.287634.
  nn::Adam uncorrected({.bias_correction = false});
  const auto [uncorrected_first, uncorrected_second] = two_steps(uncorrected);
  CHECK(uncorrected_first == Approx(0.683772f).epsilon(1e-5));
  CHECK(uncorrected_second == Approx(0.287634f).epsilon(1e-4));  // a difference of two floats near 0.5
}

TEST_CASE("Adam's first step is ±η for every parameter, whatever the size of its gradient", "[adam]") {
  // t = 1: m̂ = ∇, ŝ = ∇², so the step is η ∇/(|∇| + ε) = ±η up to ε/|∇|.
  nn::Rng rng(3);
  nn::Network network = nn::make_mlp({5, 4, 3}, nn::ActivationKind::relu, nn::Init::he, rng);
  const nn::Network start = network;
  std::uniform_real_distribution<float> exponent(-4, 2);
  std::vector<float> gradients;
  network.for_each_parameter([&](Tensor&, Tensor& gradient) {
    for (float& g : gradient.values()) {
      g = std::pow(10.0f, exponent(rng)) * (gradients.size() % 2 ? -1.0f : 1.0f);
      gradients.push_back(g);
    }
  });
  nn::Adam rule;
  rule.update(network, 0.01f);
  nn::Network before = start;
  std::vector<float> starts, ends;
  before.for_each_parameter([&](Tensor& parameter, Tensor&) { starts.insert(starts.end(), parameter.values().begin(), parameter.values().end()); });
  network.for_each_parameter([&](Tensor& parameter, Tensor&) { ends.insert(ends.end(), parameter.values().begin(), parameter.values().end()); });
  REQUIRE(starts.size() == gradients.size());
  for (std::size_t i = 0; i < gradients.size(); ++i) {
    INFO("parameter " << i << ", gradient " << gradients[i]);
    CHECK(ends[i] - starts[i] == Approx(-0.01f * std::copysign(1.0f, gradients[i])).epsilon(1e-3));
  }
}

TEST_CASE("Adam with a constant gradient steps η·sign(∇) at every update", "[adam]") {
  // With ∇ constant, m = (1 − β₁ᵗ) ∇ and s = (1 − β₂ᵗ) ∇²: the corrected m̂ = ∇, ŝ = ∇².
  nn::Network network = tiny_network();
  set_parameters(network, 0.0f);
  set_gradients(network, -0.25f);
  nn::Adam rule;
  for (int t = 1; t <= 50; ++t) {
    const float before = weight(network)(1, 1);
    rule.update(network, 0.001f);
    INFO("update " << t);
    CHECK(weight(network)(1, 1) - before == Approx(0.001f).epsilon(1e-3));
  }
}

TEST_CASE("AdamW's first two steps, worked by hand: weights decayed, biases not", "[adamw]") {
  // λ = 0.5, η = 0.1: 1 − ηλ = 0.95. Weight: θ₁ = 0.95·1 − 0.1 = 0.85, θ₂ = 0.95·0.85 − 0.0932180 = 0.714282.
  nn::AdamW rule({.weight_decay = 0.5f});
  const auto [first, second] = two_steps(rule);
  CHECK(first == Approx(0.85f).epsilon(1e-6));
  CHECK(second == Approx(0.714282f).epsilon(1e-5));
  // A bias moves as it would under Adam.
  nn::AdamW for_bias({.weight_decay = 0.5f});
  const auto [bias_first, bias_second] = two_steps(for_bias, true);
  CHECK(bias_first == Approx(0.9f).epsilon(1e-6));
  CHECK(bias_second == Approx(0.806782f).epsilon(1e-5));
}

TEST_CASE("AdamW with λ = 0 is Adam, bit for bit", "[adamw]") {
  nn::AdamW no_decay({.weight_decay = 0.0f});
  nn::Adam adam;
  CHECK(same_training(no_decay, adam, 0.01f, 6));
  nn::AdamW decays({.weight_decay = 0.1f});
  nn::Adam adam_again;
  CHECK_FALSE(same_training(decays, adam_again, 0.01f, 3));
}

TEST_CASE("AdamW's decay is decoupled: a weight with zero gradient shrinks by exactly 1 − ηλ", "[adamw]") {
  // Under an L2 penalty inside the gradient, Adam would divide λθ by its own √ŝ
  // and the weight would move by ±η whatever λ; decoupled, it shrinks by the factor.
  nn::Network network = tiny_network();
  set_parameters(network, 0.75f);
  set_gradients(network, 0.0f);
  const float learning_rate = 0.1f, lambda = 0.2f;
  nn::AdamW rule({.weight_decay = lambda});
  float expected = 0.75f;
  for (int t = 1; t <= 3; ++t) {
    rule.update(network, learning_rate);
    expected *= 1 - learning_rate * lambda;
    CHECK(weight(network)(0, 1) == expected);
    CHECK(bias(network)(0, 1) == 0.75f);  // biases are not decayed
  }
}

TEST_CASE("a rule's memory is sized once: another network is refused with a message", "[memory]") {
  nn::Rng rng(1);
  nn::Network first = nn::make_mlp({4, 3, 2}, nn::ActivationKind::relu, nn::Init::he, rng);
  nn::Network other_widths = nn::make_mlp({4, 5, 2}, nn::ActivationKind::relu, nn::Init::he, rng);
  nn::Network deeper = nn::make_mlp({4, 3, 2, 2}, nn::ActivationKind::relu, nn::Init::he, rng);
  nn::Network shallower = nn::make_mlp({4, 3}, nn::ActivationKind::relu, nn::Init::he, rng);
  nn::Adam adam;
  nn::Momentum momentum;
  nn::RmsProp rmsprop;
  for (nn::Optimiser* rule : std::initializer_list<nn::Optimiser*>{&adam, &momentum, &rmsprop}) {
    rule->update(first, 0.1f);
    rule->update(first, 0.1f);  // the same network again: fine
    CHECK_THROWS_WITH(rule->update(other_widths, 0.1f), Catch::Contains("sized for another network"));
    CHECK_THROWS_AS(rule->update(deeper, 0.1f), nn::ShapeError);
    CHECK_THROWS_WITH(rule->update(shallower, 0.1f), Catch::Contains("parameter tensors"));
  }
}

TEST_CASE("the schedules' factors at hand-picked updates", "[schedule]") {
  const nn::Schedule step = nn::step_decay({.every = 10, .factor = 0.5f});
  CHECK(step(1) == 1.0f);
  CHECK(step(10) == 1.0f);
  CHECK(step(11) == 0.5f);
  CHECK(step(21) == 0.25f);
  const nn::Schedule cosine = nn::cosine({.length = 100});
  CHECK(cosine(0) == Approx(1.0f));
  CHECK(cosine(25) == Approx(0.853553f));  // ½ (1 + cos π/4)
  CHECK(cosine(50) == Approx(0.5f));
  CHECK(cosine(100) == Approx(0.0f).margin(1e-7));
  CHECK(cosine(300) == Approx(0.0f).margin(1e-7));
  const nn::Schedule cosine_floor = nn::cosine({.length = 100, .floor = 0.1f});
  CHECK(cosine_floor(50) == Approx(0.55f));
  CHECK(cosine_floor(1000) == Approx(0.1f));
  const nn::Schedule warm = nn::warmup({.warmup = 10});
  CHECK(warm(1) == Approx(0.1f));
  CHECK(warm(5) == Approx(0.5f));
  CHECK(warm(10) == 1.0f);
  CHECK(warm(11) == 1.0f);
  const nn::Schedule warm_cosine = nn::warmup_cosine({.warmup = 10, .length = 110});
  CHECK(warm_cosine(5) == Approx(0.5f));
  CHECK(warm_cosine(10) == Approx(1.0f));
  CHECK(warm_cosine(60) == Approx(0.5f));
  CHECK(warm_cosine(110) == Approx(0.0f).margin(1e-7));
  CHECK_THROWS_AS(nn::warmup_cosine({.warmup = 10, .length = 10}), std::invalid_argument);
}

namespace {
// A rule that only records the learning rate it was given.
class RecordsRate final : public nn::Optimiser {
 public:
  std::vector<float> rates;
  void update(nn::Network&, float learning_rate) override { rates.push_back(learning_rate); }
};
}  // namespace

TEST_CASE("a scheduled rule gives its inner rule η·c(t), t counting its own updates", "[schedule]") {
  RecordsRate inner;
  nn::Scheduled scheduled(inner, nn::warmup({.warmup = 4}));
  nn::Network network = tiny_network();
  for (int t = 1; t <= 6; ++t) scheduled.update(network, 0.5f);
  REQUIRE(inner.rates.size() == 6);
  CHECK(inner.rates[0] == Approx(0.125f));
  CHECK(inner.rates[1] == Approx(0.25f));
  CHECK(inner.rates[3] == Approx(0.5f));
  CHECK(inner.rates[5] == Approx(0.5f));
  CHECK(scheduled.updates() == 6);
  // And through plain descent: θ moves by η·c(t)·∇.
  nn::GradientDescent plain;
  nn::Scheduled halves(plain, nn::step_decay({.every = 1, .factor = 0.5f}));
  set_parameters(network, 1.0f);
  set_gradients(network, 1.0f);
  halves.update(network, 0.2f);  // s = 1
  halves.update(network, 0.2f);  // s = 0.5
  CHECK(weight(network)(0, 0) == Approx(1.0f - 0.2f - 0.1f));
}

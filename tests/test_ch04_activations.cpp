// Chapter 4: activation functions, their derivatives and their stability.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "activations.hpp"
#include "gradient_testing.hpp"

using namespace gradient_testing;

TEST_CASE("activations at points worked by hand", "[activations]") {
  CHECK(nn::relu(-2.0f) == 0.0f);
  CHECK(nn::relu(3.5f) == 3.5f);
  CHECK(nn::sigmoid(0.0) == 0.5);
  CHECK(nn::sigmoid(std::log(3.0)) == Approx(0.75));  // 1 / (1 + 1/3)
  CHECK(nn::sigmoid(-std::log(3.0)) == Approx(0.25));
  CHECK(nn::tanh_activation(0.0) == 0.0);
  CHECK(nn::tanh_activation(std::log(2.0)) == Approx(0.6));  // (2 − 1/2) / (2 + 1/2)
  CHECK(nn::relu_derivative_from_output(0.0) == 0.0);
  CHECK(nn::relu_derivative_from_output(2.0) == 1.0);
  CHECK(nn::sigmoid_derivative_from_output(0.5) == 0.25);
  CHECK(nn::tanh_derivative_from_output(0.6) == Approx(0.64));
}

TEST_CASE("sigmoid and tanh stay finite and saturate for huge inputs", "[activations]") {
  for (float x : {-1e30f, -1000.0f, -100.0f, 100.0f, 1000.0f, 1e30f}) {
    const float s = nn::sigmoid(x), t = nn::tanh_activation(x);
    CHECK(std::isfinite(s));
    CHECK(std::isfinite(t));
    CHECK(s >= 0.0f);
    CHECK(s <= 1.0f);
    CHECK(std::isfinite(nn::sigmoid_derivative_from_output(s)));
  }
  CHECK(nn::sigmoid(1000.0f) == 1.0f);
  CHECK(nn::sigmoid(-1000.0f) == 0.0f);
  CHECK(nn::tanh_activation(-1000.0f) == -1.0f);
  CHECK(nn::sigmoid(-1000.0) > -1.0);  // no NaN from inf/inf
}

TEST_CASE("sigmoid keeps tiny values that 1 / (1 + e^−z) rounds to 0", "[activations]") {
  // For z < −88.7, e^−z overflows float and the displayed formula gives 1/∞ = 0;
  // the branch for z < 0 computes e^z / (1 + e^z), whose e^z is the subnormal
  // e^−100 ≈ 3.7×10⁻⁴⁴ and 1 + e^z is 1.
  CHECK(nn::sigmoid(-100.0f) > 0.0f);
  CHECK(nn::sigmoid(-100.0f) == std::exp(-100.0f));
  CHECK(nn::sigmoid(-20.0f) == Approx(2.0611536e-9).epsilon(1e-6));  // ½(1 + tanh(−10)) would give 0
}

TEST_CASE("sigmoid is symmetric: σ(−x) = 1 − σ(x)", "[activations]") {
  for (double x : {0.1, 1.0, 5.0, 20.0}) CHECK(nn::sigmoid(-x) == Approx(1.0 - nn::sigmoid(x)).margin(1e-15));
}

TEST_CASE("each activation's backward matches finite differences", "[activations][gradient-check]") {
  for (nn::ActivationKind kind : {nn::ActivationKind::relu, nn::ActivationKind::sigmoid, nn::ActivationKind::tanh}) {
    INFO(nn::activation_name(kind));
    const nn::DoubleActivation layer{kind};
    // Inputs away from ReLU's kink at 0, where no derivative exists.
    nn::DoubleTensor in = pattern(3, 5, 2.0);
    for (double& x : in.values())
      if (std::abs(x) < 0.05) x = 0.5;
    const nn::DoubleTensor g = pattern(3, 5, 1.0, 0.7);
    nn::DoubleTensor out(3, 5), din(3, 5);
    layer.forward(out, in);
    layer.backward(din, g, in, out);
    auto loss = [&] {
      layer.forward(out, in);
      return weighted_sum(g, out);
    };
    CHECK(max_error_against_differences(in, din, loss) < 1e-6);
  }
}

TEST_CASE("activation names round-trip and bad ones are refused", "[activations]") {
  CHECK(nn::parse_activation("tanh") == nn::ActivationKind::tanh);
  CHECK(nn::activation_name(nn::parse_activation("relu")) == "relu");
  CHECK_THROWS_WITH(nn::parse_activation("softplus"), Catch::Contains("expected relu, sigmoid or tanh"));
}

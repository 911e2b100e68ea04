// Chapter 6's exercises, checked against values worked by hand and against
// central differences in double. Each check that a plausible wrong answer fails
// says, through INFO, what to look at.
#include <catch2/catch.hpp>

#include <cmath>

#include "ch06.hpp"
#include "gradient_check.hpp"

using nn::DoubleTensor;

TEST_CASE("exercise 6.1: mean squared error and its gradient", "[exercise][ch06]") {
  DoubleTensor z(2, 2, {1, 2,  //
                        3, 4});
  const DoubleTensor y(2, 2, {1, 0,  //
                              0, 1});
  // Differences 0, 2, 3, 3: squares sum to 22, and 22 / (2·2) = 5.5.
  {
    INFO("L = 1/(2B) Σ (z − y)², B the rows (2 here): divide by 2B, not by the number of elements; "
         "22 / 4 = 5.5");
    CHECK(exercises::mse_forward(z, y) == Approx(5.5));
  }
  DoubleTensor dz(2, 2), numerical(2, 2);
  exercises::mse_backward(dz, z, y);
  INFO("dz = (z − y) / B: the ½ cancels the 2 of the square, and the 1/B of the mean stays");
  CHECK(dz(0, 0) == Approx(0.0).margin(1e-15));
  CHECK(dz(0, 1) == Approx(1.0));  // (2 − 0) / 2
  CHECK(dz(1, 0) == Approx(1.5));
  CHECK(dz(1, 1) == Approx(1.5));
  nn::central_differences(z, numerical, 1e-6, [&] { return exercises::mse_forward(z, y); });
  for (std::size_t i = 0; i < dz.size(); ++i) CHECK(nn::relative_error(dz.data()[i], numerical.data()[i]) < 1e-6);
}

TEST_CASE("exercise 6.2: the leaky ReLU layer's backward passes a gradient check", "[exercise][ch06]") {
  const double slope = 0.05;
  DoubleTensor in(3, 4), out(3, 4), din(3, 4), numerical(3, 4), dout(3, 4);
  for (std::size_t i = 0; i < in.size(); ++i) {
    in.data()[i] = 2 * std::sin(1.3 * static_cast<double>(i) + 0.2);  // both signs, none within 1e-6 of 0
    dout.data()[i] = std::cos(0.7 * static_cast<double>(i));
  }
  exercises::leaky_relu_forward(out, in, slope);
  {
    INFO("out = in where in > 0, slope · in elsewhere, element by element");
    CHECK(out(0, 0) == Approx(2 * std::sin(0.2)));
    CHECK(out(0, 3) == Approx(slope * 2 * std::sin(3.9 + 0.2)));  // in(0, 3) < 0
  }
  exercises::leaky_relu_backward(din, dout, in, slope);
  INFO("din = dout ⊙ f′(in): dout times 1 where in > 0, dout times slope elsewhere");
  // Σ dout ⊙ f(in) is a scalar whose gradient with respect to in is din.
  auto weighted_sum = [&] {
    exercises::leaky_relu_forward(out, in, slope);
    double sum = 0;
    for (std::size_t i = 0; i < out.size(); ++i) sum += dout.data()[i] * out.data()[i];
    return sum;
  };
  nn::central_differences(in, numerical, 1e-6, weighted_sum);
  for (std::size_t i = 0; i < din.size(); ++i) CHECK(nn::relative_error(din.data()[i], numerical.data()[i]) < 1e-6);
}

TEST_CASE("exercise 6.3: the norm of the whole gradient", "[exercise][ch06]") {
  nn::Rng rng(4);
  nn::DoubleNetwork network = nn::to_double(nn::make_mlp({3, 4, 2}, nn::ActivationKind::relu, nn::Init::he, rng));
  network.zero_gradients();
  INFO("√(Σ g²) over every dweight and dbias of every dense layer: network.for_each_parameter visits them all");
  CHECK(exercises::gradient_norm(network) == 0.0);
  std::get<nn::DoubleDense>(network.layers[0]).dweight(1, 2) = 3;
  std::get<nn::DoubleDense>(network.layers[2]).dbias(0, 1) = -4;
  CHECK(exercises::gradient_norm(network) == Approx(5.0));  // √(3² + 4²): a weight and a bias, square root last
  std::get<nn::DoubleDense>(network.layers[2]).dweight(3, 0) = 12;
  CHECK(exercises::gradient_norm(network) == Approx(13.0));  // √(9 + 16 + 144)
}

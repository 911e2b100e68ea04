// Chapter 6: backpropagation through every layer and through a whole network,
// checked against central differences in double precision.
#include <catch2/catch.hpp>

#include <vector>

#include "gradient_testing.hpp"
#include "network.hpp"
#include "softmax_cross_entropy.hpp"

using namespace gradient_testing;

TEST_CASE("dense backward matches finite differences for W, b and x", "[backprop][gradient-check]") {
  nn::DoubleDense layer(4, 3);
  layer.weight = pattern(4, 3, 0.8, 1.0);
  layer.bias = pattern(1, 3, 0.5, 2.0);
  nn::DoubleTensor x = pattern(5, 4, 1.0, 3.0);
  const nn::DoubleTensor g = pattern(5, 3, 1.0, 4.0);
  nn::DoubleTensor out(5, 3), dx(5, 4);
  layer.forward(out, x);
  layer.backward(dx, g, x, out);
  auto loss = [&] {
    layer.forward(out, x);
    return weighted_sum(g, out);
  };
  const nn::DoubleTensor dweight = layer.dweight, dbias = layer.dbias;
  CHECK(max_error_against_differences(layer.weight, dweight, loss) < 1e-6);
  CHECK(max_error_against_differences(layer.bias, dbias, loss) < 1e-6);
  CHECK(max_error_against_differences(x, dx, loss) < 1e-6);
}

TEST_CASE("dense backward adds into its gradients", "[backprop]") {
  nn::DoubleDense layer(2, 2);
  layer.weight = nn::DoubleTensor(2, 2, {1, 2, 3, 4});
  const nn::DoubleTensor x(1, 2, {1, 1}), g(1, 2, {1, 0});
  nn::DoubleView no_input_gradient;
  nn::DoubleTensor out(1, 2);
  layer.forward(out, x);
  layer.backward(no_input_gradient, g, x, out);
  layer.backward(no_input_gradient, g, x, out);
  // xᵀ dout = [[1, 0], [1, 0]], twice.
  CHECK(layer.dweight(0, 0) == 2);
  CHECK(layer.dweight(1, 0) == 2);
  CHECK(layer.dweight(0, 1) == 0);
  CHECK(layer.dbias(0, 0) == 2);
}

TEST_CASE("a whole 2-hidden-layer network passes the gradient check", "[backprop][gradient-check]") {
  for (nn::ActivationKind kind : {nn::ActivationKind::tanh, nn::ActivationKind::sigmoid, nn::ActivationKind::relu}) {
    INFO(nn::activation_name(kind));
    nn::Rng rng(3);
    nn::Network small = nn::make_mlp({6, 5, 4, 3}, kind, nn::Init::xavier, rng);
    for (std::size_t l = 0; l < small.layers.size(); l += 2)  // non-zero biases, so that their gradients are tested too
      for (float& b : std::get<nn::Dense>(small.layers[l]).bias.values()) b = 0.1f;
    nn::DoubleNetwork network = nn::to_double(small);
    const nn::DoubleTensor x = pattern(4, 6, 1.0), y = one_hot_pattern(4, 3);
    const auto checks = nn::check_gradients(network, x, y);
    REQUIRE(checks.size() == 6);
    for (const auto& check : checks) {
      INFO(check.name);
      CHECK(check.relative_error < 1e-6);
    }
  }
}

TEST_CASE("the gradient check catches a wrong gradient", "[backprop][gradient-check]") {
  nn::Rng rng(5);
  nn::Network small = nn::make_mlp({3, 4, 2}, nn::ActivationKind::tanh, nn::Init::xavier, rng);
  nn::DoubleNetwork network = nn::to_double(small);
  const nn::DoubleTensor x = pattern(2, 3), y = one_hot_pattern(2, 2);
  nn::DoubleTensor p(2, 2), dz(2, 2);
  nn::softmax_cross_entropy_forward(p, network.forward(x), y);
  nn::softmax_cross_entropy_backward(dz, p, y);
  for (double& g : dz.values()) g *= 1.01;  // a gradient 1% off everywhere
  network.zero_gradients();
  network.backward(x, dz);
  auto& first = std::get<nn::DoubleDense>(network.layers[0]);
  const nn::DoubleTensor wrong = first.dweight;
  auto loss = [&] { return nn::softmax_cross_entropy_forward(p, network.forward(x), y); };
  CHECK(max_error_against_differences(first.weight, wrong, loss) > 1e-3);
}

TEST_CASE("gradients accumulate until zeroed", "[backprop]") {
  nn::Rng rng(9);
  nn::DoubleNetwork network = nn::to_double(nn::make_mlp({3, 4, 2}, nn::ActivationKind::relu, nn::Init::he, rng));
  const nn::DoubleTensor x = pattern(2, 3), dz = pattern(2, 2, 0.5);
  network.forward(x);
  network.backward(x, dz);
  const nn::DoubleTensor once = std::get<nn::DoubleDense>(network.layers[0]).dweight;
  network.backward(x, dz);
  const auto& twice = std::get<nn::DoubleDense>(network.layers[0]).dweight;
  for (std::size_t i = 0; i < once.size(); ++i) CHECK(twice.data()[i] == Approx(2 * once.data()[i]));
  network.zero_gradients();
  for (double g : std::get<nn::DoubleDense>(network.layers[0]).dweight.values()) CHECK(g == 0.0);
}

TEST_CASE("with Write::overwrite, backward leaves one batch's gradients whatever was there before", "[backprop]") {
  nn::Rng rng(9);
  nn::DoubleNetwork network = nn::to_double(nn::make_mlp({3, 4, 2}, nn::ActivationKind::relu, nn::Init::he, rng));
  const nn::DoubleTensor x = pattern(2, 3), dz = pattern(2, 2, 0.5);
  const auto gradients = [&] {
    std::vector<double> all;
    network.for_each_parameter([&](const nn::DoubleTensor&, const nn::DoubleTensor& gradient) {
      all.insert(all.end(), gradient.values().begin(), gradient.values().end());
    });
    return all;
  };
  network.forward(x);
  network.zero_gradients();
  network.backward(x, dz);
  const std::vector<double> once = gradients();
  network.backward(x, dz);  // twice the gradients now
  network.backward(x, dz, nn::Write::overwrite);
  CHECK(gradients() == once);  // the same bits: weights and biases of both dense layers
}

TEST_CASE("make_mlp builds dense and activation layers in turn", "[backprop]") {
  nn::Rng rng(1);
  nn::Network network = nn::make_mlp({784, 128, 10}, nn::ActivationKind::relu, nn::Init::he, rng);
  REQUIRE(network.layers.size() == 3);
  CHECK(std::holds_alternative<nn::Dense>(network.layers[0]));
  CHECK(std::holds_alternative<nn::Activation>(network.layers[1]));
  CHECK(network.inputs() == 784);
  CHECK(network.outputs() == 10);
  CHECK(nn::parameter_count(network) == 784 * 128 + 128 + 128 * 10 + 10);
}

TEST_CASE("an activation as layer 0 is called, with no din wanted, and the gradients below it are right",
          "[backprop][gradient-check]") {
  // Layer 0's input is the data, so its din is empty; the activation there is
  // called like any layer and does nothing, where it used to throw on the
  // empty din or be skipped by the network. The dense layer after it must get
  // the gradient of tanh(x) W + b, which the finite differences check.
  nn::DoubleDense dense(3, 2);
  dense.weight = pattern(3, 2, 0.8, 1.0);
  dense.bias = pattern(1, 2, 0.5, 2.0);
  nn::DoubleNetwork network({nn::DoubleActivation{nn::ActivationKind::tanh}, dense});
  CHECK(network.inputs() == 3);
  CHECK(network.outputs() == 2);
  const nn::DoubleTensor x = pattern(4, 3, 1.0, 3.0), y = one_hot_pattern(4, 2);
  const auto checks = nn::check_gradients(network, x, y);
  REQUIRE(checks.size() == 2);
  for (const auto& check : checks) {
    INFO(check.name);
    CHECK(check.relative_error < 1e-6);
  }
}

TEST_CASE("an activation given an empty din writes nothing and reads nothing", "[backprop]") {
  const nn::DoubleActivation layer{nn::ActivationKind::sigmoid};
  const nn::DoubleTensor dout = pattern(2, 3), out = pattern(2, 3, 0.5);
  nn::DoubleView nothing_wanted;
  CHECK_NOTHROW(layer.backward(nothing_wanted, dout, {}, out));
  nn::DoubleTensor wrong_shape(1, 3);  // but a din that is wanted must fit
  CHECK_THROWS_AS(layer.backward(wrong_shape, dout, {}, out), nn::ShapeError);
}

TEST_CASE("every kind answers the layer interface the network relies on", "[backprop]") {
  nn::Rng rng(2);
  const nn::Network network = nn::make_mlp({5, 4, 3}, nn::ActivationKind::relu, nn::Init::he, rng);
  std::vector<std::size_t> widths, parameters;
  std::size_t width = network.inputs();
  for (const nn::Layer& layer : network.layers)
    std::visit(
        [&](const auto& kind) {
          width = kind.output_width(width);
          widths.push_back(width);
          std::size_t count = 0;
          kind.for_each_parameter([&](const nn::Tensor& p, const nn::Tensor& g) {
            CHECK(g.rows() == p.rows());
            CHECK(g.cols() == p.cols());
            ++count;
          });
          parameters.push_back(count);
        },
        layer);
  CHECK(widths == std::vector<std::size_t>{4, 4, 3});
  CHECK(parameters == std::vector<std::size_t>{2, 0, 2});  // W and b; none; W and b
  const nn::DoubleNetwork copy = nn::to_double(network);
  REQUIRE(copy.layers.size() == 3);
  CHECK(std::get<nn::DoubleDense>(copy.layers[2]).weight(3, 2) ==
        static_cast<double>(std::get<nn::Dense>(network.layers[2]).weight(3, 2)));
  CHECK(std::get<nn::DoubleActivation>(copy.layers[1]).kind == nn::ActivationKind::relu);
}

TEST_CASE("backward before any forward is refused, not read from buffers that do not exist", "[backprop]") {
  nn::Rng rng(4);
  nn::DoubleNetwork network = nn::to_double(nn::make_mlp({3, 4, 2}, nn::ActivationKind::relu, nn::Init::he, rng));
  const nn::DoubleTensor x = pattern(2, 3), dz = pattern(2, 2, 0.5);
  CHECK_THROWS_AS(network.backward(x, dz), std::logic_error);
}

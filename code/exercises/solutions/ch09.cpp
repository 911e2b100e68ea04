// Reference solutions to chapter 9's exercises.
#include "ch09.hpp"

#include <cmath>
#include <stdexcept>

namespace exercises {

// [ch09-inverse-time]
float inverse_time_learning_rate(float initial, std::size_t update, double tau) {
  if (!(tau > 0)) throw std::invalid_argument("inverse_time_learning_rate: τ must be positive");
  return static_cast<float>(initial / (1.0 + static_cast<double>(update) / tau));
}
// [ch09-inverse-time]

// [ch09-moving-average]
std::vector<double> exponential_moving_average(const std::vector<float>& values, double beta) {
  if (!(beta >= 0 && beta < 1)) throw std::invalid_argument("exponential_moving_average: β must be in [0, 1)");
  std::vector<double> averages(values.size());
  double m = 0, beta_power = 1;  // beta_power = βᵗ
  for (std::size_t t = 0; t < values.size(); ++t) {
    m = beta * m + (1 - beta) * values[t];
    beta_power *= beta;
    averages[t] = m / (1 - beta_power);  // m is a β-weighted mean of the values, scaled by 1 − βᵗ
  }
  return averages;
}
// [ch09-moving-average]

// [ch09-polyak]
void ParameterAverage::add(nn::Network& network) {
  if (count == 0) {
    means.clear();
    network.for_each_parameter([&](nn::Tensor& p, nn::Tensor&) { means.emplace_back(p.rows(), p.cols()); });
  }
  ++count;
  std::size_t k = 0;
  network.for_each_parameter([&](nn::Tensor& parameter, nn::Tensor&) {
    nn::DoubleTensor& mean = means.at(k++);
    if (mean.size() != parameter.size()) throw nn::ShapeError("ParameterAverage::add: a network of another shape");
    // The running mean: mean += (θ − mean) / count, exact for count = 1, 2, …
    for (std::size_t i = 0; i < parameter.size(); ++i)
      mean.data()[i] += (parameter.data()[i] - mean.data()[i]) / static_cast<double>(count);
  });
}

void ParameterAverage::load(nn::Network& network) const {
  if (count == 0) throw std::logic_error("ParameterAverage::load: no network was added");
  std::size_t k = 0;
  network.for_each_parameter([&](nn::Tensor& parameter, nn::Tensor&) {
    const nn::DoubleTensor& mean = means.at(k++);
    if (mean.size() != parameter.size()) throw nn::ShapeError("ParameterAverage::load: a network of another shape");
    for (std::size_t i = 0; i < parameter.size(); ++i) parameter.data()[i] = static_cast<float>(mean.data()[i]);
  });
}

PolyakResult polyak_epoch(nn::Network& network, const nn::Dataset& train, const nn::Dataset& validation,
                          const nn::StochasticSettings& settings, std::size_t averaged_updates) {
  const std::size_t n = train.size();
  if (averaged_updates < 1 || averaged_updates > n)
    throw std::invalid_argument("polyak_epoch: averaged_updates must be in 1 … " + std::to_string(n));
  nn::Rng rng(settings.seed);
  const std::vector<std::size_t> order = nn::shuffled_order(n, rng);
  nn::SampleBuffers buffers;
  ParameterAverage average;
  for (std::size_t step = 0; step < n; ++step) {
    const std::size_t index = order[step];
    nn::stochastic_step(network, train.images.view().rows_slice(index, 1), train.labels[index],
                        settings.learning_rate, buffers);
    if (step >= n - averaged_updates) average.add(network);  // the last averaged_updates networks
  }
  PolyakResult result;
  result.last = nn::evaluate(network, validation);
  nn::Network averaged = network;  // same shapes; its parameters are replaced by the mean
  average.load(averaged);
  result.averaged = nn::evaluate(averaged, validation);
  return result;
}
// [ch09-polyak]

}  // namespace exercises

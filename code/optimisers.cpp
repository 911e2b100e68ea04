// Chapter 12: update rules beyond plain gradient descent, and learning-rate schedules.
#include "optimisers.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace nn {

// [memory-fit]
void ParameterMemory::fit(Network& network, const char* rule) {
  if (!sized_) {
    network.for_each_parameter([&](Tensor& parameter, Tensor&) {
      tensors_.emplace_back(parameter.rows(), parameter.cols());  // zeros
    });
    sized_ = true;
    return;
  }
  std::size_t k = 0;
  network.for_each_parameter([&](Tensor& parameter, Tensor&) {
    if (k >= tensors_.size() || tensors_[k].rows() != parameter.rows() || tensors_[k].cols() != parameter.cols())
      throw ShapeError(std::string(rule) + ": its memory was sized for another network (parameter tensor " +
                       std::to_string(k) + " is " + shape_string(parameter.view()) + ", the memory holds " +
                       (k < tensors_.size() ? shape_string(tensors_[k].view()) : std::string("none")) +
                       "); use a new rule for every network");
    ++k;
  });
  if (k != tensors_.size())
    throw ShapeError(std::string(rule) + ": its memory was sized for a network of " +
                     std::to_string(tensors_.size()) + " parameter tensors, this one has " + std::to_string(k) +
                     "; use a new rule for every network");
}
// [memory-fit]

// [momentum-update]
void Momentum::update(Network& network, float learning_rate) {
  velocity_.fit(network, "Momentum");
  const float mu = settings_.momentum;
  std::size_t k = 0;
  network.for_each_parameter([&](Tensor& parameter, Tensor& gradient) {
    float* v = velocity_[k++].data();
    float* theta = parameter.data();
    const float* dtheta = gradient.data();
    const std::size_t count = parameter.size();
    if (settings_.nesterov) {
      for (std::size_t i = 0; i < count; ++i) {
        v[i] = mu * v[i] + dtheta[i];
        theta[i] -= learning_rate * (dtheta[i] + mu * v[i]);
      }
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        v[i] = mu * v[i] + dtheta[i];
        theta[i] -= learning_rate * v[i];  // μ = 0: v[i] is dtheta[i], and this is plain descent's line
      }
    }
  });
}
// [momentum-update]

// [rmsprop-update]
void RmsProp::update(Network& network, float learning_rate) {
  mean_square_.fit(network, "RmsProp");
  const float rho = settings_.decay, epsilon = settings_.epsilon;
  std::size_t k = 0;
  network.for_each_parameter([&](Tensor& parameter, Tensor& gradient) {
    float* s = mean_square_[k++].data();
    float* theta = parameter.data();
    const float* dtheta = gradient.data();
    for (std::size_t i = 0; i < parameter.size(); ++i) {
      s[i] = rho * s[i] + (1 - rho) * dtheta[i] * dtheta[i];
      theta[i] -= learning_rate * dtheta[i] / (std::sqrt(s[i]) + epsilon);
    }
  });
}
// [rmsprop-update]

void Adam::update(Network& network, float learning_rate) { update(network, learning_rate, 0.0f); }

// [adam-update]
void Adam::update(Network& network, float learning_rate, float weight_decay) {
  mean_.fit(network, "Adam");
  mean_square_.fit(network, "Adam");
  ++updates_;
  const float beta1 = settings_.beta1, beta2 = settings_.beta2, epsilon = settings_.epsilon;
  // 1/(1 − βᵗ), once per update rather than once per parameter; in double, where
  // 1 − β₂ᵗ (about 10⁻³ at t = 1 for β₂ = 0.999) keeps all its digits.
  const auto t = static_cast<double>(updates_);
  const float correct_mean = settings_.bias_correction ? static_cast<float>(1 / (1 - std::pow(beta1, t))) : 1.0f;
  const float correct_square = settings_.bias_correction ? static_cast<float>(1 / (1 - std::pow(beta2, t))) : 1.0f;
  const float decay_kept = 1 - learning_rate * weight_decay;  // 1 − ηλ
  std::size_t k = 0;
  network.for_each_parameter([&](Tensor& parameter, Tensor& gradient) {
    float* m = mean_[k].data();
    float* s = mean_square_[k].data();
    ++k;
    float* theta = parameter.data();
    const float* dtheta = gradient.data();
    const float kept = parameter.rows() == 1 ? 1.0f : decay_kept;  // a bias (1×O) is not decayed
    for (std::size_t i = 0; i < parameter.size(); ++i) {
      m[i] = beta1 * m[i] + (1 - beta1) * dtheta[i];
      s[i] = beta2 * s[i] + (1 - beta2) * dtheta[i] * dtheta[i];
      const float step = (m[i] * correct_mean) / (std::sqrt(s[i] * correct_square) + epsilon);  // m̂ / (√ŝ + ε)
      theta[i] *= kept;  // λ = 0: times 1, θ itself
      theta[i] -= learning_rate * step;
    }
  });
}
// [adam-update]

// [schedule-functions]
Schedule step_decay(StepDecay settings) {
  if (settings.every == 0) throw std::invalid_argument("step_decay: `every` must be at least 1 update");
  return [settings](std::size_t t) {
    return std::pow(settings.factor, static_cast<float>((std::max<std::size_t>(t, 1) - 1) / settings.every));
  };
}

namespace {
// ½ (1 + cos(π t / T)) from 1 at t = 0 to 0 at t = T, scaled to end at c_min.
float cosine_factor(std::size_t t, std::size_t length, float floor) {
  const double progress = std::min(1.0, static_cast<double>(t) / static_cast<double>(length));
  return floor + (1 - floor) * static_cast<float>(0.5 * (1 + std::cos(std::numbers::pi * progress)));
}
}  // namespace

Schedule cosine(Cosine settings) {
  if (settings.length == 0) throw std::invalid_argument("cosine: `length` must be at least 1 update");
  return [settings](std::size_t t) { return cosine_factor(t, settings.length, settings.floor); };
}

Schedule warmup(Warmup settings) {
  if (settings.warmup == 0) throw std::invalid_argument("warmup: `warmup` must be at least 1 update");
  return [settings](std::size_t t) {
    return t >= settings.warmup ? 1.0f : static_cast<float>(t) / static_cast<float>(settings.warmup);
  };
}

Schedule warmup_cosine(WarmupCosine settings) {
  if (settings.warmup == 0 || settings.length <= settings.warmup)
    throw std::invalid_argument("warmup_cosine: need 1 ≤ warmup < length");
  return [settings](std::size_t t) {
    if (t <= settings.warmup) return static_cast<float>(t) / static_cast<float>(settings.warmup);
    return cosine_factor(t - settings.warmup, settings.length - settings.warmup, settings.floor);
  };
}
// [schedule-functions]

// [scheduled-update]
void Scheduled::update(Network& network, float learning_rate) {
  ++updates_;
  inner_.update(network, learning_rate * schedule_(updates_));
}
// [scheduled-update]

}  // namespace nn

// Chapter 12's exercises. Answer them in workspace/ch12.cpp; the tests are
// tests/exercises/test_ch12_exercises.cpp (ctest -L exercise).
#pragma once

#include <functional>
#include <vector>

#include "optimisers.hpp"

namespace exercises {

// [ch12-declarations]
/// Exercise 12.1: Nesterov's momentum in its look-ahead form (Sutskever et al.
/// 2013), on one parameter θ whose gradient at any point the function
/// `gradient` gives. From θ₀ = `start` and u₀ = 0, each of `steps` updates is
///   u ← μ u − η ∇L(θ + μ u)      (the gradient where the velocity is about to carry θ)
///   θ ← θ + u
/// Returns θ₁, θ₂, … (`steps` values). The library's Momentum{.nesterov = true}
/// takes the gradient at its own θ instead; the test checks that its parameter
/// follows θ + μ u, the look-ahead point, of this form.
struct LookAhead {
  double theta = 0;     // θ_t
  double velocity = 0;  // u_t
};
std::vector<LookAhead> nesterov_look_ahead(const std::function<double(double)>& gradient, double start,
                                           double momentum, double learning_rate, std::size_t steps);

/// Exercise 12.2: Adam without its bias correction, worked by hand. With the
/// same gradient ∇ at every update and ε negligible, the uncorrected step at
/// update t is a multiple of η; return that multiple, |Δθ| / η, as a function
/// of β₁, β₂ and t (t ≥ 1).
double uncorrected_step_over_rate(double beta1, double beta2, std::size_t t);

/// Exercise 12.3: the inverse-square-root schedule with linear warm-up
/// (Vaswani et al. 2017): c(t) = t / T_w while t ≤ T_w, then √(T_w / t), so
/// that c(T_w) = 1 and η falls like 1/√t after. Throws std::invalid_argument
/// for T_w = 0.
nn::Schedule inverse_square_root(std::size_t warmup);
// [ch12-declarations]

}  // namespace exercises

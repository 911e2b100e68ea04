// Chapter 3: the dense layer; chapter 6: its backward.
#include "dense.hpp"

#include <algorithm>
#include <cmath>

namespace nn {

// [dense-forward]
template <typename Real>
void BasicDense<Real>::forward(BasicView<Real> out, BasicView<const Real> in) const {
  matmul(out, in, weight);  // z(n, o) = Σᵢ x(n, i) W(i, o)
  add_row(out, bias);       //          + b(o), on every row n
}
// [dense-forward]

// [dense-backward]
template <typename Real>
void BasicDense<Real>::backward(BasicView<Real> din, BasicView<const Real> dout, BasicView<const Real> in,
                                BasicView<const Real> /*out: not needed*/, Write gradients) {
  matmul_at_b(dweight, in, dout, gradients);            // dW(i, o) += Σ_n x(n, i) dz(n, o), or =
  if (gradients == Write::overwrite) fill(dbias, Real{0});
  add_column_sums(dbias, dout);                         // db(o)    += Σ_n dz(n, o)
  if (din.size() != 0) matmul_a_bt(din, dout, weight);  // dx(n, i)  = Σ_o dz(n, o) W(i, o)
}
// [dense-backward]

template <typename Real>
BasicDense<double> BasicDense<Real>::to_double() const {
  BasicDense<double> copy(inputs(), outputs());
  std::copy(weight.values().begin(), weight.values().end(), copy.weight.values().begin());
  std::copy(bias.values().begin(), bias.values().end(), copy.bias.values().begin());
  return copy;
}

double init_variance(Init init, std::size_t inputs, std::size_t outputs) {
  return init == Init::he ? 2.0 / static_cast<double>(inputs) : 2.0 / static_cast<double>(inputs + outputs);
}

// [initialise]
template <typename Real>
void initialise(BasicDense<Real>& layer, Init init, Rng& rng) {
  const double variance = init_variance(init, layer.inputs(), layer.outputs());
  if (init == Init::xavier) {
    // A uniform distribution on [−r, r] has variance r²/3, so r = √(3 · variance).
    const double limit = std::sqrt(3.0 * variance);
    std::uniform_real_distribution<double> uniform(-limit, limit);
    for (Real& w : layer.weight.values()) w = static_cast<Real>(uniform(rng));
  } else {
    std::normal_distribution<double> normal(0.0, std::sqrt(variance));
    for (Real& w : layer.weight.values()) w = static_cast<Real>(normal(rng));
  }
  fill(layer.bias, Real{0});
}
// [initialise]

template struct BasicDense<float>;
template struct BasicDense<double>;
template void initialise(BasicDense<float>&, Init, Rng&);
template void initialise(BasicDense<double>&, Init, Rng&);

}  // namespace nn

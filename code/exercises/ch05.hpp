// Chapter 5's exercises. Answer them in workspace/ch05.cpp; the tests are
// tests/exercises/test_ch05_exercises.cpp (ctest -L exercise).
#pragma once

#include "tensor.hpp"

namespace exercises {

// [ch05-declarations]
/// Exercise 5.1: the log of the softmax, row by row, computed stably:
/// out(n, k) = z(n, k) − m_n − log Σⱼ e^{z(n, j) − m_n} with m_n the row's largest
/// logit. Finite for logits of ±1000, where log(softmax(z)) is −∞. Both B×K.
void log_softmax(nn::DoubleView out, nn::ConstDoubleView logits);

/// Exercise 5.2: label smoothing: out = (1 − α) y + α / K for one-hot rows y of K
/// columns, so the network is never asked for a probability of exactly 1.
/// Throw std::invalid_argument unless 0 ≤ α < 1. Both B×K.
void smooth_labels(nn::DoubleView out, nn::ConstDoubleView one_hot, double alpha);

/// Exercise 5.3: softmax with a temperature T > 0: out = softmax(z / T), row by
/// row. T > 1 flattens the distribution, T < 1 sharpens it. No NaN for any
/// finite logits and any T > 0, however tiny: z / T alone overflows for a tiny
/// T, so shift first. Throw std::invalid_argument unless T is positive and
/// finite. Both B×K.
void softmax_with_temperature(nn::DoubleView out, nn::ConstDoubleView logits, double temperature);
// [ch05-declarations]

}  // namespace exercises

// Chapter 5: softmax and cross-entropy, computed stably, and their fused gradient.
#pragma once

#include "tensor.hpp"

namespace nn {

/// probabilities = softmax(logits), row by row:  p(n, k) = e^{z(n,k) − m_n} / Σⱼ e^{z(n,j) − m_n},
/// where m_n is the row's largest logit. Subtracting it changes nothing
/// mathematically and keeps every exponential in (0, 1]. Both are B×K.
void softmax(TensorView probabilities, ConstTensorView logits);
void softmax(DoubleView probabilities, ConstDoubleView logits);

/// The mean categorical cross-entropy of a batch, L = −(1/B) Σ_n Σ_k y(n,k) log p(n,k),
/// with the probabilities written to `probabilities` on the way. The log is taken
/// as log p = z − m − log Σ e^{z−m} (log-sum-exp), so it is finite even where p
/// rounds to zero. logits, targets (one-hot rows) and probabilities are B×K.
float softmax_cross_entropy_forward(TensorView probabilities, ConstTensorView logits, ConstTensorView targets);
double softmax_cross_entropy_forward(DoubleView probabilities, ConstDoubleView logits, ConstDoubleView targets);

/// The fused backward of softmax followed by mean cross-entropy:
/// dlogits = (p − y) / B. No Jacobian is ever built: chapter 5 derives why
/// the product of the softmax Jacobian with ∂L/∂p collapses to this.
/// Overwrites dlogits (B×K).
void softmax_cross_entropy_backward(TensorView dlogits, ConstTensorView probabilities, ConstTensorView targets);
void softmax_cross_entropy_backward(DoubleView dlogits, ConstDoubleView probabilities, ConstDoubleView targets);
/// The same for rows that are a part of a batch of `batch_rows` rows (a chunk
/// of a full batch, chapter 7): dlogits = (p − y) / batch_rows.
void softmax_cross_entropy_backward(TensorView dlogits, ConstTensorView probabilities, ConstTensorView targets,
                                    std::size_t batch_rows);

}  // namespace nn

// Chapter 11: one mini-batch step with the batch's rows shared among the cores
// from the image to the last gradient that a row has alone.
#pragma once

#include "training.hpp"

namespace nn::parallel {

// [shared-step]
/// Does what chapter 7's train_step does with the threads stage installed, the
/// same bits, in fewer and larger jobs. Until the weight gradients, every row
/// of a batch is computed from that row alone: its products with W, the bias,
/// the activation, the softmax, (p − y)/B, and on the way back dz Wᵀ and the
/// activation's derivative. So one job carries each part of the batch, kTileRows
/// rows at a time, from the image to the first layer's dz, where train_step runs
/// every layer in turn and the small ones on one thread. A second job shares
/// out the rows of every weight gradient, xᵀ dz. With plain descent
/// (GradientDescent or SharedGradientDescent) that job also updates each row of
/// W as soon as its gradient is made, and the biases are updated after it;
/// any other rule gets the gradients and its own update, as in train_step. It
/// calls chapter 11's blocked kernels, whatever stage is installed. The loss is
/// summed by parts of kTileRows rows, so it may differ from train_step's in its
/// last bits; the parameters and the gradients do not. A network with a dropout
/// layer, whose masks are drawn in the order of the whole batch, and shapes
/// that do not fit, go to train_step itself. Like the pool, it takes one caller
/// at a time. Should it throw in the second job (only a first step allocates
/// there), W may be left with some rows updated.
float shared_train_step(Network& network, ConstTensorView inputs, ConstTensorView targets,
                        float learning_rate, StepBuffers& buffers, Optimiser& rule);
// [shared-step]

}  // namespace nn::parallel

// The LSTM classifier's loss and gradients without autograd (private to src/train).
//
// LibTorch's LSTM builds an autograd graph of ~30 small ops per step and layer; for this
// model (12 steps x 3 layers of 128, batches of 64-128) that bookkeeping is a large part of
// a training step. This computes the same forward (saving the gate activations) and the
// backward through time by hand: per step and layer one GEMM forward and one backward, the
// weight gradients as one GEMM per layer over all steps, the cell arithmetic in plain loops.
// Checked against autograd in tests (gradients within float rounding).
#pragma once

#include <torch/torch.h>

#include "aemigap/model/networks.hpp"

namespace aemigap::train {

// Sets every parameter's .grad of `net` (an LSTM SequenceClassifier) to the gradient of
// share * mean BCE-with-logits over the rows of x [B x n_features] (unscaled by padding),
// labels y [B]; returns share * the mean loss.
float lstm_loss_and_grad(model::SequenceClassifierImpl& net, const torch::Tensor& x, const torch::Tensor& y,
                         double share);

}  // namespace aemigap::train

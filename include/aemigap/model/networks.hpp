// The project's torch modules. Included only by the torch rooms (model/, train/, score/)
// from .cpp files and model/impl.hpp; everything else sees the torch-free artifact headers
// (model/classifier.hpp, model/autoencoder.hpp).
//
//  Autoencoder: 3 encoder layers (ReLU) down to the latent, 3 decoder layers back to the
//  input width, sigmoid output (inputs are min-max scaled to [0, 1]).
//  SequenceClassifier: the feature vector cut into time steps of `step_width` features (the
//  tail zero-padded), a dense projection of each step to `hidden`, then an LSTM, Bi-LSTM or
//  GRU of `layers` layers (last step -> dense -> one logit), or a Transformer encoder
//  (learned positions, `heads` heads, feed-forward `ff`, layer norm and residuals; mean
//  over steps -> dense -> one logit).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "aemigap/model/autoencoder.hpp"
#include "aemigap/model/classifier.hpp"

namespace aemigap::model {

struct AutoencoderImpl : torch::nn::Module {
  explicit AutoencoderImpl(const AutoencoderSpec& o);
  torch::Tensor encode(const torch::Tensor& x);
  torch::Tensor forward(const torch::Tensor& x);  // reconstruction in [0, 1]
  torch::nn::Sequential encoder{nullptr}, decoder{nullptr};
  AutoencoderSpec options;
};
TORCH_MODULE(Autoencoder);

struct SequenceClassifierImpl : torch::nn::Module {
  explicit SequenceClassifierImpl(const ClassifierSpec& o);
  torch::Tensor forward(const torch::Tensor& x);  // [B, n_features] -> logits [B]
  // [B, n_features] -> [B, steps, hidden]: padding + the per-step dense projection.
  torch::Tensor project(const torch::Tensor& x);
  ClassifierSpec options;
  torch::nn::Linear proj{nullptr}, head{nullptr};
  torch::nn::LSTM lstm{nullptr};
  torch::nn::GRU gru{nullptr};
  torch::nn::TransformerEncoder encoder{nullptr};
  torch::Tensor positions;
};
TORCH_MODULE(SequenceClassifier);

std::int64_t parameter_count(torch::nn::Module& m);

}  // namespace aemigap::model

// The project's torch modules (the only header that includes LibTorch; train/ and score/
// use it from .cpp files, behind torch-free headers).
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

#include <string>
#include <vector>

namespace aemigap::model {

struct AutoencoderOptions {
  int input = 128;
  std::vector<int> hidden{112, 96};  // widths between input and latent
  int latent = 64;
};

struct AutoencoderImpl : torch::nn::Module {
  explicit AutoencoderImpl(const AutoencoderOptions& o);
  torch::Tensor encode(const torch::Tensor& x);
  torch::Tensor forward(const torch::Tensor& x);  // reconstruction in [0, 1]
  torch::nn::Sequential encoder{nullptr}, decoder{nullptr};
  AutoencoderOptions options;
};
TORCH_MODULE(Autoencoder);

enum class Arch { Lstm, BiLstm, Gru, Transformer };
Arch parse_arch(const std::string& name);  // lstm | bilstm | gru | transformer
const char* arch_name(Arch a);

struct ClassifierOptions {
  Arch arch = Arch::Lstm;
  int n_features = 192;
  int step_width = 16;
  int hidden = 128;
  int layers = 3;      // recurrent layers
  int heads = 8;       // transformer
  int ff = 128;        // transformer feed-forward width
  int tf_layers = 2;   // transformer encoder layers
  int steps() const { return (n_features + step_width - 1) / step_width; }
};

struct SequenceClassifierImpl : torch::nn::Module {
  explicit SequenceClassifierImpl(const ClassifierOptions& o);
  torch::Tensor forward(const torch::Tensor& x);  // [B, n_features] -> logits [B]
  // [B, n_features] -> [B, steps, hidden]: padding + the per-step dense projection.
  torch::Tensor project(const torch::Tensor& x);
  ClassifierOptions options;
  torch::nn::Linear proj{nullptr}, head{nullptr};
  torch::nn::LSTM lstm{nullptr};
  torch::nn::GRU gru{nullptr};
  torch::nn::TransformerEncoder encoder{nullptr};
  torch::Tensor positions;
};
TORCH_MODULE(SequenceClassifier);

std::int64_t parameter_count(torch::nn::Module& m);

}  // namespace aemigap::model

// Torch-side access to the artifacts: what Classifier and AutoencoderModel hold. Included
// only by the torch rooms (model/, train/ to train them, score/ to run them fast); every
// other room uses the torch-free headers.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <utility>

#include "aemigap/model/autoencoder.hpp"
#include "aemigap/model/classifier.hpp"
#include "aemigap/model/lstm_kernel.hpp"
#include "aemigap/model/networks.hpp"

namespace aemigap::model {

struct Classifier::Impl {
  ClassifierSpec spec;
  Scaler scaler;
  SequenceClassifier net{nullptr};
  std::unique_ptr<LstmStack> stack;  // built on first use (LSTM only)
};

struct AutoencoderModel::Impl {
  AutoencoderSpec spec;
  Scaler minmax;
  Autoencoder net{nullptr};
};

// The dense input projection folded into the first recurrent layer's input weights:
// W_ih (P s + b_p) + b_ih = (W_ih P) s + (W_ih b_p + b_ih), exact. Returns (W, b) of layer 0.
std::pair<torch::Tensor, torch::Tensor> fold_projection(const SequenceClassifierImpl& net, const torch::Tensor& w_ih0,
                                                        const torch::Tensor& b_ih0);

// Sets LibTorch's intra-op threads for a scope.
struct TorchThreads {
  int old;
  explicit TorchThreads(int n) : old(torch::get_num_threads()) { torch::set_num_threads(std::max(1, n)); }
  ~TorchThreads() { torch::set_num_threads(old); }
  TorchThreads(const TorchThreads&) = delete;
  TorchThreads& operator=(const TorchThreads&) = delete;
};

// Device::Cpu or Device::Cuda as a torch device (Cuda: a clear error without a GPU).
torch::Device torch_device(Device d);

}  // namespace aemigap::model

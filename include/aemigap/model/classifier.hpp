// The trained classifier, the artifact `cv` makes and `score` and `query` use: a
// SequenceClassifier (model/networks.hpp: the feature vector cut into time steps, an
// LSTM, Bi-LSTM, GRU or Transformer, one logit) with the RobustScaler of its training
// rows. The spec is part of the artifact (a checkpoint carries it), so whoever loads a
// classifier gets its sizes from it, not from the config.
//
// Torch-free header: the network lives behind Impl (model/impl.hpp, for the torch rooms
// train/ and score/ only).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/model/scalers.hpp"

namespace aemigap::model {

struct LstmStack;

struct ClassifierSpec {
  Arch arch = Arch::Lstm;
  int n_features = 192;
  int step_width = 16;
  int hidden = 128;
  int layers = 3;  // recurrent layers
  int heads = 8;   // transformer
  int ff = 128;    // transformer feed-forward width
  int tf_layers = 2;
  int steps() const { return (n_features + step_width - 1) / step_width; }
  // classifier, step-width, rnn-hidden, rnn-layers, tf-* for an input of n_features.
  static ClassifierSpec from(const Config& cfg, int n_features);
};

class Classifier {
 public:
  Classifier();
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // A new network of `spec`, initialised from torch's current seed, with `scaler`.
  static Classifier create(const ClassifierSpec& spec, Scaler scaler);

  // Probabilities (sigmoid of the logit) of raw (unscaled) rows x [n x n_features]. LSTM
  // classifiers run in the scoring kernel (model/lstm_kernel.hpp; equal to LibTorch within
  // float rounding), the others through LibTorch; predict_torch always uses LibTorch.
  std::vector<float> predict(const float* x, std::size_t n, int threads = 1) const;
  std::vector<float> predict_torch(const float* x, std::size_t n, int threads = 1) const;
  // The LSTM with its input projection folded into layer 0, for the kernel; null otherwise.
  const LstmStack* lstm_stack() const;
  const ClassifierSpec& spec() const;
  const Scaler& scaler() const;
  std::int64_t parameter_count() const;

  struct Impl;               // model/impl.hpp
  Impl& impl() const { return *impl_; }  // torch-side access (training, the scorer)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aemigap::model

// The classifier artifact: construction, prediction (the LSTM kernel or LibTorch) and the
// folded LSTM stack the kernel runs.
#include "aemigap/model/classifier.hpp"

#include <torch/torch.h>

#include <algorithm>

#include "aemigap/core/error.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/model/impl.hpp"

namespace aemigap::model {

ClassifierSpec ClassifierSpec::from(const Config& cfg, int n_features) {
  ClassifierSpec s;
  s.arch = cfg.classifier;
  s.n_features = n_features;
  s.step_width = cfg.step_width;
  s.hidden = cfg.rnn_hidden;
  s.layers = cfg.rnn_layers;
  s.heads = cfg.tf_heads;
  s.ff = cfg.tf_ff;
  s.tf_layers = cfg.tf_layers;
  return s;
}

Classifier::Classifier() : impl_(std::make_unique<Impl>()) {}
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;
const ClassifierSpec& Classifier::spec() const { return impl_->spec; }
const Scaler& Classifier::scaler() const { return impl_->scaler; }
std::int64_t Classifier::parameter_count() const { return model::parameter_count(*impl_->net); }

Classifier Classifier::create(const ClassifierSpec& spec, Scaler scaler) {
  Classifier c;
  c.impl_->spec = spec;
  c.impl_->scaler = std::move(scaler);
  c.impl_->net = SequenceClassifier(spec);
  return c;
}

std::pair<torch::Tensor, torch::Tensor> fold_projection(const SequenceClassifierImpl& net, const torch::Tensor& w_ih0,
                                                        const torch::Tensor& b_ih0) {
  return {torch::matmul(w_ih0, net.proj->weight), b_ih0 + torch::matmul(w_ih0, net.proj->bias)};
}

torch::Device torch_device(Device d) {
  AEMIGAP_CHECK(d != Device::Auto, "resolve the device before training (model::resolve_device)");
  if (d == Device::Cpu) return torch::kCPU;
  AEMIGAP_CHECK(torch::cuda::is_available(),
                "device = cuda, but this LibTorch has no CUDA or no GPU is visible (build against a CUDA LibTorch: "
                "see env/README.md)");
  return torch::kCUDA;
}

const LstmStack* Classifier::lstm_stack() const {
  if (impl_->spec.arch != Arch::Lstm) return nullptr;
  if (!impl_->stack) {
    // The projection folded into layer 0; [W_ih | W_hh] transposed per layer, biases summed.
    torch::NoGradGuard ng;
    auto& net = *impl_->net;
    auto params = net.lstm->named_parameters();
    auto st = std::make_unique<LstmStack>();
    st->in0 = impl_->spec.step_width;
    st->hidden = impl_->spec.hidden;
    st->layers = impl_->spec.layers;
    for (int l = 0; l < st->layers; ++l) {
      auto L = std::to_string(l);
      auto wih = params["weight_ih_l" + L], bih = params["bias_ih_l" + L];
      if (l == 0) std::tie(wih, bih) = fold_projection(net, wih, bih);
      auto wcat = torch::cat({wih, params["weight_hh_l" + L]}, 1).t().contiguous();
      auto bsum = (bih + params["bias_hh_l" + L]).contiguous();
      st->w.emplace_back(wcat.data_ptr<float>(), wcat.data_ptr<float>() + wcat.numel());
      st->b.emplace_back(bsum.data_ptr<float>(), bsum.data_ptr<float>() + bsum.numel());
    }
    auto hw = net.head->weight.contiguous();
    st->head_w.assign(hw.data_ptr<float>(), hw.data_ptr<float>() + hw.numel());
    st->head_b = net.head->bias.item<float>();
    impl_->stack = std::move(st);
  }
  return impl_->stack.get();
}

std::vector<float> Classifier::predict(const float* x, std::size_t n, int threads) const {
  const LstmStack* st = lstm_stack();
  if (!st) return predict_torch(x, n, threads);
  const std::size_t d = static_cast<std::size_t>(impl_->spec.n_features);
  const int steps = impl_->spec.steps();
  const std::size_t width = static_cast<std::size_t>(steps) * static_cast<std::size_t>(impl_->spec.step_width);
  std::vector<float> out(n), zeros(static_cast<std::size_t>(st->layers * st->hidden), 0.0f);
  parallel_slices(n, threads, [&](std::size_t lo, std::size_t hi) {
    const std::size_t chunk = 4096;
    std::vector<float> buf;
    for (std::size_t b = lo; b < hi; b += chunk) {
      std::size_t e = std::min(hi, b + chunk);
      buf.assign((e - b) * width, 0.0f);  // scaled rows, zero-padded to whole steps
      for (std::size_t i = b; i < e; ++i)
        for (std::size_t j = 0; j < d; ++j)
          buf[(i - b) * width + j] = (x[i * d + j] - impl_->scaler.center[j]) / impl_->scaler.scale[j];
      st->score(zeros.data(), zeros.data(), buf.data(), e - b, steps, out.data() + b);
    }
  });
  return out;
}

std::vector<float> Classifier::predict_torch(const float* x, std::size_t n, int threads) const {
  TorchThreads scope(threads);
  torch::NoGradGuard no_grad;
  const std::size_t d = static_cast<std::size_t>(impl_->spec.n_features);
  std::vector<float> out(n);
  const std::size_t chunk = 8192;
  std::vector<float> buf;
  for (std::size_t b = 0; b < n; b += chunk) {
    std::size_t e = std::min(n, b + chunk);
    buf.assign(x + b * d, x + e * d);
    impl_->scaler.transform(buf.data(), e - b, d);
    auto t = torch::from_blob(buf.data(), {static_cast<int64_t>(e - b), static_cast<int64_t>(d)});
    auto p = torch::sigmoid(impl_->net->forward(t)).contiguous();
    std::copy_n(p.data_ptr<float>(), e - b, out.begin() + static_cast<long>(b));
  }
  return out;
}

}  // namespace aemigap::model

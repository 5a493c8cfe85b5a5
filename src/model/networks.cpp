#include "aemigap/model/networks.hpp"

#include "aemigap/core/error.hpp"

namespace aemigap::model {

AutoencoderImpl::AutoencoderImpl(const AutoencoderSpec& o) : options(o) {
  std::vector<int> widths{o.input};
  widths.insert(widths.end(), o.hidden.begin(), o.hidden.end());
  widths.push_back(o.latent);
  AEMIGAP_CHECK(widths.size() >= 2, "autoencoder needs layers");
  encoder = torch::nn::Sequential();
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    encoder->push_back(torch::nn::Linear(widths[i], widths[i + 1]));
    encoder->push_back(torch::nn::ReLU());
  }
  decoder = torch::nn::Sequential();
  for (std::size_t i = widths.size() - 1; i > 0; --i) {
    decoder->push_back(torch::nn::Linear(widths[i], widths[i - 1]));
    if (i > 1) decoder->push_back(torch::nn::ReLU());
  }
  decoder->push_back(torch::nn::Sigmoid());
  register_module("encoder", encoder);
  register_module("decoder", decoder);
}

torch::Tensor AutoencoderImpl::encode(const torch::Tensor& x) { return encoder->forward(x); }
torch::Tensor AutoencoderImpl::forward(const torch::Tensor& x) { return decoder->forward(encoder->forward(x)); }

SequenceClassifierImpl::SequenceClassifierImpl(const ClassifierSpec& o) : options(o) {
  proj = register_module("proj", torch::nn::Linear(o.step_width, o.hidden));
  int out_width = o.hidden;
  switch (o.arch) {
    case Arch::Lstm:
    case Arch::BiLstm: {
      bool bi = o.arch == Arch::BiLstm;
      lstm = register_module(
          "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(o.hidden, o.hidden).num_layers(o.layers).batch_first(true).bidirectional(bi)));
      out_width = bi ? 2 * o.hidden : o.hidden;
      break;
    }
    case Arch::Gru:
      gru = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(o.hidden, o.hidden).num_layers(o.layers).batch_first(true)));
      break;
    case Arch::Transformer: {
      auto layer = torch::nn::TransformerEncoderLayer(
          torch::nn::TransformerEncoderLayerOptions(o.hidden, o.heads).dim_feedforward(o.ff).dropout(0.0));
      encoder = register_module("encoder", torch::nn::TransformerEncoder(torch::nn::TransformerEncoderOptions(layer, o.tf_layers)));
      positions = register_parameter("positions", torch::randn({o.steps(), 1, o.hidden}) * 0.02);
      break;
    }
  }
  head = register_module("head", torch::nn::Linear(out_width, 1));
}

torch::Tensor SequenceClassifierImpl::project(const torch::Tensor& x) {
  const int64_t b = x.size(0), total = static_cast<int64_t>(options.steps()) * options.step_width;
  torch::Tensor padded = x.size(1) == total ? x : torch::constant_pad_nd(x, {0, total - x.size(1)});
  return proj->forward(padded.view({b, options.steps(), options.step_width}));
}

torch::Tensor SequenceClassifierImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = project(x);
  torch::Tensor last;
  switch (options.arch) {
    case Arch::Lstm:
    case Arch::BiLstm: {
      auto out = std::get<0>(lstm->forward(h));
      if (options.arch == Arch::Lstm) {
        last = out.select(1, -1);
      } else {  // forward direction's last step, backward direction's first step
        auto fwd = out.select(1, -1).narrow(1, 0, options.hidden);
        auto bwd = out.select(1, 0).narrow(1, options.hidden, options.hidden);
        last = torch::cat({fwd, bwd}, 1);
      }
      break;
    }
    case Arch::Gru:
      last = std::get<0>(gru->forward(h)).select(1, -1);
      break;
    case Arch::Transformer: {
      auto seq = h.transpose(0, 1) + positions;  // [steps, B, hidden]
      last = encoder->forward(seq).mean(0);
      break;
    }
  }
  return head->forward(last).squeeze(1);
}

std::int64_t parameter_count(torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

}  // namespace aemigap::model

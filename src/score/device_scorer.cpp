#include "aemigap/score/device_scorer.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>

#include "aemigap/core/error.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/model/features.hpp"
#include "aemigap/model/impl.hpp"
#include "side_split.hpp"

namespace aemigap::score {

int local_gpu_index() {
  if (!torch::cuda::is_available()) return -1;
  const int n = static_cast<int>(torch::cuda::device_count());
  int r = 0;
  for (const char* var : {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID"})
    if (const char* v = std::getenv(var); v && *v) {
      r = std::atoi(v);
      break;
    }
  return n > 0 ? r % n : -1;
}

struct DeviceScorer::Impl {
  torch::Device device{torch::kCPU};
  torch::Dtype dtype = torch::kFloat32;
  ScorePrecision precision = ScorePrecision::Fp32;
  std::int64_t pairs_per_batch = 0;
  int threads = 1;
  bool is_lstm = true;
  std::int64_t S = 0, mirna_steps = 0, rest = 0, hidden = 0, layers = 0, nm = 0, ng = 0;
  torch::nn::LSTM lstm{nullptr};
  torch::nn::GRU gru{nullptr};
  torch::nn::Linear head{nullptr};
  torch::Tensor mirna_scaled;  // [nm, mirna_steps, S]
  torch::Tensor gene_scaled;   // [ng, D]
  bool latent = false;
  torch::Tensor ae_m, ae_g;    // [nm, h1], [ng, h1] (bias in ae_g)
  torch::nn::Sequential ae_rest{nullptr};
  torch::Tensor lat_center, lat_scale;
};

std::string DeviceScorer::unsupported_reason(const model::Checkpoint& ck, std::size_t dims) {
  const std::string why = prefix_split_problem(ck, dims);
  return why.empty() ? why : "the device scorer needs " + why;
}

DeviceScorer::DeviceScorer(const model::Checkpoint& ck, const std::vector<float>& mirna, const std::vector<float>& gene,
                           std::size_t dims, const DeviceScorerOptions& opt)
    : impl_(std::make_unique<Impl>()) {
  if (const std::string why = unsupported_reason(ck, dims); !why.empty())
    throw Error(why + " (score it with --device cpu)");
  AEMIGAP_CHECK(opt.device != Device::Auto, "DeviceScorer: resolve the device first");
  AEMIGAP_CHECK(opt.pairs_per_batch > 0, "DeviceScorer: pairs_per_batch must be positive");
  auto& I = *impl_;
  if (opt.device == Device::Cuda) {
    (void)model::torch_device(Device::Cuda);  // a clear error without CUDA
    I.device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(opt.device_index));
  }
  I.precision = opt.precision;
  I.dtype = opt.precision == ScorePrecision::Bf16 ? torch::kBFloat16 : torch::kFloat32;
  I.pairs_per_batch = opt.pairs_per_batch;
  I.threads = opt.threads;
  const auto& sp = ck.classifier.spec();
  I.is_lstm = sp.arch == Arch::Lstm;
  I.S = sp.step_width;
  I.mirna_steps = static_cast<std::int64_t>(dims) / I.S;
  I.rest = sp.steps() - I.mirna_steps;
  I.hidden = sp.hidden;
  I.layers = sp.layers;
  I.nm = static_cast<std::int64_t>(mirna.size() / dims);
  I.ng = static_cast<std::int64_t>(gene.size() / dims);

  model::TorchThreads t(I.threads);
  torch::NoGradGuard no_grad;
  const auto& net = *ck.classifier.impl().net;
  if (I.is_lstm) {
    I.lstm = torch::nn::LSTM(torch::nn::LSTMOptions(I.S, I.hidden).num_layers(I.layers).batch_first(true));
    copy_folded(net, net.lstm, I.lstm);
    I.lstm->eval();
    I.lstm->to(I.device, I.dtype);
  } else {
    I.gru = torch::nn::GRU(torch::nn::GRUOptions(I.S, I.hidden).num_layers(I.layers).batch_first(true));
    copy_folded(net, net.gru, I.gru);
    I.gru->eval();
    I.gru->to(I.device, I.dtype);
  }
  I.head = torch::nn::Linear(torch::nn::LinearOptions(I.hidden, 1));
  I.head->weight.copy_(net.head->weight);
  I.head->bias.copy_(net.head->bias);
  I.head->to(I.device, I.dtype);

  // Per-side scaling and the autoencoder's split, done once in fp32 on the host, then moved
  // (and rounded) once.
  SideSplit sides = split_by_side(ck, mirna, gene, dims);
  auto to_dev = [&](const torch::Tensor& x) { return x.to(I.device, I.dtype).contiguous(); };
  I.mirna_scaled = to_dev(sides.mirna_scaled.view({I.nm, I.mirna_steps, I.S}));
  I.gene_scaled = to_dev(sides.gene_scaled);
  I.latent = sides.latent;
  if (I.latent) {
    I.ae_m = to_dev(sides.ae_m);
    I.ae_g = to_dev(sides.ae_g);
    I.ae_rest = torch::nn::Sequential();  // a copy on the device, not the checkpoint's modules
    for (const auto& m : *sides.ae_rest) I.ae_rest->push_back(m.clone(I.device));
    I.ae_rest->to(I.device, I.dtype);
    I.lat_center = to_dev(sides.lat_center);
    I.lat_scale = to_dev(sides.lat_scale);
  }
}

DeviceScorer::~DeviceScorer() = default;
std::uint64_t DeviceScorer::n_gene() const { return static_cast<std::uint64_t>(impl_->ng); }

std::string DeviceScorer::describe() const {
  const auto& I = *impl_;
  return I.device.str() + " " + name_of(I.precision) + ", " + std::to_string(I.pairs_per_batch) + " pairs per forward";
}

void DeviceScorer::score_rows(std::uint64_t r0, std::uint64_t r1, float* out) const {
  auto& I = *impl_;  // modules' forward is non-const; nothing of the scorer changes
  if (r1 <= r0) return;
  model::TorchThreads t(I.threads);
  c10::InferenceMode guard;
  const std::int64_t n_rows = static_cast<std::int64_t>(r1 - r0);
  // Rows per forward: all genes of as many rows as fit the pair budget; genes split only when
  // one row alone is larger.
  const std::int64_t rows_per = std::max<std::int64_t>(1, I.pairs_per_batch / std::max<std::int64_t>(1, I.ng));
  const std::int64_t genes_per = std::min<std::int64_t>(I.ng, std::max<std::int64_t>(1, I.pairs_per_batch));
  const std::int64_t total = I.rest * I.S;
  for (std::int64_t a = 0; a < n_rows; a += rows_per) {
    const std::int64_t R = std::min(rows_per, n_rows - a);
    const std::int64_t row0 = static_cast<std::int64_t>(r0) + a;
    // The state after the miRNA's steps, once per row: [layers, R, hidden].
    auto ms = I.mirna_scaled.narrow(0, row0, R);
    torch::Tensor h, c;
    if (I.is_lstm) {
      auto st = std::get<1>(I.lstm->forward(ms));
      h = std::get<0>(st);
      c = std::get<1>(st);
    } else {
      h = std::get<1>(I.gru->forward(ms));
    }
    for (std::int64_t b = 0; b < I.ng; b += genes_per) {
      const std::int64_t G = std::min(genes_per, I.ng - b);
      auto g = I.gene_scaled.narrow(0, b, G).unsqueeze(0).expand({R, G, I.gene_scaled.size(1)});
      torch::Tensor feats = g;
      if (I.latent) {
        auto h1 = torch::relu(I.ae_g.narrow(0, b, G).unsqueeze(0) + I.ae_m.narrow(0, row0, R).unsqueeze(1));  // [R, G, h1]
        auto z = I.ae_rest->forward(h1.reshape({R * G, h1.size(2)}));
        feats = torch::cat({g.reshape({R * G, g.size(2)}), (z - I.lat_center) / I.lat_scale}, 1);
      } else {
        feats = g.reshape({R * G, g.size(2)});
      }
      if (feats.size(1) < total) feats = torch::constant_pad_nd(feats, {0, total - feats.size(1)});
      auto xs = feats.view({R * G, I.rest, I.S});
      // Each pair starts from its row's prefix state: [layers, R, H] -> [layers, R * G, H].
      auto spread = [&](const torch::Tensor& s) {
        return s.unsqueeze(2).expand({I.layers, R, G, I.hidden}).reshape({I.layers, R * G, I.hidden}).contiguous();
      };
      torch::Tensor last;
      if (I.is_lstm)
        last = std::get<0>(I.lstm->forward(xs, std::make_tuple(spread(h), spread(c)))).select(1, -1);
      else
        last = std::get<0>(I.gru->forward(xs, spread(h))).select(1, -1);
      auto p = torch::sigmoid(I.head->forward(last).squeeze(1)).to(torch::kCPU, torch::kFloat32).view({R, G}).contiguous();
      const float* src = p.data_ptr<float>();
      for (std::int64_t r = 0; r < R; ++r)
        std::copy_n(src + r * G, G, out + (a + r) * I.ng + b);
    }
  }
}

}  // namespace aemigap::score

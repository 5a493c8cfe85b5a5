#include "aemigap/score/pool_scorer.hpp"

#include <torch/torch.h>

#include <algorithm>

#include "aemigap/core/error.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/model/features.hpp"
#include "aemigap/model/impl.hpp"
#include "side_split.hpp"

namespace aemigap::score {

struct PoolScorer::Impl {
  const model::Checkpoint* ck;
  const std::vector<float>* mirna;
  const std::vector<float>* gene;
  std::size_t dims, ng, nm;
  int threads;
  bool fast = false;
  bool is_lstm = true;
  int width = 0, step = 0, steps = 0, mirna_steps = 0, hidden = 0, layers = 0;

  // Fast path state
  torch::nn::GRU gru{nullptr};
  torch::nn::Linear head{nullptr};
  torch::Tensor gene_steps;  // [ng, steps - mirna_steps, step]: scaled gene (+ latent padded later) features
  torch::Tensor mirna_scaled;  // [nm, mirna_steps * step]
  // autoencoder split (pair+latent / latent)
  bool latent = false;
  int L = 0;
  torch::Tensor ae_m;            // [nm, h1] = W1m * mm
  torch::Tensor ae_g;            // [ng, h1] = W1g * gm + b1
  torch::nn::Sequential ae_rest{nullptr};  // the encoder after its first Linear+ReLU
  torch::Tensor lat_center, lat_scale;     // robust scaler of the latent features
  torch::Tensor gene_scaled;     // [ng, dims] robust-scaled gene features
  model::LstmStack stack;        // the LSTM fast path's own kernel (no LibTorch in the loop)
};

namespace {
torch::Tensor rows_tensor(const std::vector<float>& v, std::size_t n, std::size_t d) {
  return torch::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(n), static_cast<int64_t>(d)}).clone();
}
torch::Tensor vec(const std::vector<float>& v) { return rows_tensor(v, 1, v.size()).squeeze(0); }
using Threads = model::TorchThreads;
}  // namespace

std::string prefix_split_problem(const model::Checkpoint& ck, std::size_t dims) {
  const auto& sp = ck.classifier.spec();
  if (sp.arch != Arch::Lstm && sp.arch != Arch::Gru)
    return std::string("an LSTM or GRU checkpoint; this one is ") + name_of(sp.arch);
  if (ck.feature_set == FeatureSet::Latent) return "features that start with the miRNA (pair or pair+latent)";
  if (dims % static_cast<std::size_t>(sp.step_width) != 0)
    return "the miRNA's " + std::to_string(dims) + " features to fill whole steps of " + std::to_string(sp.step_width);
  return "";
}

SideSplit split_by_side(const model::Checkpoint& ck, const std::vector<float>& mirna, const std::vector<float>& gene,
                        std::size_t dims) {
  torch::NoGradGuard no_grad;
  SideSplit out;
  const std::size_t nm = mirna.size() / dims, ng = gene.size() / dims;
  const auto& rs = ck.classifier.scaler();
  auto center = vec(rs.center), scale = vec(rs.scale);
  const int64_t D = static_cast<int64_t>(dims);
  out.mirna_scaled = (rows_tensor(mirna, nm, dims) - center.narrow(0, 0, D)) / scale.narrow(0, 0, D);
  out.gene_scaled = (rows_tensor(gene, ng, dims) - center.narrow(0, D, D)) / scale.narrow(0, D, D);
  out.latent = ck.feature_set == FeatureSet::PairLatent;
  if (!out.latent) return out;
  AEMIGAP_CHECK(ck.ae, "checkpoint with latent features lacks its autoencoder");
  auto& ae = *ck.ae->impl().net;
  const auto& mm = ck.ae->minmax();
  auto amin = vec(mm.center), arange = vec(mm.scale);
  auto mmin = ((rows_tensor(mirna, nm, dims) - amin.narrow(0, 0, D)) / arange.narrow(0, 0, D)).clamp(0, 1);
  auto gmin = ((rows_tensor(gene, ng, dims) - amin.narrow(0, D, D)) / arange.narrow(0, D, D)).clamp(0, 1);
  auto first = ae.encoder[0]->as<torch::nn::Linear>();
  auto W1 = first->weight;  // [h1, 2D]
  out.ae_m = torch::matmul(mmin, W1.narrow(1, 0, D).t());
  out.ae_g = torch::matmul(gmin, W1.narrow(1, D, D).t()) + first->bias;
  out.ae_rest = torch::nn::Sequential();
  std::size_t i = 0;
  for (const auto& m : *ae.encoder)  // skip the first Linear and its ReLU
    if (i++ >= 2) out.ae_rest->push_back(m);
  const int64_t L = ck.ae->spec().latent;
  out.lat_center = center.narrow(0, 2 * D, L);
  out.lat_scale = scale.narrow(0, 2 * D, L);
  return out;
}

PoolScorer::PoolScorer(const model::Checkpoint& ck, const std::vector<float>& mirna, const std::vector<float>& gene,
                       std::size_t dims, int threads)
    : impl_(std::make_unique<Impl>()) {
  auto& I = *impl_;
  I.ck = &ck;
  I.mirna = &mirna;
  I.gene = &gene;
  I.dims = dims;
  I.nm = mirna.size() / dims;
  I.ng = gene.size() / dims;
  I.threads = threads;
  const auto& sp = ck.classifier.spec();
  I.width = sp.n_features;
  I.step = sp.step_width;
  I.steps = sp.steps();
  I.hidden = sp.hidden;
  I.layers = sp.layers;
  if (!prefix_split_problem(ck, dims).empty()) return;  // the plain forward only
  I.fast = true;
  I.is_lstm = sp.arch == Arch::Lstm;
  I.mirna_steps = static_cast<int>(dims / static_cast<std::size_t>(sp.step_width));
  Threads t(threads);
  torch::NoGradGuard ng;
  auto& net = *ck.classifier.impl().net;
  if (I.is_lstm) {
    I.stack = *ck.classifier.lstm_stack();  // the classifier's folded weights, for the kernel
  } else {  // a GRU that takes the raw steps: the projection folded into its layer 0
    I.gru = torch::nn::GRU(torch::nn::GRUOptions(sp.step_width, sp.hidden).num_layers(sp.layers).batch_first(true));
    copy_folded(net, net.gru, I.gru);
    I.gru->eval();
  }
  I.head = net.head;

  SideSplit sides = split_by_side(ck, mirna, gene, dims);
  I.mirna_scaled = sides.mirna_scaled;
  I.gene_scaled = sides.gene_scaled;
  I.latent = sides.latent;
  if (I.latent) {
    I.ae_m = sides.ae_m;
    I.ae_g = sides.ae_g;
    I.ae_rest = sides.ae_rest;
    I.L = ck.ae->spec().latent;
    I.lat_center = sides.lat_center;
    I.lat_scale = sides.lat_scale;
  }
}

PoolScorer::~PoolScorer() = default;
bool PoolScorer::has_fast_path() const { return impl_->fast; }
std::uint64_t PoolScorer::n_gene() const { return impl_->ng; }

void PoolScorer::score_rows_plain(std::uint64_t r0, std::uint64_t r1, float* out) const {
  const auto& I = *impl_;
  std::vector<std::int32_t> m, g;
  for (std::uint64_t r = r0; r < r1; ++r)
    for (std::size_t j = 0; j < I.ng; ++j) {
      m.push_back(static_cast<std::int32_t>(r));
      g.push_back(static_cast<std::int32_t>(j));
    }
  auto x = model::pair_features(*I.mirna, *I.gene, I.dims, m, g, I.ck->feature_set, I.ck->ae.get());
  auto p = I.ck->classifier.predict_torch(x.data(), m.size(), I.threads);
  std::copy(p.begin(), p.end(), out);
}

namespace {

// One miRNA row against genes [genes, genes + n) (genes null: every gene), fast path.
void score_row_fast(PoolScorer::Impl& I, std::uint64_t r, const std::int32_t* genes, std::int64_t n_genes, float* out) {
  const int64_t S = I.step, rest = I.steps - I.mirna_steps;
  const int64_t chunk = 4096;  // genes per batch
  // The state after the miRNA's steps, once per miRNA.
  auto ms = I.mirna_scaled[static_cast<int64_t>(r)].contiguous();
  std::vector<float> h0(static_cast<std::size_t>(I.layers * I.hidden)), c0(h0.size());
  torch::Tensor h, c;
  if (I.is_lstm) {
    I.stack.prefix_state(ms.data_ptr<float>(), I.mirna_steps, h0.data(), c0.data());
  } else {
    h = std::get<1>(I.gru->forward(ms.view({1, I.mirna_steps, S})));
  }
  for (int64_t b = 0; b < n_genes; b += chunk) {
    const int64_t n = std::min(chunk, n_genes - b);
    torch::Tensor idx;
    if (genes)
      idx = torch::from_blob(const_cast<std::int32_t*>(genes + b), {n}, torch::kInt32).to(torch::kLong);
    auto pick = [&](const torch::Tensor& t) { return genes ? t.index_select(0, idx) : t.narrow(0, b, n); };
    auto g = pick(I.gene_scaled);
    torch::Tensor feats = g;
    if (I.latent) {
      auto h1 = torch::relu(pick(I.ae_g) + I.ae_m[static_cast<int64_t>(r)]);
      auto z = I.ae_rest->forward(h1);
      feats = torch::cat({g, (z - I.lat_center) / I.lat_scale}, 1);
    }
    const int64_t total = rest * S;
    if (feats.size(1) < total) feats = torch::constant_pad_nd(feats, {0, total - feats.size(1)});
    feats = feats.contiguous();
    float* dst = out + b;
    if (I.is_lstm) {
      // Gene tiles in parallel, each thread with its own buffers.
      const float* x = feats.data_ptr<float>();
      parallel_slices(static_cast<std::size_t>(n), I.threads, [&](std::size_t lo, std::size_t hi) {
        I.stack.score(h0.data(), c0.data(), x + lo * static_cast<std::size_t>(total), hi - lo, static_cast<int>(rest),
                      dst + lo);
      });
    } else {
      auto xs = feats.view({n, rest, S});
      auto last = std::get<0>(I.gru->forward(xs, h.expand({I.layers, n, I.hidden}).contiguous())).select(1, -1);
      auto p = torch::sigmoid(I.head->forward(last).squeeze(1)).contiguous();
      std::copy_n(p.data_ptr<float>(), n, dst);
    }
  }
}

}  // namespace

void PoolScorer::score_rows(std::uint64_t r0, std::uint64_t r1, float* out) const {
  auto& I = *impl_;  // torch modules' forward is non-const; the scorer's state is not changed
  if (!I.fast) return score_rows_plain(r0, r1, out);
  Threads t(I.threads);
  c10::InferenceMode guard;
  for (std::uint64_t r = r0; r < r1; ++r)
    score_row_fast(I, r, nullptr, static_cast<std::int64_t>(I.ng), out + (r - r0) * I.ng);
}

void PoolScorer::score_pairs(const std::int32_t* mirna, const std::int32_t* gene, std::size_t n, float* out) const {
  auto& I = *impl_;
  if (n == 0) return;
  if (!I.fast) {
    std::vector<std::int32_t> m(mirna, mirna + n), g(gene, gene + n);
    auto x = model::pair_features(*I.mirna, *I.gene, I.dims, m, g, I.ck->feature_set, I.ck->ae.get());
    auto p = I.ck->classifier.predict_torch(x.data(), n, I.threads);
    std::copy(p.begin(), p.end(), out);
    return;
  }
  // Torch's own ops here are small (a row's few genes); with intra-op threads its OpenMP
  // workers spin between them and take the cores from the kernel's threads (60 % of the
  // time measured in libgomp), so they run on one thread.
  Threads t(1);
  c10::InferenceMode guard;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && mirna[j] == mirna[i]) ++j;
    score_row_fast(I, static_cast<std::uint64_t>(mirna[i]), gene + i, static_cast<std::int64_t>(j - i), out + i);
    i = j;
  }
}

}  // namespace aemigap::score

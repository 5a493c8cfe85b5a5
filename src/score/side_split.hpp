// Internal to the score room (torch): what both scorers precompute per side of a pair.
// The classifier's robust scaler and the autoencoder's min-max scaler are per feature, so
// each side (miRNA rows, gene rows) is scaled once; the autoencoder's first layer splits
// into a per-miRNA and a per-gene product, W1 [m | g] + b1 = W1m m + (W1g g + b1), summed
// per pair before its ReLU.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "aemigap/model/checkpoint.hpp"
#include "aemigap/model/impl.hpp"

namespace aemigap::score {

struct SideSplit {
  torch::Tensor mirna_scaled;  // [nm, D] robust-scaled miRNA features
  torch::Tensor gene_scaled;   // [ng, D] robust-scaled gene features
  bool latent = false;         // pair+latent: the fields below are set
  torch::Tensor ae_m;          // [nm, h1] = W1m * minmax(m)
  torch::Tensor ae_g;          // [ng, h1] = W1g * minmax(g) + b1
  torch::nn::Sequential ae_rest{nullptr};  // the encoder after its first Linear + ReLU (shares the checkpoint's modules)
  torch::Tensor lat_center, lat_scale;     // the robust scaler of the latent features
};

// Why ck's recurrent state after the miRNA's steps cannot be computed once per miRNA ("" when
// it can): an LSTM or GRU whose features start with the miRNA and fill whole steps. Both
// scorers' fast paths rest on it.
std::string prefix_split_problem(const model::Checkpoint& ck, std::size_t dims);

// A recurrent module `dst` (input width = one step) takes the checkpoint's weights, the input
// projection folded into its layer 0 (exact: model::fold_projection).
template <class Rnn>
void copy_folded(const model::SequenceClassifierImpl& net, const Rnn& src, Rnn& dst) {
  auto from = src->named_parameters();
  auto [w0, b0] = model::fold_projection(net, from["weight_ih_l0"], from["bias_ih_l0"]);
  for (auto& p : dst->named_parameters())
    p.value().copy_(p.key() == "weight_ih_l0" ? w0 : p.key() == "bias_ih_l0" ? b0 : from[p.key()]);
}

SideSplit split_by_side(const model::Checkpoint& ck, const std::vector<float>& mirna, const std::vector<float>& gene,
                        std::size_t dims);

}  // namespace aemigap::score

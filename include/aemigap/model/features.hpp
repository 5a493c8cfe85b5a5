// The classifier's input for a pair (miRNA m, gene g): FeatureSet pair = [emb(m) | emb(g)]
// (the 128-d pair vector), latent = the autoencoder's latent of that vector, pair+latent =
// both, in that order (the scorer's fast path relies on the miRNA coming first).
#pragma once

#include <cstdint>
#include <vector>

#include "aemigap/core/config.hpp"

namespace aemigap::model {

class AutoencoderModel;

int feature_width(FeatureSet fs, int embed_dims, int latent);
// Features of pairs (m[i], g[i]) from the embeddings [n x dims]; ae may be null for pair.
std::vector<float> pair_features(const std::vector<float>& mirna, const std::vector<float>& gene, std::size_t dims,
                                 const std::vector<std::int32_t>& m, const std::vector<std::int32_t>& g, FeatureSet fs,
                                 const AutoencoderModel* ae);

}  // namespace aemigap::model

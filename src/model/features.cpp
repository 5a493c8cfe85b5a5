#include "aemigap/model/features.hpp"

#include <algorithm>

#include "aemigap/core/error.hpp"
#include "aemigap/model/autoencoder.hpp"

namespace aemigap::model {

int feature_width(FeatureSet fs, int embed_dims, int latent) {
  switch (fs) {
    case FeatureSet::Pair: return 2 * embed_dims;
    case FeatureSet::Latent: return latent;
    case FeatureSet::PairLatent: return 2 * embed_dims + latent;
  }
  return 0;
}

std::vector<float> pair_features(const std::vector<float>& mirna, const std::vector<float>& gene, std::size_t dims,
                                 const std::vector<std::int32_t>& m, const std::vector<std::int32_t>& g, FeatureSet fs,
                                 const AutoencoderModel* ae) {
  const std::size_t n = m.size(), pd = 2 * dims;
  std::vector<float> pair(n * pd);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(&mirna[static_cast<std::size_t>(m[i]) * dims], dims, &pair[i * pd]);
    std::copy_n(&gene[static_cast<std::size_t>(g[i]) * dims], dims, &pair[i * pd + dims]);
  }
  if (fs == FeatureSet::Pair) return pair;
  AEMIGAP_CHECK(ae != nullptr, "feature set " << name_of(fs) << " needs the autoencoder");
  auto z = ae->encode(pair.data(), n);
  if (fs == FeatureSet::Latent) return z;
  const std::size_t L = static_cast<std::size_t>(ae->spec().latent), w = pd + L;
  std::vector<float> out(n * w);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(&pair[i * pd], pd, &out[i * w]);
    std::copy_n(&z[i * L], L, &out[i * w + pd]);
  }
  return out;
}

}  // namespace aemigap::model

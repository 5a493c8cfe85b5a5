// The pool scorer (src/score/): its fast path (the miRNA prefix computed once per row, the
// LSTM kernel, the autoencoder split by side) equals the checkpoint's plain forward pass,
// and scoring listed pairs equals scoring whole rows.
#include <gtest/gtest.h>

#include <cmath>

#include "aemigap/core/rng.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/model/features.hpp"
#include "aemigap/score/pool_scorer.hpp"
#include "aemigap/train/trainer.hpp"

using namespace aemigap;

namespace {

constexpr std::size_t kDims = 32, kMirna = 5, kGene = 230;

std::vector<float> random_rows(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n * kDims);
  for (auto& x : v) x = static_cast<float>(rng.uniform_double() * 2 - 1);
  return v;
}

// A small trained checkpoint of `arch` on `fs` features over the given embeddings.
model::Checkpoint make_checkpoint(Arch arch, FeatureSet fs, const std::vector<float>& mirna,
                                  const std::vector<float>& gene) {
  std::vector<std::int32_t> m, g;
  std::vector<std::uint8_t> y;
  for (std::int32_t i = 0; i < static_cast<std::int32_t>(kMirna); ++i)
    for (std::int32_t j = 0; j < 60; ++j) m.push_back(i), g.push_back(j * 3 % static_cast<std::int32_t>(kGene)), y.push_back((i + j) % 2);
  std::vector<std::size_t> rows(y.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  model::Checkpoint ck;
  ck.feature_set = fs;
  if (fs != FeatureSet::Pair) {
    auto pair = model::pair_features(mirna, gene, kDims, m, g, FeatureSet::Pair, nullptr);
    model::AutoencoderSpec as;
    as.input = 2 * kDims;
    as.hidden = {48, 40};
    as.latent = 16;
    train::AeOptions ao;
    ao.epochs = 2;
    ao.progress_interval = 1e9;
    ck.ae = std::make_unique<model::AutoencoderModel>(train::train_autoencoder(as, pair, rows, ao, nullptr));
  }
  auto x = model::pair_features(mirna, gene, kDims, m, g, fs, ck.ae.get());
  model::ClassifierSpec spec;
  spec.arch = arch;
  spec.n_features = model::feature_width(fs, kDims, ck.ae ? ck.ae->spec().latent : 0);
  spec.hidden = 32;
  spec.layers = 2;
  spec.heads = 4;
  spec.ff = 32;
  spec.tf_layers = 1;
  train::TrainOptions opt;
  opt.samples = 600;
  opt.batch = 64;
  opt.progress_interval = 1e9;
  ck.classifier = train::train_classifier(spec, x, y, rows, opt);
  return ck;
}

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double w = 0;
  for (std::size_t i = 0; i < a.size(); ++i) w = std::max(w, std::abs(static_cast<double>(a[i]) - b[i]));
  return w;
}

struct Case {
  Arch arch;
  FeatureSet fs;
  bool fast;
};

}  // namespace

class PoolScorerPaths : public ::testing::TestWithParam<Case> {};

TEST_P(PoolScorerPaths, FastPathEqualsPlainForward) {
  const auto c = GetParam();
  const auto mirna = random_rows(kMirna, 1), gene = random_rows(kGene, 2);
  const auto ck = make_checkpoint(c.arch, c.fs, mirna, gene);
  for (int threads : {1, 3}) {
    score::PoolScorer sc(ck, mirna, gene, kDims, threads);
    EXPECT_EQ(sc.has_fast_path(), c.fast);
    std::vector<float> fast(2 * kGene), plain(2 * kGene);
    sc.score_rows(1, 3, fast.data());
    sc.score_rows_plain(1, 3, plain.data());
    EXPECT_LT(max_diff(fast, plain), 1e-5) << name_of(c.arch) << " " << name_of(c.fs) << ", " << threads << " threads";
    for (float p : fast) EXPECT_TRUE(p >= 0 && p <= 1);
    // Listed pairs (runs of one miRNA, genes in any order) give the rows' values.
    std::vector<std::int32_t> pm{1, 1, 1, 2, 2}, pg{229, 0, 17, 5, 5};
    std::vector<float> got(pm.size());
    sc.score_pairs(pm.data(), pg.data(), pm.size(), got.data());
    for (std::size_t i = 0; i < pm.size(); ++i)
      EXPECT_NEAR(got[i], fast[static_cast<std::size_t>(pm[i] - 1) * kGene + static_cast<std::size_t>(pg[i])], 1e-6);
  }
}

INSTANTIATE_TEST_SUITE_P(Checkpoints, PoolScorerPaths,
                         ::testing::Values(Case{Arch::Lstm, FeatureSet::PairLatent, true},
                                           Case{Arch::Lstm, FeatureSet::Pair, true},
                                           Case{Arch::Gru, FeatureSet::PairLatent, true},
                                           Case{Arch::Lstm, FeatureSet::Latent, false},
                                           Case{Arch::Transformer, FeatureSet::Pair, false}),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           std::string n = std::string(name_of(i.param.arch)) + "_" + name_of(i.param.fs);
                           for (char& c : n)
                             if (c == '+') c = '_';
                           return n;
                         });

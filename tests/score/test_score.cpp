// The pool scorer (src/score/): its fast path (the miRNA prefix computed once per row, the
// LSTM kernel, the autoencoder split by side) equals the checkpoint's plain forward pass,
// and scoring listed pairs equals scoring whole rows; the device scorer (batched LibTorch
// forwards, run here on the CPU) equals the kernel, in fp32 to 1e-5 and in bf16 by ranking.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "aemigap/core/error.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/model/features.hpp"
#include "aemigap/score/device_scorer.hpp"
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

namespace {
// Spearman's rank correlation (no ties expected among these probabilities).
double spearman(const std::vector<float>& a, const std::vector<float>& b) {
  auto ranks = [](const std::vector<float>& v) {
    std::vector<std::size_t> idx(v.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](std::size_t x, std::size_t y) { return v[x] < v[y]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < idx.size(); ++i) r[idx[i]] = static_cast<double>(i);
    return r;
  };
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size());
  double d2 = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) d2 += (ra[i] - rb[i]) * (ra[i] - rb[i]);
  return 1 - 6 * d2 / (n * (n * n - 1));
}
}  // namespace

class DeviceScorerOnCpu : public ::testing::TestWithParam<Case> {};

TEST_P(DeviceScorerOnCpu, EqualsTheKernel) {
  const auto c = GetParam();
  const auto mirna = random_rows(kMirna, 1), gene = random_rows(kGene, 2);
  const auto ck = make_checkpoint(c.arch, c.fs, mirna, gene);
  ASSERT_EQ(score::DeviceScorer::unsupported_reason(ck, kDims), "");
  score::PoolScorer kernel(ck, mirna, gene, kDims, 1);
  std::vector<float> want(kMirna * kGene);
  kernel.score_rows(0, kMirna, want.data());
  // Batches of whole rows, of part of a row (genes split), and of one pair.
  for (std::int64_t per : {std::int64_t{1} << 20, std::int64_t{2 * kGene}, std::int64_t{100}, std::int64_t{1}}) {
    score::DeviceScorerOptions o;
    o.device = Device::Cpu;
    o.pairs_per_batch = per;
    score::DeviceScorer dev(ck, mirna, gene, kDims, o);
    std::vector<float> got(kMirna * kGene, -1.0f);
    dev.score_rows(0, 2, got.data());  // two calls: offsets within the block are the caller's
    dev.score_rows(2, kMirna, got.data() + 2 * kGene);
    EXPECT_LT(max_diff(got, want), 1e-5) << name_of(c.arch) << " " << name_of(c.fs) << ", " << per << " pairs per forward";
  }
  score::DeviceScorerOptions o;
  o.device = Device::Cpu;
  o.precision = ScorePrecision::Bf16;
  score::DeviceScorer bf(ck, mirna, gene, kDims, o);
  std::vector<float> half(kMirna * kGene);
  bf.score_rows(0, kMirna, half.data());
  // This toy model's probabilities all lie within about 0.01 of each other, so bf16's 8-bit
  // mantissa reorders near-ties (Spearman 0.94-0.99 here); the ranking agreement that counts
  // is the real model's, measured by aemigap_score_bench --device-scorer on the real store.
  const double rho = spearman(half, want);
  EXPECT_LT(max_diff(half, want), 1e-2) << "bf16 is far from fp32";
  EXPECT_GT(max_diff(half, want), 0.0) << "bf16 should round somewhere (is it really bf16?)";
  EXPECT_GT(rho, 0.9) << "bf16 ranking vs fp32";
  std::printf("[ device scorer ] %s %s: bf16 vs fp32 Spearman %.5f, max |diff| %.2e\n", name_of(c.arch), name_of(c.fs), rho,
              max_diff(half, want));
}

TEST(DeviceScorer, RefusesWhatItCannotRunAndNamesTheCpuPath) {
  const auto mirna = random_rows(kMirna, 1), gene = random_rows(kGene, 2);
  const auto ck = make_checkpoint(Arch::Transformer, FeatureSet::Pair, mirna, gene);
  EXPECT_NE(score::DeviceScorer::unsupported_reason(ck, kDims), "");
  score::DeviceScorerOptions o;
  o.device = Device::Cpu;
  try {
    score::DeviceScorer dev(ck, mirna, gene, kDims, o);
    FAIL() << "a transformer checkpoint was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--device cpu"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Checkpoints, DeviceScorerOnCpu,
                         ::testing::Values(Case{Arch::Lstm, FeatureSet::PairLatent, true},
                                           Case{Arch::Lstm, FeatureSet::Pair, true},
                                           Case{Arch::Gru, FeatureSet::PairLatent, true}),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           std::string n = std::string(name_of(i.param.arch)) + "_" + name_of(i.param.fs);
                           for (char& c : n)
                             if (c == '+') c = '_';
                           return n;
                         });

// The trained artifact (src/model/): networks, the LSTM kernel against LibTorch, features,
// scalers, checkpoints.
#include <gtest/gtest.h>

#include <cmath>

#include "aemigap/core/error.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/model/features.hpp"
#include "aemigap/model/impl.hpp"
#include "aemigap/model/networks.hpp"
#include "aemigap/model/scalers.hpp"
#include "aemigap/train/trainer.hpp"
#include "test_util.hpp"

using namespace aemigap;
using model::Scaler;
using model::fit_minmax;
using model::fit_robust;
using model::quantile;

TEST(Networks, ShapesForEveryArchitecture) {
  torch::manual_seed(0);
  for (auto arch : {Arch::Lstm, Arch::BiLstm, Arch::Gru, Arch::Transformer}) {
    model::ClassifierSpec o;
    o.arch = arch;
    o.n_features = 192;
    model::SequenceClassifier net(o);
    auto y = net->forward(torch::randn({5, 192}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{5})) << name_of(arch);
  }
}

TEST(Networks, DefaultLstmHasThePapersParameterCount) {
  model::ClassifierSpec o;  // 192 features, steps of 16, 128 wide, 3 layers
  model::SequenceClassifier net(o);
  EXPECT_EQ(model::parameter_count(*net), 398593);
  EXPECT_EQ(o.steps(), 12);
}

TEST(Networks, TheTailIsZeroPadded) {
  model::ClassifierSpec o;
  o.n_features = 20;  // steps of 16: 2 steps, the second holds 4 features + 12 zeros
  model::SequenceClassifier net(o);
  auto x = torch::randn({3, 20});
  auto h = net->project(x);
  EXPECT_EQ(h.sizes(), (std::vector<int64_t>{3, 2, 128}));
  auto manual = net->proj->forward(torch::cat({x, torch::zeros({3, 12})}, 1).view({3, 2, 16}));
  EXPECT_TRUE(torch::allclose(h, manual));
}

TEST(Networks, AutoencoderShapesAndRange) {
  model::AutoencoderSpec o;
  o.latent = 8;
  model::Autoencoder ae(o);
  auto x = torch::rand({4, 128});
  EXPECT_EQ(ae->encode(x).sizes(), (std::vector<int64_t>{4, 8}));
  auto r = ae->forward(x);
  EXPECT_EQ(r.sizes(), (std::vector<int64_t>{4, 128}));
  EXPECT_GE(r.min().item<float>(), 0.0f);
  EXPECT_LE(r.max().item<float>(), 1.0f);
  // 3 encoder layers down to the latent and 3 decoder layers back
  int linear = 0;
  for (const auto& m : ae->modules(false))
    if (m->name() == "torch::nn::LinearImpl") ++linear;
  EXPECT_EQ(linear, 6);
}

namespace {
// Two Gaussian blobs in d dimensions, means +-0.6 apart on every feature.
void blobs(std::size_t n, std::size_t d, std::vector<float>& x, std::vector<std::uint8_t>& y, std::uint64_t seed) {
  Rng rng(seed);
  x.resize(n * d);
  y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = static_cast<std::uint8_t>(i % 2);
    for (std::size_t j = 0; j < d; ++j) {
      double u1 = std::max(1e-12, rng.uniform_double()), u2 = rng.uniform_double();
      double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
      x[i * d + j] = static_cast<float>(z + (y[i] ? 0.3 : -0.3) + 5.0);  // offset: the scaler must centre it
    }
  }
}
}  // namespace

// The scoring kernel (Classifier::predict for LSTMs) equals LibTorch's forward on the same
// network, for a shape with a padded last step, 1..4 threads and more rows than one tile.
TEST(Kernel, LstmPredictEqualsTorch) {
  const std::size_t d = 150, n = 700;
  std::vector<float> x;
  std::vector<std::uint8_t> y;
  blobs(n, d, x, y, 4);
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;
  torch::manual_seed(3);
  model::ClassifierSpec spec;
  spec.n_features = static_cast<int>(d);
  spec.layers = 2;
  auto c = model::Classifier::create(spec, fit_robust(x, d, rows));
  ASSERT_NE(c.lstm_stack(), nullptr);
  const auto ref = c.predict_torch(x.data(), n, 1);
  for (int threads : {1, 4}) {
    const auto got = c.predict(x.data(), n, threads);
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(static_cast<double>(got[i]) - ref[i]));
    EXPECT_LT(worst, 1e-5) << threads << " threads";
  }
  spec.arch = Arch::Gru;  // not an LSTM: no kernel, predict is LibTorch's
  auto g = model::Classifier::create(spec, fit_robust(x, d, rows));
  EXPECT_EQ(g.lstm_stack(), nullptr);
  EXPECT_EQ(g.predict(x.data(), 10, 1), g.predict_torch(x.data(), 10, 1));
}

TEST(Features, PairThenLatentInThatOrder) {
  std::vector<float> me{1, 2, 3, 4}, ge{10, 20, 30, 40, 50, 60};  // 2 miRNAs, 3 genes, 2-d
  auto p = model::pair_features(me, ge, 2, {1, 0}, {2, 0}, FeatureSet::Pair, nullptr);
  EXPECT_EQ(p, (std::vector<float>{3, 4, 50, 60, 1, 2, 10, 20}));
  EXPECT_EQ(model::feature_width(FeatureSet::Pair, 64, 16), 128);
  EXPECT_EQ(model::feature_width(FeatureSet::Latent, 64, 16), 16);
  EXPECT_EQ(model::feature_width(FeatureSet::PairLatent, 64, 16), 144);
  EXPECT_THROW(model::pair_features(me, ge, 2, {0}, {0}, FeatureSet::PairLatent, nullptr), Error);  // needs the AE
  torch::manual_seed(1);
  model::AutoencoderSpec as;
  as.input = 4;
  as.hidden = {3, 3};
  as.latent = 2;
  Scaler mm;
  mm.center.assign(4, 0.0f);
  mm.scale.assign(4, 100.0f);
  auto ae = model::AutoencoderModel::create(as, mm);
  auto both = model::pair_features(me, ge, 2, {1, 0}, {2, 0}, FeatureSet::PairLatent, &ae);
  auto z = model::pair_features(me, ge, 2, {1, 0}, {2, 0}, FeatureSet::Latent, &ae);
  ASSERT_EQ(both.size(), 2u * 6);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 6; ++j)
      EXPECT_EQ(both[static_cast<std::size_t>(i * 6 + j)], j < 4 ? p[static_cast<std::size_t>(i * 4 + j)] : z[static_cast<std::size_t>(i * 2 + j - 4)]);
}

TEST(Scalers, RobustUsesMedianAndInterquartileRange) {
  // one feature: 1..9 -> median 5, q25 3, q75 7 (linear interpolation), IQR 4
  std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<std::size_t> rows{0, 1, 2, 3, 4, 5, 6, 7, 8};
  Scaler s = fit_robust(x, 1, rows);
  EXPECT_FLOAT_EQ(s.center[0], 5);
  EXPECT_FLOAT_EQ(s.scale[0], 4);
  auto t = s.transformed(x, 1);
  EXPECT_FLOAT_EQ(t[0], -1);
  EXPECT_FLOAT_EQ(t[8], 1);
  std::vector<float> v{1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(quantile(v, 0.25), 1.75);  // numpy.percentile([1,2,3,4], 25)
}

TEST(Scalers, FittedOnTrainingRowsOnly) {
  std::vector<float> x{0, 10, 1, 20, 2, 30, 100, -5};  // 4 rows x 2 features; row 3 is "test"
  Scaler s = fit_minmax(x, 2, {0, 1, 2});
  EXPECT_FLOAT_EQ(s.center[0], 0);
  EXPECT_FLOAT_EQ(s.scale[0], 2);
  EXPECT_FLOAT_EQ(s.center[1], 10);
  EXPECT_FLOAT_EQ(s.scale[1], 20);
  std::vector<float> c{3, 3, 3, 3};
  EXPECT_FLOAT_EQ(fit_robust(c, 1, {0, 1, 2, 3}).scale[0], 1);  // constant feature: scale 1
  EXPECT_FLOAT_EQ(fit_minmax(c, 1, {0, 1, 2, 3}).scale[0], 1);
}

TEST(Checkpoint, RoundTripGivesIdenticalPredictions) {
  aemigap::test::TempDir t;
  const std::size_t d = 128;
  std::vector<float> x;
  std::vector<std::uint8_t> y;
  blobs(400, d, x, y, 3);
  std::vector<std::size_t> rows(400);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  model::AutoencoderSpec as;
  as.latent = 16;
  train::AeOptions ao;
  ao.epochs = 2;
  ao.progress_interval = 1e9;
  auto ae = train::train_autoencoder(as, x, rows, ao, nullptr);
  auto z = ae.encode(x.data(), 400);
  std::vector<float> feats(400 * (d + 16));
  for (std::size_t i = 0; i < 400; ++i) {
    std::copy_n(&x[i * d], d, &feats[i * (d + 16)]);
    std::copy_n(&z[i * 16], 16, &feats[i * (d + 16) + d]);
  }
  model::ClassifierSpec spec;
  spec.n_features = static_cast<int>(d + 16);
  train::TrainOptions opt;
  opt.samples = 512;
  opt.progress_interval = 1e9;
  model::Checkpoint ck;
  ck.feature_set = FeatureSet::PairLatent;
  ck.config_ini = "seed = 1\n";
  ck.protocol = "paper, fold 1 of 5";
  ck.auc = 0.75;
  ck.classifier = train::train_classifier(spec, feats, y, rows, opt, nullptr);
  ck.ae = std::make_unique<model::AutoencoderModel>(ae.clone());
  ck.save(t.file("model.pt"));
  model::Checkpoint back = model::Checkpoint::load(t.file("model.pt"));
  EXPECT_EQ(back.feature_set, FeatureSet::PairLatent);
  EXPECT_EQ(back.classifier.spec().arch, Arch::Lstm);
  EXPECT_EQ(back.classifier.spec().n_features, spec.n_features);  // sizes come from the file
  EXPECT_EQ(back.protocol, ck.protocol);
  EXPECT_EQ(back.config_ini, ck.config_ini);
  EXPECT_DOUBLE_EQ(back.auc, 0.75);
  ASSERT_TRUE(back.ae);
  EXPECT_EQ(back.ae->encode(x.data(), 400), z);
  EXPECT_EQ(back.classifier.predict(feats.data(), 400), ck.classifier.predict(feats.data(), 400));
  EXPECT_EQ(back.classifier.scaler().center, ck.classifier.scaler().center);
  EXPECT_THROW(model::Checkpoint::load(aemigap::test::write_file(t.file("bad.pt"), "not a checkpoint")), InputError);
}

#include <gtest/gtest.h>

#include <cmath>

#include "aemigap/core/error.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/model/networks.hpp"
#include "aemigap/train/metrics.hpp"
#include "aemigap/train/models.hpp"
#include "test_util.hpp"
#include "train/lstm_grad.hpp"

using namespace aemigap;
using namespace aemigap::train;

TEST(Networks, ShapesForEveryArchitecture) {
  torch::manual_seed(0);
  for (auto arch : {model::Arch::Lstm, model::Arch::BiLstm, model::Arch::Gru, model::Arch::Transformer}) {
    model::ClassifierOptions o;
    o.arch = arch;
    o.n_features = 192;
    model::SequenceClassifier net(o);
    auto y = net->forward(torch::randn({5, 192}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{5})) << model::arch_name(arch);
  }
}

TEST(Networks, DefaultLstmHasThePapersParameterCount) {
  model::ClassifierOptions o;  // 192 features, steps of 16, 128 wide, 3 layers
  model::SequenceClassifier net(o);
  EXPECT_EQ(model::parameter_count(*net), 398593);
  EXPECT_EQ(o.steps(), 12);
}

TEST(Networks, TheTailIsZeroPadded) {
  model::ClassifierOptions o;
  o.n_features = 20;  // steps of 16: 2 steps, the second holds 4 features + 12 zeros
  model::SequenceClassifier net(o);
  auto x = torch::randn({3, 20});
  auto h = net->project(x);
  EXPECT_EQ(h.sizes(), (std::vector<int64_t>{3, 2, 128}));
  auto manual = net->proj->forward(torch::cat({x, torch::zeros({3, 12})}, 1).view({3, 2, 16}));
  EXPECT_TRUE(torch::allclose(h, manual));
}

TEST(Networks, AutoencoderShapesAndRange) {
  model::AutoencoderOptions o;
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

class ToyTraining : public ::testing::TestWithParam<const char*> {};

TEST_P(ToyTraining, LearnsASeparableSet) {
  const std::size_t d = 32, n = 3000;
  std::vector<float> x;
  std::vector<std::uint8_t> y;
  blobs(n, d, x, y, 1);
  std::vector<std::size_t> tr, te;
  for (std::size_t i = 0; i < n; ++i) (i < 2000 ? tr : te).push_back(i);
  ClassifierSpec spec;
  spec.arch = GetParam();
  spec.n_features = static_cast<int>(d);
  spec.hidden = 32;
  spec.layers = 1;
  spec.heads = 4;
  spec.ff = 32;
  spec.tf_layers = 1;
  TrainOptions opt;
  opt.samples = 8000;
  opt.progress_interval = 1e9;
  TrainStats st;
  Classifier c = Classifier::train(spec, x, y, tr, opt, &st);
  std::vector<float> xt(te.size() * d);
  std::vector<std::uint8_t> yt;
  for (std::size_t i = 0; i < te.size(); ++i) {
    std::copy_n(&x[te[i] * d], d, &xt[i * d]);
    yt.push_back(y[te[i]]);
  }
  auto p = c.predict(xt.data(), te.size());
  double auc = roc_auc(p, yt);
  EXPECT_GT(auc, 0.9) << GetParam();
  EXPECT_EQ(st.samples, 8000);
}
INSTANTIATE_TEST_SUITE_P(Archs, ToyTraining, ::testing::Values("lstm", "gru", "bilstm", "transformer"));

// The hand-written LSTM gradients equal autograd's, for the default model and for a shape
// whose features do not fill the last step (padding) and a single layer.
class LstmGrad : public ::testing::TestWithParam<std::tuple<int, int>> {};
TEST_P(LstmGrad, EqualsAutograd) {
  auto [features, layers] = GetParam();
  model::ClassifierOptions o;
  o.n_features = features;
  o.layers = layers;
  torch::manual_seed(5);
  model::SequenceClassifier net(o);
  auto x = torch::randn({37, features});
  auto y = (torch::rand({37}) > 0.5).to(torch::kFloat32);
  const double share = 0.75;
  net->zero_grad();
  auto loss = torch::binary_cross_entropy_with_logits(net->forward(x), y) * share;
  loss.backward();
  std::vector<torch::Tensor> ref;
  for (auto& p : net->parameters()) ref.push_back(p.grad().clone());
  net->zero_grad();
  float hand_loss = train::lstm_loss_and_grad(*net, x, y, share);
  EXPECT_NEAR(hand_loss, loss.item<float>(), 1e-6);
  auto params = net->named_parameters();
  std::size_t k = 0;
  for (auto& p : params) {
    const auto& g = p.value().grad();
    double rel = (g - ref[k]).norm().item<double>() / std::max(ref[k].norm().item<double>(), 1e-12);
    EXPECT_LT(rel, 1e-5) << p.key();
    ++k;
  }
}
INSTANTIATE_TEST_SUITE_P(Shapes, LstmGrad, ::testing::Values(std::make_tuple(192, 3), std::make_tuple(150, 1)));

TEST(Training, TheSampleBudgetIsExactAndPartialBatchesAreTrained) {
  std::vector<float> x;
  std::vector<std::uint8_t> y;
  blobs(200, 16, x, y, 2);
  std::vector<std::size_t> rows(200);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  ClassifierSpec spec;
  spec.n_features = 16;
  spec.hidden = 8;
  spec.layers = 1;
  TrainOptions opt;
  opt.samples = 300;  // pass 1: 128 + 72 (partial); pass 2: 100 (partial, the budget's end)
  opt.progress_interval = 1e9;
  TrainStats st;
  Classifier::train(spec, x, y, rows, opt, &st);
  EXPECT_EQ(st.samples, 300);
  EXPECT_EQ(st.steps, 3);
  EXPECT_EQ(st.partial_batches, 2);
}

TEST(Checkpoint, RoundTripGivesIdenticalPredictions) {
  aemigap::test::TempDir t;
  const std::size_t d = 128;
  std::vector<float> x;
  std::vector<std::uint8_t> y;
  blobs(400, d, x, y, 3);
  std::vector<std::size_t> rows(400);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  AutoencoderSpec as;
  as.latent = 16;
  AeOptions ao;
  ao.epochs = 2;
  ao.progress_interval = 1e9;
  auto ae = AutoencoderModel::train(as, x, rows, ao, nullptr);
  auto z = ae.encode(x.data(), 400);
  std::vector<float> feats(400 * (d + 16));
  for (std::size_t i = 0; i < 400; ++i) {
    std::copy_n(&x[i * d], d, &feats[i * (d + 16)]);
    std::copy_n(&z[i * 16], 16, &feats[i * (d + 16) + d]);
  }
  ClassifierSpec spec;
  spec.n_features = static_cast<int>(d + 16);
  TrainOptions opt;
  opt.samples = 512;
  opt.progress_interval = 1e9;
  Checkpoint ck;
  ck.feature_set = "pair+latent";
  ck.config_ini = "seed = 1\n";
  ck.protocol = "paper, fold 1 of 5";
  ck.auc = 0.75;
  ck.classifier = Classifier::train(spec, feats, y, rows, opt, nullptr);
  ck.ae = std::make_unique<AutoencoderModel>(ae.clone());
  ck.save(t.file("model.pt"));
  Checkpoint back = Checkpoint::load(t.file("model.pt"));
  EXPECT_EQ(back.feature_set, "pair+latent");
  EXPECT_EQ(back.protocol, ck.protocol);
  EXPECT_EQ(back.config_ini, ck.config_ini);
  EXPECT_DOUBLE_EQ(back.auc, 0.75);
  ASSERT_TRUE(back.ae);
  EXPECT_EQ(back.ae->encode(x.data(), 400), z);
  EXPECT_EQ(back.classifier.predict(feats.data(), 400), ck.classifier.predict(feats.data(), 400));
  EXPECT_EQ(back.classifier.scaler().center, ck.classifier.scaler().center);
  EXPECT_THROW(Checkpoint::load(aemigap::test::write_file(t.file("bad.pt"), "not a checkpoint")), InputError);
}

// Training (src/train/): toy problems every architecture must learn, the hand-written LSTM
// gradients against autograd, the sample budget.
#include <gtest/gtest.h>

#include <cmath>

#include "aemigap/core/rng.hpp"
#include "aemigap/model/networks.hpp"
#include "aemigap/train/metrics.hpp"
#include "aemigap/train/trainer.hpp"
#include "test_util.hpp"
#include "train/lstm_grad.hpp"

using namespace aemigap;
using namespace aemigap::train;

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
  model::ClassifierSpec spec;
  spec.arch = *parse_choice<Arch>(GetParam());
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
  model::Classifier c = train_classifier(spec, x, y, tr, opt, &st);
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
  model::ClassifierSpec o;
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
  model::ClassifierSpec spec;
  spec.n_features = 16;
  spec.hidden = 8;
  spec.layers = 1;
  TrainOptions opt;
  opt.samples = 300;  // pass 1: 128 + 72 (partial); pass 2: 100 (partial, the budget's end)
  opt.progress_interval = 1e9;
  TrainStats st;
  train_classifier(spec, x, y, rows, opt, &st);
  EXPECT_EQ(st.samples, 300);
  EXPECT_EQ(st.steps, 3);
  EXPECT_EQ(st.partial_batches, 2);
}


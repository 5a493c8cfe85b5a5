// Google Benchmark micro-benchmarks of the model hot paths, on random weights and inputs
// of the real shapes (the default LSTM: 192 features = 12 steps of 16, 3 layers of 128):
//   one training step (batch 128; LibTorch intra-op threads vs replicas is in dp_bench),
//   scoring a tile with the LSTM kernel from a shared miRNA prefix (8 of 12 steps per pair,
//   as the fast path does) vs the plain LibTorch forward (12 steps).
// items_per_second = samples or pairs per second.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <random>
#include <vector>

#include "aemigap/model/networks.hpp"
#include "aemigap/model/lstm_kernel.hpp"

using namespace aemigap;

namespace {
model::ClassifierSpec default_options() {
  model::ClassifierSpec o;
  o.n_features = 192;
  return o;
}
}  // namespace

static void BM_LstmTrainStep(benchmark::State& st) {
  torch::set_num_threads(static_cast<int>(st.range(0)));
  torch::manual_seed(1);
  model::SequenceClassifier net(default_options());
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
  auto x = torch::rand({128, 192}) * 2 - 1;
  auto y = (x.sum(1) > 0).to(torch::kFloat32);
  for (auto _ : st) {
    adam.zero_grad();
    auto loss = torch::binary_cross_entropy_with_logits(net->forward(x), y);
    loss.backward();
    adam.step();
  }
  st.SetItemsProcessed(st.iterations() * 128);
}
BENCHMARK(BM_LstmTrainStep)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_ScoreLstmKernel(benchmark::State& st) {
  // Random weights of the folded stack (layer 0 input 16).
  model::LstmStack s;
  std::mt19937 gen(3);
  std::uniform_real_distribution<float> u(-0.1f, 0.1f);
  for (int l = 0; l < s.layers; ++l) {
    const int in = l == 0 ? s.in0 : s.hidden;
    s.w.emplace_back(static_cast<std::size_t>((in + s.hidden) * 4 * s.hidden));
    s.b.emplace_back(static_cast<std::size_t>(4 * s.hidden));
    for (auto& v : s.w.back()) v = u(gen);
    for (auto& v : s.b.back()) v = u(gen);
  }
  s.head_w.resize(static_cast<std::size_t>(s.hidden));
  for (auto& v : s.head_w) v = u(gen);
  const std::size_t n = 4096;
  const int steps = 8;  // the gene's 4 steps + the latent's 4: the miRNA's 4 are the prefix
  std::vector<float> h0(static_cast<std::size_t>(s.layers * s.hidden)), c0(h0.size());
  std::vector<float> prefix(4 * 16), x(n * steps * 16), prob(n);
  for (auto& v : prefix) v = u(gen);
  for (auto& v : x) v = u(gen);
  s.prefix_state(prefix.data(), 4, h0.data(), c0.data());
  for (auto _ : st) {
    s.score(h0.data(), c0.data(), x.data(), n, steps, prob.data());
    benchmark::DoNotOptimize(prob.data());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_ScoreLstmKernel)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_ScorePlainForward(benchmark::State& st) {
  torch::set_num_threads(1);
  torch::NoGradGuard ng;
  model::SequenceClassifier net(default_options());
  net->eval();
  auto x = torch::rand({4096, 192});
  for (auto _ : st) {
    auto p = torch::sigmoid(net->forward(x));
    benchmark::DoNotOptimize(p.data_ptr<float>());
  }
  st.SetItemsProcessed(st.iterations() * 4096);
}
BENCHMARK(BM_ScorePlainForward)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();

// The hot kernels at each x86-64 level of the portable build (src/core/cpu_levels.inc): ctest
// runs this executable once per level with AEMIGAP_CPU_LEVEL set, since on one CPU the
// binary would otherwise run one level only.
//  - the LSTM scoring kernel against a double-precision scalar LSTM (1e-5 on probabilities);
//  - the negatives scan against the direct distances, and its counts against brute force;
//  - doc2vec trains finite vectors;
//  - every level writes its results to $AEMIGAP_KERNEL_LEVEL_DIR, and
//    KernelLevels.AgreeAcrossLevels (run after all levels) compares them: LSTM and scan
//    outputs to 1e-6 of 1 + |value|, doc2vec vectors after two epochs to 1e-4.
// A level the CPU lacks is skipped (exit 77); so is all of it in a native build (one level).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "aemigap/core/cpu_dispatch.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/embed/corpus.hpp"
#include "aemigap/embed/doc2vec.hpp"
#include "aemigap/model/lstm_kernel.hpp"
#include "aemigap/negatives/distance.hpp"
#include "aemigap/negatives/scan.hpp"

using namespace aemigap;
namespace fs = std::filesystem;

namespace {

// The level this run tests: AEMIGAP_CPU_LEVEL, which the kernels obey when the CPU has it.
std::string level() {
  const char* l = std::getenv("AEMIGAP_CPU_LEVEL");
  return l ? l : "";
}

}  // namespace

// Before any test: exit 77 (ctest's "skipped") when the kernels would not run at the level.
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const bool compare = std::getenv("AEMIGAP_KERNEL_LEVEL_COMPARE") != nullptr;
  if (core::cpu_level() == core::CpuLevel::Native) {
    std::fprintf(stderr, "a native build has one level of each kernel (%s): nothing to test per level\n", core::kernel_isa());
    return 77;
  }
  if (!compare) {
    const std::string l = level();
    if (l != "x86-64" && l != "x86-64-v3" && l != "x86-64-v4") {
      std::fprintf(stderr, "set AEMIGAP_CPU_LEVEL to x86-64, x86-64-v3 or x86-64-v4\n");
      return 2;
    }
    if (core::cpu_level_name(core::cpu_level()) != l) {
      std::fprintf(stderr, "this CPU does not have %s (kernels: %s): that level is not tested here\n", l.c_str(),
                   core::kernel_isa());
      return 77;
    }
    std::printf("kernels: %s\n", core::kernel_isa());
  }
  return RUN_ALL_TESTS();
}

namespace {

std::string out_dir() {
  const char* d = std::getenv("AEMIGAP_KERNEL_LEVEL_DIR");
  return d ? d : "";
}

void write_floats(const std::string& name, const std::vector<float>& v) {
  if (out_dir().empty()) return;
  fs::create_directories(out_dir());
  std::ofstream f(out_dir() + "/" + level() + "." + name + ".f32", std::ios::binary);
  f.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  ASSERT_TRUE(f.good());
}

std::vector<float> read_floats(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<float> v(bytes.size() / sizeof(float));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
  return v;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// A small stack of the kernel's layout (H a multiple of 16) with random weights.
model::LstmStack random_stack(int in0, int hidden, int layers, unsigned seed) {
  model::LstmStack s;
  s.in0 = in0;
  s.hidden = hidden;
  s.layers = layers;
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-0.3f, 0.3f);
  for (int l = 0; l < layers; ++l) {
    const int in = l == 0 ? in0 : hidden;
    s.w.emplace_back(static_cast<std::size_t>((in + hidden) * 4 * hidden));
    s.b.emplace_back(static_cast<std::size_t>(4 * hidden));
    for (auto& v : s.w.back()) v = u(gen);
    for (auto& v : s.b.back()) v = u(gen);
  }
  s.head_w.resize(static_cast<std::size_t>(hidden));
  for (auto& v : s.head_w) v = u(gen);
  s.head_b = 0.1f;
  return s;
}

// The LSTM the kernel computes, in double, one sequence at a time: gates = b + [x | h] W in
// PyTorch's order i, f, g, o; layer l reads layer l-1's new h of the same step.
double reference_prob(const model::LstmStack& s, const std::vector<double>& h0, const std::vector<double>& c0,
                      const float* x, int steps) {
  const int H = s.hidden, G = 4 * H;
  std::vector<double> h = h0, c = c0;
  for (int t = 0; t < steps; ++t)
    for (int l = 0; l < s.layers; ++l) {
      const int in = l == 0 ? s.in0 : H;
      std::vector<double> inp(static_cast<std::size_t>(in + H));
      for (int k = 0; k < in; ++k)
        inp[static_cast<std::size_t>(k)] = l == 0 ? x[t * s.in0 + k] : h[static_cast<std::size_t>((l - 1) * H + k)];
      for (int k = 0; k < H; ++k) inp[static_cast<std::size_t>(in + k)] = h[static_cast<std::size_t>(l * H + k)];
      std::vector<double> g(static_cast<std::size_t>(G));
      for (int j = 0; j < G; ++j) {
        double z = s.b[static_cast<std::size_t>(l)][static_cast<std::size_t>(j)];
        for (int k = 0; k < in + H; ++k)
          z += inp[static_cast<std::size_t>(k)] * s.w[static_cast<std::size_t>(l)][static_cast<std::size_t>(k * G + j)];
        g[static_cast<std::size_t>(j)] = z;
      }
      for (int k = 0; k < H; ++k) {
        const auto K = static_cast<std::size_t>(k);
        double i = sigmoid(g[K]), f = sigmoid(g[H + K]), gg = std::tanh(g[2 * H + K]), o = sigmoid(g[3 * H + K]);
        double& cc = c[static_cast<std::size_t>(l * H) + K];
        cc = f * cc + i * gg;
        h[static_cast<std::size_t>(l * H) + K] = o * std::tanh(cc);
      }
    }
  double z = s.head_b;
  for (int k = 0; k < H; ++k) z += h[static_cast<std::size_t>((s.layers - 1) * H + k)] * s.head_w[static_cast<std::size_t>(k)];
  return sigmoid(z);
}

}  // namespace

TEST(KernelLevel, LstmScoringMatchesAScalarReference) {
  const auto s = random_stack(16, 32, 3, 5);
  // 53 sequences: a full 48-row tile (eight 6-row blocks) and a tile of 5 (the leftover-row path).
  const std::size_t n = 53;
  const int prefix_steps = 4, steps = 6;
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> prefix(static_cast<std::size_t>(prefix_steps * s.in0)), x(n * steps * static_cast<std::size_t>(s.in0));
  for (auto& v : prefix) v = u(gen);
  for (auto& v : x) v = u(gen);
  std::vector<float> h0(static_cast<std::size_t>(s.layers * s.hidden)), c0(h0.size()), prob(n);
  s.prefix_state(prefix.data(), prefix_steps, h0.data(), c0.data());
  s.score(h0.data(), c0.data(), x.data(), n, steps, prob.data());
  // The reference runs prefix + sequence from zeros, so it checks prefix_state too.
  std::vector<double> z(h0.size(), 0.0);
  double worst = 0;
  for (std::size_t r = 0; r < n; ++r) {
    std::vector<float> whole(prefix);
    whole.insert(whole.end(), x.begin() + static_cast<long>(r * steps * s.in0),
                 x.begin() + static_cast<long>((r + 1) * steps * s.in0));
    const double want = reference_prob(s, z, z, whole.data(), prefix_steps + steps);
    worst = std::max(worst, std::fabs(want - prob[r]));
    EXPECT_NEAR(prob[r], want, 1e-5) << "sequence " << r;
  }
  std::printf("%s: max |kernel - double reference| = %.3g over %zu sequences\n", level().c_str(), worst, n);
  write_floats("lstm", prob);
}

TEST(KernelLevel, ScanMatchesTheDirectDistances) {
  const std::size_t dims = 64, nm = 9, ng = 70;  // 70 genes: four full 16-gene blocks and a partial one
  Rng rng(11);
  std::vector<float> m(nm * dims), g(ng * dims);
  for (auto& v : m) v = static_cast<float>(rng.uniform_double() - 0.5);
  for (auto& v : g) v = static_cast<float>(rng.uniform_double() - 0.5);
  auto w = negatives::fit_whitening(m, g, dims);
  auto wm = negatives::whiten(m, w), wg = negatives::whiten(g, w);
  std::vector<negatives::Pair> pos{{0, 1}, {3, 7}, {8, 69}};
  auto t = negatives::positive_means(m, g, wm, wg, dims, pos);
  negatives::PoolScanner s(m, g, wm, wg, dims, pos, t, false);
  std::vector<float> got_all;
  negatives::ScanCounts want;
  for (std::size_t a = 0; a < nm; ++a)
    for (std::size_t b = 0; b < ng; ++b) {
      auto d0 = negatives::pair_distances(&m[a * dims], &g[b * dims], &wm[a * dims], &wg[b * dims], dims);
      auto d = s.scan_distances(a, b);
      EXPECT_NEAR(d.euclidean, d0.euclidean, 1e-4 * (1 + d0.euclidean));
      EXPECT_NEAR(d.cosine, d0.cosine, 1e-5);
      EXPECT_NEAR(d.mahalanobis, d0.mahalanobis, 1e-4 * (1 + d0.mahalanobis));
      got_all.insert(got_all.end(), {static_cast<float>(d.euclidean), static_cast<float>(d.cosine),
                                     static_cast<float>(d.mahalanobis)});
      bool is_pos = false;
      for (const auto& p : pos) is_pos = is_pos || (p[0] == static_cast<std::int32_t>(a) && p[1] == static_cast<std::int32_t>(b));
      if (is_pos) continue;
      ++want.pool;
      want.above_all += d.euclidean > t.euclidean && d.cosine > t.cosine && d.mahalanobis > t.mahalanobis;
    }
  std::vector<std::uint64_t> rows;
  negatives::ScanCounts got;
  s.count(0, nm, 2, rows, got);
  EXPECT_EQ(got.pool, want.pool);
  EXPECT_EQ(got.above_all, want.above_all);
  write_floats("scan", got_all);
}

TEST(KernelLevel, Doc2VecTrainsFiniteVectors) {
  const std::string aa = "ACDEFGHIKLMNPQRSTVWY";
  Rng rng(1);
  embed::CorpusBuilder b(3, 3);
  for (int i = 0; i < 40; ++i) {
    std::string seq(120 + rng.uniform_below(80), 'A');
    for (auto& c : seq) c = aa[rng.uniform_below(aa.size())];
    b.add('p', seq);
  }
  const auto corpus = b.finish(1);
  embed::Doc2VecOptions o;
  o.epochs = 2;
  o.threads = 1;
  o.deterministic = true;
  embed::Doc2Vec m;
  m.train(corpus, o);
  ASSERT_EQ(m.doc_vectors.size(), static_cast<std::size_t>(corpus.n_tags) * static_cast<std::size_t>(o.dims));
  double norm = 0;
  for (float v : m.doc_vectors) {
    ASSERT_TRUE(std::isfinite(v));
    norm += static_cast<double>(v) * v;
  }
  EXPECT_GT(norm, 0.0);
  write_floats("doc2vec", m.doc_vectors);
}

// Run by ctest after every level has written its results (FIXTURES_REQUIRED).
TEST(KernelLevels, AgreeAcrossLevels) {
  if (out_dir().empty() || std::getenv("AEMIGAP_KERNEL_LEVEL_COMPARE") == nullptr)
    GTEST_SKIP() << "run by the ctest kernel_levels_agree";
  struct Limit {
    const char* name;
    double max_rel;  // of 1 + |value|
  };
  for (Limit lim : {Limit{"lstm", 1e-6}, Limit{"scan", 1e-6}, Limit{"doc2vec", 1e-4}}) {
    std::vector<std::pair<std::string, std::vector<float>>> runs;
    for (const char* level : {"x86-64", "x86-64-v3", "x86-64-v4"}) {
      fs::path p = fs::path(out_dir()) / (std::string(level) + "." + lim.name + ".f32");
      if (fs::exists(p)) runs.emplace_back(level, read_floats(p));
    }
    ASSERT_GE(runs.size(), 2u) << "fewer than two levels wrote " << lim.name << " results in " << out_dir();
    for (std::size_t k = 1; k < runs.size(); ++k) {
      ASSERT_EQ(runs[k].second.size(), runs[0].second.size());
      double worst = 0;
      for (std::size_t i = 0; i < runs[0].second.size(); ++i)
        worst = std::max(worst, std::fabs(static_cast<double>(runs[k].second[i]) - runs[0].second[i]) /
                                    (1.0 + std::fabs(static_cast<double>(runs[0].second[i]))));
      std::printf("%s: max |%s - %s| / (1 + |value|) = %.3g\n", lim.name, runs[k].first.c_str(), runs[0].first.c_str(), worst);
      EXPECT_LE(worst, lim.max_rel) << lim.name << ": " << runs[k].first << " against " << runs[0].first;
    }
  }
}

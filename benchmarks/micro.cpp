// Micro-benchmarks: doc2vec training (words/s) and the negatives scan (pairs/s) on
// synthetic data of the real shapes. Run: build/benchmarks/aemigap_micro
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "aemigap/core/rng.hpp"
#include "aemigap/embed/corpus.hpp"
#include "aemigap/embed/doc2vec.hpp"
#include "aemigap/negatives/distance.hpp"
#include "aemigap/negatives/scan.hpp"

using namespace aemigap;

namespace {
// Protein-like sequences: 20 amino acids, lengths 300-900 (≈ the bundled mean of 620).
embed::Corpus protein_corpus(std::size_t n_seqs) {
  const std::string aa = "ACDEFGHIKLMNPQRSTVWY";
  Rng rng(1);
  embed::CorpusBuilder b(3, 3);
  for (std::size_t s = 0; s < n_seqs; ++s) {
    std::string seq(300 + rng.uniform_below(600), 'A');
    for (auto& c : seq) c = aa[rng.uniform_below(aa.size())];
    b.add('p', seq);
  }
  return b.finish(1);
}
}  // namespace

static void BM_Doc2VecTrain(benchmark::State& st) {
  static const embed::Corpus corpus = protein_corpus(400);
  embed::Doc2VecOptions o;
  o.epochs = 1;
  o.threads = static_cast<int>(st.range(0));
  o.dm = st.range(1) != 0;
  for (auto _ : st) {
    embed::Doc2Vec m;
    m.train(corpus, o);
    benchmark::DoNotOptimize(m.doc_vectors.data());
  }
  st.counters["words/s"] =
      benchmark::Counter(static_cast<double>(corpus.total_words()) * st.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Doc2VecTrain)->ArgsProduct({{1, 2}, {1, 0}})->ArgNames({"threads", "dm"})->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_NegativesScan(benchmark::State& st) {
  const std::size_t dims = 64, nm = 256, ng = 13101;  // 256 miRNA rows x the real gene count
  Rng rng(2);
  std::vector<float> m(nm * dims), g(ng * dims);
  for (auto& x : m) x = static_cast<float>(rng.uniform_double() - 0.5);
  for (auto& x : g) x = static_cast<float>(rng.uniform_double() - 0.5);
  auto w = negatives::fit_whitening(m, g, dims);
  auto wm = negatives::whiten(m, w), wg = negatives::whiten(g, w);
  std::vector<negatives::Pair> pos{{0, 1}, {3, 7}};
  negatives::PoolScanner s(m, g, wm, wg, dims, pos, {1.0, 1.0, 11.0}, false);
  std::vector<std::uint64_t> rows;
  negatives::ScanCounts c;
  for (auto _ : st) {
    s.count(0, nm, static_cast<int>(st.range(0)), rows, c);
    benchmark::DoNotOptimize(c.candidates);
  }
  st.counters["pairs/s"] = benchmark::Counter(static_cast<double>(nm * ng) * st.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_NegativesScan)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();

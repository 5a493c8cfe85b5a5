// Scoring speed and exactness on real pairs: the fast path against the plain forward pass
// of the same checkpoint, in one run, alternating, on the first miRNA rows of a store.
// Usage: aemigap_score_bench STORE CHECKPOINT [ROWS=8] [THREADS=2] [REPS=3] [MAX_DIFF=1e-5]
// Exits 1 if the two paths differ by more than MAX_DIFF anywhere.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "aemigap/core/store.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/score/pool_scorer.hpp"
#include "aemigap/model/checkpoint.hpp"

using namespace aemigap;

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s STORE CHECKPOINT [ROWS] [THREADS] [REPS] [MAX_DIFF]\n", argv[0]);
    return 2;
  }
  const std::uint64_t rows = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 8;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
  const int reps = argc > 5 ? std::atoi(argv[5]) : 3;
  const double max_diff = argc > 6 ? std::atof(argv[6]) : 1e-5;
  std::vector<float> m, g;
  std::size_t dims = 0;
  embed::read_embeddings(Store::open(argv[1]), m, g, dims);
  auto ck = model::Checkpoint::load(argv[2]);
  score::PoolScorer scorer(ck, m, g, dims, threads);
  const std::uint64_t ng = scorer.n_gene(), n = std::min<std::uint64_t>(rows, m.size() / dims);
  std::vector<float> fast(n * ng), plain(n * ng);
  std::vector<double> tf, tp;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    scorer.score_rows(0, n, fast.data());
    auto t1 = std::chrono::steady_clock::now();
    scorer.score_rows_plain(0, n, plain.data());
    auto t2 = std::chrono::steady_clock::now();
    tf.push_back(static_cast<double>(n * ng) / std::chrono::duration<double>(t1 - t0).count());
    tp.push_back(static_cast<double>(n * ng) / std::chrono::duration<double>(t2 - t1).count());
  }
  double diff = 0;
  for (std::size_t i = 0; i < fast.size(); ++i) diff = std::max(diff, static_cast<double>(std::fabs(fast[i] - plain[i])));
  std::sort(tf.begin(), tf.end());
  std::sort(tp.begin(), tp.end());
  std::printf("checkpoint %s (%s, %s): %llu pairs (%llu miRNAs x %llu genes), %d threads, %d runs\n", argv[2],
              name_of(ck.classifier.spec().arch), name_of(ck.feature_set), static_cast<unsigned long long>(n * ng),
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(ng), threads, reps);
  std::printf("| path | pairs/s median [min-max] |\n|---|---|\n");
  std::printf("| fast path%s | %.0f [%.0f-%.0f] |\n", scorer.has_fast_path() ? "" : " (not available: plain)",
              tf[tf.size() / 2], tf.front(), tf.back());
  std::printf("| plain forward | %.0f [%.0f-%.0f] |\n", tp[tp.size() / 2], tp.front(), tp.back());
  std::printf("speed-up %.2fx; max |fast - plain| = %.3g (limit %.1g)\n", tf[tf.size() / 2] / tp[tp.size() / 2], diff,
              max_diff);
  MPI_Finalize();
  return diff <= max_diff ? 0 : 1;
}

// The device scorer (batched LibTorch forwards, src/score/device_scorer.cpp) against the CPU
// kernel, on the first miRNA rows of a real store, in one run:
//   - fp32 vs the kernel: the largest difference (must be <= 1e-5);
//   - bf16 vs fp32: the largest difference and Spearman's rho of the ranking (target >= 0.999);
//   - pairs/s of each, and the time the whole pool (every miRNA row) would take at that rate.
// Usage: aemigap_device_score_bench STORE CHECKPOINT [DEVICE=cpu|cuda] [ROWS=8] [KERNEL_ROWS=2]
//                                   [PAIRS_PER_FORWARD=1048576] [THREADS=2]
// KERNEL_ROWS: how many of the ROWS the CPU kernel scores too (it is the slow one on a GPU node).
// Exits 1 if fp32 differs from the kernel by more than 1e-5.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <vector>

#include "aemigap/core/store.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/score/device_scorer.hpp"
#include "aemigap/score/pool_scorer.hpp"

using namespace aemigap;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
std::vector<double> ranks(const std::vector<float>& v) {
  std::vector<std::size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < idx.size();) {  // ties share their mean rank
    std::size_t j = i;
    while (j < idx.size() && v[idx[j]] == v[idx[i]]) ++j;
    for (std::size_t k = i; k < j; ++k) r[idx[k]] = 0.5 * static_cast<double>(i + j - 1);
    i = j;
  }
  return r;
}
double spearman(const std::vector<float>& a, const std::vector<float>& b) {
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(ra.size()), mean = (n - 1) / 2;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) * (ra[i] - mean);
    sbb += (rb[i] - mean) * (rb[i] - mean);
  }
  return sab / std::sqrt(saa * sbb);
}
double max_diff(const float* a, const float* b, std::size_t n) {
  double d = 0;
  for (std::size_t i = 0; i < n; ++i) d = std::max(d, static_cast<double>(std::fabs(a[i] - b[i])));
  return d;
}
}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s STORE CHECKPOINT [cpu|cuda] [ROWS] [KERNEL_ROWS] [PAIRS_PER_FORWARD] [THREADS]\n",
                 argv[0]);
    return 2;
  }
  const Device device = argc > 3 && std::strcmp(argv[3], "cuda") == 0 ? Device::Cuda : Device::Cpu;
  std::uint64_t rows = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 8;
  std::uint64_t kernel_rows = argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 2;
  const std::int64_t per = argc > 6 ? std::strtoll(argv[6], nullptr, 10) : (1 << 20);
  const int threads = argc > 7 ? std::atoi(argv[7]) : 2;
  std::vector<float> m, g;
  std::size_t dims = 0;
  embed::read_embeddings(Store::open(argv[1]), m, g, dims);
  const auto ck = model::Checkpoint::load(argv[2]);
  const std::uint64_t nm = m.size() / dims, ng = g.size() / dims;
  rows = std::min(rows, nm);
  kernel_rows = std::min(kernel_rows, rows);

  score::DeviceScorerOptions o;
  o.device = device;
  o.device_index = device == Device::Cuda ? std::max(0, score::local_gpu_index()) : 0;
  o.pairs_per_batch = per;
  o.threads = threads;
  score::DeviceScorer fp32(ck, m, g, dims, o);
  o.precision = ScorePrecision::Bf16;
  score::DeviceScorer bf16(ck, m, g, dims, o);
  score::PoolScorer kernel(ck, m, g, dims, threads);

  std::vector<float> a(rows * ng), b(rows * ng), k(kernel_rows * ng);
  fp32.score_rows(0, 1, a.data());  // warm-up: device context, cuDNN plans
  bf16.score_rows(0, 1, b.data());
  auto t0 = std::chrono::steady_clock::now();
  fp32.score_rows(0, rows, a.data());
  const double t_fp32 = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  bf16.score_rows(0, rows, b.data());
  const double t_bf16 = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  kernel.score_rows(0, kernel_rows, k.data());
  const double t_kernel = seconds_since(t0);

  const double d32 = max_diff(a.data(), k.data(), k.size());
  const double d16 = max_diff(a.data(), b.data(), a.size());
  const double rho = spearman(a, b);
  const double pool = static_cast<double>(nm * ng);
  auto rate = [](double pairs, double s) { return pairs / std::max(s, 1e-9); };
  const double r32 = rate(static_cast<double>(rows * ng), t_fp32), r16 = rate(static_cast<double>(rows * ng), t_bf16),
               rk = rate(static_cast<double>(kernel_rows * ng), t_kernel);
  std::printf("checkpoint %s (%s, %s); pool %llu x %llu = %.1f M pairs; %s\n", argv[2], name_of(ck.classifier.spec().arch),
              name_of(ck.feature_set), static_cast<unsigned long long>(nm), static_cast<unsigned long long>(ng), pool / 1e6,
              fp32.describe().c_str());
  std::printf("| scorer | rows | pairs/s | whole pool at this rate |\n|---|---|---|---|\n");
  std::printf("| device fp32 | %llu | %.0f | %.1f s |\n", static_cast<unsigned long long>(rows), r32, pool / r32);
  std::printf("| device bf16 | %llu | %.0f | %.1f s |\n", static_cast<unsigned long long>(rows), r16, pool / r16);
  std::printf("| CPU kernel, %d threads | %llu | %.0f | %.1f s |\n", threads, static_cast<unsigned long long>(kernel_rows), rk,
              pool / rk);
  std::printf("fp32 vs kernel: max |diff| %.3g (limit 1e-5); bf16 vs fp32: max |diff| %.3g, Spearman %.6f over %llu pairs\n",
              d32, d16, rho, static_cast<unsigned long long>(a.size()));
  MPI_Finalize();
  return d32 <= 1e-5 ? 0 : 1;
}

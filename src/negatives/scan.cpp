#include "aemigap/negatives/scan.hpp"

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_set>

#include "aemigap/core/cpu_dispatch.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/rng.hpp"

namespace aemigap::negatives {

namespace {
constexpr std::size_t kBlock = 16;  // genes per block: two AVX2 registers of floats

template <class F> void parallel_rows(std::uint64_t r0, std::uint64_t r1, int threads, F&& fn) {
  std::uint64_t n = r1 - r0;
  int t = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(std::max(1, threads)), std::max<std::uint64_t>(n, 1)));
  if (t <= 1) {
    fn(0, r0, r1);
    return;
  }
  std::vector<std::thread> pool;
  for (int i = 0; i < t; ++i)
    pool.emplace_back([&, i] { fn(i, r0 + n * i / t, r0 + n * (i + 1) / t); });
  for (auto& th : pool) th.join();
}

#define AEMIGAP_KERNEL_BODY "../negatives/scan_kernel_body.inc"
#include "../core/cpu_levels.inc"
}  // namespace

Thresholds positive_means(const std::vector<float>& mirna, const std::vector<float>& gene,
                          const std::vector<double>& wmirna, const std::vector<double>& wgene, std::size_t dims,
                          const std::vector<Pair>& positives) {
  Thresholds t;
  for (const auto& p : positives) {
    auto m = static_cast<std::size_t>(p[0]), g = static_cast<std::size_t>(p[1]);
    Distances d = pair_distances(&mirna[m * dims], &gene[g * dims], &wmirna[m * dims], &wgene[g * dims], dims);
    t.euclidean += d.euclidean;
    t.cosine += d.cosine;
    t.mahalanobis += d.mahalanobis;
  }
  double n = static_cast<double>(std::max<std::size_t>(1, positives.size()));
  t.euclidean /= n;
  t.cosine /= n;
  t.mahalanobis /= n;
  return t;
}

PoolScanner::PoolScanner(const std::vector<float>& mirna, const std::vector<float>& gene,
                         const std::vector<double>& wmirna, const std::vector<double>& wgene, std::size_t dims,
                         const std::vector<Pair>& positives, Thresholds t, bool uniform)
    : dims_(dims), nm_(mirna.size() / dims), ng_(gene.size() / dims), uniform_(uniform) {
  nblocks_ = (ng_ + kBlock - 1) / kBlock;
  u_ = mirna;
  wu_.assign(wmirna.begin(), wmirna.end());
  uu_.resize(nm_);
  un_.resize(nm_);
  wuu_.resize(nm_);
  for (std::size_t i = 0; i < nm_; ++i) {
    float a = 0, b = 0;
    for (std::size_t d = 0; d < dims; ++d) {
      a += u_[i * dims + d] * u_[i * dims + d];
      b += wu_[i * dims + d] * wu_[i * dims + d];
    }
    uu_[i] = a;
    un_[i] = std::sqrt(a);
    wuu_[i] = b;
  }
  const std::size_t padded = nblocks_ * kBlock;
  gt_.assign(nblocks_ * dims * kBlock, 0.0f);
  wgt_.assign(nblocks_ * dims * kBlock, 0.0f);
  vv_.assign(padded, 0.0f);
  vn_.assign(padded, 0.0f);
  wvv_.assign(padded, 0.0f);
  for (std::size_t g = 0; g < ng_; ++g) {
    std::size_t b = g / kBlock, lane = g % kBlock;
    float a = 0, c = 0;
    for (std::size_t d = 0; d < dims; ++d) {
      float x = gene[g * dims + d], w = static_cast<float>(wgene[g * dims + d]);
      gt_[(b * dims + d) * kBlock + lane] = x;
      wgt_[(b * dims + d) * kBlock + lane] = w;
      a += x * x;
      c += w * w;
    }
    vv_[g] = a;
    vn_[g] = std::sqrt(a);
    wvv_[g] = c;
  }
  pos_begin_.assign(nm_ + 1, 0);
  for (const auto& p : positives) ++pos_begin_[static_cast<std::size_t>(p[0]) + 1];
  for (std::size_t r = 0; r < nm_; ++r) pos_begin_[r + 1] += pos_begin_[r];
  pos_gene_.resize(positives.size());
  {
    std::vector<std::uint64_t> fill(pos_begin_.begin(), pos_begin_.end() - 1);
    for (const auto& p : positives) pos_gene_[fill[static_cast<std::size_t>(p[0])]++] = p[1];
  }
  te2_ = static_cast<float>(t.euclidean * t.euclidean);
  tc1_ = static_cast<float>(1.0 - t.cosine);
  tm2_ = static_cast<float>(t.mahalanobis * t.mahalanobis);
}

void PoolScanner::row_flags(std::uint64_t row, std::uint8_t* flags) const {
  static const auto fn = core::by_level(&level_base::row_flags, &level_v3::row_flags, &level_v4::row_flags);
  fn(arrays(), row, flags);
}

Distances PoolScanner::scan_distances(std::uint64_t row, std::uint64_t gene) const {
  static const auto fn = core::by_level(&level_base::scan_distances, &level_v3::scan_distances, &level_v4::scan_distances);
  return fn(arrays(), row, gene);
}

void PoolScanner::count(std::uint64_t r0, std::uint64_t r1, int threads, std::vector<std::uint64_t>& row_counts,
                        ScanCounts& counts) const {
  AEMIGAP_CHECK(r0 <= r1 && r1 <= nm_, "row range " << r0 << ".." << r1 << " outside 0.." << nm_);
  row_counts.assign(r1 - r0, 0);
  std::vector<ScanCounts> part(static_cast<std::size_t>(std::max(1, threads)));
  parallel_rows(r0, r1, threads, [&](int t, std::uint64_t a, std::uint64_t b) {
    std::vector<std::uint8_t> flags(ng_);
    ScanCounts& c = part[static_cast<std::size_t>(t)];
    for (std::uint64_t r = a; r < b; ++r) {
      row_flags(r, flags.data());
      std::uint64_t n = 0;
      for (std::size_t g = 0; g < ng_; ++g) {
        std::uint8_t f = flags[g];
        c.pool += (f >> 3) & 1;
        c.above_euclidean += (f & 9) == 9;
        c.above_cosine += (f & 10) == 10;
        c.above_mahalanobis += (f & 12) == 12;
        c.above_all += f == 15;
        n += is_candidate(f);
      }
      row_counts[r - r0] = n;
      c.candidates += n;
    }
  });
  counts = ScanCounts{};
  for (const auto& c : part) {
    counts.pool += c.pool;
    counts.above_euclidean += c.above_euclidean;
    counts.above_cosine += c.above_cosine;
    counts.above_mahalanobis += c.above_mahalanobis;
    counts.above_all += c.above_all;
    counts.candidates += c.candidates;
  }
}

std::vector<Pair> PoolScanner::select(std::uint64_t r0, std::uint64_t r1, const std::vector<std::uint64_t>& row_base,
                                      const std::vector<std::uint64_t>& chosen, int threads) const {
  AEMIGAP_CHECK(row_base.size() == r1 - r0, "row_base needs one entry per row");
  int t = std::max(1, threads);
  std::vector<std::vector<Pair>> part(static_cast<std::size_t>(t));
  parallel_rows(r0, r1, threads, [&](int ti, std::uint64_t a, std::uint64_t b) {
    if (a >= b) return;
    std::vector<std::uint8_t> flags(ng_);
    auto it = std::lower_bound(chosen.begin(), chosen.end(), row_base[a - r0]);
    for (std::uint64_t r = a; r < b && it != chosen.end(); ++r) {
      std::uint64_t next_base = r + 1 < r1 ? row_base[r + 1 - r0] : UINT64_MAX;
      if (*it >= next_base) continue;  // nothing chosen in this row: skip its arithmetic
      row_flags(r, flags.data());
      std::uint64_t ord = row_base[r - r0];
      for (std::size_t g = 0; g < ng_ && it != chosen.end(); ++g) {
        if (!is_candidate(flags[g])) continue;
        if (ord == *it) {
          part[static_cast<std::size_t>(ti)].push_back({static_cast<std::int32_t>(r), static_cast<std::int32_t>(g)});
          ++it;
        }
        ++ord;
      }
    }
  });
  std::vector<Pair> out;
  for (auto& p : part) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<std::uint64_t> sample_ordinals(std::uint64_t population, std::uint64_t k, std::uint64_t seed) {
  AEMIGAP_CHECK(k <= population, "cannot draw " << k << " of " << population);
  // Floyd's algorithm: k draws, no rejection loop, exactly uniform over k-subsets.
  Rng rng(seed, 0x6E6567);  // stream "neg"
  std::unordered_set<std::uint64_t> set;
  set.reserve(static_cast<std::size_t>(k * 2));
  for (std::uint64_t j = population - k; j < population; ++j) {
    std::uint64_t t = rng.uniform_below(j + 1);
    if (!set.insert(t).second) set.insert(j);
  }
  std::vector<std::uint64_t> out(set.begin(), set.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace aemigap::negatives

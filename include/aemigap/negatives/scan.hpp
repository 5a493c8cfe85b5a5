// The distance filter over the unknown pool, without materialising the pool: a scanner
// computes, row (miRNA) by row, which pairs exceed each threshold, counts them, and picks
// out sampled candidates by their ordinal in row-major order. Every pair's arithmetic is
// the same whatever the row range, thread or rank, so results do not depend on how the
// rows are split.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "aemigap/negatives/distance.hpp"

namespace aemigap::negatives {

using Pair = std::array<std::int32_t, 2>;  // (miRNA index, gene index)

struct Thresholds {
  double euclidean = 0, cosine = 0, mahalanobis = 0;
};

struct ScanCounts {
  std::uint64_t pool = 0, above_euclidean = 0, above_cosine = 0, above_mahalanobis = 0, above_all = 0;
  std::uint64_t candidates = 0;  // above_all (distance) or pool (uniform)
};

// Mean of each distance over the positive pairs (double precision, direct formula).
Thresholds positive_means(const std::vector<float>& mirna, const std::vector<float>& gene,
                          const std::vector<double>& wmirna, const std::vector<double>& wgene, std::size_t dims,
                          const std::vector<Pair>& positives);

class PoolScanner {
 public:
  // positives sorted by (miRNA, gene). uniform = every pool pair is a candidate.
  PoolScanner(const std::vector<float>& mirna, const std::vector<float>& gene, const std::vector<double>& wmirna,
              const std::vector<double>& wgene, std::size_t dims, const std::vector<Pair>& positives, Thresholds t,
              bool uniform);

  std::uint64_t n_mirna() const { return nm_; }
  std::uint64_t n_gene() const { return ng_; }

  // Rows [r0, r1): candidates per row (row_counts[r - r0]) and the criterion counts.
  void count(std::uint64_t r0, std::uint64_t r1, int threads, std::vector<std::uint64_t>& row_counts,
             ScanCounts& counts) const;
  // The candidates of rows [r0, r1) whose row-major ordinal is in `chosen` (sorted, global
  // ordinals); row_base[r - r0] is the ordinal of row r's first candidate.
  std::vector<Pair> select(std::uint64_t r0, std::uint64_t r1, const std::vector<std::uint64_t>& row_base,
                           const std::vector<std::uint64_t>& chosen, int threads) const;

  // The three distances of one pair as the scan computes them (float, expanded form).
  Distances scan_distances(std::uint64_t row, std::uint64_t gene) const;

  // Views of the scanner's arrays: what its per-level kernels read (src/negatives/scan_kernel_body.inc).
  struct Arrays {
    std::size_t dims, ng, nblocks;
    const float *u, *wu, *uu, *un, *wuu, *gt, *wgt, *vv, *vn, *wvv;
    const std::uint64_t* pos_begin;
    const std::int32_t* pos_gene;
    float te2, tc1, tm2;
  };

 private:
  // Flags of every gene of one row: bit 0 Euclidean, 1 cosine, 2 Mahalanobis above the
  // threshold, bit 3 in the pool (not a positive).
  void row_flags(std::uint64_t row, std::uint8_t* flags) const;
  bool is_candidate(std::uint8_t f) const { return uniform_ ? (f & 8) : f == 15; }
  Arrays arrays() const {
    return {dims_,        ng_,         nblocks_,    u_.data(),         wu_.data(),       uu_.data(),
            un_.data(),   wuu_.data(), gt_.data(),  wgt_.data(),       vv_.data(),       vn_.data(),
            wvv_.data(),  pos_begin_.data(), pos_gene_.data(), te2_, tc1_, tm2_};
  }

  std::size_t dims_, nm_, ng_, nblocks_;
  std::vector<float> u_, wu_;                   // miRNA rows (raw, whitened)
  std::vector<float> uu_, un_, wuu_;            // per miRNA: |u|^2, |u|, |w_u|^2
  std::vector<float> gt_, wgt_;                 // genes in blocks of 16, transposed: [block][dim][16]
  std::vector<float> vv_, vn_, wvv_;            // per gene (padded to blocks)
  std::vector<std::uint64_t> pos_begin_;        // positives of row r: pos_[pos_begin_[r] .. pos_begin_[r+1])
  std::vector<std::int32_t> pos_gene_;
  float te2_, tc1_, tm2_;                       // Euclid^2, (1 - cosine), Mahalanobis^2 thresholds
  bool uniform_;
};

// k distinct ordinals from [0, population), sorted; the same for the same seed everywhere.
std::vector<std::uint64_t> sample_ordinals(std::uint64_t population, std::uint64_t k, std::uint64_t seed);

}  // namespace aemigap::negatives

// Ranks of the unknown pairs under a pool matrix (the ranking): over the whole pool, within
// a miRNA (a row) and within a gene (a column). Built in two passes over the row blocks; it
// holds two float copies of the pool (the sorted values, and the values gene by gene), never
// a table of the pairs.
#pragma once

#include <cstdint>
#include <vector>

namespace aemigap {
class CheckedMatrix;
}

namespace aemigap::exporting {

// How many values of a descending run are strictly greater than v: v's rank is that + 1, so
// tied pairs share the better rank.
std::uint64_t count_greater(const float* begin, const float* end, float v);

class PoolRanks {
 public:
  static PoolRanks build(const CheckedMatrix& ranking, int threads);

  std::uint64_t n_pool() const { return sorted_.size(); }
  std::uint64_t global_rank(float v) const { return 1 + count_greater(sorted_.data(), sorted_.data() + sorted_.size(), v); }
  // 100 for the best pair of the pool, 100 / n_pool for the last.
  double percentile(std::uint64_t rank) const {
    return 100.0 * static_cast<double>(n_pool() - rank + 1) / static_cast<double>(n_pool());
  }
  std::uint64_t rank_in_gene(std::size_t g, float v) const {
    return 1 + count_greater(by_gene_.data() + gstart_[g], by_gene_.data() + gstart_[g + 1], v);
  }

 private:
  std::vector<float> sorted_;        // every unknown pair's value, descending
  std::vector<std::uint64_t> gstart_;  // gene g's values: by_gene_[gstart_[g], gstart_[g + 1])
  std::vector<float> by_gene_;       // descending within each gene
};

// A row's own ranks: rank_in_mirna of each unknown gene of the row (0 for a validated pair).
std::vector<std::uint64_t> ranks_in_row(const float* row, std::size_t n);

}  // namespace aemigap::exporting

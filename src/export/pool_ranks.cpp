#include "aemigap/export/pool_ranks.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "aemigap/core/checked_matrix.hpp"
#include "aemigap/core/threads.hpp"

namespace aemigap::exporting {

std::uint64_t count_greater(const float* begin, const float* end, float v) {
  return static_cast<std::uint64_t>(std::lower_bound(begin, end, v, std::greater<float>()) - begin);
}

PoolRanks PoolRanks::build(const CheckedMatrix& m, int threads) {
  const std::uint64_t nm = m.rows(), ng = m.cols(), step = 64;
  PoolRanks r;
  r.gstart_.assign(ng + 1, 0);
  std::vector<float> buf;
  auto for_blocks = [&](auto&& fn) {
    for (std::uint64_t r0 = 0; r0 < nm; r0 += step) {
      const std::uint64_t rows = std::min(nm, r0 + step) - r0;
      buf.resize(rows * ng);
      m.read_rows(r0, rows, buf.data());
      fn(rows);
    }
  };
  for_blocks([&](std::uint64_t rows) {  // pass 1: each gene's count
    for (std::uint64_t i = 0; i < rows * ng; ++i)
      if (!std::isnan(buf[i])) ++r.gstart_[i % ng + 1];
  });
  for (std::uint64_t g = 0; g < ng; ++g) r.gstart_[g + 1] += r.gstart_[g];
  r.by_gene_.resize(r.gstart_[ng]);
  r.sorted_.reserve(r.gstart_[ng]);
  std::vector<std::uint64_t> fill(r.gstart_.begin(), r.gstart_.end() - 1);
  for_blocks([&](std::uint64_t rows) {  // pass 2: the values
    for (std::uint64_t i = 0; i < rows * ng; ++i)
      if (!std::isnan(buf[i])) {
        r.by_gene_[fill[i % ng]++] = buf[i];
        r.sorted_.push_back(buf[i]);
      }
  });
  // The pool's sort, in halves on two threads and merged (the longest step of a load).
  if (threads > 1 && r.sorted_.size() > (1u << 20)) {
    const auto mid = r.sorted_.begin() + static_cast<long>(r.sorted_.size() / 2);
    parallel_slices(2, 2, [&](std::size_t lo, std::size_t) {
      if (lo == 0) std::sort(r.sorted_.begin(), mid, std::greater<float>());
      else std::sort(mid, r.sorted_.end(), std::greater<float>());
    }, 1);
    std::inplace_merge(r.sorted_.begin(), mid, r.sorted_.end(), std::greater<float>());
  } else {
    std::sort(r.sorted_.begin(), r.sorted_.end(), std::greater<float>());
  }
  parallel_slices(ng, threads, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t g = lo; g < hi; ++g)
      std::sort(r.by_gene_.begin() + static_cast<long>(r.gstart_[g]), r.by_gene_.begin() + static_cast<long>(r.gstart_[g + 1]),
                std::greater<float>());
  });
  return r;
}

std::vector<std::uint64_t> ranks_in_row(const float* row, std::size_t n) {
  std::vector<float> sorted;
  sorted.reserve(n);
  for (std::size_t g = 0; g < n; ++g)
    if (!std::isnan(row[g])) sorted.push_back(row[g]);
  std::sort(sorted.begin(), sorted.end(), std::greater<float>());
  std::vector<std::uint64_t> out(n, 0);
  for (std::size_t g = 0; g < n; ++g)
    if (!std::isnan(row[g])) out[g] = 1 + count_greater(sorted.data(), sorted.data() + sorted.size(), row[g]);
  return out;
}

}  // namespace aemigap::exporting

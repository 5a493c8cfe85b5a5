#include "aemigap/core/checked_matrix.hpp"

#include <algorithm>
#include <cstring>

#include "aemigap/core/error.hpp"
#include "aemigap/core/hash.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"

namespace aemigap {

namespace sc = schema;

std::uint64_t block_checksum(const float* data, std::size_t n) { return hash_bytes(data, n * sizeof(float)); }

CheckedMatrix::CheckedMatrix(const Store& s, const std::string& dataset) : s_(s), dataset_(dataset) {
  const auto dims = s.dims(dataset);
  AEMIGAP_CHECK(dims.size() == 2, dataset << " is not a matrix");
  rows_ = dims[0];
  cols_ = dims[1];
  block_rows_ = static_cast<std::uint64_t>(std::max<std::int64_t>(1, s.attr_int(sc::kScores, sc::kAttrBlockRows)));
  const std::uint64_t nb = (rows_ + block_rows_ - 1) / block_rows_;
  const std::string sums = dataset == sc::kScoreMatrix ? sc::kScoreChecksum : sc::kRankingChecksum;
  if (s.exists(sums)) {
    sums_ = s.read<std::uint64_t>(sums);
    if (sums_.size() != nb)
      throw InputError(s.path(), 0, sums + " has " + std::to_string(sums_.size()) + " block checksums for " +
                                        std::to_string(nb) + " blocks of " + dataset + ": the store is damaged");
  } else {
    static bool warned = false;
    if (!warned) log_warn(s.path() + ": " + dataset + " has no block checksums (written by an older aemigap): read unchecked");
    warned = true;
  }
  if (dataset == sc::kScoreMatrix) done_ = s.read<std::uint8_t>(sc::kScoreDone);
  verified_.assign(nb, 0);
}

void CheckedMatrix::verify_block(std::uint64_t b, const float* data) const {
  const std::uint64_t r0 = b * block_rows_, r1 = std::min(rows_, r0 + block_rows_);
  const std::string where = dataset_ + " rows " + std::to_string(r0) + "-" + std::to_string(r1 - 1) + " (block " +
                            std::to_string(b) + ")";
  if (!done_.empty() && !done_[b])
    throw InputError(s_.path(), 0, where + " are not scored yet: the scores are incomplete; finish them with "
                                   "`aemigap score --resume`");
  if (!sums_.empty() && block_checksum(data, (r1 - r0) * cols_) != sums_[b])
    throw InputError(s_.path(), 0, where + " fail their checksum: the file is damaged (a disk or copy error, or an "
                                   "edit from outside aemigap); rerun `aemigap score` (or restore a copy)");
  verified_[b] = 1;
}

void CheckedMatrix::read_rows(std::uint64_t first, std::uint64_t n, float* out) const {
  AEMIGAP_CHECK(first + n <= rows_, "read_rows past the end of " << dataset_);
  std::vector<float> block;
  for (std::uint64_t r = first; r < first + n;) {
    const std::uint64_t b = r / block_rows_, b0 = b * block_rows_, b1 = std::min(rows_, b0 + block_rows_);
    const std::uint64_t take_end = std::min(first + n, b1);
    if (verified_[b]) {
      s_.read_rows(dataset_, r, take_end - r, out + (r - first) * cols_);
    } else {
      block.resize((b1 - b0) * cols_);
      s_.read_rows(dataset_, b0, b1 - b0, block.data());
      verify_block(b, block.data());
      std::memcpy(out + (r - first) * cols_, block.data() + (r - b0) * cols_, (take_end - r) * cols_ * sizeof(float));
    }
    r = take_end;
  }
}

std::vector<float> CheckedMatrix::read_all() const {
  std::vector<float> all(rows_ * cols_);
  for (std::uint64_t b = 0; b * block_rows_ < rows_; ++b) {
    const std::uint64_t r0 = b * block_rows_, r1 = std::min(rows_, r0 + block_rows_);
    s_.read_rows(dataset_, r0, r1 - r0, all.data() + r0 * cols_);
    verify_block(b, all.data() + r0 * cols_);
  }
  return all;
}

}  // namespace aemigap

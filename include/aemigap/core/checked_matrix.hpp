// The pool matrices (/scores/matrix, /scores/ranking) with a checksum per block of rows.
//
// A writer hashes each block of block_rows miRNA rows (block_checksum) and stores the hash in
// the matrix's checksum dataset, written before the block's done flag. Every reader goes
// through CheckedMatrix: the first read touching a block reads the whole block and compares
// its hash, so damaged bytes (a disk or copy error, an edit from outside) are an error naming
// the rows, never a probability of 3.4e38 in a report. For /scores/matrix it also refuses
// blocks whose done flag is not set (an unfinished score).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aemigap {

class Store;

std::uint64_t block_checksum(const float* data, std::size_t n);

class CheckedMatrix {
 public:
  // dataset: schema::kScoreMatrix or schema::kRanking (its checksums and /scores block_rows).
  CheckedMatrix(const Store& s, const std::string& dataset);

  std::uint64_t rows() const { return rows_; }
  std::uint64_t cols() const { return cols_; }
  void read_rows(std::uint64_t first, std::uint64_t n, float* out) const;  // verified
  std::vector<float> read_all() const;

 private:
  void verify_block(std::uint64_t b, const float* data) const;
  const Store& s_;
  std::string dataset_;
  std::uint64_t rows_ = 0, cols_ = 0, block_rows_ = 1;
  std::vector<std::uint64_t> sums_;  // empty: a store from before checksums (warned once)
  std::vector<std::uint8_t> done_;   // empty unless the dataset is /scores/matrix
  mutable std::vector<std::uint8_t> verified_;
};

}  // namespace aemigap

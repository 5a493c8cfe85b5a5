// Scores every gene for a block of miRNA rows with a trained checkpoint.
//
// Fast path (LSTM and GRU checkpoints whose miRNA features fill whole time steps): the
// features are [miRNA | gene | latent] and both scalers are per feature, so the recurrent
// state after the miRNA's steps is the same for every gene paired with that miRNA. It is
// computed once per miRNA; each pair runs only the remaining steps, starting from that
// state. The dense input projection is folded into the first recurrent layer's input
// weights (W_ih P, b_ih + W_ih b_p: exact), and the autoencoder's first layer is split
// into a per-miRNA and a per-gene product (W1 [m|g] = W1m m + W1g g). The plain path builds
// every pair's feature vector and runs the checkpoint's forward pass; a test holds the two
// within 1e-5 on real pairs.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace aemigap::model {
class Checkpoint;
}

namespace aemigap::score {

class PoolScorer {
 public:
  PoolScorer(const model::Checkpoint& ck, const std::vector<float>& mirna, const std::vector<float>& gene,
             std::size_t dims, int threads);
  ~PoolScorer();
  bool has_fast_path() const;
  std::uint64_t n_gene() const;
  // out: [(r1 - r0) x n_gene] probabilities; positives are not masked here.
  void score_rows(std::uint64_t r0, std::uint64_t r1, float* out) const;        // fast path if available
  void score_rows_plain(std::uint64_t r0, std::uint64_t r1, float* out) const;  // the checkpoint's forward
  // Listed pairs only (a sampled pool): out[i] scores (mirna[i], gene[i]). Pairs of one miRNA
  // should be consecutive: each run of equal miRNAs shares its prefix state. Torch's thread
  // count is set once per call (setting it per row rebuilt its pool: 2 k pairs/s).
  void score_pairs(const std::int32_t* mirna, const std::int32_t* gene, std::size_t n, float* out) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aemigap::score

// Top-K of the stored score matrix, computed by row blocks: each rank keeps the K best of
// its own rows, and the candidates (at most K per rank) are merged. Ties break by
// (miRNA index, gene index), so the result is independent of the rank count.
#pragma once

#include <cstdint>
#include <vector>

namespace aemigap::rank {

struct Scored {
  float score;
  std::int32_t mirna, gene;
};
// a before b in the ranking: higher score first, then lower (miRNA, gene)
inline bool better(const Scored& a, const Scored& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.mirna != b.mirna) return a.mirna < b.mirna;
  return a.gene < b.gene;
}

// Keeps the k best of a stream (NaN scores are skipped).
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) {}
  void add(const Scored& s);
  void merge(const std::vector<Scored>& items) {
    for (const auto& s : items) add(s);
  }
  std::vector<Scored> sorted() const;  // best first

 private:
  std::size_t k_;
  std::vector<Scored> heap_;  // min-heap by `better` (the worst kept on top)
};

}  // namespace aemigap::rank

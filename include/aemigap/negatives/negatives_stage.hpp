// The negatives stage: thresholds from the positives, a two-pass scan of the unknown pool
// split by miRNA rows over the ranks, and a seeded uniform draw among the candidates.
//
// Pass 1 counts candidates per row on each rank; the counts are all-gathered, so every
// rank knows each row's first candidate ordinal and the total. Every rank draws the same
// sorted set of ordinals from the seed; pass 2 picks those out of its own rows. The result
// is identical for any number of ranks (and threads).
#pragma once

#include "aemigap/core/config.hpp"
#include "aemigap/core/fwd.hpp"

#include <string>
#include <vector>

#include "aemigap/negatives/scan.hpp"

namespace aemigap {
namespace dist {
class Communicator;
}
}  // namespace aemigap

namespace aemigap::negatives {

struct NegativesOptions {
  NegativesMethod method = NegativesMethod::Distance;
  double ratio = 1.0;  // negatives drawn per positive
  std::uint64_t seed = 42;
  static NegativesOptions from(const Config& cfg);  // negatives-method, negatives-ratio, seed
};

struct NegativesResult {
  NegativesMethod method = NegativesMethod::Distance;
  Thresholds thresholds;
  ScanCounts counts;
  std::uint64_t requested = 0;
  std::vector<Pair> negatives;  // sorted; complete on every rank
  double scan_seconds = 0;      // pass 1 (the whole-pool scan)
  double seconds = 0;           // everything
  double whitening_ridge = 0;
  std::string report() const;
};

NegativesResult build_negatives(const Dataset& d, const std::vector<float>& mirna, const std::vector<float>& gene,
                                std::size_t dims, const NegativesOptions& opt, dist::Communicator& comm, int threads);

void write_negatives(Store& s, const NegativesResult& r);

}  // namespace aemigap::negatives

// The evidence and the ranker of a ranked store, loaded back for reports and queries: the
// static evidence (embeddings, seed families, TargetScan), the evidence of every validated
// pair (ALS from the store's /als, not refitted), and the ensemble's trees when the store
// was ranked by it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/eval/evidence.hpp"
#include "aemigap/rank/ensemble.hpp"

namespace aemigap::rank {

struct StoredRanking {
  eval::StaticEvidence statics;
  std::unique_ptr<eval::Evidence> evidence;
  std::unique_ptr<Ensemble> ensemble;  // null unless the store's ranker is ensemble
  bool has_als = false;
  bool ensemble_reads_targetscan = false;

  // In a unique_ptr: the evidence points at `statics`, so the object must not move.
  static std::unique_ptr<StoredRanking> load(const Config& cfg, const Store& s, const Dataset& d, int threads);
  StoredRanking() = default;
  StoredRanking(const StoredRanking&) = delete;
  StoredRanking& operator=(const StoredRanking&) = delete;

  // The evidence columns shown beside a pair, and their values for (m, g).
  static std::vector<std::string> evidence_header();
  std::vector<std::string> evidence_cells(std::int32_t m, std::int32_t g) const;
};

}  // namespace aemigap::rank

// What export and score-pairs read from a finished store, loaded and checked once: the
// dataset, the identifiers, the ranking and the probability (checksummed), their ranks, the
// training negatives and the ranker's evidence. Private to export/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "aemigap/core/checked_matrix.hpp"
#include "aemigap/core/config.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/data/identifiers.hpp"
#include "aemigap/eval/evidence.hpp"
#include "aemigap/export/pool_ranks.hpp"
#include "aemigap/rank/stored.hpp"

namespace aemigap::exporting {

struct PoolView {
  explicit PoolView(Store s) : store(std::move(s)) {}
  Store store;
  Dataset d;
  Identifiers ids;
  std::string ranker;  // the stored ranker's name
  std::unique_ptr<CheckedMatrix> ranking, probability;
  PoolRanks ranks;
  std::unordered_set<std::uint64_t> negatives;  // m * n_gene + g
  std::unique_ptr<rank::StoredRanking> stored;
  bool has_targetscan = false;

  // `reader` names the command in errors ("export"). Refuses an unfinished or stale store.
  static std::unique_ptr<PoolView> open(const Config& cfg, const std::string& reader);
  bool negative(std::size_t m, std::size_t g) const { return negatives.count(m * d.n_gene() + g) != 0; }
};

// The identifiers of a filter file (one per line; '#' starts a comment), resolved. What
// matched nothing is logged with its reason, never dropped without a word.
struct IdFilter {
  std::vector<char> keep;  // per index; empty = no filter
  std::uint64_t unmapped = 0;
};
IdFilter read_filter(const std::string& path, std::size_t n, bool genes, const Identifiers& ids);

// Numbers as text: shortest round-trip form of a float ("" for NaN).
std::string number(float v);
std::string number(double v, int decimals);

}  // namespace aemigap::exporting

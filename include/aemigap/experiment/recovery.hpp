// experiment recovery: how high each model ranks validated pairs it never saw, among the
// unknown pool (eval/recovery.hpp has the splits and metrics). The paper's model, a
// pool-negative variant, implicit ALS, their rank averages and the baselines run on the
// same splits in one run; each model is a row of one table (src/experiment/recovery.cpp).
//
// Per split: the positives are split (train / held out); embeddings are reused (doc2vec
// never sees the pairs); negatives, autoencoder and classifier are rebuilt from the training
// positives alone, as the pipeline would; the held-out pairs stay in the unknown pool, so
// they may be drawn as negatives, exactly as an unknown real interaction can be.
#pragma once

#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/eval/recovery.hpp"

namespace aemigap::experiment {

struct RecoveryRow {
  RecoverySplit split;
  int repeat = 0;     // 0-based: seed + repeat
  std::string model;  // the model's name (evidence: "evidence:<feature>")
  eval::RankingMetrics m;
  double auc_distance = 0;  // held-out positives vs distance-filtered negatives not trained on
  double seconds = 0;
};

struct RecoveryResult {
  std::vector<RecoveryRow> rows;  // split by split, models in table order
  std::string markdown, tsv;
};

// Runs on the calling process alone (rank 0 of the CLI).
RecoveryResult run_recovery(const Config& cfg);

// The K of recall@K, precision@K and enrichment@K.
const std::vector<std::uint64_t>& recovery_ks();

}  // namespace aemigap::experiment

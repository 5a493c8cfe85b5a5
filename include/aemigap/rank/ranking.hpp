// The ranking that reports and queries use (option `ranker`), built after `score`.
//
//   lstm      the classifier's probability, /scores/matrix as it is (the paper's method)
//   als       implicit ALS (eval/baselines.hpp) fitted to every validated pair: what the
//             known interaction graph predicts
//   als+lstm  the mean of the two percentiles over the unknown pool: the graph and the
//             sequences together (the best on ranking recovery, docs/recovery.md)
//
// /scores/ranking holds the ranker's value per pair (NaN at validated pairs, like
// /scores/matrix) with the attribute `ranker`; /als holds the fitted factors (so a query can
// score a pair without refitting). With ranker = lstm neither is written and an old
// /scores/ranking is removed, so the reports always follow the current ranker.
#pragma once

#include <string>

#include "aemigap/core/config.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/data/dataset.hpp"

namespace aemigap::rank {

// Builds /scores/ranking and /als in `cfg.store` (copy + rename: a crash leaves the old
// store). /scores/matrix must be complete.
void write_ranking(const Config& cfg, const Dataset& d, int threads);

// The dataset that orders pairs in `s`: /scores/ranking when present, else /scores/matrix.
std::string ranking_dataset(const Store& s);

// One line naming what orders the pairs (for the reports' "Model:" line); `lstm_model`
// describes the classifier checkpoint.
std::string ranking_description(const Store& s, const std::string& lstm_model);

}  // namespace aemigap::rank

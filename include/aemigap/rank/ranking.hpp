// The ranking that reports and queries use (option `ranker`), built after `score`. Each
// ranker is a row of one table (src/rank/ranking.cpp):
//
//   lstm      the classifier's probability, /scores/matrix as it is (the paper's method)
//   als       implicit ALS (eval/baselines.hpp) fitted to every validated pair: what the
//             known interaction graph predicts
//   als+lstm  the mean of the two percentiles over the unknown pool: the graph and the
//             sequences together
//
// /scores/ranking holds the ranker's value per pair (NaN at validated pairs, like
// /scores/matrix) with the attribute `ranker`; /als holds the fitted factors (so a query can
// score a pair without refitting). A ranker that orders by the probability writes neither
// and removes an old /scores/ranking, so the reports always follow the current ranker.
#pragma once

#include <string>

#include "aemigap/core/config.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/eval/evidence.hpp"

namespace aemigap::dist {
class Communicator;
}

namespace aemigap::rank {

// Builds /scores/ranking and /als in `cfg.store` (copy + rename: a crash leaves the old
// store). /scores/matrix must be complete.
void write_ranking(const Config& cfg, const Dataset& d, int threads);

// The `rank` stage: checks that the scores are complete, then write_ranking, on rank 0.
// Returns false on the ranks that did not run it when it failed (rank 0 throws).
bool rank_stage(const Config& cfg, dist::Communicator& comm);

// What needs no validated pair, for the ensemble and the evidence columns: the store's
// embeddings, seed families, and the TargetScan table of cfg.targetscan (mapped with
// cfg.aliases; what was lost is logged).
eval::StaticEvidence static_evidence(const Config& cfg, const Dataset& d);

// Throws InputError naming the store when /scores/matrix is missing or not complete.
void require_complete_scores(const Store& s);

// The dataset that orders pairs in `s`: /scores/ranking when present, else /scores/matrix.
std::string ranking_dataset(const Store& s);
// Refuses (naming what changed) scores or a ranking made from inputs the store no longer holds.
void require_current_ranking(const Store& s, const std::string& reader);
// The ranker that wrote the store's ranking (lstm when there is none).
Ranker stored_ranker(const Store& s);

// One line naming what orders the pairs (for the reports' "Model:" line); `lstm_model`
// describes the classifier checkpoint.
std::string ranking_description(const Store& s, const std::string& lstm_model);

}  // namespace aemigap::rank

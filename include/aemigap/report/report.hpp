// The report stage: the top pairs of the whole scored pool, the top miRNAs of each
// reported gene (the paper's oncogenes by default), each with a TargetScan Support column
// and the classifier's probability beside the ranking score, and the score distribution.
// Ranks read disjoint row blocks; only candidates travel.
#pragma once

#include <set>
#include <string>
#include <utility>

#include "aemigap/core/fwd.hpp"

namespace aemigap::dist {
class Communicator;
}

namespace aemigap::report {

// Writes <results-dir>/{top_pairs,top_mirnas_per_gene}.{tsv,md} and score_histogram.svg.
// Every rank takes part; returns top_pairs.md's text on rank 0 ("" on the others).
std::string report_stage(const Config& cfg, dist::Communicator& comm);

// How well the rankers found held-out interactions, from `experiment recovery`'s TSV (its
// first split; columns found by name), or how to measure it when the file is absent.
std::string recovery_summary(const std::string& tsv_path, const std::string& ranker);

}  // namespace aemigap::report

// Ranking recovery: do the pairs a model ranks first include interactions that are real?
//
// A split holds out part of the validated positives; a model is built from the rest and
// ranks the unknown pool as seen from that split (every pair that is not a training
// positive, the held-out positives among them). How high the held-out positives rank
// among all those pairs is the measure: recall@K, precision@K, enrichment over the base
// rate, AUC, and the mean AUC per miRNA and per gene.
//
// The pool is 33 M pairs; scoring all of it with the LSTM costs ~28 min on 2 cores. The
// evaluation pool is therefore every held-out positive plus a seeded Bernoulli sample (a
// fraction f) of the other unknown pairs; a held-out pair's rank in the whole pool is
// estimated as 1 + (held-out pairs above it) + (sampled unknown pairs above it) / f, which
// is unbiased, and f = 1 gives the exact ranking. AUCs are unbiased for any f (the
// negatives are a uniform sample). Ties are broken at random in expectation: a tie group
// contributes its expected share to each top-K.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"

namespace aemigap::eval {

using PairIndex = std::array<std::int32_t, 2>;  // (miRNA, gene)

struct Split {
  RecoverySplit kind = RecoverySplit::Random;
  std::vector<PairIndex> train, held;  // both sorted, disjoint, together the positives
};

// random: `fraction` of the positives, uniformly. mirna-stratified: each miRNA holds out
// floor(fraction * n + u) of its n positives (u uniform: the expected share is exact), and
// keeps at least one. cold-mirna: every positive of `fraction` of the miRNAs (those with a
// positive), so the model never saw those miRNAs' interactions.
// cold-family: every positive of `fraction` of the seed families (family[m]: miRNA m's
// family id, -1 for none; families with a positive count), so neither a held miRNA nor any
// miRNA of its seed was seen. independent is not a hold-out: see independent_split.
Split holdout_split(const std::vector<PairIndex>& positives, RecoverySplit kind, double fraction,
                    std::uint64_t seed, const std::vector<std::int32_t>* family = nullptr);

// The independent split: every positive trains; the held pairs are validated pairs of other
// databases (sorted, unique) that are not positives.
Split independent_split(const std::vector<PairIndex>& positives, const std::vector<PairIndex>& validation);

struct EvalPool {
  std::vector<PairIndex> pairs;   // sorted by (miRNA, gene)
  std::vector<std::uint8_t> held; // 1: a held-out positive; 0: a sampled unknown pair
  double fraction = 1;            // sampling fraction of the unknown pairs
  std::uint64_t n_pool = 0;       // the whole pool of the split: n_mirna * n_gene - |train|
  std::uint64_t n_held = 0;
  std::uint64_t n_sampled = 0;    // sampled unknown pairs in `pairs`
};

// The held-out pairs and a Bernoulli(fraction) sample of the pool's other pairs (seeded; a
// pair is in or out by a hash of (seed, miRNA, gene), so the sample does not depend on the
// order of work). `rows`: restrict the unknown pairs to these miRNAs (cold-mirna: the held
// miRNAs' rows); empty = all.
EvalPool make_eval_pool(std::uint64_t n_mirna, std::uint64_t n_gene, const Split& split, double fraction,
                        std::uint64_t seed, const std::vector<std::int32_t>& rows = {});

struct RankingMetrics {
  std::vector<std::uint64_t> ks;
  std::vector<double> recall, precision, enrichment;  // per K (expected under random tie-breaks)
  double auc = 0;                  // held-out positives vs unknown pairs
  double mirna_auc = 0, gene_auc = 0;  // mean over miRNAs / genes with both kinds of pairs
  std::size_t n_mirna = 0, n_gene = 0;
  double median_rank = 0;          // of the held-out positives (estimated whole-pool rank)
};

// scores[i] belongs to pool.pairs[i]; higher = more likely an interaction.
RankingMetrics ranking_metrics(const EvalPool& pool, const std::vector<float>& scores,
                               const std::vector<std::uint64_t>& ks);

// Each score replaced by its percentile in `scores` (ties share their mean): puts models of
// different scales on one scale for rank averaging.
std::vector<float> percentiles(const std::vector<float>& scores);

}  // namespace aemigap::eval

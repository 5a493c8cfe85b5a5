// The ensemble ranker: gradient-boosted trees (rank/booster.hpp) over every evidence
// feature (eval/evidence.hpp), learned without leakage.
//
// Training: a share of the known pairs is hidden (random pairs, every pair of some miRNAs,
// every pair of some seed families, so the trees also learn what a miRNA or a family with
// no known pair looks like); every feature is computed from the graph that remains; the
// hidden pairs are the positives and pool pairs of that reduced graph, drawn uniformly,
// the negatives. Ranking: the same features computed from the full graph, every unknown
// pair of the pool scored by the trees.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/eval/evidence.hpp"
#include "aemigap/rank/booster.hpp"

namespace aemigap::rank {

struct EnsembleOptions {
  double hide_pairs = 0.10;      // share of the known pairs hidden at random
  double hide_mirnas = 0.05;     // share of the miRNAs (with pairs) whose every pair is hidden
  double hide_families = 0.05;   // share of the seed families whose every pair is hidden
  int negatives_per_positive = 10;
  EnsembleNegatives negatives_from = EnsembleNegatives::Uniform;
  std::vector<std::string> exclude_groups;  // feature groups left out (e.g. "targetscan")
  // A tier before the trees: a pair with a conserved TargetScan site scores 1 + p, any other
  // p, so every site comes first, each tier ordered by the trees (ranker ensemble-ts-first).
  bool targetscan_first = false;
  BoosterOptions booster;
  eval::AlsOptions als;
  std::uint64_t seed = 42;
  int threads = 1;
  static EnsembleOptions from(const Config& cfg, int threads);
};

// The combiner's training rows, and the graph their features were computed from.
struct TrainingSet {
  std::vector<eval::PairIndex> graph;  // the known pairs minus the hidden ones
  std::vector<eval::PairIndex> rows;   // hidden pairs (label 1) and sampled pool pairs (label 0)
  std::vector<float> x, y;             // [rows x features], labels
  std::vector<std::size_t> columns;    // the evidence columns used
};
TrainingSet build_training_set(const std::vector<eval::PairIndex>& known, const eval::StaticEvidence& st,
                               const EnsembleOptions& opt);
// The same rows without the features of some groups (e.g. {"targetscan"}).
TrainingSet without_groups(const TrainingSet& ts, const std::vector<std::string>& groups);

class Ensemble {
 public:
  static Ensemble train(const std::vector<eval::PairIndex>& known, const eval::StaticEvidence& st,
                        const EnsembleOptions& opt);
  static Ensemble from_training_set(const TrainingSet& ts, const EnsembleOptions& opt);
  // Scores of miRNA m's every gene, from evidence fitted on the ranking graph.
  void score_row(const eval::Evidence& ev, std::int32_t m, std::vector<float>& features, float* out) const;
  // The trees (and the TargetScan tier, if on) on an [n x all features] evidence matrix.
  std::vector<float> predict(const std::vector<float>& all_features, std::size_t n) const;
  bool targetscan_first() const { return targetscan_first_; }
  void set_targetscan_first(bool on) { targetscan_first_ = on; }
  // The tier itself: + 1 to p[i] where pair i (row i of `all_features`) has a conserved site.
  static void add_targetscan_tier(const std::vector<float>& all_features, std::vector<float>& p);
  const std::vector<std::size_t>& columns() const { return columns_; }
  std::vector<std::string> feature_names() const;
  std::vector<std::pair<std::string, double>> importance() const { return booster_.importance(); }
  const Booster& booster() const { return booster_; }
  std::size_t training_rows() const { return training_rows_; }

  std::vector<std::uint8_t> save() const { return booster_.save(); }
  static Ensemble load(const std::vector<std::uint8_t>& bytes, const std::vector<std::string>& feature_names,
                       int threads, bool targetscan_first);

 private:
  Booster booster_;
  std::vector<std::size_t> columns_;
  std::size_t training_rows_ = 0;
  bool targetscan_first_ = false;
};

}  // namespace aemigap::rank

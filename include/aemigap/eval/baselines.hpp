// Baselines for ranking recovery: what a ranking must beat to be worth acting on.
//   gene-popularity     a gene's number of training positives
//   degree-product      miRNA degree x gene degree (preferential attachment)
//   embedding-distance  minus the Euclidean distance of the two Protein2Vec vectors (the
//                       quantity the paper's negative filter thresholds)
//   random              a seeded hash of the pair
//   als                 implicit-feedback matrix factorisation of the known miRNA-gene graph
//                       (Hu, Koren & Volinsky 2008): confidence 1 + alpha on known pairs,
//                       preference 0 elsewhere, alternating least squares with a ridge
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/eval/recovery.hpp"

namespace aemigap::eval {

// Scores of `pairs` by a heuristic baseline (any name above but als).
std::vector<float> baseline_scores(const std::string& name, const std::vector<PairIndex>& pairs,
                                   const std::vector<PairIndex>& train, std::uint64_t n_mirna, std::uint64_t n_gene,
                                   const std::vector<float>& mirna_emb, const std::vector<float>& gene_emb,
                                   std::size_t dims, std::uint64_t seed);

struct AlsOptions {
  int factors = 64;
  int iterations = 15;
  double alpha = 20;    // confidence of a known pair: 1 + alpha
  double lambda = 0.1;  // ridge on every factor vector
  std::uint64_t seed = 42;
  int threads = 1;
  static AlsOptions from(const Config& cfg, int threads);  // the als-* options and the seed
};

class ImplicitAls {
 public:
  // Fits miRNA and gene factors to the known pairs; miRNAs or genes without a known pair
  // keep zero factors (their scores are 0).
  void fit(const std::vector<PairIndex>& known, std::uint64_t n_mirna, std::uint64_t n_gene, const AlsOptions& opt);
  float score(std::int32_t m, std::int32_t g) const;
  std::vector<float> scores(const std::vector<PairIndex>& pairs) const;
  // Weighted squared loss + ridge of the current factors (falls while fitting).
  double loss(const std::vector<PairIndex>& known) const;
  int factors() const { return f_; }
  std::vector<float> mirna_factors, gene_factors;  // [n x factors]
  std::vector<double> loss_history;                // after each iteration

 private:
  int f_ = 0;
  double alpha_ = 0, lambda_ = 0;
};

}  // namespace aemigap::eval

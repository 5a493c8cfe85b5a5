// Implicit ALS: implicit-feedback matrix factorisation of the known miRNA-gene graph (Hu,
// Koren & Volinsky 2008): confidence 1 + alpha on known pairs, preference 0 elsewhere,
// alternating least squares with a ridge. The other sources are in eval/sources.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/eval/recovery.hpp"

namespace aemigap::eval {

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
  // Factors fitted earlier (the store's /als): scores without refitting.
  static ImplicitAls from_factors(std::vector<float> mirna, std::vector<float> gene, int factors);
  std::vector<float> mirna_factors, gene_factors;  // [n x factors]
  std::vector<double> loss_history;                // after each iteration

 private:
  int f_ = 0;
  double alpha_ = 0, lambda_ = 0;
};

}  // namespace aemigap::eval

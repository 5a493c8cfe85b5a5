// A miRNA the store does not have, scored from its mature sequence against every gene: its
// embedding inferred with the store's doc2vec model, the classifier's probability, and, when
// the store is ranked by an ensemble, the ensemble's score on the evidence a new miRNA has
// (its seed family's validated pairs and TargetScan sites, gene popularity, sequence); with
// another ranker the probability is the score. Used by `query --sequence` and `score-pairs`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/embed/stored_model.hpp"
#include "aemigap/model/checkpoint.hpp"

namespace aemigap {
class Store;
}
namespace aemigap::rank {
struct StoredRanking;
}

namespace aemigap::score {

struct NewMirnaScores {
  std::string sequence;                     // normalised (RNA)
  std::string seed;                         // nt 2-8
  std::vector<float> probability, score;    // per gene
  std::vector<float> features;              // [n_gene x F] of eval::Evidence when ranked by the ensemble
  bool by_ensemble = false;
};

class NewMirnaScorer {
 public:
  // `stored`: the store's ranking (may be null: the classifier alone); must outlive this.
  NewMirnaScorer(const Config& cfg, const Store& s, const Dataset& d, const rank::StoredRanking* stored, int threads);
  NewMirnaScores score(const std::string& raw_sequence) const;
  bool by_ensemble() const;

 private:
  const Config& cfg_;
  const Dataset& d_;
  const rank::StoredRanking* stored_;
  int threads_;
  embed::StoredModel doc2vec_;
  std::vector<float> gene_emb_;
  std::size_t dims_ = 0;
  model::Checkpoint ck_;
};

}  // namespace aemigap::score

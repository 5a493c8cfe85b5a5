// The evidence behind a pair (m, g): every feature a ranker may combine, each computed from
// a known graph (the validated pairs it is allowed to see) and from sources that need no
// validated pair (sequences, seed families, TargetScan, embeddings). One table of features
// (Evidence::features()), one fit, then the features of any pairs; the combiner (rank/) and
// `experiment recovery` (each feature alone, and the combiner) share it.
//
//   graph      gene and miRNA degree; miRNA-neighbour scores (miRNAs sharing validated
//              targets, cosine-weighted); implicit ALS and its within-miRNA / within-gene
//              percentiles; the gene's partners' mean degree
//   family     validated pairs of the miRNA's seed family (nt 2-8, and 2-7) on the gene,
//              their share of the family, the family's size and degree
//   targetscan a conserved TargetScan 7 site of the miRNA, of its family members, the
//              gene's and the family's number of sites
//   sequence   embedding distance, gene length, arm (-5p/-3p), seed GC
//
// Degrees are per 100 k known pairs, so a graph with pairs held out gives features on the
// scale of the full graph (the combiner trains on one and ranks with the other).
// A miRNA with no known pair (cold, or a new sequence) has zero graph features and full
// family, TargetScan and sequence features: never a constant.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aemigap/eval/baselines.hpp"
#include "aemigap/eval/families.hpp"
#include "aemigap/eval/recovery.hpp"
#include "aemigap/eval/targetscan.hpp"

namespace aemigap::eval {

// What needs no validated pair, made once per store.
struct StaticEvidence {
  std::uint64_t n_mirna = 0, n_gene = 0;
  SeedFamilies fam7, fam6;           // seeds nt 2-8 and nt 2-7
  TargetScanSites targetscan;        // may be empty (no table configured)
  std::vector<float> gene_log_length, mirna_arm, seed_gc;
  std::vector<float> mirna_emb, gene_emb;  // [n x dims]
  std::size_t dims = 0;
  std::vector<float> ts_family_sites;  // per miRNA: TargetScan sites of its 7-mer family, itself included

  static StaticEvidence from(const Dataset& d, TargetScanSites ts, std::vector<float> mirna_emb,
                             std::vector<float> gene_emb, std::size_t dims);
};

struct FeatureInfo {
  const char* name;
  const char* group;  // graph | family | targetscan | sequence
  const char* what;
};

class Evidence {
 public:
  // The features, in column order.
  static const std::vector<FeatureInfo>& features();
  static std::size_t n_features() { return features().size(); }
  // Index of a feature by name (throws Error for an unknown name).
  static std::size_t column(const std::string& name);

  // Fits the graph features on `known` (sorted, unique); `st` must outlive the Evidence. `als`: factors to use instead of
  // fitting them (e.g. the store's /als for the same graph); null: fit with opt.
  static Evidence fit(const std::vector<PairIndex>& known, const StaticEvidence& st, const AlsOptions& als_opt,
                      int threads, const ImplicitAls* als = nullptr);

  // Features of miRNA m with every gene: out[g * F + f] (F = n_features()).
  void row(std::int32_t m, float* out) const;
  // Listed pairs in any order: [n x F] (grouped by miRNA internally).
  std::vector<float> pairs(const std::vector<PairIndex>& p) const;
  // A miRNA that is not in the store, from its mature sequence and its (inferred)
  // embedding: every gene [n_gene x F]. It has no known pair: graph features are those of a
  // cold miRNA; family and TargetScan evidence come from the store's miRNAs of its seed.
  std::vector<float> new_mirna(const std::string& mature_sequence, const std::vector<float>& embedding) const;

  // Why a pair ranks high, in a reader's terms (cheap: no neighbour or column tables).
  struct Explanation {
    int family_validated = 0;   // other 7-mer family members validated on the gene
    int family_others = 0;      // other 7-mer family members
    bool targetscan = false;    // a conserved TargetScan site of the miRNA on the gene
    int family_targetscan = 0;  // other family members with a TargetScan site on the gene
    float als_percentile = 0;   // the pair's ALS score among the miRNA's genes, in [0, 1]
  };
  Explanation explain(std::int32_t m, std::int32_t g) const;
  // The same for every gene of miRNA m (out[g]), at about the cost of one explain().
  void explain_row(std::int32_t m, std::vector<Explanation>& out) const;

  const std::vector<PairIndex>& known() const;
  const ImplicitAls& als() const;
  const StaticEvidence& statics() const;

  Evidence();
  ~Evidence();
  Evidence(Evidence&&) noexcept;
  Evidence& operator=(Evidence&&) noexcept;
  struct State;

 private:
  std::unique_ptr<State> s_;
};

}  // namespace aemigap::eval

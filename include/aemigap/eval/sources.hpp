// Scoring sources for ranking: what each looks at, fitted on a training graph (the known
// pairs) and then asked for the scores of any pairs. One row per source in one table,
// shared by `experiment recovery` (which adds the classifier rows, experiment/recovery.cpp)
// and the ranking (rank/).
//   gene-popularity     a gene's number of known pairs
//   degree-product      miRNA degree x gene degree (preferential attachment)
//   embedding-distance  minus the Euclidean distance of the two Protein2Vec vectors (the
//                       quantity the paper's negative filter thresholds)
//   random              a seeded hash of the pair
//   als                 implicit-feedback matrix factorisation of the known graph
//                       (eval/baselines.hpp)
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/eval/baselines.hpp"
#include "aemigap/eval/recovery.hpp"

namespace aemigap::eval {

// What a source may learn from: the training graph, the embeddings, its options.
struct FitContext {
  const std::vector<PairIndex>* known = nullptr;  // sorted
  std::uint64_t n_mirna = 0, n_gene = 0;
  const std::vector<float>* mirna_emb = nullptr;  // [n_mirna x dims] (embedding-distance)
  const std::vector<float>* gene_emb = nullptr;
  std::size_t dims = 0;
  std::uint64_t seed = 42;
  AlsOptions als;
};

class Source {
 public:
  virtual ~Source() = default;
  // Higher = more likely an interaction; one score per pair, in order.
  virtual std::vector<float> score(const std::vector<PairIndex>& pairs) const = 0;
};

struct SourceRow {
  RecoveryModel id;
  std::unique_ptr<Source> (*fit)(const FitContext& ctx);
};
// The torch-free sources above, in that order.
const std::vector<SourceRow>& graph_sources();
// The row of `id`, or null when it is not a graph source (the classifier's rows).
const SourceRow* find_source(RecoveryModel id);

}  // namespace aemigap::eval

// Answers from the stored scores (and, for a new sequence, from the checkpoint), as a
// table the CLI prints as TSV. `score` is what orders the pairs (/scores/ranking when the
// ranker built one, else the classifier's probability); `probability` is the classifier's.
//   pair      one pair's score (or "validated" for a positive)
//   mirna     the N best genes of a miRNA (one row read)
//   gene      the N best miRNAs of a gene (one column, read by row blocks)
//   sequence  a sequence not in the store: its embedding inferred with the stored doc2vec
//             model, scored against every partner by the classifier alone (it has no
//             known pairs, so the graph side of a ranker cannot score it)
#pragma once

#include <string>
#include <vector>

#include "aemigap/core/fwd.hpp"

namespace aemigap::report {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string tsv() const;  // header and rows, tab-separated, one line each
};

// Exactly one of cfg.pair, cfg.mirna, cfg.gene, cfg.sequence must be set (ConfigError).
Table query(const Config& cfg);

}  // namespace aemigap::report

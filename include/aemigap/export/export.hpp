// Taking the results elsewhere: the ranked pool as a tidy table or an AnnData file, and
// scores appended to a user's own list of pairs (docs/results-usage.md).
//
//   export_pool   every unknown pair (or those the filters keep) with its score, the
//                 classifier's probability, its ranks over the pool, within its miRNA and
//                 within its gene, the percentile, identifiers (MIMAT, Entrez, Ensembl), the
//                 ranker's evidence, TargetScan support and whether it was a training
//                 negative. TSV (gzip when the path ends in .gz; rows by miRNA, then
//                 rank_in_mirna) or h5ad (X = probability, layers/ranking = the score).
//                 Streams by row blocks; compresses blocks on all threads.
//   score_pairs   the input's rows in their order with those columns appended; an
//                 identifier the store does not know gets empty scores and a reason.
#pragma once

#include <cstdint>
#include <string>

#include "aemigap/core/fwd.hpp"

namespace aemigap::exporting {

struct ExportResult {
  std::string path;
  std::uint64_t rows = 0;      // pairs written (rows of the table; cells of the h5ad matrix)
  std::string unit = "pairs";
  std::uint64_t unmapped = 0;  // identifiers of the filters / the input that matched nothing
  double seconds = 0;
};

ExportResult export_pool(const Config& cfg);
ExportResult score_pairs(const Config& cfg);

}  // namespace aemigap::exporting

// Validated miRNA-gene pair tables and the gene-symbol alias table.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "aemigap/core/config.hpp"

namespace aemigap {

// Auto decides by extension (a trailing .gz is ignored): .tsv/.txt -> Tsv, .gmt -> Gmt,
// .csv -> MtiCsv; throws InputError for an extension it cannot place. Never returns Auto.
PairsFormat resolve_pair_format(const std::string& path, PairsFormat configured);

struct RawPair {
  std::string mirna, gene;  // as written in the file (gene = symbol before alias mapping)
  std::size_t line = 0;
};

struct PairReadStats {
  std::size_t records = 0;        // pair records read (GMT: one per listed gene)
  std::size_t skipped_species = 0;  // MTI CSV rows that are not human-human
};

// Formats:
//  - TSV: two tab-separated columns miRNA, gene; an optional first line "miRNA<TAB>gene".
//  - GMT (Enrichr): one line per miRNA: name, description (may be empty), gene symbols.
//  - miRTarBase MTI CSV: header with at least the columns "miRNA", "Species (miRNA)",
//    "Target Gene", "Species (Target Gene)"; only Homo sapiens - Homo sapiens rows are kept.
// Blank lines are skipped. Errors name the file and line: wrong column count, empty field,
// missing header column, unbalanced quotes.
std::vector<RawPair> read_pairs(const std::string& path, PairsFormat format, PairReadStats* stats = nullptr);

// Alias table: TSV with a header line and two columns (pair symbol, FASTA key).
// A symbol listed twice with different keys is an error.
std::unordered_map<std::string, std::string> read_aliases(const std::string& path);

}  // namespace aemigap

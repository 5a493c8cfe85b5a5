// The dataset the method sees: miRNAs and genes with sequences, and the validated pairs
// between them. Built by ingest from the input files, stored in and read from the store.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aemigap {

struct Config;
class Store;

struct Dataset {
  std::vector<std::string> mirna_names, mirna_sequences;  // sorted by name
  // Genes are identified by their FASTA key; gene_symbols lists (';'-joined) the pair-table
  // symbols that mapped to each key, e.g. "KIAA0754;MACF1".
  std::vector<std::string> gene_names, gene_sequences, gene_symbols;  // sorted by name
  std::vector<std::array<std::int32_t, 2>> positives;                  // (miRNA, gene) indices, sorted

  std::uint64_t n_mirna() const { return mirna_names.size(); }
  std::uint64_t n_gene() const { return gene_names.size(); }
  // Every miRNA x gene pair that is not a validated positive.
  std::uint64_t pool_size() const { return n_mirna() * n_gene() - positives.size(); }
};

// Names as users type them: a gene by its FASTA key or any of its pair-table symbols (the
// first gene in order that matches), a miRNA by its name. The require_ forms throw
// ConfigError("<context>unknown gene 'KRSA' (did you mean KRAS?)").
std::optional<std::size_t> find_gene(const Dataset& d, std::string_view name);
std::optional<std::size_t> find_mirna(const Dataset& d, std::string_view name);
std::size_t require_gene(const Dataset& d, const std::string& name, const std::string& context = "");
std::size_t require_mirna(const Dataset& d, const std::string& name, const std::string& context = "");

// Pairs of another table (TargetScan sites, validation pairs) placed in a Dataset: a miRNA
// by its name, a gene symbol through the alias table (or as itself) to a FASTA key, else by
// any pair-table symbol of a gene. Unique, sorted; what could not be placed is counted.
struct MappedPairs {
  std::vector<std::array<std::int32_t, 2>> pairs;
  std::size_t rows = 0, unknown_mirna = 0, unknown_gene = 0, duplicates = 0;
  std::size_t mirna_names = 0, mirna_names_mapped = 0;  // distinct miRNA names, and of them found
  std::string summary() const;  // "224,380 rows: 221,276 pairs; 2 of 386 miRNA names not in the store (...)"
  std::vector<std::string> lost_mirnas;  // the names not found, sorted
};
MappedPairs map_pairs(const Dataset& d, const std::vector<struct RawPair>& raw,
                      const std::unordered_map<std::string, std::string>& aliases);

// What ingest kept and dropped, and why.
struct IngestReport {
  std::string pairs_path, pairs_format;
  std::size_t pair_records = 0, skipped_species = 0, distinct_input_pairs = 0;
  std::size_t fasta_mirnas = 0, fasta_genes = 0, fasta_duplicates_merged = 0;
  std::size_t aliases = 0, symbols_renamed = 0;
  std::size_t dropped_no_mirna_seq = 0, dropped_no_gene_seq = 0, dropped_neither = 0;  // distinct pairs
  std::size_t mirnas_without_seq = 0, symbols_without_seq = 0;                          // distinct names
  std::size_t merged_by_mapping = 0;  // distinct input pairs that became the same (miRNA, key)
  std::size_t positives = 0, mirnas = 0, genes = 0;
  std::uint64_t pool = 0;

  std::string to_text() const;
};

// Reads the configured inputs (pairs, mirna-fasta, gene-fasta, gene-alphabet, aliases).
Dataset ingest(const Config& cfg, IngestReport* report = nullptr);

void write_dataset(Store& store, const Dataset& d);

// (miRNA index, gene index) tables as int32 [n, 2] datasets (/pairs/positive, /pairs/negative).
using PairIndex = std::array<std::int32_t, 2>;
void write_pair_table(Store& s, const std::string& name, const std::vector<PairIndex>& pairs);
std::vector<PairIndex> read_pair_table(const Store& s, const std::string& name);
Dataset read_dataset(const Store& store);  // throws InputError when the store lacks it

}  // namespace aemigap

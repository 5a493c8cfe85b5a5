// Config: the single source of every parameter (LightGBM style).
//
// AEMIGAP_CONFIG_FIELDS lists each parameter once: C++ type, member, option name, section,
// kind, default and help. From that one list come the struct below, the command line and
// INI config-file parsing (Boost.Program_options), `aemigap --help`, the INI dump stored in
// every HDF5 store, and docs/config.md (`aemigap config --markdown`; a test keeps it in sync).
//
// Precedence: command line > config file (--config FILE) > built-in default.
// Relative paths (kind Path) written in a config file are relative to that file's folder,
// so presets in configs/ work from any working directory; on the command line (and for
// defaults) they are relative to the working directory. Parsed paths are absolute, so the
// INI dump stored in the HDF5 store says exactly which files were read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aemigap {

enum class FieldKind { Plain, Path };

// X(type, member, "option-name", "section", kind, default, "help")
#define AEMIGAP_CONFIG_FIELDS(X)                                                                  \
  /* general */                                                                                   \
  X(std::string, store, "store", "general", Path, "aemigap.h5",                                   \
    "HDF5 store that every stage reads and writes")                                               \
  X(std::uint64_t, seed, "seed", "general", Plain, 42,                                            \
    "Seed of every random choice (sampling, folds, initialisation)")                              \
  X(int, threads, "threads", "general", Plain, 0,                                                 \
    "Threads per rank; 0 = SLURM_CPUS_PER_TASK, else OMP_NUM_THREADS, else all cores")            \
  X(double, progress_interval, "progress-interval", "general", Plain, 5.0,                        \
    "Seconds between progress lines of long work")                                                \
  X(std::string, log_level, "log-level", "general", Plain, "info", "quiet | info | debug")        \
  /* ingest */                                                                                    \
  X(std::string, pairs, "pairs", "ingest", Path, "data/mirtarbase7_hsa_pairs.tsv.gz",             \
    "Validated miRNA-gene pairs: two-column TSV, Enrichr GMT or miRTarBase MTI CSV (.gz ok)")    \
  X(std::string, pairs_format, "pairs-format", "ingest", Plain, "auto",                           \
    "auto | tsv | gmt | mti-csv; auto decides by file extension (.tsv/.txt, .gmt, .csv)")         \
  X(std::string, mirna_fasta, "mirna-fasta", "ingest", Path, "data/hsa_mature.fa.gz",             \
    "Mature miRNA sequences, FASTA, RNA or DNA alphabet (T is read as U)")                        \
  X(std::string, gene_fasta, "gene-fasta", "ingest", Path, "data/human_protein_by_symbol.fa.gz",  \
    "Gene sequences keyed by symbol, FASTA (protein or nucleotide, see gene-alphabet)")           \
  X(std::string, gene_alphabet, "gene-alphabet", "ingest", Plain, "protein",                      \
    "protein | nucleotide: alphabet of gene-fasta (nucleotide: U is read as T)")                  \
  X(std::string, aliases, "aliases", "ingest", Path, "data/gene_symbol_aliases.tsv.gz",           \
    "Optional TSV (header, 2 columns) mapping pair gene symbols to gene-fasta keys; "             \
    "symbols not listed map to themselves; empty = none")

struct Config {
#define AEMIGAP_CONFIG_MEMBER(type, member, name, section, kind, def, help) type member = def;
  AEMIGAP_CONFIG_FIELDS(AEMIGAP_CONFIG_MEMBER)
#undef AEMIGAP_CONFIG_MEMBER

  // Checks value choices and ranges; throws ConfigError naming the option.
  void validate() const;
  // INI text of every parameter (stored as the "config" attribute of the HDF5 store).
  std::string to_ini() const;
};

// Description of one field, for help and docs.
struct FieldInfo {
  std::string name, section, type, default_value, help;
  FieldKind kind;
};
const std::vector<FieldInfo>& config_fields();

// Parses "--config FILE" and every option in args (program name and subcommand removed).
// Throws ConfigError (command line) or InputError (config file: names file and line).
Config parse_config(const std::vector<std::string>& args);

// `aemigap --help` text of all options grouped by section, and docs/config.md.
std::string config_help();
std::string config_markdown();

}  // namespace aemigap

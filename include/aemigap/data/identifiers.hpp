// Standard identifiers of the store's miRNAs and genes, and lookup by any of them.
//
// Genes: the store's key (the FASTA symbol), its pair-table symbols, and from
// data/gene_ids.tsv.gz (derived from Debian's org.Hs.eg.db, data/README.md) the NCBI Entrez
// id, Ensembl gene ids and the aliases. miRNAs: the name and the miRBase MIMAT accession
// (from the TargetScan family table). Lookups never drop an identifier silently: an
// unknown one comes back with the reason.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace aemigap {

struct Config;
struct Dataset;

// One row of TargetScan's miR_Family_Info (data/targetscan8_human_miR_family_info.txt.gz):
// the miRNA's name (isoform suffix ".1"/".2" stripped), its 7-mer seed (m8) and its MIMAT
// accession. Read once here for the embed stage's seed-family check and for the accessions.
struct MirnaFamilyRow {
  std::string mirna, seed, accession;
};
std::vector<MirnaFamilyRow> read_mirna_family_table(const std::string& path);

struct IdLookup {
  std::int64_t index = -1;  // the store's gene or miRNA index; -1 when not found
  std::string reason;       // why not (empty when found)
  bool found() const { return index >= 0; }
};

class Identifiers {
 public:
  // cfg.gene_ids and cfg.mirna_families; an empty path leaves those identifiers out.
  static Identifiers load(const Config& cfg, const Dataset& d);

  IdLookup gene(const std::string& id) const;   // key, symbol, alias, Entrez id or ENSG id
  IdLookup mirna(const std::string& id) const;  // name (any letter case) or MIMAT accession
  // The same, or ConfigError("<context>unknown gene identifier 'KRSA' (did you mean KRAS?)").
  std::size_t require_gene(const std::string& id, const std::string& context = "") const;
  std::size_t require_mirna(const std::string& id, const std::string& context = "") const;

  // Per store index; "" where the tables have none.
  const std::string& entrez(std::size_t gene) const { return entrez_[gene]; }
  const std::string& ensembl(std::size_t gene) const { return ensembl_[gene]; }
  const std::string& mirbase_accession(std::size_t mirna) const { return mimat_[mirna]; }

  // "genes: 12,950 of 13,101 with an Entrez id; miRNAs: 2,540 of 2,568 with a MIMAT accession"
  std::string summary() const;

 private:
  const Dataset* d_ = nullptr;
  std::vector<std::string> entrez_, ensembl_, mimat_;
  std::unordered_map<std::string, std::int64_t> gene_by_;           // keys, symbols, Entrez, ENSG (upper case)
  std::unordered_map<std::string, std::vector<std::string>> alias_;  // alias -> symbols having it
  std::unordered_map<std::string, std::string> symbol_of_entrez_;    // for the reason of a gene not in the store
  std::unordered_map<std::string, std::int64_t> mirna_by_;          // lower-case name, MIMAT
  std::unordered_map<std::string, std::string> mirna_of_mimat_;      // every accession of the table
};

}  // namespace aemigap

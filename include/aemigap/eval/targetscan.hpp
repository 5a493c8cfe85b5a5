// TargetScan 7.0 conserved predicted sites (the bundled table: miRNA with miRBase 21
// names, gene symbol) placed on the store's miRNAs and genes: a sequence-based prediction
// that needs no validated pair. The miRNA names are matched as they are (384 of the 386
// names of the bundled table are store miRNAs); what was lost is counted and reported.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aemigap/data/dataset.hpp"

namespace aemigap::eval {

class TargetScanSites {
 public:
  TargetScanSites() = default;
  // path: the TSV (miRNA, gene symbol; header optional); aliases: the ingest alias table
  // path (empty: none). InputError naming the file for a malformed table.
  static TargetScanSites read(const std::string& path, const std::string& aliases, const Dataset& d);
  bool empty() const { return n_sites_ == 0; }
  bool site(std::int32_t m, std::int32_t g) const;
  const std::vector<std::int32_t>& genes_of(std::int32_t m) const { return by_mirna_[static_cast<std::size_t>(m)]; }
  std::uint32_t mirnas_with_site(std::int32_t g) const { return per_gene_[static_cast<std::size_t>(g)]; }
  std::size_t n_sites() const { return n_sites_; }
  const MappedPairs& mapping() const { return mapped_; }  // what was read and lost

 private:
  std::vector<std::vector<std::int32_t>> by_mirna_;  // sorted genes with a site
  std::vector<std::uint32_t> per_gene_;
  std::size_t n_sites_ = 0;
  MappedPairs mapped_;
};

}  // namespace aemigap::eval

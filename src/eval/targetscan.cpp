#include "aemigap/eval/targetscan.hpp"

#include <algorithm>

#include "aemigap/data/pairs.hpp"

namespace aemigap::eval {

TargetScanSites TargetScanSites::read(const std::string& path, const std::string& aliases, const Dataset& d) {
  TargetScanSites t;
  const auto raw = read_pairs(path, PairsFormat::Tsv);
  t.mapped_ = map_pairs(d, raw, aliases.empty() ? std::unordered_map<std::string, std::string>{} : read_aliases(aliases));
  t.by_mirna_.assign(d.n_mirna(), {});
  t.per_gene_.assign(d.n_gene(), 0);
  for (const auto& p : t.mapped_.pairs) {
    t.by_mirna_[static_cast<std::size_t>(p[0])].push_back(p[1]);  // pairs are sorted: genes ascend
    ++t.per_gene_[static_cast<std::size_t>(p[1])];
  }
  t.n_sites_ = t.mapped_.pairs.size();
  return t;
}

bool TargetScanSites::site(std::int32_t m, std::int32_t g) const {
  const auto& v = by_mirna_[static_cast<std::size_t>(m)];
  return std::binary_search(v.begin(), v.end(), g);
}

}  // namespace aemigap::eval

// Reads a store through the installed library: counts, one identifier lookup, lineage.
#include <cstdio>

#include "aemigap/core/config.hpp"
#include "aemigap/core/lineage.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/data/identifiers.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: consumer STORE GENE_IDS\n");
    return 2;
  }
  const aemigap::Store s = aemigap::Store::open(argv[1]);
  const aemigap::Dataset d = aemigap::read_dataset(s);
  aemigap::Config cfg;
  cfg.gene_ids = argv[2];
  cfg.mirna_families.clear();
  const auto ids = aemigap::Identifiers::load(cfg, d);
  const auto kras = ids.gene("3845");
  std::printf("%zu %zu %zu %s %s\n", d.mirna_names.size(), d.gene_names.size(), d.positives.size(),
              kras.found() ? d.gene_names[static_cast<std::size_t>(kras.index)].c_str() : "-",
              aemigap::lineage::id_of(s, aemigap::lineage::Product::Pairs).c_str());
  return 0;
}

#include <gtest/gtest.h>

#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/data/dataset.hpp"
#include "test_util.hpp"

using namespace aemigap;
using namespace aemigap::test;

namespace {
Config small_inputs(const TempDir& t) {
  Config c;
  c.mirna_fasta = write_file(t.file("m.fa"), ">hsa-miR-b\nACGUACGU\n>hsa-miR-a\nUUUU\n>hsa-miR-unused\nGGGG\n");
  c.gene_fasta = write_file(t.file("g.fa"), ">MACF1\nMKLV\n>KRAS\nMTEY\n>EGFR\nMRPS\n");
  c.aliases = write_file(t.file("al.tsv"), "gmt_symbol\tfasta_symbol\nKIAA0754\tMACF1\n");
  c.pairs = write_file(t.file("p.tsv"),
                       "miRNA\tgene\n"
                       "hsa-miR-a\tKRAS\n"
                       "hsa-miR-a\tMACF1\n"
                       "hsa-miR-a\tKIAA0754\n"   // same key as MACF1: merged
                       "hsa-miR-b\tKIAA0754\n"   // through the alias
                       "hsa-miR-b\tKRAS\n"
                       "hsa-miR-b\tKRAS\n"       // duplicate line
                       "hsa-miR-x\tKRAS\n"       // no miRNA sequence
                       "hsa-miR-a\tNOPE\n"       // no gene sequence
                       "hsa-miR-x\tNOPE\n");     // neither
  return c;
}
}  // namespace

TEST(Ingest, MapsAliasesMergesAndReportsDrops) {
  TempDir t;
  IngestReport rep;
  Dataset d = ingest(small_inputs(t), &rep);
  EXPECT_EQ(d.mirna_names, (std::vector<std::string>{"hsa-miR-a", "hsa-miR-b"}));
  EXPECT_EQ(d.gene_names, (std::vector<std::string>{"KRAS", "MACF1"}));  // EGFR is in no pair
  EXPECT_EQ(d.gene_symbols, (std::vector<std::string>{"KRAS", "KIAA0754;MACF1"}));
  EXPECT_EQ(d.mirna_sequences[0], "UUUU");
  using P = std::array<std::int32_t, 2>;
  EXPECT_EQ(d.positives, (std::vector<P>{{0, 0}, {0, 1}, {1, 0}, {1, 1}}));
  EXPECT_EQ(d.pool_size(), 0u);
  EXPECT_EQ(rep.pair_records, 9u);
  EXPECT_EQ(rep.distinct_input_pairs, 8u);
  EXPECT_EQ(rep.dropped_no_mirna_seq, 1u);
  EXPECT_EQ(rep.dropped_no_gene_seq, 1u);
  EXPECT_EQ(rep.dropped_neither, 1u);
  EXPECT_EQ(rep.merged_by_mapping, 1u);
  EXPECT_EQ(rep.symbols_renamed, 1u);
  EXPECT_EQ(rep.positives, 4u);
}

TEST(Ingest, NoUsablePairIsAnError) {
  TempDir t;
  Config c = small_inputs(t);
  c.pairs = write_file(t.file("none.tsv"), "hsa-miR-x\tNOPE\n");
  EXPECT_INPUT_ERROR(ingest(c), 0, "no pair has sequences");
}

TEST(Ingest, StoreRoundTrip) {
  TempDir t;
  Dataset d = ingest(small_inputs(t));
  {
    StoreUpdate up(t.file("s.h5"), true);
    write_dataset(up.store(), d);
    up.commit();
  }
  Dataset e = read_dataset(Store::open(t.file("s.h5")));
  EXPECT_EQ(e.mirna_names, d.mirna_names);
  EXPECT_EQ(e.mirna_sequences, d.mirna_sequences);
  EXPECT_EQ(e.gene_names, d.gene_names);
  EXPECT_EQ(e.gene_symbols, d.gene_symbols);
  EXPECT_EQ(e.gene_sequences, d.gene_sequences);
  EXPECT_EQ(e.positives, d.positives);
}

// The counts the method's data README states for the bundled data, from the TSV and the GMT.
TEST(Ingest, BundledDataGivesTheDocumentedCounts) {
  for (const char* pairs : {"mirtarbase7_hsa_pairs.tsv.gz", "miRTarBase_2017.gmt.gz"}) {
    Config c;
    c.pairs = bundled(pairs);
    c.mirna_fasta = bundled("hsa_mature.fa.gz");
    c.gene_fasta = bundled("human_protein_by_symbol.fa.gz");
    c.aliases = bundled("gene_symbol_aliases.tsv.gz");
    IngestReport rep;
    Dataset d = ingest(c, &rep);
    EXPECT_EQ(d.positives.size(), 351118u) << pairs;
    EXPECT_EQ(d.n_mirna(), 2568u) << pairs;
    EXPECT_EQ(d.n_gene(), 13101u) << pairs;
    EXPECT_EQ(d.pool_size(), 33292250u) << pairs;
    for (const char* g : {"ALK", "EGFR", "GNAS", "KRAS", "PIK3CA"})
      EXPECT_TRUE(std::binary_search(d.gene_names.begin(), d.gene_names.end(), g)) << g;
  }
}

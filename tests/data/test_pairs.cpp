#include <gtest/gtest.h>

#include "aemigap/core/error.hpp"
#include "aemigap/data/pairs.hpp"
#include "test_util.hpp"

using namespace aemigap;
using namespace aemigap::test;

TEST(Pairs, FormatFromExtension) {
  EXPECT_EQ(resolve_pair_format("a/b.tsv.gz", PairsFormat::Auto), PairsFormat::Tsv);
  EXPECT_EQ(resolve_pair_format("b.TXT", PairsFormat::Auto), PairsFormat::Tsv);
  EXPECT_EQ(resolve_pair_format("b.gmt", PairsFormat::Auto), PairsFormat::Gmt);
  EXPECT_EQ(resolve_pair_format("MTI.csv", PairsFormat::Auto), PairsFormat::MtiCsv);
  EXPECT_EQ(resolve_pair_format("b.xlsx", PairsFormat::Tsv), PairsFormat::Tsv);  // explicit wins
  EXPECT_INPUT_ERROR(resolve_pair_format("MTI.xlsx", PairsFormat::Auto), 0, "unknown pair-table format");
}

TEST(Pairs, Tsv) {
  TempDir t;
  auto p = write_file(t.file("p.tsv"), "miRNA\tgene\nhsa-miR-1\tKRAS\n\nhsa-miR-2\tEGFR\n");
  PairReadStats st;
  auto r = read_pairs(p, PairsFormat::Tsv, &st);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].mirna, "hsa-miR-2");
  EXPECT_EQ(r[1].gene, "EGFR");
  EXPECT_EQ(r[1].line, 4u);
  EXPECT_EQ(st.records, 2u);
}

TEST(Pairs, TsvErrors) {
  TempDir t;
  EXPECT_INPUT_ERROR(read_pairs(write_file(t.file("a.tsv"), "m1\tg1\nm2\tg2\tg3\n"), PairsFormat::Tsv), 2,
                     "expected 2 tab-separated columns (miRNA, gene), found 3");
  EXPECT_INPUT_ERROR(read_pairs(write_file(t.file("b.tsv"), "m1\tg1\nm2\n"), PairsFormat::Tsv), 2, "found 1");
  EXPECT_INPUT_ERROR(read_pairs(write_file(t.file("c.tsv"), "m1\tg1\nm2\t\n"), PairsFormat::Tsv), 2, "truncated");
  EXPECT_INPUT_ERROR(read_pairs(write_file(t.file("d.tsv"), "miRNA\tgene\n"), PairsFormat::Tsv), 0, "no pairs");
}

TEST(Pairs, Gmt) {
  TempDir t;
  auto p = write_file(t.file("x.gmt"), "hsa-miR-1\t\tKRAS\tEGFR\t\nmmu-miR-1\tdesc\tKras\n");
  auto r = read_pairs(p, PairsFormat::Gmt);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].gene, "KRAS");
  EXPECT_EQ(r[1].gene, "EGFR");
  EXPECT_EQ(r[2].line, 2u);
  EXPECT_INPUT_ERROR(read_pairs(write_file(t.file("y.gmt"), "hsa-miR-1\t\tA\nhsa-miR-2\n"), PairsFormat::Gmt), 2,
                     "set name, a description and at least one gene");
  EXPECT_INPUT_ERROR(read_pairs(write_file(t.file("z.gmt"), "hsa-miR-1\t\t\t\n"), PairsFormat::Gmt), 1, "lists no genes");
}

TEST(Pairs, MtiCsvKeepsHumanHuman) {
  TempDir t;
  auto p = write_file(t.file("MTI.csv"),
                      "miRTarBase ID,miRNA,Species (miRNA),Target Gene,Target Gene (Entrez ID),Species (Target Gene),"
                      "Experiments,Support Type,References (PMID)\n"
                      "MIRT000002,hsa-miR-20a-5p,Homo sapiens,HIF1A,3091,Homo sapiens,\"Luciferase, qPCR\",Functional MTI,18632605\n"
                      "MIRT000003,mmu-miR-1a-3p,Mus musculus,Kcnj2,16518,Mus musculus,Western blot,Functional MTI,17401374\n"
                      "MIRT000004,hsa-miR-146a-5p,Homo sapiens,CXCR4,7852,Homo sapiens,\"a \"\"quoted\"\" word\",Functional MTI,1\n");
  PairReadStats st;
  auto r = read_pairs(p, PairsFormat::MtiCsv, &st);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].mirna, "hsa-miR-20a-5p");
  EXPECT_EQ(r[0].gene, "HIF1A");
  EXPECT_EQ(r[1].gene, "CXCR4");
  EXPECT_EQ(st.skipped_species, 1u);
}

TEST(Pairs, MtiCsvErrors) {
  TempDir t;
  EXPECT_INPUT_ERROR(read_pairs(write_file(t.file("a.csv"), "id,miRNA,Target Gene\n"), PairsFormat::MtiCsv), 1,
                     "no column \"Species (miRNA)\"");
  std::string head = "miRNA,Species (miRNA),Target Gene,Species (Target Gene)\n";
  EXPECT_INPUT_ERROR(read_pairs(write_file(t.file("b.csv"), head + "hsa-miR-1,Homo sapiens,KRAS\n"), PairsFormat::MtiCsv),
                     2, "expected 4 comma-separated columns");
  EXPECT_INPUT_ERROR(
      read_pairs(write_file(t.file("c.csv"), head + "hsa-miR-1,\"Homo sapiens,KRAS,Homo sapiens\n"), PairsFormat::MtiCsv),
      2, "unbalanced double quote");
}

TEST(Aliases, ReadsAndRejectsConflicts) {
  TempDir t;
  auto a = read_aliases(write_file(t.file("a.tsv"), "gmt_symbol\tfasta_symbol\nKIAA0754\tMACF1\nMACF1\tMACF1\n"));
  EXPECT_EQ(a.at("KIAA0754"), "MACF1");
  EXPECT_EQ(a.size(), 2u);
  EXPECT_INPUT_ERROR(read_aliases(write_file(t.file("b.tsv"), "h\th\nA\tB\nA\tC\n")), 3,
                     "maps to 'C' here but to 'B' on line 2");
  EXPECT_INPUT_ERROR(read_aliases(write_file(t.file("c.tsv"), "h\th\nA\tB\tC\n")), 2, "found 3");
}

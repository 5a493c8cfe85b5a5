#include <gtest/gtest.h>

#include "aemigap/core/error.hpp"
#include "aemigap/data/fasta.hpp"
#include "test_util.hpp"

using namespace aemigap;
using namespace aemigap::test;

TEST(Fasta, ReadsAndNormalisesRna) {
  TempDir t;
  auto p = write_file(t.file("m.fa"), ">hsa-miR-1 some description\nuggaaug\nTAAAG\n>hsa-miR-2\nACGUN\n");
  auto r = read_fasta(p, Alphabet::Rna);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, "hsa-miR-1");
  EXPECT_EQ(r[0].sequence, "UGGAAUGUAAAG");  // upper case, T read as U, lines joined
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[1].line, 4u);
}

TEST(Fasta, NucleotideReadsUAsT) {
  TempDir t;
  auto r = read_fasta(write_file(t.file("g.fa"), ">g\nacgu\n"), Alphabet::Nucleotide);
  EXPECT_EQ(r[0].sequence, "ACGT");
}

TEST(Fasta, ProteinDropsFinalStop) {
  TempDir t;
  auto r = read_fasta(write_file(t.file("p.fa"), ">KRAS\nMTEYKLVVVG\nAGGVGKSAL*\n"), Alphabet::Protein);
  EXPECT_EQ(r[0].sequence, "MTEYKLVVVGAGGVGKSAL");
}

TEST(Fasta, IllegalLetterNamesLineAndColumn) {
  TempDir t;
  auto p = write_file(t.file("m.fa"), ">a\nACGU\n>b\nACGUX\n");
  EXPECT_INPUT_ERROR(read_fasta(p, Alphabet::Rna), 4, "illegal letter 'X' at column 5");
  auto q = write_file(t.file("p.fa"), ">a\nMK*LL\n");
  EXPECT_INPUT_ERROR(read_fasta(q, Alphabet::Protein), 2, "'*'");
  auto s = write_file(t.file("s.fa"), ">a\nMK*\nLL\n");
  EXPECT_INPUT_ERROR(read_fasta(s, Alphabet::Protein), 3, "after a '*' stop");
}

TEST(Fasta, EmptySequenceNamesItsHeader) {
  TempDir t;
  auto p = write_file(t.file("m.fa"), ">a\nACGU\n>empty\n>c\nACGU\n");
  EXPECT_INPUT_ERROR(read_fasta(p, Alphabet::Rna), 3, "'empty' is empty");
  auto q = write_file(t.file("n.fa"), ">a\nACGU\n>last\n\n");
  EXPECT_INPUT_ERROR(read_fasta(q, Alphabet::Rna), 3, "'last' is empty");
}

TEST(Fasta, DuplicateIds) {
  TempDir t;
  std::size_t merged = 0;
  auto same = read_fasta(write_file(t.file("a.fa"), ">x\nACGU\n>y\nGG\n>x\nACGU\n"), Alphabet::Rna, &merged);
  EXPECT_EQ(same.size(), 2u);
  EXPECT_EQ(merged, 1u);
  auto p = write_file(t.file("b.fa"), ">x\nACGU\n>y\nGG\n>x\nACGA\n");
  EXPECT_INPUT_ERROR(read_fasta(p, Alphabet::Rna), 5, "duplicate id 'x' with a different sequence (first on line 1)");
}

TEST(Fasta, StructuralErrors) {
  TempDir t;
  EXPECT_INPUT_ERROR(read_fasta(write_file(t.file("a.fa"), "ACGU\n>x\nA\n"), Alphabet::Rna), 1, "before the first '>'");
  EXPECT_INPUT_ERROR(read_fasta(write_file(t.file("b.fa"), ">x\nA\n> \nA\n"), Alphabet::Rna), 3, "without an id");
  EXPECT_INPUT_ERROR(read_fasta(write_file(t.file("c.fa"), ""), Alphabet::Rna), 0, "no FASTA records");
  EXPECT_INPUT_ERROR(read_fasta(t.file("missing.fa"), Alphabet::Rna), 0, "not found");
  EXPECT_INPUT_ERROR(read_fasta(write_file(t.file("d.fa"), ">x\nAC\xff\n"), Alphabet::Rna), 2, "UTF-8");
}

TEST(Fasta, BundledFilesParse) {
  auto m = read_fasta(bundled("hsa_mature.fa.gz"), Alphabet::Rna);
  EXPECT_EQ(m.size(), 2590u);
  auto g = read_fasta(bundled("human_protein_by_symbol.fa.gz"), Alphabet::Protein);
  EXPECT_EQ(g.size(), 17599u);
  std::size_t residues = 0;
  for (const auto& r : g) residues += r.sequence.size();
  EXPECT_EQ(residues, 10272080u);  // as counted in data/README.md
}

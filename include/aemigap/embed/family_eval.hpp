// Quality check of miRNA embeddings that can fail: seed-family retrieval. miRNAs that share
// a seed (TargetScan's Seed.m8) should be near each other. For every miRNA whose seed is
// shared by at least one other evaluated miRNA, take its k nearest others by cosine and
// count those with the same seed; report the mean precision@k. The same number for a plain
// overlapping k-mer count vector is the baseline beside it.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace aemigap::embed {

// miRNA name -> Seed.m8 from TargetScan's miR_Family_Info (human rows; quoted,
// space-separated; isoform suffixes ".1"/".2" stripped, first kept). Errors name file:line.
std::unordered_map<std::string, std::string> read_seed_families(const std::string& path);

struct FamilyPrecision {
  double precision = 0;     // mean precision@k
  std::size_t queries = 0;  // miRNAs with at least one same-seed partner
  std::size_t evaluated = 0;  // miRNAs with a known seed
};

// vectors: [n x dims]; seeds[i] empty = unknown (not evaluated, not a neighbour).
FamilyPrecision seed_family_precision(const std::vector<float>& vectors, std::size_t dims,
                                      const std::vector<std::string>& seeds, int k = 5);

// Baseline: overlapping k-mer counts of RNA sequences (4^k dims, ACGU; N skipped).
std::vector<float> kmer_count_vectors(const std::vector<std::string>& rna, int k, std::size_t* dims);

}  // namespace aemigap::embed

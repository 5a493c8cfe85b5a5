// Seed families: miRNAs whose seeds (nucleotides 2-8 of the mature sequence, TargetScan's
// "Seed.m8") are equal target largely the same sites, so a family member's validated
// targets are evidence for the others. Works from a sequence alone, so a miRNA with no
// validated pair, or a new sequence (query --sequence), has a family too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aemigap::eval {

// Nucleotides 2..(1 + length) (RNA alphabet, T read as U): the 7-mer seed (nt 2-8) by
// default, the 6-mer (nt 2-7) with length 6; "" for a sequence too short.
std::string seed_of(std::string_view mature, int length = 7);

struct SeedFamilies {
  std::vector<std::int32_t> family;                 // per miRNA: its family id (-1: no seed)
  std::vector<std::vector<std::int32_t>> members;   // per family: its miRNAs, ascending
  std::vector<std::string> seeds;                   // per family: the seed
  std::unordered_map<std::string, std::int32_t> by_seed;

  static SeedFamilies from(const std::vector<std::string>& mature_sequences, int seed_length = 7);
  int seed_length = 7;
  // The other members of miRNA m's family (empty when it has none).
  std::vector<std::int32_t> others(std::int32_t m) const;
  // The store's miRNAs with this seed (for a sequence that is not in the store).
  const std::vector<std::int32_t>* members_of_seed(const std::string& seed) const;
};

}  // namespace aemigap::eval

// Protein2Vec corpus: every sequence becomes `frames` documents, one per reading frame f
// (the non-overlapping k-mers starting at f), all tagged with the sequence's index.
//
// Words are namespaced by sequence kind: the nucleotide 3-mer "ACG" of a miRNA and the
// amino-acid 3-mer "ACG" of a protein are different words ("n:ACG" vs "p:ACG"). One model
// is trained over both kinds, so miRNA and gene vectors share one training run, one
// negative-sampling distribution and one learning-rate schedule.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aemigap::embed {

// The k-mers of one reading frame (k <= 7); a tail shorter than k is dropped.
std::vector<std::string> frame_kmers(std::string_view seq, int k, int frame);

// Word key: namespace letter and up to 7 letters packed into 64 bits (fast to hash).
std::uint64_t word_key(char ns, std::string_view kmer);
std::string word_text(std::uint64_t key);  // "n:ACG"

struct Corpus {
  std::vector<std::string> vocab;             // word id -> "n:ACG", most frequent first
  std::vector<std::uint64_t> counts;          // word id -> occurrences
  std::vector<std::int32_t> words;            // every document's word ids, concatenated
  std::vector<std::uint64_t> doc_offsets;     // n_docs + 1 offsets into words
  std::vector<std::int32_t> doc_tags;         // document -> tag (the sequence's index)
  std::size_t n_tags = 0;
  std::uint64_t total_words() const { return words.size(); }
  std::size_t n_docs() const { return doc_tags.size(); }
};

class CorpusBuilder {
 public:
  CorpusBuilder(int k, int frames);
  // Adds a sequence's documents under a new tag; returns the tag.
  std::int32_t add(char ns, std::string_view sequence);
  // Drops words seen fewer than min_count times, numbers the vocabulary by frequency.
  Corpus finish(std::uint64_t min_count);
  // Word ids of a sequence for a finished corpus (unknown words dropped), per frame.
  static std::vector<std::vector<std::int32_t>> encode(const Corpus& c, char ns, std::string_view seq, int k,
                                                       int frames);

 private:
  int k_, frames_;
  std::vector<std::uint64_t> keys_;          // all words as keys
  std::vector<std::uint64_t> offsets_{0};
  std::vector<std::int32_t> tags_;
  std::int32_t next_tag_ = 0;
};

}  // namespace aemigap::embed

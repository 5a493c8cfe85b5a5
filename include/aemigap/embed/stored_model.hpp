// The doc2vec model a store keeps for one sequence kind, read back to infer the embedding of
// a sequence the store does not have (query --sequence, score-pairs with sequences).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/embed/corpus.hpp"
#include "aemigap/embed/doc2vec.hpp"

namespace aemigap {
class Store;
}

namespace aemigap::embed {

struct StoredModel {
  Corpus vocab;
  Doc2Vec model;
  Doc2VecOptions options;
  int k = 3, frames = 3;
  char ns = 'n';

  // Throws InputError when the store has no embedding model of that kind.
  static StoredModel read(const Store& s, SequenceKind kind);
  // The embedding of a sequence as a user typed it (normalised for the model's alphabet
  // into *normalised); ConfigError when none of its k-mers is in the vocabulary.
  std::vector<float> infer(const std::string& raw_sequence, std::uint64_t seed, std::string* normalised) const;
};

}  // namespace aemigap::embed

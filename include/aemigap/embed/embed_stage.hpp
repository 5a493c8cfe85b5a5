// The embed stage: Protein2Vec vectors for every miRNA and gene of the dataset, the
// seed-family check, and the model arrays that `infer` (query) needs, in the store.
//
// One doc2vec model per sequence kind. Their vocabularies cannot collide (nucleotide and
// amino-acid 3-mers are different words even where the letters agree), and each kind draws
// its negative samples from its own words: in one joint model with namespaced words, 99 %
// of a miRNA's negatives were protein 3-mers, and seed-family precision@5 fell from 0.026
// to 0.004 (window 7, 25 epochs; measured, docs/embeddings.md). The miRNA model is tiny
// (~51 k words an epoch), so it can afford more epochs (embed-mirna-epochs).
#pragma once

#include "aemigap/core/fwd.hpp"

#include <string>
#include <vector>

#include "aemigap/embed/corpus.hpp"
#include "aemigap/embed/doc2vec.hpp"
#include "aemigap/embed/family_eval.hpp"


namespace aemigap::embed {

// Namespaces of the words (see corpus.hpp).
constexpr char kMirnaNs = 'n';
char gene_namespace(const Config& cfg);  // 'p' protein, 'd' nucleotide

Doc2VecOptions doc2vec_options(const Config& cfg, int threads, bool mirna);

struct KindModel {
  Corpus corpus;
  Doc2Vec model;
};

struct Embeddings {
  std::vector<float> mirna, gene;  // [n x dims]
  KindModel mirna_model, gene_model;
  FamilyPrecision family, family_kmer_baseline;  // family.queries == 0: check skipped
};

// Builds both corpora, trains both models, runs the seed-family check.
Embeddings embed_dataset(const Dataset& d, const Config& cfg, int threads);

void write_embeddings(Store& s, const Embeddings& e, const Config& cfg);
// Reads /mirna/embedding and /gene/embedding; throws InputError if the store lacks them.
void read_embeddings(const Store& s, std::vector<float>& mirna, std::vector<float>& gene, std::size_t& dims);

}  // namespace aemigap::embed

// doc2vec (Le & Mikolov 2014) as gensim implements it: PV-DM (mean or sum of the document
// vector and the context words) or PV-DBOW, negative sampling with the unigram^0.75
// distribution, frequent-word down-sampling, a randomly reduced window, and a learning rate
// that decays linearly from alpha to min_alpha over all epochs.
//
// Training is asynchronous over documents with `threads` workers, each on its own copy of the
// word vectors and output weights, merged into the shared model every model-size/4 words
// (docs/performance.md: shared hot rows halved the speed at random); deterministic mode uses
// one worker and a fixed document order, so the same seed gives bit-identical vectors.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "aemigap/embed/corpus.hpp"

namespace aemigap::embed {

struct Doc2VecOptions {
  int dims = 64;
  int window = 7;
  int negative = 5;
  int epochs = 25;
  bool dm = true;       // PV-DM; false = PV-DBOW
  bool dm_mean = true;  // PV-DM input is the mean (true) or sum (false) of doc + context vectors
  double alpha = 0.025, min_alpha = 0.0001;
  double sample = 1e-3;  // down-sampling threshold of frequent words; 0 = off
  int threads = 1;
  bool deterministic = false;
  std::uint64_t seed = 42;
};

// Exact O(1) sampling from a discrete distribution (Walker's alias method).
struct AliasTable {
  std::vector<std::uint32_t> prob;  // P(keep column) * 2^32
  std::vector<std::int32_t> alias;
  void build(const std::vector<double>& weights);
  std::int32_t sample(std::uint64_t r) const {
    auto col = static_cast<std::size_t>((static_cast<unsigned __int128>(r & 0xFFFFFFFFull) * prob.size()) >> 32);
    return static_cast<std::uint32_t>(r >> 32) < prob[col] ? static_cast<std::int32_t>(col) : alias[col];
  }
};

// Called now and then from the training thread that owns progress: words done, epoch.
using ProgressFn = std::function<void(std::uint64_t words_done, int epoch)>;

class Doc2Vec {
 public:
  // Trains on the corpus; words/s is (epochs * total words) / seconds.
  void train(const Corpus& corpus, const Doc2VecOptions& opt, const ProgressFn& progress = nullptr);

  // A vector for unseen documents (the frames of one sequence), the model frozen
  // (as gensim's infer_vector): `epochs` passes, alpha decaying to min_alpha.
  std::vector<float> infer(const std::vector<std::vector<std::int32_t>>& docs, int epochs, std::uint64_t seed) const;

  const Doc2VecOptions& options() const { return opt_; }
  int dims() const { return opt_.dims; }
  std::vector<float> doc_vectors;     // [n_tags x dims]
  std::vector<float> word_vectors;    // [vocab x dims] (syn0)
  std::vector<float> output_weights;  // [vocab x dims] (syn1neg)
  std::vector<std::uint64_t> word_counts;
  double train_seconds = 0;
  std::uint64_t words_trained = 0;  // epochs * corpus words (before down-sampling)

  // Restores a trained model (for infer) from its arrays.
  void restore(const Doc2VecOptions& opt, std::vector<float> words, std::vector<float> out,
               std::vector<std::uint64_t> counts);

 private:
  void build_tables();
  Doc2VecOptions opt_;
  AliasTable noise_;                       // negative sampling: count^0.75
  std::vector<std::uint32_t> keep_prob_;   // down-sampling: P(keep) * 2^32
};

}  // namespace aemigap::embed

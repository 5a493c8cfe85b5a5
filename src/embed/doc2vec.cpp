#include "aemigap/embed/doc2vec.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "aemigap/core/cpu_dispatch.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/rng.hpp"

namespace aemigap::embed {

namespace {

// gensim's sigmoid table: f clipped to [-6, 6], 1000 entries.
constexpr int kExpTableSize = 1000;
constexpr float kMaxExp = 6.0f;
struct ExpTable {
  float v[kExpTableSize];
  ExpTable() {
    for (int i = 0; i < kExpTableSize; ++i) {
      float e = std::exp((static_cast<float>(i) / kExpTableSize * 2 - 1) * kMaxExp);
      v[i] = e / (e + 1);
    }
  }
};
const ExpTable kExp;

}  // namespace

// Walker's alias method: one 64-bit random number gives an exact draw from the
// unigram^0.75 distribution in O(1) (gensim bisects a cumulative table instead).
void AliasTable::build(const std::vector<double>& weights) {
  const std::size_t n = weights.size();
  double sum = 0;
  for (double w : weights) sum += w;
  prob.assign(n, 0);
  alias.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / sum;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    std::uint32_t s = small.back(), l = large.back();
    small.pop_back();
    prob[s] = static_cast<std::uint32_t>(std::min(4294967295.0, scaled[s] * 4294967296.0));
    alias[s] = static_cast<std::int32_t>(l);
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (auto i : large) {
    prob[i] = 0xFFFFFFFFu;
    alias[i] = static_cast<std::int32_t>(i);
  }
  for (auto i : small) {
    prob[i] = 0xFFFFFFFFu;
    alias[i] = static_cast<std::int32_t>(i);
  }
}

namespace {

// What the training of one document reads and writes, whatever the instruction set.
struct DocState {
  const Doc2VecOptions& opt;
  const AliasTable& noise;
  const std::vector<std::uint32_t>& keep;
  float* syn0;
  float* syn1neg;
  bool learn_words, learn_out;
  std::vector<std::int32_t> kept;
  std::vector<float> l1, work;

  DocState(const Doc2VecOptions& o, const AliasTable& c, const std::vector<std::uint32_t>& k, float* s0, float* s1,
           bool lw, bool lo)
      : opt(o), noise(c), keep(k), syn0(s0), syn1neg(s1), learn_words(lw), learn_out(lo),
        l1(static_cast<std::size_t>(o.dims)), work(static_cast<std::size_t>(o.dims)) {}
};

using TrainDocFn = void (*)(DocState&, const std::int32_t*, std::size_t, float*, float, Rng&);

#define AEMIGAP_KERNEL_BODY "../embed/doc2vec_kernel_body.inc"
#include "../core/cpu_levels.inc"

// The training of one document at this CPU's level: dims 64 (the default) unrolled, or any.
TrainDocFn train_doc_fn(int dims) {
  static const TrainDocFn f64 = core::by_level(&level_base::train_doc64, &level_v3::train_doc64, &level_v4::train_doc64);
  static const TrainDocFn fany =
      core::by_level(&level_base::train_doc_any, &level_v3::train_doc_any, &level_v4::train_doc_any);
  return dims == 64 ? f64 : fany;
}

void init_vectors(std::vector<float>& v, std::size_t rows, int dims, std::uint64_t seed, std::uint64_t stream) {
  v.assign(rows * static_cast<std::size_t>(dims), 0.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    Rng rng(seed, stream * 0x100000000ull + r);  // per row: independent of thread count
    for (int d = 0; d < dims; ++d) v[r * dims + d] = (rng.uniform_float() - 0.5f) / static_cast<float>(dims);
  }
}

}  // namespace

void Doc2Vec::build_tables() {
  const std::size_t V = word_counts.size();
  AEMIGAP_CHECK(V > 0, "empty vocabulary");
  std::vector<double> w(V);
  for (std::size_t i = 0; i < V; ++i) w[i] = std::pow(static_cast<double>(word_counts[i]), 0.75);
  noise_.build(w);
  keep_prob_.clear();
  if (opt_.sample > 0) {
    double total = 0;
    for (auto c : word_counts) total += static_cast<double>(c);
    double threshold = opt_.sample * total;
    keep_prob_.resize(V);
    for (std::size_t i = 0; i < V; ++i) {
      double c = static_cast<double>(word_counts[i]);
      double p = (std::sqrt(c / threshold) + 1) * (threshold / c);  // gensim's formula
      keep_prob_[i] = p >= 1.0 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(p * 4294967296.0);
    }
  }
}

void Doc2Vec::train(const Corpus& corpus, const Doc2VecOptions& opt, const ProgressFn& progress) {
  opt_ = opt;
  if (opt_.deterministic) opt_.threads = 1;
  AEMIGAP_CHECK(opt_.dims > 0 && opt_.window > 0 && opt_.epochs > 0 && opt_.negative >= 0 && opt_.threads > 0,
                "bad doc2vec options");
  word_counts = corpus.counts;
  build_tables();
  const int dims = opt_.dims;
  init_vectors(word_vectors, corpus.vocab.size(), dims, opt_.seed, 1);
  init_vectors(doc_vectors, corpus.n_tags, dims, opt_.seed, 2);
  output_weights.assign(corpus.vocab.size() * static_cast<std::size_t>(dims), 0.0f);

  const std::uint64_t per_epoch = corpus.total_words();
  const double total_work = static_cast<double>(per_epoch) * opt_.epochs;
  const std::size_t n_docs = corpus.n_docs();
  constexpr std::size_t kDocsPerJob = 64;
  std::atomic<std::uint64_t> words_done{0};
  auto t0 = std::chrono::steady_clock::now();

  // With several threads each one trains its own copy of the word vectors and output weights
  // and merges its change into the shared model every `sync_words` words (and at the end of
  // each epoch): shared += local - base; local = base = shared. Plain Hogwild on the shared
  // arrays made both cores write the same hot rows all the time; how much that cache-line
  // traffic cost depended on where the host placed the two vCPUs, and training ran at 3.6 or
  // at 2.0 M words/s from one run to the next. The merge streams the model once per period;
  // the period (model floats / 4 words) keeps it to a few per cent of the work.
  const int n_threads = opt_.threads;
  const std::size_t model_floats = word_vectors.size() + output_weights.size();
  const std::uint64_t sync_words = std::max<std::uint64_t>(1, model_floats / 4);
  struct Replica {
    std::vector<float> syn0, syn1, base0, base1;
    std::uint64_t since_sync = 0;
  };
  std::vector<Replica> replicas(n_threads > 1 ? static_cast<std::size_t>(n_threads) : 0);
  std::mutex merge_mutex;
  auto merge = [&](Replica& r) {
    std::lock_guard<std::mutex> lock(merge_mutex);
    auto fold = [](std::vector<float>& shared, std::vector<float>& local, std::vector<float>& base) {
      float* s = shared.data();
      float* l = local.data();
      float* b = base.data();
      const std::size_t n = shared.size();
#pragma GCC ivdep
      for (std::size_t i = 0; i < n; ++i) {
        float v = s[i] + (l[i] - b[i]);
        s[i] = v;
        l[i] = v;
        b[i] = v;
      }
    };
    fold(word_vectors, r.syn0, r.base0);
    fold(output_weights, r.syn1, r.base1);
    r.since_sync = 0;
  };

  for (int epoch = 0; epoch < opt_.epochs; ++epoch) {
    std::atomic<std::size_t> next_job{0};
    auto worker = [&](int tid) {
      Rng rng(opt_.seed, 1000 + static_cast<std::uint64_t>(epoch) * 4096 + static_cast<std::uint64_t>(tid));
      Replica* rep = replicas.empty() ? nullptr : &replicas[static_cast<std::size_t>(tid)];
      if (rep) {
        std::lock_guard<std::mutex> lock(merge_mutex);  // start from the merged model
        rep->syn0 = rep->base0 = word_vectors;
        rep->syn1 = rep->base1 = output_weights;
        rep->since_sync = 0;
      }
      float* syn0 = rep ? rep->syn0.data() : word_vectors.data();
      float* syn1 = rep ? rep->syn1.data() : output_weights.data();
      auto loop = [&](DocState& t) {
        const TrainDocFn train_doc = train_doc_fn(dims);
        for (;;) {
          std::size_t job = next_job.fetch_add(1);
          std::size_t d0 = job * kDocsPerJob;
          if (d0 >= n_docs) break;
          std::size_t d1 = std::min(n_docs, d0 + kDocsPerJob);
          // Learning rate from the global progress at the start of the job (as gensim).
          double frac = static_cast<double>(words_done.load(std::memory_order_relaxed)) / total_work;
          float alpha = static_cast<float>(opt_.alpha - (opt_.alpha - opt_.min_alpha) * std::min(1.0, frac));
          std::uint64_t n_words = 0;
          for (std::size_t d = d0; d < d1; ++d) {
            std::uint64_t b = corpus.doc_offsets[d], e = corpus.doc_offsets[d + 1];
            train_doc(t, corpus.words.data() + b, e - b,
                  doc_vectors.data() + static_cast<std::size_t>(corpus.doc_tags[d]) * dims, alpha, rng);
            n_words += e - b;
          }
          std::uint64_t done = words_done.fetch_add(n_words) + n_words;
          if (rep && (rep->since_sync += n_words) >= sync_words) merge(*rep);
          if (tid == 0 && progress) progress(done, epoch);
        }
        if (rep) merge(*rep);
      };
      DocState t(opt_, noise_, keep_prob_, syn0, syn1, true, true);
      loop(t);
    };
    if (n_threads == 1) {
      worker(0);
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < n_threads; ++t) pool.emplace_back(worker, t);
      for (auto& th : pool) th.join();
    }
  }
  train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  words_trained = words_done.load();
}

void Doc2Vec::restore(const Doc2VecOptions& opt, std::vector<float> words, std::vector<float> out,
                      std::vector<std::uint64_t> counts) {
  opt_ = opt;
  word_vectors = std::move(words);
  output_weights = std::move(out);
  word_counts = std::move(counts);
  build_tables();
}

std::vector<float> Doc2Vec::infer(const std::vector<std::vector<std::int32_t>>& docs, int epochs,
                                  std::uint64_t seed) const {
  AEMIGAP_CHECK(!word_counts.empty(), "infer needs a trained model");
  const int dims = opt_.dims;
  std::vector<float> v;
  init_vectors(v, 1, dims, seed, 3);
  Rng rng(seed, 4);
  // The model stays frozen: words and output weights are read, never written.
  DocState t(opt_, noise_, keep_prob_, const_cast<float*>(word_vectors.data()),
               const_cast<float*>(output_weights.data()), false, false);
  for (int e = 0; e < epochs; ++e) {
    float alpha = static_cast<float>(opt_.alpha - (opt_.alpha - opt_.min_alpha) * e / std::max(1, epochs - 1));
    for (const auto& d : docs) train_doc_fn(0)(t, d.data(), d.size(), v.data(), alpha, rng);
  }
  return v;
}

}  // namespace aemigap::embed

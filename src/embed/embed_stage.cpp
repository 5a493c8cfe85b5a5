#include "aemigap/embed/embed_stage.hpp"

#include <cstdio>
#include <unordered_map>

#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/data/dataset.hpp"

namespace aemigap::embed {

namespace sc = schema;

char gene_namespace(const Config& cfg) { return cfg.gene_alphabet == GeneAlphabet::Protein ? 'p' : 'd'; }

Doc2VecOptions doc2vec_options(const Config& cfg, int threads, bool mirna) {
  Doc2VecOptions o;
  o.dims = cfg.embed_dims;
  o.window = mirna && cfg.embed_mirna_window > 0 ? cfg.embed_mirna_window : cfg.embed_window;
  o.negative = cfg.embed_negative;
  o.epochs = mirna && cfg.embed_mirna_epochs > 0 ? cfg.embed_mirna_epochs : cfg.embed_epochs;
  o.dm = cfg.embed_mode == EmbedMode::Dm;
  o.dm_mean = cfg.embed_dm_mean;
  o.alpha = cfg.embed_alpha;
  o.min_alpha = cfg.embed_min_alpha;
  o.sample = cfg.embed_sample;
  o.deterministic = cfg.deterministic;
  o.threads = cfg.deterministic ? 1 : threads;
  o.seed = cfg.seed + (mirna ? 0 : 1);
  return o;
}

Embeddings embed_dataset(const Dataset& d, const Config& cfg, int threads) {
  Embeddings e;
  // Read the seed families first: a bad path must fail before minutes of training.
  std::unordered_map<std::string, std::string> fam;
  if (!cfg.mirna_families.empty()) fam = read_seed_families(cfg.mirna_families);
  CorpusBuilder bm(cfg.embed_k, cfg.embed_frames), bg(cfg.embed_k, cfg.embed_frames);
  for (const auto& s : d.mirna_sequences) bm.add(kMirnaNs, s);
  const char gns = gene_namespace(cfg);
  for (const auto& s : d.gene_sequences) bg.add(gns, s);
  e.mirna_model.corpus = bm.finish(static_cast<std::uint64_t>(cfg.embed_min_count));
  e.gene_model.corpus = bg.finish(static_cast<std::uint64_t>(cfg.embed_min_count));

  Doc2VecOptions om = doc2vec_options(cfg, threads, true), og = doc2vec_options(cfg, threads, false);
  const double wm = static_cast<double>(e.mirna_model.corpus.total_words()) * om.epochs;
  const double wg = static_cast<double>(e.gene_model.corpus.total_words()) * og.epochs;
  for (const auto* k : {&e.mirna_model, &e.gene_model})
    log_info(std::string("[embed] ") + (k == &e.mirna_model ? "miRNA" : "gene") + " corpus: " +
             std::to_string(k->corpus.n_tags) + " sequences, " + std::to_string(k->corpus.n_docs()) + " documents, " +
             human_count(static_cast<double>(k->corpus.total_words())) + " words per epoch, vocabulary " +
             std::to_string(k->corpus.vocab.size()));
  Progress progress("embed", "words", wm + wg, cfg.progress_interval);
  e.mirna_model.model.train(e.mirna_model.corpus, om, [&](std::uint64_t done, int epoch) {
    progress.update(static_cast<double>(done), "miRNA epoch " + std::to_string(epoch + 1) + "/" + std::to_string(om.epochs));
  });
  e.gene_model.model.train(e.gene_model.corpus, og, [&](std::uint64_t done, int epoch) {
    progress.update(wm + static_cast<double>(done),
                    "gene epoch " + std::to_string(epoch + 1) + "/" + std::to_string(og.epochs));
  });
  progress.finish(std::to_string(og.threads) + " thread(s)");
  e.mirna = e.mirna_model.model.doc_vectors;
  e.gene = e.gene_model.model.doc_vectors;

  if (!cfg.mirna_families.empty()) {
    const std::size_t nm = d.mirna_names.size(), dims = static_cast<std::size_t>(om.dims);
    std::vector<std::string> seeds(nm);
    for (std::size_t i = 0; i < nm; ++i) {
      auto it = fam.find(d.mirna_names[i]);
      if (it != fam.end()) seeds[i] = it->second;
    }
    e.family = seed_family_precision(e.mirna, dims, seeds, 5);
    std::size_t kd = 0;
    auto counts = kmer_count_vectors(d.mirna_sequences, cfg.embed_k, &kd);
    e.family_kmer_baseline = seed_family_precision(counts, kd, seeds, 5);
    char line[256];
    std::snprintf(line, sizeof line,
                  "[embed] seed-family precision@5: %.3f (Protein2Vec) vs %.3f (%d-mer counts), %zu query miRNAs",
                  e.family.precision, e.family_kmer_baseline.precision, cfg.embed_k, e.family.queries);
    log_info(line);
  }
  return e;
}

namespace {
void write_model(Store& s, const std::string& group, const KindModel& k) {
  const std::uint64_t dims = static_cast<std::uint64_t>(k.model.dims());
  const auto& o = k.model.options();
  s.write_strings(group + sc::kEmbedVocab, k.corpus.vocab);
  std::vector<std::int64_t> counts(k.model.word_counts.begin(), k.model.word_counts.end());
  s.write(group + sc::kEmbedWordCounts, counts, {counts.size()});
  s.write(group + sc::kEmbedWordVectors, k.model.word_vectors, {k.corpus.vocab.size(), dims});
  s.write(group + sc::kEmbedOutputWeights, k.model.output_weights, {k.corpus.vocab.size(), dims});
  s.set_attr(group, sc::kAttrWindow, static_cast<std::int64_t>(o.window));
  s.set_attr(group, sc::kAttrEpochs, static_cast<std::int64_t>(o.epochs));
  s.set_attr(group, sc::kAttrSeed, static_cast<std::int64_t>(o.seed));
  s.set_attr(group, sc::kAttrThreads, static_cast<std::int64_t>(o.threads));
  s.set_attr(group, sc::kAttrWordsPerEpoch, static_cast<std::int64_t>(k.corpus.total_words()));
  s.set_attr(group, sc::kAttrTrainSeconds, k.model.train_seconds);
  s.set_attr(group, sc::kAttrWordsPerSecond,
             k.model.train_seconds > 0 ? static_cast<double>(k.model.words_trained) / k.model.train_seconds : 0.0);
}
}  // namespace

void write_embeddings(Store& s, const Embeddings& e, const Config& cfg) {
  const std::uint64_t dims = static_cast<std::uint64_t>(cfg.embed_dims);
  s.write(sc::kMirnaEmbedding, e.mirna, {e.mirna.size() / dims, dims});
  s.write(sc::kGeneEmbedding, e.gene, {e.gene.size() / dims, dims});
  write_model(s, sc::kEmbedMirna, e.mirna_model);
  write_model(s, sc::kEmbedGene, e.gene_model);
  s.set_attr(sc::kEmbedMirna, sc::kAttrNamespace, std::string(1, kMirnaNs));
  s.set_attr(sc::kEmbedGene, sc::kAttrNamespace, std::string(1, gene_namespace(cfg)));
  for (const char* obj : {sc::kMirnaEmbedding, sc::kGeneEmbedding, sc::kEmbed}) {
    s.set_attr(obj, sc::kAttrK, static_cast<std::int64_t>(cfg.embed_k));
    s.set_attr(obj, sc::kAttrFrames, static_cast<std::int64_t>(cfg.embed_frames));
    s.set_attr(obj, sc::kAttrDims, static_cast<std::int64_t>(dims));
    s.set_attr(obj, sc::kAttrNegative, static_cast<std::int64_t>(cfg.embed_negative));
    s.set_attr(obj, sc::kAttrMinCount, static_cast<std::int64_t>(cfg.embed_min_count));
    s.set_attr(obj, sc::kAttrMode, std::string(name_of(cfg.embed_mode)));
    s.set_attr(obj, sc::kAttrDmMean, static_cast<std::int64_t>(cfg.embed_dm_mean));
    s.set_attr(obj, sc::kAttrAlpha, cfg.embed_alpha);
    s.set_attr(obj, sc::kAttrMinAlpha, cfg.embed_min_alpha);
    s.set_attr(obj, sc::kAttrSample, cfg.embed_sample);
    s.set_attr(obj, sc::kAttrDeterministic, static_cast<std::int64_t>(cfg.deterministic));
  }
  s.set_attr(sc::kMirnaEmbedding, sc::kAttrWindow, static_cast<std::int64_t>(e.mirna_model.model.options().window));
  s.set_attr(sc::kMirnaEmbedding, sc::kAttrEpochs, static_cast<std::int64_t>(e.mirna_model.model.options().epochs));
  s.set_attr(sc::kGeneEmbedding, sc::kAttrWindow, static_cast<std::int64_t>(e.gene_model.model.options().window));
  s.set_attr(sc::kGeneEmbedding, sc::kAttrEpochs, static_cast<std::int64_t>(e.gene_model.model.options().epochs));
  if (e.family.queries > 0) {
    s.set_attr(sc::kEmbed, sc::kAttrFamilyPrecision, e.family.precision);
    s.set_attr(sc::kEmbed, sc::kAttrFamilyPrecisionKmer, e.family_kmer_baseline.precision);
    s.set_attr(sc::kEmbed, sc::kAttrFamilyQueries, static_cast<std::int64_t>(e.family.queries));
  }
}

void read_embeddings(const Store& s, std::vector<float>& mirna, std::vector<float>& gene, std::size_t& dims) {
  if (!s.exists(sc::kMirnaEmbedding) || !s.exists(sc::kGeneEmbedding))
    throw InputError(s.path(), 0, "store has no embeddings (/mirna/embedding): run `aemigap embed` first");
  std::vector<std::uint64_t> dm, dg;
  mirna = s.read<float>(sc::kMirnaEmbedding, &dm);
  gene = s.read<float>(sc::kGeneEmbedding, &dg);
  if (dm.size() != 2 || dg.size() != 2 || dm[1] != dg[1])
    throw InputError(s.path(), 0, "/mirna/embedding and /gene/embedding must be [n, dims] with equal dims");
  dims = dm[1];
}

}  // namespace aemigap::embed

// aemigap experiment recovery: ranking recovery of held-out positives (eval/recovery.hpp)
// for the paper's model, a pool-negative variant, a collaborative model and baselines, all
// on the same splits in one run. Writes <results-dir>/recovery.{md,tsv}.
//
// Per split: the positives are split (train / held out); embeddings are reused (doc2vec
// never sees the pairs); negatives, autoencoder and classifier are rebuilt from the training
// positives alone, as the pipeline would; the held-out pairs stay in the unknown pool, so
// they may be drawn as negatives, exactly as an unknown real interaction can be.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <sstream>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/blas_check.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/mpi_communicator.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/eval/baselines.hpp"
#include "aemigap/eval/recovery.hpp"
#include "aemigap/negatives/negatives_stage.hpp"
#include "aemigap/score/pool_scorer.hpp"
#include "aemigap/train/cv.hpp"
#include "aemigap/train/models.hpp"
#include "commands.hpp"

namespace aemigap::cli {

namespace {

using eval::PairIndex;
const std::vector<std::uint64_t> kKs{100, 1000, 10000, 100000};

struct ModelRow {
  std::string split, model;
  eval::RankingMetrics m;
  double auc_distance = 0;  // held-out positives vs distance-filtered negatives not trained on
  double seconds = 0;
};

std::string fmt(double v, const char* f = "%.4f") {
  if (std::isnan(v)) return "n/a";
  char b[48];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::vector<std::string> list(const std::string& csv) {
  std::vector<std::string> out;
  for (std::string_view p : split(csv, ',')) out.emplace_back(trim(p));
  return out;
}

bool wants(const std::vector<std::string>& models, const std::string& name) {
  return std::find(models.begin(), models.end(), name) != models.end();
}

// Scores pairs sorted by miRNA with a trained checkpoint, in blocks (for progress).
std::vector<float> score_with(const score::PoolScorer& sc, const std::vector<PairIndex>& pairs, const std::string& label) {
  std::vector<float> out(pairs.size());
  std::vector<std::int32_t> m, g;
  Progress prog("recovery scoring " + label, "pairs", static_cast<double>(pairs.size()));
  const std::size_t block = 1 << 18;
  for (std::size_t i = 0; i < pairs.size(); i += block) {
    const std::size_t n = std::min(block, pairs.size() - i);
    m.resize(n);
    g.resize(n);
    for (std::size_t k = 0; k < n; ++k) m[k] = pairs[i + k][0], g[k] = pairs[i + k][1];
    sc.score_pairs(m.data(), g.data(), n, out.data() + i);
    prog.update(static_cast<double>(i + n));
  }
  prog.finish();
  return out;
}

// The pipeline's model (autoencoder + classifier) from the split's training positives and
// the given negatives; `ae` is the split's autoencoder (null for the "pair" features).
train::Checkpoint train_model(const Dataset& dtrain, const std::vector<float>& mirna, const std::vector<float>& gene,
                              std::size_t dims, const std::vector<PairIndex>& neg, const train::AutoencoderModel* ae,
                              const Config& cfg, int threads, const std::string& label) {
  std::vector<std::int32_t> m, g;
  std::vector<std::uint8_t> y;
  for (const auto& p : dtrain.positives) m.push_back(p[0]), g.push_back(p[1]), y.push_back(1);
  for (const auto& p : neg) m.push_back(p[0]), g.push_back(p[1]), y.push_back(0);
  auto x = train::pair_features(mirna, gene, dims, m, g, cfg.features, ae);
  std::vector<std::size_t> rows(y.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const int width = train::feature_width(cfg.features, static_cast<int>(dims), cfg.ae_latent);
  train::TrainOptions o = train::train_options(cfg, threads, "recovery " + label);
  train::Checkpoint ck;
  ck.feature_set = cfg.features;
  ck.config_ini = cfg.to_ini();
  ck.protocol = "recovery " + label;
  ck.classifier = train::Classifier::train(train::classifier_spec(cfg, width), x, y, rows, o);
  if (ae) ck.ae = std::make_unique<train::AutoencoderModel>(ae->clone());
  return ck;
}

}  // namespace

int run_recovery(Context& ctx) {
  if (ctx.rank != 0) return 0;
  warn_if_reference_blas();
  const Config& cfg = ctx.cfg;
  Stopwatch total;
  const int threads = resolve_threads(cfg.threads);
  const auto splits = list(cfg.recovery_splits);
  const auto models = list(cfg.recovery_models);
  Dataset d;
  std::vector<float> mirna, gene;
  std::size_t dims = 0;
  {
    Store s = Store::open(cfg.store);
    d = read_dataset(s);
    if (!s.exists("/mirna/embedding"))
      throw InputError(cfg.store, 0, "store has no embeddings: run `aemigap embed` first");
    embed::read_embeddings(s, mirna, gene, dims);
  }
  const bool any_lstm = wants(models, "lstm-paper") || wants(models, "lstm-pool") || wants(models, "als+lstm-pool") ||
                        wants(models, "als+lstm-paper");
  const bool needs_ae = cfg.features != "pair";
  log_info("[recovery] " + std::to_string(d.positives.size()) + " positives, " + std::to_string(d.n_mirna()) +
           " miRNAs x " + std::to_string(d.n_gene()) + " genes; splits " + cfg.recovery_splits + "; hold out " +
           fmt(cfg.recovery_fraction, "%.2f") + ", pool sample " + fmt(cfg.recovery_pool_fraction, "%.3f"));
  dist::MpiCommunicator self(MPI_COMM_SELF, false);
  std::vector<ModelRow> rows;

  for (const auto& kind : splits) {
    Stopwatch split_sw;
    eval::Split sp = eval::holdout_split(d.positives, kind, cfg.recovery_fraction, cfg.seed);
    Dataset dtrain = d;
    dtrain.positives = sp.train;
    std::vector<std::int32_t> eval_rows;
    if (kind == "cold-mirna") {
      for (const auto& p : sp.held)
        if (eval_rows.empty() || eval_rows.back() != p[0]) eval_rows.push_back(p[0]);
    }
    eval::EvalPool pool = eval::make_eval_pool(d.n_mirna(), d.n_gene(), sp, cfg.recovery_pool_fraction, cfg.seed, eval_rows);
    log_info("[recovery] split " + kind + ": " + std::to_string(sp.train.size()) + " training positives, " +
             std::to_string(sp.held.size()) + " held out; evaluation pool " + std::to_string(pool.pairs.size()) +
             " pairs (" + std::to_string(pool.n_sampled) + " sampled of " + std::to_string(pool.n_pool) + " unknown)");

    // Distance-filtered negatives as the paper draws them from this split's pool: half train
    // lstm-paper, the rest (never trained on, held-out positives removed) is the "AUC vs
    // distance negatives" test set. For cold-mirna the test negatives come from the held-out
    // miRNAs' rows, as the held-out positives do, and no training negative touches those
    // rows: a cold miRNA is one the model has never seen.
    std::vector<char> cold(d.n_mirna(), 0);
    for (auto r : eval_rows) cold[static_cast<std::size_t>(r)] = 1;
    auto is_cold = [&](const PairIndex& p) { return cold[static_cast<std::size_t>(p[0])] != 0; };
    Config nc = cfg;
    nc.negatives_method = "distance";
    nc.negatives_ratio = cfg.negatives_ratio * 2;
    auto dneg = negatives::build_negatives(dtrain, mirna, gene, dims, nc, self, threads).negatives;
    std::vector<PairIndex> neg_train, neg_test;
    {
      Rng rng(cfg.seed, 0xd15);
      shuffle(dneg, rng);
      const std::size_t half = dneg.size() / 2;
      std::vector<PairIndex> held_sorted = sp.held;
      std::sort(held_sorted.begin(), held_sorted.end());
      for (std::size_t i = 0; i < dneg.size(); ++i) {
        const auto& p = dneg[i];
        const bool to_train = eval_rows.empty() ? i < half : !is_cold(p);
        if (to_train) {
          if (neg_train.size() < half) neg_train.push_back(p);
        } else if (neg_test.size() < sp.held.size() && (eval_rows.empty() || is_cold(p)) &&
                   !std::binary_search(held_sorted.begin(), held_sorted.end(), p)) {
          neg_test.push_back(p);
        }
      }
      std::sort(neg_train.begin(), neg_train.end());
      std::sort(neg_test.begin(), neg_test.end());
    }
    // The held-out pairs' positions in the pool (for the distance-negative AUC).
    std::vector<std::size_t> held_at;
    for (std::size_t i = 0; i < pool.pairs.size(); ++i)
      if (pool.held[i]) held_at.push_back(i);

    std::map<std::string, std::vector<float>> pool_scores, test_scores;
    auto record = [&](const std::string& name, std::vector<float> ps, std::vector<float> ts, double sec) {
      ModelRow r;
      r.split = kind;
      r.model = name;
      r.m = eval::ranking_metrics(pool, ps, kKs);
      std::vector<float> s;
      std::vector<std::uint8_t> y;
      for (auto i : held_at) s.push_back(ps[i]), y.push_back(1);
      for (float v : ts) s.push_back(v), y.push_back(0);
      eval::EvalPool two;  // held-out vs distance negatives as a tiny pool, for its AUC
      two.fraction = 1;
      two.n_pool = s.size();
      two.n_held = held_at.size();
      for (std::size_t i = 0; i < s.size(); ++i) two.pairs.push_back({0, static_cast<std::int32_t>(i)});
      two.held = y;
      r.auc_distance = eval::ranking_metrics(two, s, {1}).auc;
      r.seconds = sec;
      log_info("[recovery] " + kind + " / " + name + ": recall@1k " + fmt(r.m.recall[1]) + ", @10k " +
               fmt(r.m.recall[2]) + ", @100k " + fmt(r.m.recall[3]) + ", AUC " + fmt(r.m.auc) + ", vs distance negatives " +
               fmt(r.auc_distance) + " (" + human_seconds(sec) + ")");
      pool_scores[name] = std::move(ps);
      test_scores[name] = std::move(ts);
      rows.push_back(std::move(r));
    };

    for (const char* b : {"random", "gene-popularity", "degree-product", "embedding-distance"}) {
      if (!wants(models, b)) continue;
      Stopwatch sw;
      auto ps = eval::baseline_scores(b, pool.pairs, sp.train, d.n_mirna(), d.n_gene(), mirna, gene, dims, cfg.seed);
      auto ts = eval::baseline_scores(b, neg_test, sp.train, d.n_mirna(), d.n_gene(), mirna, gene, dims, cfg.seed);
      record(b, std::move(ps), std::move(ts), sw.seconds());
    }
    const bool als_needed = wants(models, "als") || wants(models, "als+lstm-pool") || wants(models, "als+lstm-paper");
    if (als_needed) {
      Stopwatch sw;
      const eval::AlsOptions ao = eval::AlsOptions::from(cfg, threads);
      eval::ImplicitAls als;
      als.fit(sp.train, d.n_mirna(), d.n_gene(), ao);
      log_info("[recovery] ALS: " + std::to_string(ao.iterations) + " sweeps, loss " + fmt(als.loss_history.front(), "%.1f") +
               " -> " + fmt(als.loss_history.back(), "%.1f"));
      record("als", als.scores(pool.pairs), als.scores(neg_test), sw.seconds());
    }
    if (any_lstm) {
      std::unique_ptr<train::AutoencoderModel> ae;
      double ae_seconds = 0;
      if (needs_ae) {
        // One autoencoder per split, as train-ae makes it: the split's positives and its
        // distance negatives (it never sees labels); both LSTMs use it.
        Stopwatch sw;
        train::CvInputs in;
        in.data = &dtrain;
        in.mirna = mirna;
        in.gene = gene;
        in.dims = dims;
        in.negatives = neg_train;
        ae = std::make_unique<train::AutoencoderModel>(train::fit_autoencoder(in, cfg, threads, nullptr));
        ae_seconds = sw.seconds();
      }
      for (const char* name : {"lstm-paper", "lstm-pool"}) {
        const std::string n = name;
        const bool needed = wants(models, n) || wants(models, "als+" + n);
        if (!needed) continue;
        Stopwatch sw;
        std::vector<PairIndex> neg = neg_train;
        if (n == "lstm-pool") {
          Config uc = cfg;
          uc.negatives_method = "uniform";
          // As many as lstm-paper trains on; drawn with a margin when cold rows are dropped.
          const double margin = eval_rows.empty() ? 1.0 : 1.5;
          uc.negatives_ratio = margin * static_cast<double>(neg_train.size()) / static_cast<double>(sp.train.size());
          neg = negatives::build_negatives(dtrain, mirna, gene, dims, uc, self, threads).negatives;
          if (!eval_rows.empty()) {
            neg.erase(std::remove_if(neg.begin(), neg.end(), is_cold), neg.end());
            Rng rng(cfg.seed, 0x9001);
            shuffle(neg, rng);
            if (neg.size() > neg_train.size()) neg.resize(neg_train.size());
            std::sort(neg.begin(), neg.end());
          }
        }
        train::Checkpoint ck = train_model(dtrain, mirna, gene, dims, neg, ae.get(), cfg, threads, kind + " " + n);
        score::PoolScorer sc(ck, mirna, gene, dims, threads);
        auto ps = score_with(sc, pool.pairs, n);
        auto ts = score_with(sc, neg_test, n + " (distance negatives)");
        record(n, std::move(ps), std::move(ts), sw.seconds() + ae_seconds);
      }
    }
    for (const char* name : {"als+lstm-pool", "als+lstm-paper"}) {
      const std::string n = name, other = n.substr(4);
      if (!wants(models, n) || !pool_scores.count("als") || !pool_scores.count(other)) continue;
      // Rank average: each model's percentile over the scored pairs (pool and test pairs
      // together, so the two AUCs use one scale), then the mean.
      auto join = [&](const std::string& k) {
        std::vector<float> v = pool_scores[k];
        v.insert(v.end(), test_scores[k].begin(), test_scores[k].end());
        return eval::percentiles(v);
      };
      auto a = join("als"), b = join(other);
      std::vector<float> ps(pool.pairs.size()), ts(neg_test.size());
      for (std::size_t i = 0; i < ps.size(); ++i) ps[i] = (a[i] + b[i]) / 2;
      for (std::size_t i = 0; i < ts.size(); ++i) ts[i] = (a[ps.size() + i] + b[ps.size() + i]) / 2;
      record(n, std::move(ps), std::move(ts), 0);
    }
    log_info("[recovery] split " + kind + " done in " + human_seconds(split_sw.seconds()));
  }

  // Outputs: one table per split (Markdown) and every number (TSV).
  std::ostringstream md, tsv;
  md << "# Ranking recovery\n\n"
     << "Held out: " << fmt(100 * cfg.recovery_fraction, "%g") << " % of the positives (cold-mirna: of the miRNAs), seed "
     << cfg.seed << ". Each model is built from the rest and ranks the unknown pool of its split (every pair that is "
     << "not a training positive); recall@K is the share of held-out positives in the top K of that pool, precision@K "
     << "the share of the top K that are held-out positives, enrichment = precision@K / base rate. Pool ranks are "
     << "estimated from a " << fmt(100 * cfg.recovery_pool_fraction, "%g")
     << " % seeded sample of the unknown pairs (exact at 100 %). AUC: held-out positives vs the unknown pairs; "
     << "AUC-dist: vs distance-filtered negatives (the paper's kind) not used in training; miRNA / gene AUC: mean of "
     << "the per-miRNA / per-gene AUCs.\n\n"
     << "Budgets: " << cfg.train_samples << " training samples, autoencoder " << cfg.ae_epochs << " epochs, features "
     << cfg.features << ", classifier " << cfg.classifier << "; ALS " << cfg.als_factors << " factors, "
     << cfg.als_iterations << " sweeps, alpha " << cfg.als_alpha << ", lambda " << cfg.als_lambda << ".\n";
  std::string last;
  for (const auto& r : rows) {
    if (r.split != last) {
      last = r.split;
      md << "\n## Split: " << r.split << "\n\n"
         << "| model | recall@100 | recall@1k | recall@10k | recall@100k | precision@100 | precision@1k | enrichment@1k | "
            "AUC | AUC-dist | miRNA AUC | gene AUC | median rank |\n"
         << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    }
    const auto& m = r.m;
    md << "| " << r.model << " | " << fmt(m.recall[0]) << " | " << fmt(m.recall[1]) << " | " << fmt(m.recall[2]) << " | "
       << fmt(m.recall[3]) << " | " << fmt(m.precision[0], "%.3f") << " | " << fmt(m.precision[1], "%.3f") << " | "
       << fmt(m.enrichment[1], "%.1f") << " | " << fmt(m.auc) << " | " << fmt(r.auc_distance) << " | " << fmt(m.mirna_auc)
       << " | " << fmt(m.gene_auc) << " | " << fmt(m.median_rank, "%.0f") << " |\n";
  }
  tsv << "split\tmodel\tk\trecall\tprecision\tenrichment\tauc\tauc_distance\tmirna_auc\tgene_auc\tmedian_rank\tseconds\n";
  for (const auto& r : rows)
    for (std::size_t k = 0; k < kKs.size(); ++k)
      tsv << r.split << '\t' << r.model << '\t' << kKs[k] << '\t' << r.m.recall[k] << '\t' << r.m.precision[k] << '\t'
          << r.m.enrichment[k] << '\t' << r.m.auc << '\t' << r.auc_distance << '\t' << r.m.mirna_auc << '\t'
          << r.m.gene_auc << '\t' << r.m.median_rank << '\t' << r.seconds << '\n';
  // The model that ranks held-out positives best: recall@10k on the first split, then AUC.
  const ModelRow* best = nullptr;
  for (const auto& r : rows)
    if (r.split == splits.front() &&
        (!best || r.m.recall[2] > best->m.recall[2] || (r.m.recall[2] == best->m.recall[2] && r.m.auc > best->m.auc)))
      best = &r;
  if (best)
    md << "\nBest on the " << best->split << " split by recall@10k: **" << best->model << "** ("
       << fmt(best->m.recall[2]) << ").\n";
  md << "\nCommand: `aemigap experiment recovery --config <preset>`; " << human_seconds(total.seconds()) << " on "
     << threads << " threads.\n";
  std::filesystem::create_directories(cfg.results_dir);
  AtomicFile fm(cfg.results_dir + "/recovery.md");
  fm.stream() << md.str();
  fm.commit();
  AtomicFile ft(cfg.results_dir + "/recovery.tsv");
  ft.stream() << tsv.str();
  ft.commit();
  std::fputs(md.str().c_str(), stdout);
  log_info("[recovery] wrote " + cfg.results_dir + "/recovery.{md,tsv} in " + human_seconds(total.seconds()));
  return 0;
}

}  // namespace aemigap::cli

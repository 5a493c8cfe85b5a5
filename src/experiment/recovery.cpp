#include "aemigap/experiment/recovery.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <sstream>

#include "aemigap/core/blas_check.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/mpi_communicator.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/data/pairs.hpp"
#include "aemigap/eval/evidence.hpp"
#include "aemigap/eval/sources.hpp"
#include "aemigap/rank/ensemble.hpp"
#include "aemigap/rank/ranking.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/model/features.hpp"
#include "aemigap/negatives/negatives_stage.hpp"
#include "aemigap/score/pool_scorer.hpp"
#include "aemigap/train/cv.hpp"

namespace aemigap::experiment {

using eval::PairIndex;

const std::vector<std::uint64_t>& recovery_ks() {
  static const std::vector<std::uint64_t> ks{100, 1000, 10000, 100000};
  return ks;
}

namespace {

std::string fmt(double v, const char* f = "%.4f") {
  if (std::isnan(v)) return "n/a";
  char b[48];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// What every model of one split sees: its training graph, the evaluation pool, the
// distance negatives it may train on and the ones it is tested against.
struct SplitContext {
  SplitContext(const Config& c, const Dataset& data, const std::vector<float>& m, const std::vector<float>& g,
               std::size_t dims_, int threads_, eval::Split split, std::uint64_t seed_, const eval::StaticEvidence& st)
      : cfg(c), d(data), mirna(m), gene(g), dims(dims_), threads(threads_), seed(seed_), statics(st),
        sp(std::move(split)), dtrain(data) {
    dtrain.positives = sp.train;
  }
  const Config& cfg;
  const Dataset& d;
  const std::vector<float>& mirna;
  const std::vector<float>& gene;
  std::size_t dims;
  int threads;
  std::uint64_t seed;  // this repeat's: the split, the pool sample, every model
  const eval::StaticEvidence& statics;
  eval::Split sp;
  Dataset dtrain;
  std::vector<std::int32_t> eval_rows;  // cold-mirna: the held-out miRNAs
  std::vector<char> cold;
  eval::EvalPool pool;
  std::vector<PairIndex> neg_train, neg_test;
  dist::MpiCommunicator self{MPI_COMM_SELF, false};
  // Shared by the classifier rows: one autoencoder per split, made on first use.
  std::unique_ptr<model::AutoencoderModel> ae;
  double ae_seconds = 0;
  bool ae_made = false;
  // The evidence of the split's training graph for the pool and test pairs, made on first use.
  std::unique_ptr<eval::Evidence> evidence;
  std::vector<float> ev_pool, ev_test;  // [pairs x features]
  double ev_seconds = 0;
  bool is_cold(const PairIndex& p) const { return cold[static_cast<std::size_t>(p[0])] != 0; }
};

// A model's scores of the pool's pairs and of the distance test negatives.
struct Scores {
  std::vector<float> pool, test;
  double seconds = 0;
};

// One model of the table: its scores (one set, or one per output name: evidence gives one
// per feature). `needs`: models whose scores it combines (run first).
using Outputs = std::vector<std::pair<std::string, Scores>>;
struct ModelRow {
  RecoveryModel id;
  std::function<Outputs(SplitContext&, const std::map<RecoveryModel, Scores>&)> run;
  std::vector<RecoveryModel> needs;
};
Outputs one(RecoveryModel id, Scores s) { return {{name_of(id), std::move(s)}}; }

// ---------------------------------------------------------------- the rows

Scores graph_source(RecoveryModel id, SplitContext& c) {
  Stopwatch sw;
  eval::FitContext fc;
  fc.known = &c.sp.train;
  fc.n_mirna = c.d.n_mirna();
  fc.n_gene = c.d.n_gene();
  fc.mirna_emb = &c.mirna;
  fc.gene_emb = &c.gene;
  fc.dims = c.dims;
  fc.seed = c.seed;
  fc.als = eval::AlsOptions::from(c.cfg, c.threads);
  fc.als.seed = c.seed;
  auto src = eval::find_source(id)->fit(fc);
  Scores s;
  s.pool = src->score(c.pool.pairs);
  s.test = src->score(c.neg_test);
  s.seconds = sw.seconds();
  return s;
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

// The split's autoencoder, as train-ae makes it: the split's positives and its distance
// negatives (it never sees labels); both classifier rows use it.
const model::AutoencoderModel* split_autoencoder(SplitContext& c) {
  if (!c.ae_made && c.cfg.features != FeatureSet::Pair) {
    Stopwatch sw;
    train::CvInputs in;
    in.data = &c.dtrain;
    in.mirna = c.mirna;
    in.gene = c.gene;
    in.dims = c.dims;
    in.negatives = c.neg_train;
    train::AeOptions ao = train::AeOptions::from(c.cfg, c.threads);
    ao.seed = c.seed;
    c.ae = std::make_unique<model::AutoencoderModel>(
        train::fit_autoencoder(in, model::AutoencoderSpec::from(c.cfg), ao, nullptr));
    c.ae_seconds = sw.seconds();
  }
  c.ae_made = true;
  return c.ae.get();
}

// The pipeline's classifier from the split's training positives and the given negatives.
Scores classifier_row(SplitContext& c, const std::vector<PairIndex>& neg, const std::string& label) {
  Stopwatch sw;
  const model::AutoencoderModel* ae = split_autoencoder(c);
  std::vector<std::int32_t> m, g;
  std::vector<std::uint8_t> y;
  for (const auto& p : c.dtrain.positives) m.push_back(p[0]), g.push_back(p[1]), y.push_back(1);
  for (const auto& p : neg) m.push_back(p[0]), g.push_back(p[1]), y.push_back(0);
  auto x = model::pair_features(c.mirna, c.gene, c.dims, m, g, c.cfg.features, ae);
  std::vector<std::size_t> rows(y.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  const int width = model::feature_width(c.cfg.features, static_cast<int>(c.dims), ae ? ae->spec().latent : 0);
  const std::string tag = std::string(name_of(c.sp.kind)) + " " + label;
  model::Checkpoint ck;
  ck.feature_set = c.cfg.features;
  ck.config_ini = c.cfg.to_ini();
  ck.protocol = "recovery " + tag;
  train::TrainOptions to = train::TrainOptions::from(c.cfg, c.threads, "recovery " + tag);
  to.seed = c.seed;
  ck.classifier = train::train_classifier(model::ClassifierSpec::from(c.cfg, width), x, y, rows, to);
  if (ae) ck.ae = std::make_unique<model::AutoencoderModel>(ae->clone());
  score::PoolScorer sc(ck, c.mirna, c.gene, c.dims, c.threads);
  Scores s;
  s.pool = score_with(sc, c.pool.pairs, label);
  s.test = score_with(sc, c.neg_test, label + " (distance negatives)");
  s.seconds = sw.seconds() + c.ae_seconds;
  return s;
}

Outputs lstm_paper(SplitContext& c, const std::map<RecoveryModel, Scores>&) {
  return one(RecoveryModel::LstmPaper, classifier_row(c, c.neg_train, name_of(RecoveryModel::LstmPaper)));
}

Outputs lstm_pool(SplitContext& c, const std::map<RecoveryModel, Scores>&) {
  negatives::NegativesOptions uo;
  uo.method = NegativesMethod::Uniform;
  uo.seed = c.seed;
  // As many as lstm-paper trains on; drawn with a margin when cold rows are dropped.
  const double margin = c.eval_rows.empty() ? 1.0 : 1.5;
  uo.ratio = margin * static_cast<double>(c.neg_train.size()) / static_cast<double>(c.sp.train.size());
  auto neg = negatives::build_negatives(c.dtrain, c.mirna, c.gene, c.dims, uo, c.self, c.threads).negatives;
  if (!c.eval_rows.empty()) {
    neg.erase(std::remove_if(neg.begin(), neg.end(), [&](const PairIndex& p) { return c.is_cold(p); }), neg.end());
    Rng rng(c.seed, 0x9001);
    shuffle(neg, rng);
    if (neg.size() > c.neg_train.size()) neg.resize(c.neg_train.size());
    std::sort(neg.begin(), neg.end());
  }
  return one(RecoveryModel::LstmPool, classifier_row(c, neg, name_of(RecoveryModel::LstmPool)));
}

// ---------------------------------------------------------------- evidence and the ensemble

// The split's evidence for the pool and the test pairs (every feature from its training graph).
void ensure_evidence(SplitContext& c) {
  if (c.evidence) return;
  Stopwatch sw;
  eval::AlsOptions ao = eval::AlsOptions::from(c.cfg, c.threads);
  ao.seed = c.seed;
  c.evidence = std::make_unique<eval::Evidence>(eval::Evidence::fit(c.sp.train, c.statics, ao, c.threads));
  c.ev_pool = c.evidence->pairs(c.pool.pairs);
  c.ev_test = c.evidence->pairs(c.neg_test);
  c.ev_seconds = sw.seconds();
}

std::vector<float> column(const std::vector<float>& m, std::size_t col) {
  const std::size_t F = eval::Evidence::n_features();
  std::vector<float> v(m.size() / F);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = m[i * F + col];
  return v;
}

Outputs evidence_rows(SplitContext& c, const std::map<RecoveryModel, Scores>&) {
  ensure_evidence(c);
  Outputs out;
  const auto& f = eval::Evidence::features();
  for (std::size_t j = 0; j < f.size(); ++j)
    out.emplace_back(std::string("evidence:") + f[j].name, Scores{column(c.ev_pool, j), column(c.ev_test, j), 0});
  return out;
}

// Lexicographic order by `primary`, ties by `secondary`, as one float (dense ranks: exact
// while the product of the distinct counts stays below 2^24).
std::vector<float> lexicographic(const std::vector<float>& primary, const std::vector<float>& secondary) {
  auto dense = [](const std::vector<float>& v) {
    std::vector<float> u = v;
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) r[i] = static_cast<double>(std::lower_bound(u.begin(), u.end(), v[i]) - u.begin());
    return std::make_pair(r, u.size());
  };
  const auto p = dense(primary).first;
  const auto [q, nq] = dense(secondary);
  std::vector<float> out(primary.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(p[i] * static_cast<double>(nq) + q[i]);
  return out;
}

Scores lookup(SplitContext& c, const char* primary) {
  ensure_evidence(c);
  const std::size_t a = eval::Evidence::column(primary), b = eval::Evidence::column("gdeg");
  const std::size_t n = c.pool.pairs.size();
  // One scale for pool and test pairs: rank them together, then split.
  std::vector<float> pa = column(c.ev_pool, a), pb = column(c.ev_pool, b), ta = column(c.ev_test, a),
                     tb = column(c.ev_test, b);
  pa.insert(pa.end(), ta.begin(), ta.end());
  pb.insert(pb.end(), tb.begin(), tb.end());
  auto key = lexicographic(pa, pb);
  return Scores{std::vector<float>(key.begin(), key.begin() + static_cast<long>(n)),
                std::vector<float>(key.begin() + static_cast<long>(n), key.end()), 0};
}

// The ensemble trained inside the split's training graph (its own hide), with and without
// the TargetScan features (one training set for both), and its trees behind the TargetScan
// tier (ensemble-ts-first: the same trees, no second training).
Outputs ensemble_rows(SplitContext& c) {
  const auto& want = c.cfg.recovery_models;
  ensure_evidence(c);
  Stopwatch sw;
  rank::EnsembleOptions eo = rank::EnsembleOptions::from(c.cfg, c.threads);
  eo.seed = c.seed;
  eo.booster.seed = c.seed;
  eo.als.seed = c.seed;
  const rank::TrainingSet ts = rank::build_training_set(c.sp.train, c.statics, eo);
  Outputs out;
  if (want.contains(RecoveryModel::Ensemble) || want.contains(RecoveryModel::EnsembleTargetScanFirst)) {
    const auto e = rank::Ensemble::from_training_set(ts, eo);
    Scores plain{e.predict(c.ev_pool, c.pool.pairs.size()), e.predict(c.ev_test, c.neg_test.size()), sw.seconds()};
    Scores tier = plain;  // the same trees' scores behind the tier: no second prediction
    rank::Ensemble::add_targetscan_tier(c.ev_pool, tier.pool);
    rank::Ensemble::add_targetscan_tier(c.ev_test, tier.test);
    if (want.contains(RecoveryModel::Ensemble)) out.emplace_back(name_of(RecoveryModel::Ensemble), std::move(plain));
    if (want.contains(RecoveryModel::EnsembleTargetScanFirst))
      out.emplace_back(name_of(RecoveryModel::EnsembleTargetScanFirst), std::move(tier));
  }
  if (want.contains(RecoveryModel::EnsembleNoTargetScan)) {
    const auto e = rank::Ensemble::from_training_set(rank::without_groups(ts, {"targetscan"}), eo);
    out.emplace_back(name_of(RecoveryModel::EnsembleNoTargetScan),
                     Scores{e.predict(c.ev_pool, c.pool.pairs.size()), e.predict(c.ev_test, c.neg_test.size()),
                            sw.seconds()});
  }
  return out;
}

// The three ensemble rows share one training set: the first of them that is asked for makes
// every requested one (table order: ensemble, ensemble-no-targetscan, ensemble-ts-first).
std::function<Outputs(SplitContext&, const std::map<RecoveryModel, Scores>&)> ensemble_or_done(RecoveryModel id) {
  return [id](SplitContext& c, const std::map<RecoveryModel, Scores>&) {
    const auto& want = c.cfg.recovery_models;
    for (auto earlier : {RecoveryModel::Ensemble, RecoveryModel::EnsembleNoTargetScan}) {
      if (earlier == id) break;
      if (want.contains(earlier)) return Outputs{};  // made with that row
    }
    return ensemble_rows(c);
  };
}

// Rank average: each model's percentile over the scored pairs (pool and test pairs
// together, so the two AUCs use one scale), then the mean.
Scores rank_average(const Scores& x, const Scores& y) {
  auto join = [](const Scores& s) {
    std::vector<float> v = s.pool;
    v.insert(v.end(), s.test.begin(), s.test.end());
    return eval::percentiles(v);
  };
  auto a = join(x), b = join(y);
  Scores s;
  s.pool.resize(x.pool.size());
  s.test.resize(x.test.size());
  for (std::size_t i = 0; i < s.pool.size(); ++i) s.pool[i] = (a[i] + b[i]) / 2;
  const std::size_t n = s.pool.size();
  for (std::size_t i = 0; i < s.test.size(); ++i) s.test[i] = (a[n + i] + b[n + i]) / 2;
  return s;
}

ModelRow graph_row(RecoveryModel id) {
  return {id, [id](SplitContext& c, const std::map<RecoveryModel, Scores>&) { return one(id, graph_source(id, c)); },
          {}};
}
ModelRow average_row(RecoveryModel id, RecoveryModel a, RecoveryModel b) {
  return {id, [id, a, b](SplitContext&, const std::map<RecoveryModel, Scores>& done) {
            return one(id, rank_average(done.at(a), done.at(b)));
          },
          {a, b}};
}

// The models, in the order the tables list them.
const std::vector<ModelRow>& model_rows() {
  static const std::vector<ModelRow> rows = {
      graph_row(RecoveryModel::Random),
      graph_row(RecoveryModel::GenePopularity),
      graph_row(RecoveryModel::DegreeProduct),
      graph_row(RecoveryModel::EmbeddingDistance),
      graph_row(RecoveryModel::Als),
      {RecoveryModel::LstmPaper, lstm_paper, {}},
      {RecoveryModel::LstmPool, lstm_pool, {}},
      average_row(RecoveryModel::AlsLstmPool, RecoveryModel::Als, RecoveryModel::LstmPool),
      average_row(RecoveryModel::AlsLstmPaper, RecoveryModel::Als, RecoveryModel::LstmPaper),
      {RecoveryModel::Evidence, evidence_rows, {}},
      {RecoveryModel::LookupTargetScan,
       [](SplitContext& c, const std::map<RecoveryModel, Scores>&) { return one(RecoveryModel::LookupTargetScan, lookup(c, "ts")); },
       {}},
      {RecoveryModel::LookupFamily,
       [](SplitContext& c, const std::map<RecoveryModel, Scores>&) {
         return one(RecoveryModel::LookupFamily, lookup(c, "fam7_share"));
       },
       {}},
      // Both ensembles from one training set: the second row reads the first's outputs.
      {RecoveryModel::Ensemble,
       [](SplitContext& c, const std::map<RecoveryModel, Scores>&) { return ensemble_rows(c); }, {}},
      {RecoveryModel::EnsembleNoTargetScan, ensemble_or_done(RecoveryModel::EnsembleNoTargetScan), {}},
      {RecoveryModel::EnsembleTargetScanFirst, ensemble_or_done(RecoveryModel::EnsembleTargetScanFirst), {}},
  };
  return rows;
}

// The requested models and every model they combine.
ChoiceList<RecoveryModel> with_needs(const ChoiceList<RecoveryModel>& wanted) {
  ChoiceList<RecoveryModel> all = wanted;
  for (const auto& row : model_rows())
    if (wanted.contains(row.id))
      for (auto n : row.needs) all.add(n);
  return all;
}

// Distance-filtered negatives as the paper draws them from this split's pool: half train
// lstm-paper, the rest (never trained on, held-out positives removed) is the "AUC vs
// distance negatives" test set. For cold-mirna the test negatives come from the held-out
// miRNAs' rows, as the held-out positives do, and no training negative touches those
// rows: a cold miRNA is one the model has never seen.
void draw_distance_negatives(SplitContext& c) {
  negatives::NegativesOptions no = negatives::NegativesOptions::from(c.cfg);
  no.method = NegativesMethod::Distance;
  no.ratio = c.cfg.negatives_ratio * 2;
  no.seed = c.seed;
  auto dneg = negatives::build_negatives(c.dtrain, c.mirna, c.gene, c.dims, no, c.self, c.threads).negatives;
  Rng rng(c.seed, 0xd15);
  shuffle(dneg, rng);
  const std::size_t half = dneg.size() / 2;
  std::vector<PairIndex> held_sorted = c.sp.held;
  std::sort(held_sorted.begin(), held_sorted.end());
  for (std::size_t i = 0; i < dneg.size(); ++i) {
    const auto& p = dneg[i];
    const bool to_train = c.eval_rows.empty() ? i < half : !c.is_cold(p);
    if (to_train) {
      if (c.neg_train.size() < half) c.neg_train.push_back(p);
    } else if (c.neg_test.size() < c.sp.held.size() && (c.eval_rows.empty() || c.is_cold(p)) &&
               !std::binary_search(held_sorted.begin(), held_sorted.end(), p)) {
      c.neg_test.push_back(p);
    }
  }
  std::sort(c.neg_train.begin(), c.neg_train.end());
  std::sort(c.neg_test.begin(), c.neg_test.end());
}

RecoveryRow measure(const SplitContext& c, int repeat, const std::string& name, const Scores& sc) {
  RecoveryRow r;
  r.split = c.sp.kind;
  r.repeat = repeat;
  r.model = name;
  r.m = eval::ranking_metrics(c.pool, sc.pool, recovery_ks());
  // Held-out vs distance negatives as a tiny pool, for its AUC.
  std::vector<float> s;
  std::vector<std::uint8_t> y;
  for (std::size_t i = 0; i < c.pool.pairs.size(); ++i)
    if (c.pool.held[i]) s.push_back(sc.pool[i]), y.push_back(1);
  const std::size_t n_held = s.size();
  for (float v : sc.test) s.push_back(v), y.push_back(0);
  eval::EvalPool two;
  two.fraction = 1;
  two.n_pool = s.size();
  two.n_held = n_held;
  for (std::size_t i = 0; i < s.size(); ++i) two.pairs.push_back({0, static_cast<std::int32_t>(i)});
  two.held = y;
  r.auc_distance = c.neg_test.empty() ? NAN : eval::ranking_metrics(two, s, {1}).auc;
  r.seconds = sc.seconds;
  log_info(std::string("[recovery] ") + name_of(r.split) + " #" + std::to_string(repeat + 1) + " / " + name + ": recall@1k " +
           fmt(r.m.recall[1]) + ", @10k " + fmt(r.m.recall[2]) + ", enrichment@10k " + fmt(r.m.enrichment[2], "%.1f") +
           ", AUC " + fmt(r.m.auc) + ", miRNA AUC " + fmt(r.m.mirna_auc) + " (" + human_seconds(sc.seconds) + ")");
  return r;
}

// mean ± sd over the repeats ("0.1234 ± 0.0012"; the mean alone for one repeat).
struct Stat {
  std::vector<double> v;
  std::string text(const char* f = "%.4f") const {
    double m = 0, sd = 0;
    for (double x : v) m += x;
    m /= static_cast<double>(v.size());
    for (double x : v) sd += (x - m) * (x - m);
    sd = v.size() > 1 ? std::sqrt(sd / static_cast<double>(v.size() - 1)) : 0;
    if (v.size() == 1) return fmt(m, f);
    return fmt(m, f) + " ± " + fmt(sd, f);
  }
  double mean() const {
    double m = 0;
    for (double x : v) m += x;
    return v.empty() ? NAN : m / static_cast<double>(v.size());
  }
};

void write_tables(RecoveryResult& res, const Config& cfg, int threads, double seconds) {
  const auto& ks = recovery_ks();
  std::ostringstream md, tsv;
  md << "# Ranking recovery\n\n"
     << "Held out: " << fmt(100 * cfg.recovery_fraction, "%g")
     << " % of the positives (cold-mirna: of the miRNAs; cold-family: of the seed families), seeds " << cfg.seed
     << " to " << cfg.seed + static_cast<std::uint64_t>(cfg.recovery_repeats) - 1 << " (" << cfg.recovery_repeats
     << " repeats: mean ± sd). The independent split holds nothing out: every positive trains, and the held pairs are "
     << "validated pairs of other databases (validation-pairs) among the unknown pool. Each model is built from the "
     << "training positives and ranks the unknown pool of its split (every pair that is "
     << "not a training positive); recall@K is the share of held-out positives in the top K of that pool, precision@K "
     << "the share of the top K that are held-out positives, enrichment = precision@K / base rate. Pool ranks are "
     << "estimated from a " << fmt(100 * cfg.recovery_pool_fraction, "%g")
     << " % seeded sample of the unknown pairs (exact at 100 %). AUC: held-out positives vs the unknown pairs; "
     << "AUC-dist: vs distance-filtered negatives (the paper's kind) not used in training; miRNA / gene AUC: mean of "
     << "the per-miRNA / per-gene AUCs.\n\n"
     << "Budgets: " << cfg.train_samples << " training samples, autoencoder " << cfg.ae_epochs << " epochs, features "
     << name_of(cfg.features) << ", classifier " << name_of(cfg.classifier) << "; ALS " << cfg.als_factors
     << " factors, " << cfg.als_iterations << " sweeps, alpha " << cfg.als_alpha << ", lambda " << cfg.als_lambda
     << "; ensemble " << cfg.ensemble_trees << " trees of depth " << cfg.ensemble_depth << ".\n";
  // One table per split: a line per model, its metrics over the repeats.
  for (RecoverySplit split : cfg.recovery_splits) {
    std::vector<std::string> order;
    std::map<std::string, std::map<std::string, Stat>> stats;  // model -> metric -> values
    for (const auto& r : res.rows) {
      if (r.split != split) continue;
      if (!stats.count(r.model)) order.push_back(r.model);
      auto& st = stats[r.model];
      st["r100"].v.push_back(r.m.recall[0]);
      st["r1k"].v.push_back(r.m.recall[1]);
      st["r10k"].v.push_back(r.m.recall[2]);
      st["r100k"].v.push_back(r.m.recall[3]);
      st["e1k"].v.push_back(r.m.enrichment[1]);
      st["e10k"].v.push_back(r.m.enrichment[2]);
      st["auc"].v.push_back(r.m.auc);
      st["aucd"].v.push_back(r.auc_distance);
      st["mauc"].v.push_back(r.m.mirna_auc);
      st["gauc"].v.push_back(r.m.gene_auc);
      st["med"].v.push_back(r.m.median_rank);
    }
    if (order.empty()) continue;
    md << "\n## Split: " << name_of(split) << "\n\n"
       << "| model | recall@100 | recall@1k | recall@10k | recall@100k | enrichment@1k | enrichment@10k | AUC | AUC-dist | "
          "miRNA AUC | gene AUC | median rank |\n"
       << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& name : order) {
      auto& st = stats[name];
      md << "| " << name << " | " << st["r100"].text() << " | " << st["r1k"].text() << " | " << st["r10k"].text()
         << " | " << st["r100k"].text() << " | " << st["e1k"].text("%.1f") << " | " << st["e10k"].text("%.1f") << " | "
         << st["auc"].text() << " | " << st["aucd"].text() << " | " << st["mauc"].text() << " | "
         << st["gauc"].text() << " | " << st["med"].text("%.0f") << " |\n";
    }
  }
  tsv << "split\trepeat\tmodel\tk\trecall\tprecision\tenrichment\tauc\tauc_distance\tmirna_auc\tgene_auc\tmedian_rank"
         "\tseconds\n";
  for (const auto& r : res.rows)
    for (std::size_t k = 0; k < ks.size(); ++k)
      tsv << name_of(r.split) << '\t' << r.repeat + 1 << '\t' << r.model << '\t' << ks[k] << '\t' << r.m.recall[k] << '\t'
          << r.m.precision[k] << '\t' << r.m.enrichment[k] << '\t' << r.m.auc << '\t' << r.auc_distance << '\t'
          << r.m.mirna_auc << '\t' << r.m.gene_auc << '\t' << r.m.median_rank << '\t' << r.seconds << '\n';
  // The model that ranks held-out positives best: mean recall@10k on the first split, then AUC.
  std::map<std::string, std::pair<Stat, Stat>> first;
  std::vector<std::string> order;
  for (const auto& r : res.rows)
    if (r.split == cfg.recovery_splits.front()) {
      if (!first.count(r.model)) order.push_back(r.model);
      first[r.model].first.v.push_back(r.m.recall[2]);
      first[r.model].second.v.push_back(r.m.auc);
    }
  std::string best;
  for (const auto& name : order) {
    const auto& [rec, auc] = first[name];
    if (best.empty() || rec.mean() > first[best].first.mean() ||
        (rec.mean() == first[best].first.mean() && auc.mean() > first[best].second.mean()))
      best = name;
  }
  if (!best.empty())
    md << "\nBest on the " << name_of(cfg.recovery_splits.front()) << " split by recall@10k: **" << best << "** ("
       << fmt(first[best].first.mean()) << ").\n";
  md << "\nCommand: `aemigap experiment recovery --config <preset>`; " << human_seconds(seconds) << " on " << threads
     << " threads.\n";
  res.markdown = md.str();
  res.tsv = tsv.str();
}

}  // namespace

RecoveryResult run_recovery(const Config& cfg) {
  warn_if_reference_blas();
  Stopwatch total;
  const int threads = resolve_threads(cfg.threads);
  Dataset d;
  std::vector<float> mirna, gene;
  std::size_t dims = 0;
  {
    Store s = Store::open(cfg.store);
    d = read_dataset(s);
    if (!s.exists(schema::kMirnaEmbedding))
      throw InputError(cfg.store, 0, "store has no embeddings: run `aemigap embed` first");
    embed::read_embeddings(s, mirna, gene, dims);
  }
  const ChoiceList<RecoveryModel> run_models = with_needs(cfg.recovery_models);
  log_info("[recovery] " + std::to_string(d.positives.size()) + " positives, " + std::to_string(d.n_mirna()) +
           " miRNAs x " + std::to_string(d.n_gene()) + " genes; splits " + cfg.recovery_splits.text() + "; hold out " +
           fmt(cfg.recovery_fraction, "%.2f") + ", pool sample " + fmt(cfg.recovery_pool_fraction, "%.3f") + ", " +
           std::to_string(cfg.recovery_repeats) + " repeat(s)");
  const eval::StaticEvidence statics = rank::static_evidence(cfg, d);
  // The pairs of other databases, for the independent split only: never trained on.
  std::vector<PairIndex> validation;
  if (cfg.recovery_splits.contains(RecoverySplit::Independent)) {
    if (cfg.validation_pairs.empty())
      throw ConfigError("recovery-splits has independent, but validation-pairs is empty");
    const auto raw = read_pairs(cfg.validation_pairs, PairsFormat::Tsv);
    const auto mapped =
        map_pairs(d, raw, cfg.aliases.empty() ? std::unordered_map<std::string, std::string>{} : read_aliases(cfg.aliases));
    validation = mapped.pairs;
    log_info("[recovery] validation pairs (" + cfg.validation_pairs + "): " + mapped.summary());
  }
  RecoveryResult res;
  for (int rep = 0; rep < cfg.recovery_repeats; ++rep) {
    const std::uint64_t seed = cfg.seed + static_cast<std::uint64_t>(rep);
    for (RecoverySplit kind : cfg.recovery_splits) {
      Stopwatch split_sw;
      eval::Split split = kind == RecoverySplit::Independent
                              ? eval::independent_split(d.positives, validation)
                              : eval::holdout_split(d.positives, kind, cfg.recovery_fraction, seed, &statics.fam7.family);
      SplitContext c(cfg, d, mirna, gene, dims, threads, std::move(split), seed, statics);
      if (kind == RecoverySplit::ColdMirna || kind == RecoverySplit::ColdFamily)
        for (const auto& p : c.sp.held)
          if (c.eval_rows.empty() || c.eval_rows.back() != p[0]) c.eval_rows.push_back(p[0]);
      c.cold.assign(d.n_mirna(), 0);
      for (auto r : c.eval_rows) c.cold[static_cast<std::size_t>(r)] = 1;
      c.pool = eval::make_eval_pool(d.n_mirna(), d.n_gene(), c.sp, cfg.recovery_pool_fraction, seed, c.eval_rows);
      log_info(std::string("[recovery] split ") + name_of(kind) + " #" + std::to_string(rep + 1) + ": " +
               std::to_string(c.sp.train.size()) + " training positives, " + std::to_string(c.sp.held.size()) +
               " held out; evaluation pool " + std::to_string(c.pool.pairs.size()) + " pairs (" +
               std::to_string(c.pool.n_sampled) + " sampled of " + std::to_string(c.pool.n_pool) + " unknown)");
      draw_distance_negatives(c);
      std::map<RecoveryModel, Scores> done;
      for (const auto& row : model_rows()) {
        if (!run_models.contains(row.id)) continue;
        Outputs outs = row.run(c, done);
        for (auto& [name, sc] : outs) {
          if (sc.seconds == 0 && c.evidence && row.id != RecoveryModel::AlsLstmPaper && row.id != RecoveryModel::AlsLstmPool)
            sc.seconds = c.ev_seconds;
          res.rows.push_back(measure(c, rep, name, sc));
        }
        if (outs.size() == 1) done.emplace(row.id, std::move(outs.front().second));
      }
      log_info(std::string("[recovery] split ") + name_of(kind) + " #" + std::to_string(rep + 1) + " done in " +
               human_seconds(split_sw.seconds()));
    }
  }
  write_tables(res, cfg, threads, total.seconds());
  return res;
}

}  // namespace aemigap::experiment

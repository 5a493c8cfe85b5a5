#include "aemigap/rank/ranking.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "aemigap/core/checked_matrix.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/lineage.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/eval/baselines.hpp"
#include "aemigap/eval/evidence.hpp"
#include "aemigap/eval/recovery.hpp"
#include "aemigap/rank/ensemble.hpp"

namespace aemigap::rank {

namespace sc = schema;

namespace {

// What a ranker may use: the store's dataset, the classifier's probabilities, implicit ALS
// over every validated pair (fitted on first use), and the store, to add its own datasets.
struct RankContext {
  const Config& cfg;
  const Dataset& d;
  int threads;
  const std::vector<float>& prob;         // /scores/matrix, NaN at validated pairs
  const std::vector<std::uint64_t>& idx;  // the unknown pairs (flat miRNA * n_gene + gene)
  std::unique_ptr<eval::ImplicitAls> als_;
  std::unique_ptr<rank::Ensemble> ensemble;  // set by the ensemble ranker, written to /ensemble
  const eval::ImplicitAls& als() {
    if (!als_) {
      Stopwatch sw;
      const eval::AlsOptions ao = eval::AlsOptions::from(cfg, threads);
      als_ = std::make_unique<eval::ImplicitAls>();
      als_->fit(d.positives, d.n_mirna(), d.n_gene(), ao);
      char line[200];
      std::snprintf(line, sizeof line, "[rank] implicit ALS on %zu known pairs: %d factors, %d sweeps, loss %.4g -> %.4g (%s)",
                    d.positives.size(), ao.factors, ao.iterations, als_->loss_history.front(),
                    als_->loss_history.back(), human_seconds(sw.seconds()).c_str());
      log_info(line);
    }
    return *als_;
  }
  std::vector<float> als_scores() {
    const auto& a = als();
    const std::uint64_t ng = d.n_gene();
    std::vector<float> v(idx.size());
    parallel_slices(idx.size(), threads, [&](std::size_t lo, std::size_t hi) {
      for (std::size_t k = lo; k < hi; ++k)
        v[k] = a.score(static_cast<std::int32_t>(idx[k] / ng), static_cast<std::int32_t>(idx[k] % ng));
    }, 1);
    return v;
  }
  std::vector<float> probabilities() const {
    std::vector<float> v(idx.size());
    for (std::size_t k = 0; k < idx.size(); ++k) v[k] = prob[idx[k]];
    return v;
  }
};

// One ranker: its value for every unknown pair (values null: it orders by the probability
// and writes no ranking), what the stored value is, and the reports' words for it.
struct RankerRow {
  Ranker id;
  std::vector<float> (*values)(RankContext& c);
  const char* content;
  std::string (*describe)(const std::string& als, const std::string& lstm_model);
};

std::vector<float> als_values(RankContext& c) {
  // The ALS score itself: a float percentile of 33 M pairs could not tell neighbours apart
  // near the top (float spacing 6e-8 at 1, one rank 3e-8).
  return c.als_scores();
}

std::vector<float> mean_percentile(RankContext& c) {
  // Percentiles put both on [0, 1] (their scales differ); ties share their mean.
  const std::vector<float> pa = eval::percentiles(c.als_scores()), pl = eval::percentiles(c.probabilities());
  std::vector<float> out(pa.size());
  for (std::size_t k = 0; k < pa.size(); ++k) out[k] = static_cast<float>((static_cast<double>(pa[k]) + pl[k]) / 2);
  return out;
}

std::vector<float> ensemble_values(RankContext& c) {
  Stopwatch sw;
  const eval::StaticEvidence st = static_evidence(c.cfg, c.d);
  EnsembleOptions eo = EnsembleOptions::from(c.cfg, c.threads);
  eo.targetscan_first = c.cfg.ranker == Ranker::EnsembleTargetScanFirst;
  if (eo.targetscan_first && c.cfg.targetscan.empty())
    throw ConfigError("ranker ensemble-ts-first orders by the TargetScan site: set targetscan (it is empty)");
  c.ensemble = std::make_unique<rank::Ensemble>(rank::Ensemble::train(c.d.positives, st, eo));
  const eval::Evidence ev = eval::Evidence::fit(c.d.positives, st, eval::AlsOptions::from(c.cfg, c.threads), c.threads, &c.als());
  // Every miRNA row, in blocks: features in parallel over rows, then one prediction.
  const std::uint64_t nm = c.d.n_mirna(), ng = c.d.n_gene();
  const std::size_t F = eval::Evidence::n_features(), block = 16;
  std::vector<float> by_pair(nm * ng), feats(block * ng * F);
  Progress progress("rank ensemble", "miRNAs", static_cast<double>(nm), c.cfg.progress_interval);
  double t_features = 0, t_trees = 0;
  for (std::uint64_t r0 = 0; r0 < nm; r0 += block) {
    const std::uint64_t rows = std::min<std::uint64_t>(block, nm - r0);
    Stopwatch tf;
    parallel_slices(rows, c.threads, [&](std::size_t lo, std::size_t hi) {
      for (std::size_t r = lo; r < hi; ++r) ev.row(static_cast<std::int32_t>(r0 + r), &feats[r * ng * F]);
    }, 1);
    t_features += tf.seconds();
    Stopwatch tt;
    const auto p = c.ensemble->predict(feats, rows * ng);
    t_trees += tt.seconds();
    std::copy(p.begin(), p.end(), by_pair.begin() + static_cast<long>(r0 * ng));
    char detail[64];
    std::snprintf(detail, sizeof detail, "features %.0f s, trees %.0f s", t_features, t_trees);
    progress.update(static_cast<double>(r0 + rows), detail);
  }
  char detail[64];
  std::snprintf(detail, sizeof detail, "features %.0f s, trees %.0f s", t_features, t_trees);
  progress.finish(detail);
  std::vector<float> v(c.idx.size());
  for (std::size_t k = 0; k < c.idx.size(); ++k) v[k] = by_pair[c.idx[k]];
  log_info("[rank] ensemble: " + std::to_string(c.ensemble->training_rows()) + " training pairs, " +
           human_count(static_cast<double>(v.size())) + " unknown pairs scored in " + human_seconds(sw.seconds()));
  return v;
}

const RankerRow kRankers[] = {
    {Ranker::Lstm, nullptr, "",
     [](const std::string&, const std::string& lstm) { return "ranker lstm: " + lstm; }},
    {Ranker::Als, als_values,
     "the implicit-ALS score (dot product of the /als factors; fitted towards 1 at validated pairs, unbounded, not a "
     "probability)",
     [](const std::string& als, const std::string&) {
       return "ranker als: the score of " + als + " (the classifier's probability is shown beside it, not used to order)";
     }},
    {Ranker::AlsLstm, mean_percentile,
     "mean of the percentiles of the implicit-ALS score and the classifier probability among the unknown pairs, in [0, 1]",
     [](const std::string& als, const std::string& lstm) {
       return "ranker als+lstm: mean percentile of " + als + " and the " + lstm;
     }},
    {Ranker::Ensemble, ensemble_values,
     "the ensemble's probability that the pair is a validated interaction (boosted trees over the evidence features "
     "of /ensemble/features; graph features from every validated pair)",
     [](const std::string&, const std::string&) {
       return std::string("ranker ensemble: boosted trees over the graph, seed-family, TargetScan and sequence evidence "
                          "(the classifier's probability is shown beside it, not used to order)");
     }},
    {Ranker::EnsembleTargetScanFirst, ensemble_values,
     "1 for a conserved TargetScan 7 site, plus the ensemble's probability that the pair is a validated interaction "
     "(every site first, each tier ordered by the trees of /ensemble)",
     [](const std::string&, const std::string&) {
       return std::string("ranker ensemble-ts-first: pairs with a conserved TargetScan site first, each tier ordered "
                          "by boosted trees over the graph, seed-family, TargetScan and sequence evidence (the "
                          "classifier's probability is shown beside it, not used to order)");
     }},
};

const RankerRow& row_of(Ranker r) {
  for (const auto& row : kRankers)
    if (row.id == r) return row;
  throw Error(std::string("no row for ranker ") + name_of(r));
}

}  // namespace

eval::StaticEvidence static_evidence(const Config& cfg, const Dataset& d) {
  std::vector<float> mirna, gene;
  std::size_t dims = 0;
  {
    Store s = Store::open(cfg.store);
    embed::read_embeddings(s, mirna, gene, dims);
  }
  eval::TargetScanSites ts;
  if (!cfg.targetscan.empty()) {
    ts = eval::TargetScanSites::read(cfg.targetscan, cfg.aliases, d);
    log_info("[rank] TargetScan (" + cfg.targetscan + "): " + ts.mapping().summary());
  }
  return eval::StaticEvidence::from(d, std::move(ts), std::move(mirna), std::move(gene), dims);
}

void require_complete_scores(const Store& s) {
  if (!s.exists(sc::kScoreDone))
    throw InputError(s.path(), 0, "store has no scores (/scores/matrix): run `aemigap score` first");
  for (auto x : s.read<std::uint8_t>(sc::kScoreDone))
    if (!x) throw InputError(s.path(), 0, "scores are incomplete: finish them with `aemigap score --resume`");
}

void write_ranking(const Config& cfg, const Dataset& d, int threads) {
  Stopwatch sw;
  const RankerRow& row = row_of(cfg.ranker);
  if (!row.values) {
    Store s = Store::open(cfg.store);
    AEMIGAP_CHECK(s.exists(sc::kScoreMatrix), "write_ranking needs /scores/matrix");
    s.close();
    // An earlier run's ranking must not outlive a change of ranker; /scores says that no
    // ranking is meant (a missing one is otherwise an unfinished ranking step).
    StoreUpdate up(cfg.store, false);
    for (const char* g : {sc::kRanking, sc::kRankingChecksum, sc::kAls, sc::kEnsemble})
      if (up.store().exists(g)) up.store().remove(g);
    up.store().set_attr(sc::kScores, sc::kAttrRanker, std::string(name_of(Ranker::Lstm)));
    up.commit();
    log_info(std::string("[rank] ranker ") + name_of(cfg.ranker) +
             ": reports order pairs by the classifier's probability (/scores/matrix)");
    return;
  }
  const std::uint64_t nm = d.n_mirna(), ng = d.n_gene();
  std::vector<float> lstm;
  std::uint64_t block_rows = 1;
  {
    Store s = Store::open(cfg.store);
    lineage::require_current(s, lineage::Product::Scores, "rank");
    const CheckedMatrix m(s, sc::kScoreMatrix);
    if (m.rows() != nm || m.cols() != ng)
      throw InputError(cfg.store, 0, "/scores/matrix does not match the store's miRNAs x genes: rerun `aemigap score`");
    lstm = m.read_all();
    block_rows = static_cast<std::uint64_t>(s.attr_int(sc::kScores, sc::kAttrBlockRows));
  }
  // The unknown pairs: NaN marks the validated ones.
  std::vector<std::uint64_t> idx;
  idx.reserve(d.pool_size());
  for (std::uint64_t i = 0; i < lstm.size(); ++i)
    if (!std::isnan(lstm[i])) idx.push_back(i);
  if (idx.size() != d.pool_size())
    throw InputError(cfg.store, 0, "/scores/matrix has " + std::to_string(idx.size()) + " scored pairs, the pool " +
                                       std::to_string(d.pool_size()) + ": rerun `aemigap score`");
  RankContext ctx{cfg, d, std::max(1, threads), lstm, idx, nullptr, nullptr};
  std::vector<float> value = row.values(ctx);
  const eval::ImplicitAls& als = ctx.als();  // stored for queries whatever the ranker
  std::vector<float> ranking(lstm.size(), NAN);
  for (std::size_t k = 0; k < idx.size(); ++k) ranking[idx[k]] = value[k];
  std::vector<float>().swap(value);
  std::vector<float>().swap(lstm);

  StoreUpdate up(cfg.store, false);
  Store& s = up.store();
  for (const char* g : {sc::kRanking, sc::kRankingChecksum, sc::kAls, sc::kEnsemble})
    if (s.exists(g)) s.remove(g);
  const auto f = static_cast<std::uint64_t>(als.factors());
  s.write<float>(sc::kAlsMirnaFactors, als.mirna_factors, {nm, f});
  s.write<float>(sc::kAlsGeneFactors, als.gene_factors, {ng, f});
  s.write<double>(sc::kAlsLoss, als.loss_history, {als.loss_history.size()});
  s.set_attr(sc::kAls, sc::kAttrKnownPairs, static_cast<std::int64_t>(d.positives.size()));
  s.set_attr(sc::kAls, sc::kAttrAlpha, cfg.als_alpha);
  s.set_attr(sc::kAls, sc::kAttrLambda, cfg.als_lambda);
  if (ctx.ensemble) {
    const auto& e = *ctx.ensemble;
    const auto bytes = e.save();
    s.write<std::uint8_t>(sc::kEnsembleModel, bytes, {bytes.size()}, false);
    s.write_strings(sc::kEnsembleFeatures, e.feature_names());
    std::vector<double> gain;
    for (const auto& [name, g] : e.importance()) gain.push_back(g);
    s.write<double>(sc::kEnsembleImportance, gain, {gain.size()}, false);
    s.set_attr(sc::kEnsemble, sc::kAttrTrees, static_cast<std::int64_t>(cfg.ensemble_trees));
    s.set_attr(sc::kEnsemble, sc::kAttrDepth, static_cast<std::int64_t>(cfg.ensemble_depth));
    s.set_attr(sc::kEnsemble, sc::kAttrEta, cfg.ensemble_eta);
    s.set_attr(sc::kEnsemble, sc::kAttrTrainingPairs, static_cast<std::int64_t>(e.training_rows()));
    s.set_attr(sc::kEnsemble, sc::kAttrTargetScanFirst, static_cast<std::int64_t>(e.targetscan_first() ? 1 : 0));
    s.set_attr(sc::kEnsemble, sc::kAttrKnownPairs, static_cast<std::int64_t>(d.positives.size()));
  }
  // The same row blocks as /scores/matrix, each with its checksum (core/checked_matrix.hpp).
  s.create_dataset<float>(sc::kRanking, nm, ng, block_rows, false);
  s.write_rows(sc::kRanking, 0, nm, ranking.data());
  std::vector<std::uint64_t> sums;
  for (std::uint64_t r0 = 0; r0 < nm; r0 += block_rows)
    sums.push_back(block_checksum(ranking.data() + r0 * ng, (std::min(nm, r0 + block_rows) - r0) * ng));
  s.create_dataset<std::uint64_t>(sc::kRankingChecksum, sums.size(), 1, sums.size(), false);
  s.write_rows(sc::kRankingChecksum, 0, sums.size(), sums.data());
  s.set_attr(sc::kRanking, sc::kAttrRanker, std::string(name_of(cfg.ranker)));
  s.set_attr(sc::kScores, sc::kAttrRanker, std::string(name_of(cfg.ranker)));
  s.set_attr(sc::kRanking, sc::kAttrContent, std::string(row.content) + "; NaN for validated positives");
  lineage::record(s, lineage::Product::Ranking, {{"ranker", name_of(cfg.ranker)}});
  s.stamp("rank", cfg.to_ini());
  up.commit();
  log_info(std::string("[rank] ranker ") + name_of(cfg.ranker) + ": /scores/ranking for " +
           human_count(static_cast<double>(idx.size())) + " unknown pairs in " + human_seconds(sw.seconds()));
}

bool rank_stage(const Config& cfg, dist::Communicator& comm) {
  return dist::on_rank0(comm, [&] {
    Store s = Store::open(cfg.store);
    Dataset d = read_dataset(s);
    require_complete_scores(s);
    s.close();
    write_ranking(cfg, d, resolve_threads(cfg.threads));
  });
}

void require_current_ranking(const Store& s, const std::string& reader) {
  lineage::require_current(s, lineage::Product::Scores, reader);
  lineage::require_current(s, lineage::Product::Ranking, reader);
}

std::string ranking_dataset(const Store& s) {
  return stored_ranker(s) == Ranker::Lstm ? sc::kScoreMatrix : sc::kRanking;
}

Ranker stored_ranker(const Store& s) {
  if (!s.exists(sc::kRanking)) {
    // Only ranker lstm leaves no ranking on purpose, and it says so on /scores.
    if (s.exists(sc::kScores) && s.has_attr(sc::kScores, sc::kAttrRanker) &&
        s.attr_string(sc::kScores, sc::kAttrRanker) == name_of(Ranker::Lstm))
      return Ranker::Lstm;
    throw InputError(s.path(), 0,
                     "no /scores/ranking: the ranking step after score did not finish (or the store predates it); "
                     "run `aemigap rank` (with --ranker lstm to order by the classifier's probability)");
  }
  const std::string name = s.attr_string(sc::kRanking, sc::kAttrRanker);
  if (auto r = parse_choice<Ranker>(name)) return *r;
  throw InputError(s.path(), 0, "/scores/ranking was written by an unknown ranker '" + name + "'");
}

std::string ranking_description(const Store& s, const std::string& lstm_model) {
  const RankerRow& row = row_of(stored_ranker(s));
  std::string als;
  if (s.exists(sc::kAls)) {
    const std::string known = human_count(static_cast<double>(s.attr_int(sc::kAls, sc::kAttrKnownPairs)));
    auto dims = s.dims(sc::kAlsMirnaFactors);
    als = "implicit ALS over the " + known + " validated pairs (" + std::to_string(dims.at(1)) + " factors)";
  }
  return row.describe(als, lstm_model);
}

}  // namespace aemigap::rank

#include "aemigap/rank/ranking.hpp"

#include <cmath>
#include <cstdio>
#include <thread>

#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/eval/baselines.hpp"
#include "aemigap/eval/recovery.hpp"

namespace aemigap::rank {

namespace sc = schema;

namespace {

// One ranker: how its value is made from the ALS scores and the probabilities of the
// unknown pairs (combine null: it orders by the probability and writes no ranking), what
// the stored value is, and the reports' words for it.
struct RankerRow {
  Ranker id;
  void (*combine)(const std::vector<float>& als, const std::vector<float>& prob, std::vector<float>& out);
  const char* content;
  std::string (*describe)(const std::string& als, const std::string& lstm_model);
};

void als_score(const std::vector<float>& als, const std::vector<float>&, std::vector<float>& out) {
  // The ALS score itself: a float percentile of 33 M pairs could not tell neighbours apart
  // near the top (float spacing 6e-8 at 1, one rank 3e-8).
  out = als;
}

void mean_percentile(const std::vector<float>& als, const std::vector<float>& prob, std::vector<float>& out) {
  // Percentiles put both on [0, 1] (their scales differ); ties share their mean.
  const std::vector<float> pa = eval::percentiles(als), pl = eval::percentiles(prob);
  out.resize(pa.size());
  for (std::size_t k = 0; k < pa.size(); ++k) out[k] = static_cast<float>((static_cast<double>(pa[k]) + pl[k]) / 2);
}

const RankerRow kRankers[] = {
    {Ranker::Lstm, nullptr, "",
     [](const std::string&, const std::string& lstm) { return "ranker lstm: " + lstm; }},
    {Ranker::Als, als_score,
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
};

const RankerRow& row_of(Ranker r) {
  for (const auto& row : kRankers)
    if (row.id == r) return row;
  throw Error(std::string("no row for ranker ") + name_of(r));
}

}  // namespace

void require_complete_scores(const Store& s) {
  if (!s.exists(sc::kScoreDone))
    throw InputError(s.path(), 0, "store has no scores (/scores/matrix): run `aemigap score` first");
  for (auto x : s.read<std::uint8_t>(sc::kScoreDone))
    if (!x) throw InputError(s.path(), 0, "scores are incomplete: finish them with `aemigap score --resume`");
}

void write_ranking(const Config& cfg, const Dataset& d, int threads) {
  Stopwatch sw;
  const RankerRow& row = row_of(cfg.ranker);
  if (!row.combine) {
    Store s = Store::open(cfg.store);
    AEMIGAP_CHECK(s.exists(sc::kScoreMatrix), "write_ranking needs /scores/matrix");
    const bool stale = s.exists(sc::kRanking) || s.exists(sc::kAls);
    s.close();
    if (stale) {  // an earlier run's ranking must not outlive a change of ranker
      StoreUpdate up(cfg.store, false);
      if (up.store().exists(sc::kRanking)) up.store().remove(sc::kRanking);
      if (up.store().exists(sc::kAls)) up.store().remove(sc::kAls);
      up.commit();
    }
    log_info(std::string("[rank] ranker ") + name_of(cfg.ranker) +
             ": reports order pairs by the classifier's probability (/scores/matrix)");
    return;
  }
  const std::uint64_t nm = d.n_mirna(), ng = d.n_gene();
  std::vector<float> lstm;
  {
    Store s = Store::open(cfg.store);
    std::vector<std::uint64_t> dims;
    lstm = s.read<float>(sc::kScoreMatrix, &dims);
    if (dims != std::vector<std::uint64_t>{nm, ng})
      throw InputError(cfg.store, 0, "/scores/matrix does not match the store's miRNAs x genes: rerun `aemigap score`");
  }
  // The known graph: every validated pair (the product ranks what is not yet known).
  const eval::AlsOptions ao = eval::AlsOptions::from(cfg, threads);
  eval::ImplicitAls als;
  als.fit(d.positives, nm, ng, ao);
  char line[200];
  std::snprintf(line, sizeof line, "[rank] implicit ALS on %zu known pairs: %d factors, %d sweeps, loss %.4g -> %.4g (%s)",
                d.positives.size(), ao.factors, ao.iterations, als.loss_history.front(), als.loss_history.back(),
                human_seconds(sw.seconds()).c_str());
  log_info(line);

  // The unknown pairs (NaN marks the validated ones) and both models' scores on them.
  std::vector<std::uint64_t> idx;
  idx.reserve(d.pool_size());
  for (std::uint64_t i = 0; i < lstm.size(); ++i)
    if (!std::isnan(lstm[i])) idx.push_back(i);
  if (idx.size() != d.pool_size())
    throw InputError(cfg.store, 0, "/scores/matrix has " + std::to_string(idx.size()) + " scored pairs, the pool " +
                                       std::to_string(d.pool_size()) + ": rerun `aemigap score`");
  std::vector<float> a(idx.size()), l(idx.size());
  parallel_slices(idx.size(), std::max(1, threads), [&](std::size_t lo, std::size_t hi) {
    for (std::size_t k = lo; k < hi; ++k) {
      a[k] = als.score(static_cast<std::int32_t>(idx[k] / ng), static_cast<std::int32_t>(idx[k] % ng));
      l[k] = lstm[idx[k]];
    }
  }, 1);
  std::vector<float> value;
  row.combine(a, l, value);
  std::vector<float>().swap(a);
  std::vector<float>().swap(l);
  std::vector<float>& ranking = lstm;  // reuse: NaN stays at the validated pairs
  for (std::size_t k = 0; k < idx.size(); ++k) ranking[idx[k]] = value[k];

  StoreUpdate up(cfg.store, false);
  Store& s = up.store();
  if (s.exists(sc::kRanking)) s.remove(sc::kRanking);
  if (s.exists(sc::kAls)) s.remove(sc::kAls);
  const auto f = static_cast<std::uint64_t>(als.factors());
  s.write<float>(sc::kAlsMirnaFactors, als.mirna_factors, {nm, f});
  s.write<float>(sc::kAlsGeneFactors, als.gene_factors, {ng, f});
  s.write<double>(sc::kAlsLoss, als.loss_history, {als.loss_history.size()});
  s.set_attr(sc::kAls, sc::kAttrKnownPairs, static_cast<std::int64_t>(d.positives.size()));
  s.set_attr(sc::kAls, sc::kAttrAlpha, ao.alpha);
  s.set_attr(sc::kAls, sc::kAttrLambda, ao.lambda);
  s.create_dataset<float>(sc::kRanking, nm, ng, static_cast<std::uint64_t>(cfg.score_block_rows), false);
  s.write_rows(sc::kRanking, 0, nm, ranking.data());
  s.set_attr(sc::kRanking, sc::kAttrRanker, std::string(name_of(cfg.ranker)));
  s.set_attr(sc::kRanking, sc::kAttrContent, std::string(row.content) + "; NaN for validated positives");
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

std::string ranking_dataset(const Store& s) { return s.exists(sc::kRanking) ? sc::kRanking : sc::kScoreMatrix; }

Ranker stored_ranker(const Store& s) {
  if (!s.exists(sc::kRanking)) return Ranker::Lstm;
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

// Ranking recovery (eval/): hold-out splits, the sampled-pool rank estimator against exact
// brute force, per-miRNA / per-gene AUCs, percentiles, baselines and implicit ALS.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "aemigap/core/rng.hpp"
#include "aemigap/eval/baselines.hpp"
#include "aemigap/eval/sources.hpp"
#include "aemigap/eval/recovery.hpp"

using namespace aemigap;
using namespace aemigap::eval;

namespace {

// A bipartite graph with uneven degrees: miRNA m has 2 + m % 7 partners.
std::vector<PairIndex> toy_positives(int n_mirna, int n_gene, std::uint64_t seed) {
  Rng rng(seed, 1);
  std::set<PairIndex> s;
  for (int m = 0; m < n_mirna; ++m)
    while (static_cast<int>(std::count_if(s.begin(), s.end(), [&](const PairIndex& p) { return p[0] == m; })) <
           2 + m % 7)
      s.insert({m, static_cast<std::int32_t>(rng.uniform_below(static_cast<std::uint64_t>(n_gene)))});
  return {s.begin(), s.end()};
}

// Exact brute-force metrics over an explicit list of (score, is_held) pairs, ties broken
// by averaging over every order (expected value), for a pool that is the whole list.
double brute_recall_at(const std::vector<float>& s, const std::vector<std::uint8_t>& y, std::uint64_t k) {
  // Expected held-out count in the top k under uniformly random tie-breaks.
  double held_total = 0, hits = 0;
  for (auto v : y) held_total += v;
  std::map<float, std::pair<double, double>, std::greater<float>> groups;  // score -> (held, all)
  for (std::size_t i = 0; i < s.size(); ++i) groups[s[i]].first += y[i], groups[s[i]].second += 1;
  double above = 0;
  for (auto& [v, g] : groups) {
    const double room = static_cast<double>(k) - above;
    if (room <= 0) break;
    hits += g.first * std::min(1.0, room / g.second);
    above += g.second;
  }
  return hits / held_total;
}

double brute_auc(const std::vector<float>& s, const std::vector<std::uint8_t>& y) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j)
      if (y[i] && !y[j]) num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0, den += 1;
  return num / den;
}

}  // namespace

TEST(Split, RandomIsDisjointAndTheRequestedShare) {
  auto pos = toy_positives(60, 200, 3);
  auto sp = holdout_split(pos, RecoverySplit::Random, 0.2, 11);
  EXPECT_EQ(sp.train.size() + sp.held.size(), pos.size());
  EXPECT_EQ(sp.held.size(), static_cast<std::size_t>(std::llround(0.2 * static_cast<double>(pos.size()))));
  std::vector<PairIndex> all = sp.train;
  all.insert(all.end(), sp.held.begin(), sp.held.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, pos);  // disjoint and together the positives
  EXPECT_TRUE(std::is_sorted(sp.train.begin(), sp.train.end()));
  EXPECT_TRUE(std::is_sorted(sp.held.begin(), sp.held.end()));
  // Seeded: the same seed gives the same split, another seed another one.
  EXPECT_EQ(holdout_split(pos, RecoverySplit::Random, 0.2, 11).held, sp.held);
  EXPECT_NE(holdout_split(pos, RecoverySplit::Random, 0.2, 12).held, sp.held);
}

TEST(Split, StratifiedKeepsEveryMirnaInTraining) {
  auto pos = toy_positives(80, 150, 5);
  auto sp = holdout_split(pos, RecoverySplit::MirnaStratified, 0.5, 7);
  std::map<int, int> train, held, total;
  for (auto& p : pos) ++total[p[0]];
  for (auto& p : sp.train) ++train[p[0]];
  for (auto& p : sp.held) ++held[p[0]];
  for (auto& [m, n] : total) {
    EXPECT_GE(train[m], 1) << "miRNA " << m;
    EXPECT_LE(std::abs(held[m] - 0.5 * n), 1.0) << "miRNA " << m;  // floor(f n + u): within one of f n
  }
  EXPECT_NEAR(static_cast<double>(sp.held.size()) / static_cast<double>(pos.size()), 0.5, 0.08);
}

TEST(Split, ColdMirnaHoldsOutWholeMirnas) {
  auto pos = toy_positives(100, 150, 9);
  auto sp = holdout_split(pos, RecoverySplit::ColdMirna, 0.1, 3);
  std::set<int> held_m, train_m;
  for (auto& p : sp.held) held_m.insert(p[0]);
  for (auto& p : sp.train) train_m.insert(p[0]);
  EXPECT_EQ(held_m.size(), 10u);
  for (int m : held_m) EXPECT_EQ(train_m.count(m), 0u) << "miRNA " << m << " is on both sides";
  EXPECT_EQ(sp.train.size() + sp.held.size(), pos.size());
}

TEST(EvalPool, WholePoolIsEveryNonTrainingPair) {
  const int nm = 12, ng = 30;
  auto pos = toy_positives(nm, ng, 1);
  auto sp = holdout_split(pos, RecoverySplit::Random, 0.3, 2);
  auto pool = make_eval_pool(nm, ng, sp, 1.0, 4);
  EXPECT_EQ(pool.n_pool, static_cast<std::uint64_t>(nm * ng) - sp.train.size());
  EXPECT_EQ(pool.pairs.size(), pool.n_pool);
  EXPECT_TRUE(std::is_sorted(pool.pairs.begin(), pool.pairs.end()));
  std::size_t held = 0;
  for (std::size_t i = 0; i < pool.pairs.size(); ++i) {
    EXPECT_FALSE(std::binary_search(sp.train.begin(), sp.train.end(), pool.pairs[i]));
    EXPECT_EQ(pool.held[i] != 0, std::binary_search(sp.held.begin(), sp.held.end(), pool.pairs[i]));
    held += pool.held[i];
  }
  EXPECT_EQ(held, sp.held.size());
}

TEST(EvalPool, SampleHasTheRequestedShareAndAllHeldPairs) {
  const int nm = 200, ng = 500;
  auto pos = toy_positives(nm, ng, 8);
  auto sp = holdout_split(pos, RecoverySplit::Random, 0.1, 2);
  auto pool = make_eval_pool(nm, ng, sp, 0.05, 4);
  const double expect = 0.05 * static_cast<double>(pool.n_pool - pool.n_held);
  EXPECT_NEAR(static_cast<double>(pool.n_sampled), expect, 5 * std::sqrt(expect));
  std::size_t held = 0;
  for (auto v : pool.held) held += v;
  EXPECT_EQ(held, sp.held.size());
  // Rows: only those miRNAs' pairs, and the pool size counts those rows only.
  auto cold = holdout_split(pos, RecoverySplit::ColdMirna, 0.1, 5);
  std::vector<std::int32_t> rows;
  for (auto& p : cold.held)
    if (rows.empty() || rows.back() != p[0]) rows.push_back(p[0]);
  auto cp = make_eval_pool(nm, ng, cold, 1.0, 4, rows);
  EXPECT_EQ(cp.n_pool, rows.size() * static_cast<std::uint64_t>(ng));  // held rows have no training pair
  EXPECT_EQ(cp.pairs.size(), cp.n_pool);
  for (auto& p : cp.pairs) EXPECT_TRUE(std::binary_search(rows.begin(), rows.end(), p[0]));
}

TEST(RankingMetrics, ExactPoolEqualsBruteForceWithTies) {
  const int nm = 15, ng = 40;
  auto pos = toy_positives(nm, ng, 21);
  auto sp = holdout_split(pos, RecoverySplit::Random, 0.4, 5);
  auto pool = make_eval_pool(nm, ng, sp, 1.0, 1);
  // Coarse scores (many ties), higher for held-out pairs on average.
  Rng rng(7, 7);
  std::vector<float> s(pool.pairs.size());
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = std::floor(static_cast<float>(rng.uniform_double() * 10 + (pool.held[i] ? 4 : 0)));
  std::vector<std::uint64_t> ks{1, 5, 17, 60, 200, 10000};
  auto r = ranking_metrics(pool, s, ks);
  double held = 0;
  for (auto v : pool.held) held += v;
  for (std::size_t k = 0; k < ks.size(); ++k) {
    const double rec = brute_recall_at(s, pool.held, ks[k]);
    EXPECT_NEAR(r.recall[k], rec, 1e-9) << "K=" << ks[k];
    EXPECT_NEAR(r.precision[k], rec * held / static_cast<double>(ks[k]), 1e-9);
    EXPECT_NEAR(r.enrichment[k], r.precision[k] / (held / static_cast<double>(pool.n_pool)), 1e-9);
  }
  EXPECT_NEAR(r.recall.back(), 1.0, 1e-12);  // K beyond the pool: everything
  EXPECT_NEAR(r.auc, brute_auc(s, pool.held), 1e-9);
  // Per-miRNA AUC: the mean over miRNAs with both kinds of pairs.
  double sum = 0;
  int n = 0;
  for (int m = 0; m < nm; ++m) {
    std::vector<float> sm;
    std::vector<std::uint8_t> ym;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (pool.pairs[i][0] == m) sm.push_back(s[i]), ym.push_back(pool.held[i]);
    if (std::count(ym.begin(), ym.end(), 1) && std::count(ym.begin(), ym.end(), 0)) sum += brute_auc(sm, ym), ++n;
  }
  EXPECT_EQ(r.n_mirna, static_cast<std::size_t>(n));
  EXPECT_NEAR(r.mirna_auc, sum / n, 1e-9);
  // A perfect ranking: recall@|held| = 1, AUC = 1; a reversed one: AUC = 0.
  std::vector<float> perfect(s.size()), reversed(s.size());
  for (std::size_t i = 0; i < s.size(); ++i)
    perfect[i] = pool.held[i] ? 2.0f + static_cast<float>(i) * 1e-3f : 1.0f - static_cast<float>(i) * 1e-6f,
    reversed[i] = -perfect[i];
  auto rp = ranking_metrics(pool, perfect, {static_cast<std::uint64_t>(held)});
  EXPECT_NEAR(rp.recall[0], 1.0, 1e-12);
  EXPECT_NEAR(rp.auc, 1.0, 1e-12);
  EXPECT_LE(rp.median_rank, held);
  EXPECT_NEAR(ranking_metrics(pool, reversed, {1}).auc, 0.0, 1e-12);
}

TEST(RankingMetrics, SampledPoolEstimatesTheWholePoolRanking) {
  // One model's scores over a large pool, evaluated exactly and on a 10 % sample: the
  // recall estimates and the AUC must agree within sampling noise.
  const int nm = 300, ng = 600;
  auto pos = toy_positives(nm, ng, 33);
  auto sp = holdout_split(pos, RecoverySplit::Random, 0.25, 3);
  auto score_of = [&](const PairIndex& p, bool held) {
    std::uint64_t x = (static_cast<std::uint64_t>(p[0]) << 32) ^ static_cast<std::uint64_t>(p[1]);
    const double u = static_cast<double>(splitmix64(x) >> 11) / 9007199254740992.0;
    return static_cast<float>(u + (held ? 0.6 : 0.0));  // a decent model
  };
  auto score_pool = [&](const EvalPool& pool) {
    std::vector<float> s(pool.pairs.size());
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = score_of(pool.pairs[i], pool.held[i] != 0);
    return s;
  };
  auto exact_pool = make_eval_pool(nm, ng, sp, 1.0, 9);
  auto sampled_pool = make_eval_pool(nm, ng, sp, 0.1, 9);
  const std::vector<std::uint64_t> ks{1000, 10000, 50000};
  auto exact = ranking_metrics(exact_pool, score_pool(exact_pool), ks);
  auto est = ranking_metrics(sampled_pool, score_pool(sampled_pool), ks);
  for (std::size_t k = 0; k < ks.size(); ++k) {
    EXPECT_GT(exact.recall[k], 0.01);
    EXPECT_NEAR(est.recall[k], exact.recall[k], 0.1 * exact.recall[k] + 0.01) << "K=" << ks[k];
  }
  EXPECT_NEAR(est.auc, exact.auc, 0.01);
  EXPECT_NEAR(est.median_rank, exact.median_rank, 0.05 * exact.median_rank);
}

TEST(RankingMetrics, RejectsMismatchedScores) {
  auto pos = toy_positives(5, 20, 1);
  auto sp = holdout_split(pos, RecoverySplit::Random, 0.3, 1);
  auto pool = make_eval_pool(5, 20, sp, 1.0, 1);
  EXPECT_THROW(ranking_metrics(pool, std::vector<float>(pool.pairs.size() - 1), {10}), std::exception);
  std::vector<float> s(pool.pairs.size(), 0.5f);
  s[0] = std::nanf("");
  EXPECT_THROW(ranking_metrics(pool, s, {10}), std::exception);
}

TEST(Percentiles, RanksOnZeroToOneWithTiesShared) {
  auto p = percentiles({3.0f, 1.0f, 2.0f, 2.0f, 10.0f});
  EXPECT_FLOAT_EQ(p[1], 0.0f);
  EXPECT_FLOAT_EQ(p[4], 1.0f);
  EXPECT_FLOAT_EQ(p[2], p[3]);
  EXPECT_FLOAT_EQ(p[2], 0.375f);  // positions 1 and 2 of 0..4: mean 1.5 / 4
  EXPECT_FLOAT_EQ(p[0], 0.75f);
}

// A graph source's scores of q after fitting on `train`.
std::vector<float> source_scores(RecoveryModel id, const std::vector<PairIndex>& q, const std::vector<PairIndex>& train,
                                 std::uint64_t nm, std::uint64_t ng, const std::vector<float>* me = nullptr,
                                 const std::vector<float>* ge = nullptr, std::size_t dims = 0, std::uint64_t seed = 1) {
  FitContext c;
  c.known = &train;
  c.n_mirna = nm;
  c.n_gene = ng;
  c.mirna_emb = me;
  c.gene_emb = ge;
  c.dims = dims;
  c.seed = seed;
  return find_source(id)->fit(c)->score(q);
}

TEST(Sources, ScoreWhatTheirNamesSay) {
  std::vector<PairIndex> train{{0, 0}, {0, 1}, {1, 1}, {2, 1}};
  std::vector<PairIndex> q{{1, 0}, {2, 2}, {0, 1}};
  std::vector<float> me{0, 0, 1, 0, 0, 1}, ge{0, 0, 3, 4, 1, 1};  // 3 miRNAs, 3 genes, 2-d
  EXPECT_EQ(source_scores(RecoveryModel::GenePopularity, q, train, 3, 3), (std::vector<float>{1, 0, 3}));
  EXPECT_EQ(source_scores(RecoveryModel::DegreeProduct, q, train, 3, 3), (std::vector<float>{1 * 1, 1 * 0, 2 * 3}));
  auto ed = source_scores(RecoveryModel::EmbeddingDistance, q, train, 3, 3, &me, &ge, 2);
  EXPECT_FLOAT_EQ(ed[0], -1.0f);  // miRNA (1,0) to gene (0,0)
  EXPECT_FLOAT_EQ(ed[1], -1.0f);  // (0,1) to (1,1)
  EXPECT_FLOAT_EQ(ed[2], -5.0f);  // (0,0) to (3,4)
  auto r1 = source_scores(RecoveryModel::Random, q, train, 3, 3);
  EXPECT_EQ(r1, source_scores(RecoveryModel::Random, q, train, 3, 3));
  EXPECT_NE(r1, source_scores(RecoveryModel::Random, q, train, 3, 3, nullptr, nullptr, 0, 2));
  // The classifier's rows are not graph sources (experiment/ adds them).
  EXPECT_EQ(find_source(RecoveryModel::LstmPaper), nullptr);
  EXPECT_THROW(source_scores(RecoveryModel::EmbeddingDistance, q, train, 3, 3), std::exception);  // no embeddings
}

TEST(ImplicitAls, LossFallsAndPlantedBlocksAreRecovered) {
  // Planted structure: 4 communities of miRNAs and genes; a pair inside a community is an
  // interaction with probability 0.5, outside with 0.01. Hold out 20 % and rank.
  const int nm = 120, ng = 200, c = 4;
  Rng rng(5, 5);
  std::vector<PairIndex> pos;
  for (int m = 0; m < nm; ++m)
    for (int g = 0; g < ng; ++g)
      if (rng.uniform_double() < (m % c == g % c ? 0.5 : 0.01)) pos.push_back({m, g});
  auto sp = holdout_split(pos, RecoverySplit::Random, 0.2, 1);
  AlsOptions o;
  o.factors = 8;
  o.iterations = 8;
  o.threads = 2;
  ImplicitAls als;
  als.fit(sp.train, nm, ng, o);
  ASSERT_EQ(als.loss_history.size(), 8u);
  for (std::size_t i = 1; i < als.loss_history.size(); ++i)
    EXPECT_LE(als.loss_history[i], als.loss_history[i - 1] * (1 + 1e-9)) << "sweep " << i;
  EXPECT_NEAR(als.loss(sp.train), als.loss_history.back(), 1e-6 * als.loss_history.back());
  auto pool = make_eval_pool(nm, ng, sp, 1.0, 2);
  auto r = ranking_metrics(pool, als.scores(pool.pairs), {100});
  // The oracle knows the communities; the unknown pool holds non-interacting pairs inside
  // communities too, so even it stays below 1.
  std::vector<float> oracle(pool.pairs.size());
  for (std::size_t i = 0; i < oracle.size(); ++i) oracle[i] = pool.pairs[i][0] % c == pool.pairs[i][1] % c ? 1.0f : 0.0f;
  auto o_r = ranking_metrics(pool, oracle, {100});
  EXPECT_GT(o_r.auc, 0.85);
  EXPECT_GT(r.auc, o_r.auc - 0.02);
  EXPECT_GT(r.mirna_auc, o_r.mirna_auc - 0.03);
  // The degree baseline cannot see the communities.
  auto d = ranking_metrics(pool, source_scores(RecoveryModel::DegreeProduct, pool.pairs, sp.train, nm, ng), {100});
  EXPECT_LT(d.auc, 0.7);
  // A miRNA with no training pair keeps a zero vector: score 0 everywhere.
  std::vector<PairIndex> some(sp.train.begin(), sp.train.end());
  some.erase(std::remove_if(some.begin(), some.end(), [](const PairIndex& p) { return p[0] == 0; }), some.end());
  ImplicitAls b;
  b.fit(some, nm, ng, o);
  for (int g = 0; g < ng; ++g) EXPECT_EQ(b.score(0, g), 0.0f);
}

// The ranking (src/rank/): top-K, and each ranker's /scores/ranking against a brute-force
// recomputation on a small store.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "aemigap/core/checked_matrix.hpp"
#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/eval/baselines.hpp"
#include "aemigap/eval/recovery.hpp"
#include "aemigap/rank/ranking.hpp"
#include "aemigap/rank/topk.hpp"
#include "test_util.hpp"

using namespace aemigap;
namespace sc = aemigap::schema;

TEST(TopK, KeepsTheBestWithTiesByIndexAndSkipsNaN) {
  rank::TopK t(3);
  t.add({0.5f, 2, 0});
  t.add({NAN, 0, 0});
  t.add({0.9f, 1, 1});
  t.add({0.5f, 1, 7});
  t.add({0.1f, 0, 0});
  t.add({0.5f, 1, 9});
  auto s = t.sorted();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].score, 0.9f);
  EXPECT_EQ(std::make_pair(s[1].mirna, s[1].gene), std::make_pair(1, 7));  // equal scores: lower (miRNA, gene) first
  EXPECT_EQ(std::make_pair(s[2].mirna, s[2].gene), std::make_pair(1, 9));
  rank::TopK a(3), b(3);  // merging halves gives the same
  a.merge({{0.5f, 2, 0}, {0.9f, 1, 1}});
  b.merge({{0.5f, 1, 7}, {0.1f, 0, 0}, {0.5f, 1, 9}});
  a.merge(b.sorted());
  auto m = a.sorted();
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(m[i].gene, s[i].gene);
}

namespace {

// A store of 6 miRNAs x 9 genes with a known graph and a complete, made-up score matrix.
struct SmallStore {
  test::TempDir dir;
  Config cfg;
  Dataset d;
  std::vector<float> prob;
  SmallStore() {
    for (int i = 0; i < 6; ++i) d.mirna_names.push_back("m" + std::to_string(i)), d.mirna_sequences.push_back("ACGU");
    for (int j = 0; j < 9; ++j)
      d.gene_names.push_back("G" + std::to_string(j)), d.gene_sequences.push_back("MKV"), d.gene_symbols.push_back("S" + std::to_string(j));
    Rng rng(3);
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 9; ++j)
        if ((i + j) % 3 == 0 || rng.uniform_double() < 0.15) d.positives.push_back({i, j});
    cfg.store = dir.file("s.h5");
    cfg.als_factors = 3;
    cfg.als_iterations = 4;
    cfg.score_block_rows = 2;
    prob.resize(6 * 9);
    for (std::size_t k = 0; k < prob.size(); ++k) prob[k] = static_cast<float>(rng.uniform_double());
    for (const auto& p : d.positives) prob[static_cast<std::size_t>(p[0] * 9 + p[1])] = NAN;
    StoreUpdate up(cfg.store, true);
    write_dataset(up.store(), d);
    up.store().create_dataset<float>(sc::kScoreMatrix, 6, 9, 2, false);
    up.store().write_rows(sc::kScoreMatrix, 0, 6, prob.data());
    up.store().create_dataset<std::uint8_t>(sc::kScoreDone, 3, 1, 3, false);
    std::vector<std::uint8_t> done{1, 1, 1};
    up.store().write_rows(sc::kScoreDone, 0, 3, done.data());
    up.store().set_attr(sc::kScores, sc::kAttrBlockRows, std::int64_t{2});
    std::vector<std::uint64_t> sums;
    for (std::size_t r0 = 0; r0 < 6; r0 += 2) sums.push_back(block_checksum(prob.data() + r0 * 9, 2 * 9));
    up.store().create_dataset<std::uint64_t>(sc::kScoreChecksum, 3, 1, 3, false);
    up.store().write_rows(sc::kScoreChecksum, 0, 3, sums.data());
    up.commit();
  }
  std::vector<float> ranking() const { return Store::open(cfg.store).read<float>(sc::kRanking); }
  std::vector<float> als_of_every_pair() const {
    eval::ImplicitAls als;
    als.fit(d.positives, 6, 9, eval::AlsOptions::from(cfg, 1));
    std::vector<float> v(54);
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 9; ++j) v[static_cast<std::size_t>(i * 9 + j)] = als.score(i, j);
    return v;
  }
};

}  // namespace

TEST(Rankers, AlsStoresTheAlsScoreOfEveryUnknownPair) {
  SmallStore s;
  s.cfg.ranker = Ranker::Als;
  rank::write_ranking(s.cfg, s.d, 2);
  const auto r = s.ranking(), want = s.als_of_every_pair();
  for (std::size_t k = 0; k < r.size(); ++k) {
    if (std::isnan(s.prob[k])) EXPECT_TRUE(std::isnan(r[k])) << k;  // validated: NaN
    else EXPECT_EQ(r[k], want[k]) << k;
  }
  Store st = Store::open(s.cfg.store);
  EXPECT_EQ(rank::stored_ranker(st), Ranker::Als);
  EXPECT_EQ(rank::ranking_dataset(st), sc::kRanking);
  EXPECT_NE(rank::ranking_description(st, "M").find("ranker als: the score of implicit ALS"), std::string::npos);
}

TEST(Rankers, AlsLstmIsTheMeanOfTheTwoPercentiles) {
  SmallStore s;
  s.cfg.ranker = Ranker::AlsLstm;
  rank::write_ranking(s.cfg, s.d, 1);
  const auto r = s.ranking(), als = s.als_of_every_pair();
  std::vector<float> a, p;
  std::vector<std::size_t> at;
  for (std::size_t k = 0; k < r.size(); ++k)
    if (!std::isnan(s.prob[k])) at.push_back(k), a.push_back(als[k]), p.push_back(s.prob[k]);
  // brute force: (rank with ties averaged) / (n - 1)
  auto pct = [](const std::vector<float>& v) {
    std::vector<double> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      double below = 0, equal = 0;
      for (float w : v) below += w < v[i], equal += w == v[i];
      out[i] = (below + (equal - 1) / 2) / static_cast<double>(v.size() - 1);
    }
    return out;
  };
  const auto pa = pct(a), pp = pct(p);
  for (std::size_t i = 0; i < at.size(); ++i) EXPECT_NEAR(r[at[i]], (pa[i] + pp[i]) / 2, 1e-6) << at[i];
  EXPECT_EQ(rank::stored_ranker(Store::open(s.cfg.store)), Ranker::AlsLstm);
}

TEST(Rankers, LstmRemovesAnOldRankingSoReportsFollowTheProbability) {
  SmallStore s;
  s.cfg.ranker = Ranker::Als;
  rank::write_ranking(s.cfg, s.d, 1);
  s.cfg.ranker = Ranker::Lstm;
  rank::write_ranking(s.cfg, s.d, 1);
  Store st = Store::open(s.cfg.store);
  EXPECT_FALSE(st.exists(sc::kRanking));
  EXPECT_FALSE(st.exists(sc::kAls));
  EXPECT_EQ(rank::ranking_dataset(st), sc::kScoreMatrix);
  EXPECT_EQ(rank::stored_ranker(st), Ranker::Lstm);
  EXPECT_EQ(rank::ranking_description(st, "the checkpoint"), "ranker lstm: the checkpoint");
}

TEST(Rankers, IncompleteScoresAreRefusedByName) {
  SmallStore s;
  {
    Store st = Store::open(s.cfg.store, Store::Mode::ReadWrite);
    std::uint8_t zero = 0;
    st.write_rows(sc::kScoreDone, 1, 1, &zero);
  }
  try {
    rank::require_complete_scores(Store::open(s.cfg.store));
    FAIL() << "incomplete scores accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("score --resume"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------- the booster and the ensemble

#include "aemigap/rank/booster.hpp"
#include "aemigap/rank/ensemble.hpp"

TEST(Booster, LearnsSavesAndLoads) {
  Rng rng(1);
  const std::size_t n = 4000, d = 3;
  std::vector<float> x(n * d), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < d; ++j) x[i * d + j] = static_cast<float>(rng.uniform_double());
    y[i] = x[i * d] + 0.3f * x[i * d + 1] > 0.8f ? 1.0f : 0.0f;  // feature 2 is noise
  }
  rank::BoosterOptions o;
  o.rounds = 40;
  o.threads = 2;
  auto b = rank::Booster::train(x, n, d, y, o, {"a", "b", "noise"});
  auto p = b.predict(x.data(), n);
  std::size_t right = 0;
  for (std::size_t i = 0; i < n; ++i) {
    right += (p[i] > 0.5f) == (y[i] > 0.5f);
    EXPECT_TRUE(p[i] >= 0 && p[i] <= 1);
  }
  EXPECT_GT(right, n * 95 / 100);
  auto imp = b.importance();
  ASSERT_EQ(imp.size(), 3u);
  EXPECT_EQ(imp[0].first, "a");
  EXPECT_GT(imp[0].second, imp[2].second);  // the signal gains more than the noise
  auto back = rank::Booster::load(b.save(), {"a", "b", "noise"}, 1);
  EXPECT_EQ(back.predict(x.data(), n), p);  // the same trees, whatever the prediction threads
  EXPECT_THROW(rank::Booster::load(b.save(), {"a", "b"}, 1), Error);  // names must match the model
}

namespace {

// A small store-like world: 30 miRNAs in seed families of 3, 60 genes; a family's members
// share most targets, so family evidence is informative.
struct World {
  Dataset d;
  eval::StaticEvidence st;
  World() {
    const char* seeds[] = {"GAGGUAG", "AGCACUU", "UAAGGCA", "CCCUGAG", "ACAGUAC", "GCUACAU", "UGGAAUG", "AAAGUGC",
                           "UUGGUCC", "CUUUGGU"};
    for (int i = 0; i < 30; ++i) {
      d.mirna_names.push_back("hsa-m" + std::to_string(100 + i) + (i % 2 ? "-3p" : "-5p"));
      d.mirna_sequences.push_back("U" + std::string(seeds[i / 3]) + "ACGUACGUACGU");
    }
    for (int g = 0; g < 60; ++g)
      d.gene_names.push_back("G" + std::to_string(100 + g)), d.gene_symbols.push_back("S" + std::to_string(g)),
          d.gene_sequences.push_back(std::string(static_cast<std::size_t>(50 + g), 'M'));
    Rng rng(7);
    for (int m = 0; m < 30; ++m)
      for (int g = 0; g < 60; ++g)
        if (rng.uniform_double() < ((g / 6) == (m / 3) ? 0.7 : 0.05)) d.positives.push_back({m, g});
    std::vector<float> me(30 * 4), ge(60 * 4);
    for (auto& v : me) v = static_cast<float>(rng.uniform_double());
    for (auto& v : ge) v = static_cast<float>(rng.uniform_double());
    st = eval::StaticEvidence::from(d, eval::TargetScanSites{}, me, ge, 4);
  }
};

}  // namespace

TEST(Ensemble, TrainingRowsNeverSeeTheirOwnPair) {
  World w;
  rank::EnsembleOptions o;
  o.hide_pairs = 0.2;
  o.hide_mirnas = 0.1;
  o.hide_families = 0.1;
  o.negatives_per_positive = 3;
  o.als.factors = 4;
  o.als.iterations = 3;
  const auto ts = rank::build_training_set(w.d.positives, w.st, o);
  // The features were computed from a graph without any positive training row ...
  std::size_t positives = 0;
  for (std::size_t i = 0; i < ts.rows.size(); ++i) {
    if (ts.y[i] == 0) continue;
    ++positives;
    EXPECT_FALSE(std::binary_search(ts.graph.begin(), ts.graph.end(), ts.rows[i])) << "a hidden pair is in the graph";
  }
  EXPECT_GT(positives, 0u);
  EXPECT_EQ(ts.graph.size() + positives, w.d.positives.size());
  // ... and are exactly the features of that graph (not of the full one).
  const auto ev = eval::Evidence::fit(ts.graph, w.st, o.als, 1);
  const auto all = ev.pairs(ts.rows);
  const std::size_t F = eval::Evidence::n_features(), k = ts.columns.size();
  for (std::size_t i = 0; i < ts.rows.size(); ++i)
    for (std::size_t j = 0; j < k; ++j) ASSERT_EQ(ts.x[i * k + j], all[i * F + ts.columns[j]]) << i << " " << j;
  // Negatives are pool pairs: never a known pair.
  for (std::size_t i = 0; i < ts.rows.size(); ++i)
    if (ts.y[i] == 0) EXPECT_FALSE(std::binary_search(w.d.positives.begin(), w.d.positives.end(), ts.rows[i]));
  // Without TargetScan: the same rows, the other columns.
  const auto no_ts = rank::without_groups(ts, {"targetscan"});
  EXPECT_EQ(no_ts.columns.size(), k - 4);
  EXPECT_EQ(no_ts.rows, ts.rows);
}

TEST(Ensemble, RanksHeldFamilyPairsAboveTheRest) {
  World w;
  // Hold out miRNA 0's pairs entirely (a cold miRNA): its family members still know them.
  std::vector<eval::PairIndex> known, held;
  for (const auto& p : w.d.positives) (p[0] == 0 ? held : known).push_back(p);
  rank::EnsembleOptions o;
  o.negatives_per_positive = 5;
  o.booster.rounds = 30;
  o.als.factors = 4;
  o.als.iterations = 3;
  const auto e = rank::Ensemble::train(known, w.st, o);
  const auto ev = eval::Evidence::fit(known, w.st, o.als, 1);
  std::vector<float> row(60), feats;
  e.score_row(ev, 0, feats, row.data());
  // AUC of the cold member's held pairs against its other genes: the ensemble's, and gene
  // popularity's (what a miRNA with no known pair got before).
  const std::size_t F0 = eval::Evidence::n_features(), gdeg = eval::Evidence::column("gdeg");
  auto auc = [&](auto score) {
    double wins = 0, pairs = 0;
    for (int a = 0; a < 60; ++a)
      for (int b = 0; b < 60; ++b) {
        const bool pa = std::binary_search(held.begin(), held.end(), eval::PairIndex{0, a});
        const bool pb = std::binary_search(held.begin(), held.end(), eval::PairIndex{0, b});
        if (!pa || pb) continue;
        wins += score(a) > score(b) ? 1 : score(a) == score(b) ? 0.5 : 0;
        pairs += 1;
      }
    return wins / pairs;
  };
  const double ens = auc([&](int g) { return row[static_cast<std::size_t>(g)]; });
  const double pop = auc([&](int g) { return feats[static_cast<std::size_t>(g) * F0 + gdeg]; });
  EXPECT_GT(ens, 0.65) << "popularity " << pop;
  EXPECT_GT(ens, pop + 0.2) << "the family evidence should beat gene popularity for a cold member";
  // The TargetScan tier (ranker ensemble-ts-first): every pair with a site above every pair
  // without, each tier in the trees' order; switched off, the trees alone.
  const std::size_t tsc = eval::Evidence::column("ts");
  std::vector<float> marked = feats;
  for (std::size_t g = 0; g < 60; g += 7) marked[g * F0 + tsc] = 1.0f;
  const auto plain = e.predict(marked, 60);
  EXPECT_FALSE(e.targetscan_first());
  auto tiered_e = rank::Ensemble::train(known, w.st, [&] { auto t = o; t.targetscan_first = true; return t; }());
  EXPECT_TRUE(tiered_e.targetscan_first());
  const auto tiered = tiered_e.predict(marked, 60);
  float lowest_site = 10, highest_other = -1;
  for (std::size_t g = 0; g < 60; ++g) {
    const bool site = g % 7 == 0;
    EXPECT_FLOAT_EQ(tiered[g], plain[g] + (site ? 1.0f : 0.0f)) << g;
    (site ? lowest_site : highest_other) = site ? std::min(lowest_site, tiered[g]) : std::max(highest_other, tiered[g]);
  }
  EXPECT_GT(lowest_site, highest_other);
  tiered_e.set_targetscan_first(false);
  EXPECT_EQ(tiered_e.predict(marked, 60), plain);
  // A new sequence of the same seed gets the same family evidence as a cold member.
  const auto fresh = ev.new_mirna(w.d.mirna_sequences[0], std::vector<float>(4, 0.5f));
  const std::size_t F = eval::Evidence::n_features(), fam7 = eval::Evidence::column("fam7");
  for (int g = 0; g < 60; ++g)
    EXPECT_EQ(fresh[static_cast<std::size_t>(g) * F + fam7], feats[static_cast<std::size_t>(g) * F + fam7]) << g;
}

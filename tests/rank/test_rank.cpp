// The ranking (src/rank/): top-K, and each ranker's /scores/ranking against a brute-force
// recomputation on a small store.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

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

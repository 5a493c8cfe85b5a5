#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "aemigap/train/folds.hpp"
#include "aemigap/train/metrics.hpp"
#include "aemigap/train/plots.hpp"

using namespace aemigap::train;

TEST(Metrics, ThresholdMetricsOnAKnownExample) {
  std::vector<float> s{0.9f, 0.8f, 0.4f, 0.6f, 0.2f, 0.5f};
  std::vector<std::uint8_t> y{1, 1, 1, 0, 0, 0};
  Metrics m = compute_metrics(s, y);
  EXPECT_EQ(m.confusion.tp, 2u);  // 0.9, 0.8
  EXPECT_EQ(m.confusion.fn, 1u);  // 0.4
  EXPECT_EQ(m.confusion.fp, 2u);  // 0.6, 0.5 (>= 0.5 is positive)
  EXPECT_EQ(m.confusion.tn, 1u);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m.f1, 2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3));
  // AUC by counting: positive-negative pairs ordered right: 0.9>all 3, 0.8>all 3, 0.4>0.2 only.
  EXPECT_DOUBLE_EQ(m.auc, 7.0 / 9);
}

TEST(Metrics, AucCountsTiesAsHalf) {
  EXPECT_DOUBLE_EQ(roc_auc({0.5f, 0.5f}, {1, 0}), 0.5);
  EXPECT_DOUBLE_EQ(roc_auc({0.5f, 0.5f, 0.9f, 0.1f}, {1, 0, 1, 0}), (0.5 + 1 + 1 + 1) / 4);
  EXPECT_DOUBLE_EQ(roc_auc({1, 2, 3}, {1, 1, 1}), 0.5);  // one class: no ordering
}

TEST(Metrics, RocCurveEndsAtOneOneWithAPointPerDistinctScore) {
  auto r = roc_curve({0.9f, 0.5f, 0.5f, 0.1f}, {1, 1, 0, 0});
  ASSERT_EQ(r.size(), 4u);  // start, 0.9, 0.5 (tie), 0.1
  EXPECT_DOUBLE_EQ(r[1].tpr, 0.5);
  EXPECT_DOUBLE_EQ(r[1].fpr, 0.0);
  EXPECT_DOUBLE_EQ(r[2].tpr, 1.0);
  EXPECT_DOUBLE_EQ(r[2].fpr, 0.5);
  EXPECT_DOUBLE_EQ(r.back().fpr, 1.0);
  EXPECT_DOUBLE_EQ(r.back().tpr, 1.0);
}

TEST(Metrics, SummaryMeanAndSampleSd) {
  Metrics a, b;
  a.auc = 0.8;
  b.auc = 0.6;
  auto s = summarize({a, b});
  EXPECT_DOUBLE_EQ(s.mean.auc, 0.7);
  EXPECT_NEAR(s.sd.auc, std::sqrt(0.02), 1e-12);
}

TEST(Folds, StratifiedKeepsTheClassBalanceAndIsSeeded) {
  std::vector<std::uint8_t> y(1000, 0);
  for (int i = 0; i < 300; ++i) y[static_cast<std::size_t>(i * 3)] = 1;
  auto f = stratified_folds(y, 5, 1);
  for (int k = 0; k < 5; ++k) {
    int pos = 0, all = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (f[i] == k) ++all, pos += y[i];
    EXPECT_EQ(all, 200);
    EXPECT_EQ(pos, 60);
  }
  EXPECT_EQ(f, stratified_folds(y, 5, 1));
  EXPECT_NE(f, stratified_folds(y, 5, 2));
}

TEST(Folds, GroupFoldsAreDisjointByGroupAndBalanced) {
  std::vector<std::int32_t> g;
  for (int grp = 0; grp < 50; ++grp)
    for (int j = 0; j < 10 + grp % 7; ++j) g.push_back(grp);
  auto f = group_folds(g, 5, 3);
  std::vector<std::set<int>> folds_of_group(50);
  std::vector<int> load(5, 0);
  for (std::size_t i = 0; i < g.size(); ++i) {
    folds_of_group[static_cast<std::size_t>(g[i])].insert(f[i]);
    ++load[static_cast<std::size_t>(f[i])];
  }
  for (const auto& s : folds_of_group) EXPECT_EQ(s.size(), 1u) << "a group is split across folds";
  int lo = *std::min_element(load.begin(), load.end()), hi = *std::max_element(load.begin(), load.end());
  EXPECT_LE(hi - lo, 16);  // at most one (largest) group apart
}

// The budget curve's plot: one polyline and one marker per point of each series, placed on a
// log10 axis (a point at 1e5 sits halfway between the 1e4 and 1e6 grid lines).
TEST(Plots, LogXLinesPlaceEveryPointOnItsDecade) {
  using aemigap::train::Series;
  const std::string svg = aemigap::train::log_x_lines_svg(
      "budget", {Series{"cv", {1e4, 1e5, 1e6}, {0.8, 0.85, 0.9}}, Series{"independent", {1e4, 1e6}, {0.4, 0.45}}},
      "samples", "AUC");
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = svg.find(what); p != std::string::npos; p = svg.find(what, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<polyline"), 2u);
  EXPECT_EQ(count("<circle"), 5u);
  EXPECT_NE(svg.find(">1e4<"), std::string::npos);
  EXPECT_NE(svg.find(">1e6<"), std::string::npos);
  // x0 = 60, width 400 over decades 4..6: 1e5 at x = 260; AUC 0.85 at y = 40 + 400 * 0.15 = 100.
  EXPECT_NE(svg.find("cx='260' cy='100'"), std::string::npos) << svg;
}

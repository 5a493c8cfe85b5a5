#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "aemigap/core/rng.hpp"
#include "aemigap/negatives/distance.hpp"
#include "aemigap/negatives/scan.hpp"

using namespace aemigap;
using namespace aemigap::negatives;

namespace {
std::vector<float> random_vectors(std::size_t n, std::size_t dims, std::uint64_t seed, float shift) {
  Rng rng(seed);
  std::vector<float> v(n * dims);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(rng.uniform_double() * 2 - 1) + shift * static_cast<float>(i % dims) / dims;
  return v;
}

// Explicit inverse by Gauss-Jordan (the reference for the Cholesky whitening).
std::vector<double> invert(std::vector<double> a, std::size_t n) {
  std::vector<double> inv(n * n, 0);
  for (std::size_t i = 0; i < n; ++i) inv[i * n + i] = 1;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r * n + c]) > std::fabs(a[p * n + c])) p = r;
    for (std::size_t k = 0; k < n; ++k) {
      std::swap(a[c * n + k], a[p * n + k]);
      std::swap(inv[c * n + k], inv[p * n + k]);
    }
    double d = a[c * n + c];
    for (std::size_t k = 0; k < n; ++k) {
      a[c * n + k] /= d;
      inv[c * n + k] /= d;
    }
    for (std::size_t r = 0; r < n; ++r)
      if (r != c) {
        double f = a[r * n + c];
        for (std::size_t k = 0; k < n; ++k) {
          a[r * n + k] -= f * a[c * n + k];
          inv[r * n + k] -= f * inv[c * n + k];
        }
      }
  }
  return inv;
}

struct Fixture {
  std::size_t dims = 8, nm = 37, ng = 53;
  std::vector<float> m, g;
  std::vector<double> wm, wg;
  Whitening w;
  std::vector<Pair> pos;
  Fixture() {
    m = random_vectors(nm, dims, 1, 0.5f);
    g = random_vectors(ng, dims, 2, -0.3f);
    // correlated dimension: a non-diagonal covariance
    for (std::size_t i = 0; i < nm; ++i) m[i * dims + 1] += 0.8f * m[i * dims];
    w = fit_whitening(m, g, dims);
    wm = whiten(m, w);
    wg = whiten(g, w);
    Rng rng(3);
    std::set<Pair> s;
    while (s.size() < 150)
      s.insert({static_cast<std::int32_t>(rng.uniform_below(nm)), static_cast<std::int32_t>(rng.uniform_below(ng))});
    pos.assign(s.begin(), s.end());
  }
};
}  // namespace

TEST(Distance, MahalanobisMatchesExplicitCovarianceInverse) {
  Fixture f;
  const std::size_t d = f.dims, n = f.nm + f.ng;
  std::vector<double> mean(d, 0), cov(d * d, 0);
  for (const auto* v : {&f.m, &f.g})
    for (std::size_t i = 0; i < v->size(); ++i) mean[i % d] += (*v)[i] / static_cast<double>(n);
  for (const auto* v : {&f.m, &f.g})
    for (std::size_t r = 0; r < v->size() / d; ++r)
      for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j < d; ++j)
          cov[i * d + j] += ((*v)[r * d + i] - mean[i]) * ((*v)[r * d + j] - mean[j]) / static_cast<double>(n - 1);
  auto inv = invert(cov, d);
  for (std::size_t a = 0; a < 5; ++a)
    for (std::size_t b = 0; b < 5; ++b) {
      std::vector<double> diff(d);
      for (std::size_t k = 0; k < d; ++k) diff[k] = double(f.m[a * d + k]) - double(f.g[b * d + k]);
      double q = 0;
      for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j < d; ++j) q += diff[i] * inv[i * d + j] * diff[j];
      Distances got = pair_distances(&f.m[a * d], &f.g[b * d], &f.wm[a * d], &f.wg[b * d], d);
      EXPECT_NEAR(got.mahalanobis, std::sqrt(q), 1e-9 * std::sqrt(q));
      double e = 0, uv = 0, uu = 0, vv = 0;
      for (std::size_t k = 0; k < d; ++k) {
        e += diff[k] * diff[k];
        double x = f.m[a * d + k], y = f.g[b * d + k];
        uv += x * y;
        uu += x * x;
        vv += y * y;
      }
      EXPECT_NEAR(got.euclidean, std::sqrt(e), 1e-12);
      EXPECT_NEAR(got.cosine, 1 - uv / std::sqrt(uu * vv), 1e-12);
    }
}

TEST(Scan, ExpandedDistancesMatchTheDirectOnes) {
  Fixture f;
  PoolScanner s(f.m, f.g, f.wm, f.wg, f.dims, f.pos, {}, false);
  for (std::size_t a = 0; a < f.nm; ++a)
    for (std::size_t b = 0; b < f.ng; ++b) {
      Distances want = pair_distances(&f.m[a * f.dims], &f.g[b * f.dims], &f.wm[a * f.dims], &f.wg[b * f.dims], f.dims);
      Distances got = s.scan_distances(a, b);
      EXPECT_NEAR(got.euclidean, want.euclidean, 1e-4 * (1 + want.euclidean));
      EXPECT_NEAR(got.cosine, want.cosine, 1e-5);
      EXPECT_NEAR(got.mahalanobis, want.mahalanobis, 1e-4 * (1 + want.mahalanobis));
    }
}

TEST(Scan, CountsMatchBruteForceAndExcludePositives) {
  Fixture f;
  Thresholds t = positive_means(f.m, f.g, f.wm, f.wg, f.dims, f.pos);
  PoolScanner s(f.m, f.g, f.wm, f.wg, f.dims, f.pos, t, false);
  std::set<Pair> pos(f.pos.begin(), f.pos.end());
  ScanCounts want;
  for (std::size_t a = 0; a < f.nm; ++a)
    for (std::size_t b = 0; b < f.ng; ++b) {
      if (pos.count({static_cast<std::int32_t>(a), static_cast<std::int32_t>(b)})) continue;
      Distances d = s.scan_distances(a, b);
      bool e = d.euclidean > t.euclidean, c = d.cosine > t.cosine, m = d.mahalanobis > t.mahalanobis;
      ++want.pool;
      want.above_euclidean += e;
      want.above_cosine += c;
      want.above_mahalanobis += m;
      want.above_all += e && c && m;
    }
  for (int threads : {1, 2, 3}) {
    std::vector<std::uint64_t> rows;
    ScanCounts got;
    s.count(0, f.nm, threads, rows, got);
    EXPECT_EQ(got.pool, f.nm * f.ng - f.pos.size());
    EXPECT_EQ(got.pool, want.pool);
    // the float expansion may flip a pair sitting exactly on a threshold; none do here
    EXPECT_EQ(got.above_euclidean, want.above_euclidean);
    EXPECT_EQ(got.above_cosine, want.above_cosine);
    EXPECT_EQ(got.above_mahalanobis, want.above_mahalanobis);
    EXPECT_EQ(got.above_all, want.above_all);
    EXPECT_EQ(got.candidates, want.above_all);
    EXPECT_GT(got.above_all, 0u);
    EXPECT_LT(got.above_all, got.pool);
  }
}

TEST(Scan, SelectionIsIndependentOfHowRowsAreSplit) {
  Fixture f;
  Thresholds t = positive_means(f.m, f.g, f.wm, f.wg, f.dims, f.pos);
  for (bool uniform : {false, true}) {
    PoolScanner s(f.m, f.g, f.wm, f.wg, f.dims, f.pos, t, uniform);
    std::vector<std::uint64_t> rows;
    ScanCounts c;
    s.count(0, f.nm, 1, rows, c);
    if (uniform) EXPECT_EQ(c.candidates, c.pool);
    auto chosen = sample_ordinals(c.candidates, c.candidates / 3, 11);
    std::vector<std::uint64_t> base(f.nm);
    for (std::size_t r = 1; r < f.nm; ++r) base[r] = base[r - 1] + rows[r - 1];
    auto whole = s.select(0, f.nm, base, chosen, 1);
    ASSERT_EQ(whole.size(), chosen.size());
    std::set<Pair> pos(f.pos.begin(), f.pos.end());
    for (const auto& p : whole) EXPECT_EQ(pos.count(p), 0u) << "a positive was drawn as a negative";
    EXPECT_TRUE(std::is_sorted(whole.begin(), whole.end()));
    for (int parts : {2, 3, 5}) {
      std::vector<Pair> joined;
      for (int k = 0; k < parts; ++k) {
        std::uint64_t a = f.nm * k / parts, b = f.nm * (k + 1) / parts;
        std::vector<std::uint64_t> sub(base.begin() + static_cast<long>(a), base.begin() + static_cast<long>(b));
        auto part = s.select(a, b, sub, chosen, 2);
        joined.insert(joined.end(), part.begin(), part.end());
      }
      EXPECT_EQ(joined, whole) << parts << " parts";
    }
  }
}

TEST(Sampling, OrdinalsAreDistinctSortedReproducibleAndUniform) {
  auto a = sample_ordinals(1000, 300, 5), b = sample_ordinals(1000, 300, 5), c = sample_ordinals(1000, 300, 6);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(std::set<std::uint64_t>(a.begin(), a.end()).size(), 300u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_LT(a.back(), 1000u);
  EXPECT_EQ(sample_ordinals(10, 10, 1).size(), 10u);
  // Each ordinal is drawn with probability k/n: counts over many seeds stay near it.
  std::vector<int> hits(20, 0);
  for (std::uint64_t seed = 0; seed < 4000; ++seed)
    for (auto x : sample_ordinals(20, 5, seed)) ++hits[x];
  for (int h : hits) EXPECT_NEAR(h, 1000, 120);
}

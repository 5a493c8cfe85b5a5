#include "aemigap/eval/recovery.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "aemigap/core/error.hpp"
#include "aemigap/core/rng.hpp"

namespace aemigap::eval {

Split holdout_split(const std::vector<PairIndex>& positives, RecoverySplit kind, double fraction,
                    std::uint64_t seed, const std::vector<std::int32_t>* family) {
  AEMIGAP_CHECK(fraction > 0 && fraction < 1, "hold-out fraction must be in (0, 1)");
  AEMIGAP_CHECK(kind != RecoverySplit::Independent, "the independent split is not a hold-out (independent_split)");
  AEMIGAP_CHECK(kind != RecoverySplit::ColdFamily || family, "cold-family needs the miRNAs' families");
  Split s;
  s.kind = kind;
  std::vector<std::uint8_t> out(positives.size(), 0);
  Rng rng(seed, 0x5e11);
  if (kind == RecoverySplit::Random) {
    std::vector<std::size_t> idx(positives.size());
    std::iota(idx.begin(), idx.end(), 0);
    shuffle(idx, rng);
    const auto k = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(positives.size())));
    for (std::size_t i = 0; i < k; ++i) out[idx[i]] = 1;
  } else {
    // Positives are sorted by miRNA: one contiguous run per miRNA.
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    for (std::size_t i = 0; i < positives.size();) {
      std::size_t j = i;
      while (j < positives.size() && positives[j][0] == positives[i][0]) ++j;
      runs.emplace_back(i, j);
      i = j;
    }
    if (kind == RecoverySplit::ColdFamily) {
      // Families with a positive, in order of first appearance; a share of them held out.
      std::vector<std::int32_t> fams;
      std::vector<char> seen;
      for (auto [a, b] : runs) {
        const std::int32_t f = (*family)[static_cast<std::size_t>(positives[a][0])];
        if (f < 0) continue;
        if (static_cast<std::size_t>(f) >= seen.size()) seen.resize(static_cast<std::size_t>(f) + 1, 0);
        if (!seen[static_cast<std::size_t>(f)]) seen[static_cast<std::size_t>(f)] = 1, fams.push_back(f);
      }
      shuffle(fams, rng);
      const auto k = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(fams.size())));
      std::vector<char> held(seen.size(), 0);
      for (std::size_t i = 0; i < k; ++i) held[static_cast<std::size_t>(fams[i])] = 1;
      for (std::size_t i = 0; i < positives.size(); ++i) {
        const std::int32_t f = (*family)[static_cast<std::size_t>(positives[i][0])];
        if (f >= 0 && held[static_cast<std::size_t>(f)]) out[i] = 1;
      }
    } else if (kind == RecoverySplit::MirnaStratified) {
      for (auto [a, b] : runs) {
        std::vector<std::size_t> idx(b - a);
        std::iota(idx.begin(), idx.end(), a);
        shuffle(idx, rng);
        const auto n = static_cast<double>(b - a);
        auto k = static_cast<std::size_t>(std::floor(fraction * n + rng.uniform_double()));
        k = std::min(k, idx.size() - 1);  // every miRNA keeps a training positive
        for (std::size_t i = 0; i < k; ++i) out[idx[i]] = 1;
      }
    } else {
      std::vector<std::size_t> r(runs.size());
      std::iota(r.begin(), r.end(), 0);
      shuffle(r, rng);
      const auto k = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(runs.size())));
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t p = runs[r[i]].first; p < runs[r[i]].second; ++p) out[p] = 1;
    }
  }
  for (std::size_t i = 0; i < positives.size(); ++i) (out[i] ? s.held : s.train).push_back(positives[i]);
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.held.begin(), s.held.end());
  return s;
}

Split independent_split(const std::vector<PairIndex>& positives, const std::vector<PairIndex>& validation) {
  Split s;
  s.kind = RecoverySplit::Independent;
  s.train = positives;
  std::sort(s.train.begin(), s.train.end());
  for (const auto& p : validation)
    if (!std::binary_search(s.train.begin(), s.train.end(), p)) s.held.push_back(p);
  std::sort(s.held.begin(), s.held.end());
  s.held.erase(std::unique(s.held.begin(), s.held.end()), s.held.end());
  return s;
}

namespace {
// In the sample iff a hash of (seed, pair) falls below fraction * 2^64.
bool sampled(std::uint64_t seed, std::uint64_t m, std::uint64_t g, std::uint64_t threshold, bool all) {
  if (all) return true;
  std::uint64_t x = seed ^ (m * 0x9E3779B97F4A7C15ull) ^ (g * 0xC2B2AE3D27D4EB4Full);
  return splitmix64(x) < threshold;
}
}  // namespace

EvalPool make_eval_pool(std::uint64_t n_mirna, std::uint64_t n_gene, const Split& split, double fraction,
                        std::uint64_t seed, const std::vector<std::int32_t>& rows) {
  AEMIGAP_CHECK(fraction > 0 && fraction <= 1, "pool fraction must be in (0, 1]");
  EvalPool p;
  p.fraction = fraction;
  p.n_pool = n_mirna * n_gene - split.train.size();
  p.n_held = split.held.size();
  const bool all = fraction >= 1;
  const auto threshold = static_cast<std::uint64_t>(std::ldexp(fraction, 64) >= 18446744073709551615.0
                                                        ? 18446744073709551615.0
                                                        : std::ldexp(fraction, 64));
  std::vector<std::uint8_t> in_rows(n_mirna, rows.empty() ? 1 : 0);
  for (auto r : rows) in_rows[static_cast<std::size_t>(r)] = 1;
  if (!rows.empty()) {  // the pool is those rows: their pairs that are not training positives
    std::uint64_t n_rows = 0, train_in_rows = 0;
    for (auto v : in_rows) n_rows += v;
    for (const auto& q : split.train) train_in_rows += in_rows[static_cast<std::size_t>(q[0])];
    p.n_pool = n_rows * n_gene - train_in_rows;
    for (const auto& q : split.held)
      AEMIGAP_CHECK(in_rows[static_cast<std::size_t>(q[0])], "a held-out pair outside the evaluated rows");
  }
  std::size_t t = 0, h = 0;  // cursors into the sorted train and held lists
  for (std::uint64_t m = 0; m < n_mirna; ++m) {
    for (std::uint64_t g = 0; g < n_gene; ++g) {
      const PairIndex pair{static_cast<std::int32_t>(m), static_cast<std::int32_t>(g)};
      if (t < split.train.size() && split.train[t] == pair) {
        ++t;
        continue;
      }
      if (h < split.held.size() && split.held[h] == pair) {
        ++h;
        p.pairs.push_back(pair);
        p.held.push_back(1);
        continue;
      }
      if (in_rows[m] && sampled(seed, m, g, threshold, all)) {
        p.pairs.push_back(pair);
        p.held.push_back(0);
        ++p.n_sampled;
      }
    }
  }
  AEMIGAP_CHECK(t == split.train.size() && h == split.held.size(), "split pairs outside the miRNA x gene grid");
  return p;
}

namespace {

// Mann-Whitney AUC of the positives (label 1) against the rest; ties count one half.
// idx: the pairs to use, any order. Returns NaN when a class is empty.
double auc_of(const std::vector<std::size_t>& idx, const std::vector<float>& s, const std::vector<std::uint8_t>& y) {
  std::vector<std::size_t> o(idx);
  std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return s[a] < s[b]; });
  double np = 0, nn = 0, sum = 0;  // sum of positive ranks (1-based, mid-ranks for ties)
  for (std::size_t i = 0; i < o.size();) {
    std::size_t j = i;
    double pos = 0;
    while (j < o.size() && s[o[j]] == s[o[i]]) pos += y[o[j++]];
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    sum += pos * mid;
    np += pos;
    nn += static_cast<double>(j - i) - pos;
    i = j;
  }
  if (np == 0 || nn == 0) return std::nan("");
  return (sum - np * (np + 1) / 2) / (np * nn);
}

}  // namespace

RankingMetrics ranking_metrics(const EvalPool& pool, const std::vector<float>& scores,
                               const std::vector<std::uint64_t>& ks) {
  AEMIGAP_CHECK(scores.size() == pool.pairs.size(), "one score per pool pair");
  for (float v : scores) AEMIGAP_CHECK(!std::isnan(v), "NaN score in the evaluation pool");
  RankingMetrics r;
  r.ks = ks;
  const std::size_t n = scores.size();
  const double w_unknown = 1.0 / pool.fraction;  // whole-pool pairs one sampled pair stands for
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  std::vector<double> hits(ks.size(), 0);
  std::vector<double> held_ranks;
  double above = 0;  // estimated whole-pool pairs ranked above the current tie group
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    double held = 0, unknown = 0;
    while (j < n && scores[order[j]] == scores[order[i]]) (pool.held[order[j++]] ? held : unknown) += 1;
    const double size = held + unknown * w_unknown;  // the group's estimated extent in the pool
    for (std::size_t k = 0; k < ks.size(); ++k) {
      const double room = static_cast<double>(ks[k]) - above;
      if (room > 0) hits[k] += held * std::min(1.0, room / size);
    }
    // Each held-out pair's expected rank within the group: the middle of it.
    for (double c = 0; c < held; c += 1) held_ranks.push_back(above + (size + 1) / 2);
    above += size;
    i = j;
  }
  const double nh = static_cast<double>(pool.n_held);
  const double base = nh / static_cast<double>(pool.n_pool);
  for (std::size_t k = 0; k < ks.size(); ++k) {
    r.recall.push_back(nh > 0 ? hits[k] / nh : std::nan(""));
    const double prec = hits[k] / static_cast<double>(ks[k]);
    r.precision.push_back(prec);
    r.enrichment.push_back(base > 0 ? prec / base : std::nan(""));
  }
  if (!held_ranks.empty()) {
    std::sort(held_ranks.begin(), held_ranks.end());
    const std::size_t m = held_ranks.size();
    r.median_rank = m % 2 ? held_ranks[m / 2] : (held_ranks[m / 2 - 1] + held_ranks[m / 2]) / 2;
  }
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  r.auc = auc_of(all, scores, pool.held);
  // Per miRNA (pairs are sorted by miRNA: contiguous runs) and per gene.
  double sum = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    std::vector<std::size_t> idx;
    while (j < n && pool.pairs[j][0] == pool.pairs[i][0]) idx.push_back(j++);
    double a = auc_of(idx, scores, pool.held);
    if (!std::isnan(a)) sum += a, ++r.n_mirna;
    i = j;
  }
  r.mirna_auc = r.n_mirna ? sum / static_cast<double>(r.n_mirna) : std::nan("");
  std::vector<std::size_t> by_gene(n);
  std::iota(by_gene.begin(), by_gene.end(), 0);
  std::stable_sort(by_gene.begin(), by_gene.end(),
                   [&](std::size_t a, std::size_t b) { return pool.pairs[a][1] < pool.pairs[b][1]; });
  sum = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    std::vector<std::size_t> idx;
    while (j < n && pool.pairs[by_gene[j]][1] == pool.pairs[by_gene[i]][1]) idx.push_back(by_gene[j++]);
    double a = auc_of(idx, scores, pool.held);
    if (!std::isnan(a)) sum += a, ++r.n_gene;
    i = j;
  }
  r.gene_auc = r.n_gene ? sum / static_cast<double>(r.n_gene) : std::nan("");
  return r;
}

std::vector<float> percentiles(const std::vector<float>& scores) {
  const std::size_t n = scores.size();
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), 0);
  std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  std::vector<float> p(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[o[j]] == scores[o[i]]) ++j;
    const float mid = static_cast<float>((static_cast<double>(i) + static_cast<double>(j - 1)) / 2 / std::max<double>(1, static_cast<double>(n - 1)));
    for (std::size_t k = i; k < j; ++k) p[o[k]] = mid;
    i = j;
  }
  return p;
}

}  // namespace aemigap::eval

#include "aemigap/rank/ensemble.hpp"

#include <algorithm>
#include <unordered_set>

#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/rng.hpp"

namespace aemigap::rank {

using eval::Evidence;
using eval::PairIndex;

EnsembleOptions EnsembleOptions::from(const Config& cfg, int threads) {
  EnsembleOptions o;
  o.hide_pairs = cfg.ensemble_hide_pairs;
  o.hide_mirnas = cfg.ensemble_hide_mirnas;
  o.hide_families = cfg.ensemble_hide_families;
  o.negatives_per_positive = cfg.ensemble_negatives;
  o.negatives_from = cfg.ensemble_negatives_from;
  o.booster.rounds = cfg.ensemble_trees;
  o.booster.max_depth = cfg.ensemble_depth;
  o.booster.eta = cfg.ensemble_eta;
  o.booster.min_child_weight = 5;
  o.booster.threads = threads;
  o.booster.seed = cfg.seed;
  o.als = eval::AlsOptions::from(cfg, threads);
  o.seed = cfg.seed;
  o.threads = threads;
  return o;
}

namespace {

std::vector<std::size_t> chosen_columns(const std::vector<std::string>& exclude_groups) {
  std::vector<std::size_t> cols;
  const auto& f = Evidence::features();
  for (std::size_t i = 0; i < f.size(); ++i)
    if (std::find(exclude_groups.begin(), exclude_groups.end(), f[i].group) == exclude_groups.end()) cols.push_back(i);
  return cols;
}

std::vector<float> select(const std::vector<float>& all, std::size_t n, const std::vector<std::size_t>& cols) {
  const std::size_t F = Evidence::n_features(), k = cols.size();
  std::vector<float> out(n * k);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < k; ++j) out[i * k + j] = all[i * F + cols[j]];
  return out;
}

std::uint64_t key(const PairIndex& p) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(p[0])) << 32) | static_cast<std::uint32_t>(p[1]);
}

}  // namespace

TrainingSet build_training_set(const std::vector<PairIndex>& known, const eval::StaticEvidence& st,
                               const EnsembleOptions& opt) {
  AEMIGAP_CHECK(std::is_sorted(known.begin(), known.end()), "known pairs must be sorted");
  Rng rng(opt.seed, 0xe5e);  // "ensemble"
  std::vector<char> hide(known.size(), 0);
  // Whole miRNAs and whole seed families, then single pairs of what is left.
  std::vector<char> cold_mirna(st.n_mirna, 0);
  {
    std::vector<std::int32_t> with_pairs;
    for (const auto& p : known)
      if (with_pairs.empty() || with_pairs.back() != p[0]) with_pairs.push_back(p[0]);
    shuffle(with_pairs, rng);
    const auto k = static_cast<std::size_t>(opt.hide_mirnas * static_cast<double>(with_pairs.size()) + 0.5);
    for (std::size_t i = 0; i < k && i < with_pairs.size(); ++i) cold_mirna[static_cast<std::size_t>(with_pairs[i])] = 1;
    std::vector<std::int32_t> fams;
    for (std::size_t f = 0; f < st.fam7.members.size(); ++f) fams.push_back(static_cast<std::int32_t>(f));
    shuffle(fams, rng);
    const auto kf = static_cast<std::size_t>(opt.hide_families * static_cast<double>(fams.size()) + 0.5);
    for (std::size_t i = 0; i < kf && i < fams.size(); ++i)
      for (auto m : st.fam7.members[static_cast<std::size_t>(fams[i])]) cold_mirna[static_cast<std::size_t>(m)] = 1;
  }
  for (std::size_t i = 0; i < known.size(); ++i)
    if (cold_mirna[static_cast<std::size_t>(known[i][0])] || rng.uniform_double() < opt.hide_pairs) hide[i] = 1;
  TrainingSet ts;
  std::vector<PairIndex> hidden;
  for (std::size_t i = 0; i < known.size(); ++i) (hide[i] ? hidden : ts.graph).push_back(known[i]);
  AEMIGAP_CHECK(!hidden.empty(), "the ensemble's hide left no hidden pair (too few known pairs?)");
  // Negatives: pool pairs drawn uniformly (never a known pair, so never a hidden one).
  std::unordered_set<std::uint64_t> taken;
  for (const auto& p : known) taken.insert(key(p));
  const std::size_t n_neg = hidden.size() * static_cast<std::size_t>(std::max(1, opt.negatives_per_positive));
  const std::uint64_t pool = st.n_mirna * st.n_gene - known.size();
  AEMIGAP_CHECK(pool >= n_neg, "the pool has " << pool << " pairs, fewer than the " << n_neg << " negatives asked for");
  std::vector<PairIndex> neg;
  neg.reserve(n_neg);
  if (opt.negatives_from == EnsembleNegatives::Uniform) {
    while (neg.size() < n_neg) {
      const PairIndex p{static_cast<std::int32_t>(rng.uniform_below(st.n_mirna)),
                        static_cast<std::int32_t>(rng.uniform_below(st.n_gene))};
      if (taken.insert(key(p)).second) neg.push_back(p);
    }
  } else {  // the hidden pair's miRNA with other genes it has no known pair with
    const auto per = static_cast<std::size_t>(std::max(1, opt.negatives_per_positive));
    for (const auto& h : hidden)
      for (std::size_t k = 0, tries = 0; k < per && tries < 100 * per; ++tries) {
        const PairIndex p{h[0], static_cast<std::int32_t>(rng.uniform_below(st.n_gene))};
        if (taken.insert(key(p)).second) neg.push_back(p), ++k;
      }
  }
  ts.rows = hidden;
  ts.rows.insert(ts.rows.end(), neg.begin(), neg.end());
  ts.y.assign(ts.rows.size(), 0.0f);
  std::fill(ts.y.begin(), ts.y.begin() + static_cast<long>(hidden.size()), 1.0f);
  log_info("[ensemble] hid " + std::to_string(hidden.size()) + " of " + std::to_string(known.size()) +
           " known pairs; features from the remaining " + std::to_string(ts.graph.size()) + " for " +
           std::to_string(ts.rows.size()) + " training pairs");
  const Evidence ev = Evidence::fit(ts.graph, st, opt.als, opt.threads);
  ts.columns = chosen_columns(opt.exclude_groups);
  ts.x = select(ev.pairs(ts.rows), ts.rows.size(), ts.columns);
  return ts;
}

TrainingSet without_groups(const TrainingSet& ts, const std::vector<std::string>& groups) {
  TrainingSet out;
  out.graph = ts.graph;
  out.rows = ts.rows;
  out.y = ts.y;
  std::vector<std::size_t> keep;  // positions in ts.columns
  for (std::size_t j = 0; j < ts.columns.size(); ++j) {
    const char* g = Evidence::features()[ts.columns[j]].group;
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) keep.push_back(j), out.columns.push_back(ts.columns[j]);
  }
  const std::size_t k = ts.columns.size(), n = ts.rows.size();
  out.x.resize(n * keep.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < keep.size(); ++j) out.x[i * keep.size() + j] = ts.x[i * k + keep[j]];
  return out;
}

Ensemble Ensemble::train(const std::vector<PairIndex>& known, const eval::StaticEvidence& st,
                         const EnsembleOptions& opt) {
  return from_training_set(build_training_set(known, st, opt), opt);
}

Ensemble Ensemble::from_training_set(const TrainingSet& ts, const EnsembleOptions& opt) {
  Stopwatch sw;
  Ensemble e;
  e.columns_ = ts.columns;
  e.training_rows_ = ts.rows.size();
  e.targetscan_first_ = opt.targetscan_first;
  e.booster_ = Booster::train(ts.x, ts.rows.size(), ts.columns.size(), ts.y, opt.booster, e.feature_names());
  log_info("[ensemble] " + std::to_string(opt.booster.rounds) + " trees on " + std::to_string(ts.columns.size()) +
           " features in " + human_seconds(sw.seconds()));
  return e;
}

std::vector<std::string> Ensemble::feature_names() const {
  std::vector<std::string> n;
  for (auto c : columns_) n.emplace_back(Evidence::features()[c].name);
  return n;
}

std::vector<float> Ensemble::predict(const std::vector<float>& all, std::size_t n) const {
  const auto x = select(all, n, columns_);
  auto p = booster_.predict(x.data(), n);
  if (targetscan_first_) add_targetscan_tier(all, p);
  return p;
}

void Ensemble::add_targetscan_tier(const std::vector<float>& all, std::vector<float>& p) {
  // The trees' probability lies in (0, 1): + 1 puts every site above every non-site.
  const std::size_t ts = Evidence::column("ts"), F = Evidence::n_features();
  for (std::size_t i = 0; i < p.size(); ++i)
    if (all[i * F + ts] > 0) p[i] += 1.0f;
}

void Ensemble::score_row(const Evidence& ev, std::int32_t m, std::vector<float>& features, float* out) const {
  const std::size_t ng = ev.statics().n_gene;
  features.resize(ng * Evidence::n_features());
  ev.row(m, features.data());
  const auto p = predict(features, ng);
  std::copy(p.begin(), p.end(), out);
}

Ensemble Ensemble::load(const std::vector<std::uint8_t>& bytes, const std::vector<std::string>& names, int threads,
                        bool targetscan_first) {
  Ensemble e;
  e.targetscan_first_ = targetscan_first;
  for (const auto& n : names) e.columns_.push_back(Evidence::column(n));
  e.booster_ = Booster::load(bytes, names, threads);
  return e;
}

}  // namespace aemigap::rank

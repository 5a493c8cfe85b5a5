#include "aemigap/negatives/negatives_stage.hpp"

#include <algorithm>
#include <cstdio>

#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/communicator.hpp"

namespace aemigap::negatives {

std::string NegativesResult::report() const {
  char buf[1024];
  auto pct = [&](std::uint64_t n) { return counts.pool ? 100.0 * static_cast<double>(n) / static_cast<double>(counts.pool) : 0.0; };
  std::snprintf(buf, sizeof buf,
                "method            %s\n"
                "thresholds        mean over positives: Euclidean %.6g, cosine %.6g, Mahalanobis %.6g\n"
                "unknown pool      %llu pairs\n"
                "above Euclidean   %llu (%.1f%%)\n"
                "above cosine      %llu (%.1f%%)\n"
                "above Mahalanobis %llu (%.1f%%)\n"
                "above all three   %llu (%.1f%%)\n"
                "candidates        %llu\n"
                "drawn             %llu negatives (requested %llu)\n"
                "scan              %.2f s for the whole pool (%.1f M pairs/s); stage %.2f s\n",
                name_of(method), thresholds.euclidean, thresholds.cosine, thresholds.mahalanobis,
                static_cast<unsigned long long>(counts.pool), static_cast<unsigned long long>(counts.above_euclidean),
                pct(counts.above_euclidean), static_cast<unsigned long long>(counts.above_cosine), pct(counts.above_cosine),
                static_cast<unsigned long long>(counts.above_mahalanobis), pct(counts.above_mahalanobis),
                static_cast<unsigned long long>(counts.above_all), pct(counts.above_all),
                static_cast<unsigned long long>(counts.candidates), static_cast<unsigned long long>(negatives.size()),
                static_cast<unsigned long long>(requested), scan_seconds,
                scan_seconds > 0 ? static_cast<double>(counts.pool) / scan_seconds / 1e6 : 0.0, seconds);
  return buf;
}

NegativesOptions NegativesOptions::from(const Config& cfg) {
  NegativesOptions o;
  o.method = cfg.negatives_method;
  o.ratio = cfg.negatives_ratio;
  o.seed = cfg.seed;
  return o;
}

NegativesResult build_negatives(const Dataset& d, const std::vector<float>& mirna, const std::vector<float>& gene,
                                std::size_t dims, const NegativesOptions& opt, dist::Communicator& comm, int threads) {
  Stopwatch total;
  NegativesResult r;
  r.method = opt.method;
  // Refused before the scan: zero negatives would make every later AUC meaningless.
  const auto wanted = static_cast<std::uint64_t>(static_cast<double>(d.positives.size()) * opt.ratio + 0.5);
  if (wanted == 0)
    throw ConfigError("option 'negatives-ratio' " + std::to_string(opt.ratio) + " asks for 0 negatives for " +
                      std::to_string(d.positives.size()) + " positives; use a ratio of at least " +
                      std::to_string(1.0 / std::max<double>(1.0, static_cast<double>(d.positives.size()))));
  // Every rank fits the same whitening and thresholds from the same data: no messages needed.
  Whitening w = fit_whitening(mirna, gene, dims);
  r.whitening_ridge = w.ridge;
  auto wm = whiten(mirna, w), wg = whiten(gene, w);
  r.thresholds = positive_means(mirna, gene, wm, wg, dims, d.positives);
  PoolScanner scanner(mirna, gene, wm, wg, dims, d.positives, r.thresholds, opt.method == NegativesMethod::Uniform);

  // Pass 1: candidates per row of this rank's block of miRNAs.
  auto range = dist::block_range(d.n_mirna(), comm.rank(), comm.size());
  std::vector<std::uint64_t> my_counts;
  ScanCounts c;
  Stopwatch scan;
  scanner.count(range.begin, range.end, threads, my_counts, c);
  std::vector<std::uint64_t> sums = {c.pool, c.above_euclidean, c.above_cosine, c.above_mahalanobis, c.above_all,
                                     c.candidates};
  comm.allreduce(sums, dist::ReduceOp::Sum);
  r.scan_seconds = comm.allreduce_value(scan.seconds(), dist::ReduceOp::Max);
  r.counts = {sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]};
  std::vector<std::uint64_t> row_counts = comm.allgatherv(my_counts);  // rank order = row order

  // The draw: the same ordinals on every rank.
  r.requested = static_cast<std::uint64_t>(static_cast<double>(d.positives.size()) * opt.ratio + 0.5);
  std::uint64_t k = std::min(r.requested, r.counts.candidates);
  if (k == 0)
    throw Error("negatives: no unknown pair passes the " + std::string(name_of(opt.method)) +
                " filter (all three distances above the positives' means): no negatives to draw");
  if (k < r.requested)
    log_warn("only " + std::to_string(r.counts.candidates) + " candidates for " + std::to_string(r.requested) +
             " requested negatives: taking all of them");
  auto chosen = sample_ordinals(r.counts.candidates, k, opt.seed);

  // Pass 2: this rank's chosen candidates, then everyone's, in row order.
  std::vector<std::uint64_t> base(range.end - range.begin);
  std::uint64_t ord = 0;
  for (std::uint64_t row = 0; row < range.begin; ++row) ord += row_counts[row];
  for (std::uint64_t row = range.begin; row < range.end; ++row) {
    base[row - range.begin] = ord;
    ord += row_counts[row];
  }
  auto mine = scanner.select(range.begin, range.end, base, chosen, threads);
  std::vector<std::int32_t> flat;
  flat.reserve(mine.size() * 2);
  for (const auto& p : mine) {
    flat.push_back(p[0]);
    flat.push_back(p[1]);
  }
  auto all = comm.allgatherv(flat);
  r.negatives.resize(all.size() / 2);
  for (std::size_t i = 0; i < r.negatives.size(); ++i) r.negatives[i] = {all[2 * i], all[2 * i + 1]};
  AEMIGAP_CHECK(r.negatives.size() == k, "drew " << r.negatives.size() << " negatives, expected " << k);
  r.seconds = total.seconds();
  return r;
}

void write_negatives(Store& s, const NegativesResult& r) {
  namespace sc = schema;
  write_pair_table(s, sc::kNegatives, r.negatives);
  const char* o = sc::kNegatives;
  s.set_attr(o, sc::kAttrMethod, std::string(name_of(r.method)));
  s.set_attr(o, sc::kAttrThresholdEuclidean, r.thresholds.euclidean);
  s.set_attr(o, sc::kAttrThresholdCosine, r.thresholds.cosine);
  s.set_attr(o, sc::kAttrThresholdMahalanobis, r.thresholds.mahalanobis);
  s.set_attr(o, sc::kAttrNPool, static_cast<std::int64_t>(r.counts.pool));
  s.set_attr(o, sc::kAttrNAboveEuclidean, static_cast<std::int64_t>(r.counts.above_euclidean));
  s.set_attr(o, sc::kAttrNAboveCosine, static_cast<std::int64_t>(r.counts.above_cosine));
  s.set_attr(o, sc::kAttrNAboveMahalanobis, static_cast<std::int64_t>(r.counts.above_mahalanobis));
  s.set_attr(o, sc::kAttrNAboveAll, static_cast<std::int64_t>(r.counts.above_all));
  s.set_attr(o, sc::kAttrNCandidates, static_cast<std::int64_t>(r.counts.candidates));
  s.set_attr(o, sc::kAttrNRequested, static_cast<std::int64_t>(r.requested));
  s.set_attr(o, sc::kAttrNDrawn, static_cast<std::int64_t>(r.negatives.size()));
  s.set_attr(o, sc::kAttrWhiteningRidge, r.whitening_ridge);
  s.set_attr(o, sc::kAttrScanSeconds, r.scan_seconds);
  s.set_attr(o, sc::kAttrReport, r.report());
}

}  // namespace aemigap::negatives

#include "aemigap/rank/stored.hpp"

#include <cstdio>

#include "aemigap/core/error.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/rank/ranking.hpp"

namespace aemigap::rank {

namespace sc = schema;

std::unique_ptr<StoredRanking> StoredRanking::load(const Config& cfg, const Store& s, const Dataset& d, int threads) {
  auto owned = std::make_unique<StoredRanking>();
  StoredRanking& r = *owned;
  try {
    r.statics = static_evidence(cfg, d);
  } catch (const InputError& e) {
    // The evidence columns read TargetScan beside the store; say how to point at it.
    throw InputError(e.file(), e.line(),
                     e.problem() + " (the evidence columns of report and query read it: pass the --config the store "
                                   "was made with, or --targetscan PATH, or --targetscan '' to leave TargetScan out)");
  }
  eval::ImplicitAls als;
  if (s.exists(sc::kAlsMirnaFactors)) {
    std::vector<std::uint64_t> dims;
    auto mf = s.read<float>(sc::kAlsMirnaFactors, &dims);
    auto gf = s.read<float>(sc::kAlsGeneFactors);
    als = eval::ImplicitAls::from_factors(std::move(mf), std::move(gf), static_cast<int>(dims.at(1)));
    r.has_als = true;
  } else {  // no ALS in the store (ranker lstm): zero factors, the column shows n/a
    als = eval::ImplicitAls::from_factors(std::vector<float>(d.n_mirna(), 0.0f), std::vector<float>(d.n_gene(), 0.0f), 1);
  }
  r.evidence = std::make_unique<eval::Evidence>(
      eval::Evidence::fit(d.positives, r.statics, eval::AlsOptions::from(cfg, threads), threads, &als));
  if (s.exists(sc::kEnsembleModel)) {
    auto bytes = s.read<std::uint8_t>(sc::kEnsembleModel);
    const bool ts_first = s.has_attr(sc::kEnsemble, sc::kAttrTargetScanFirst) &&
                          s.attr_int(sc::kEnsemble, sc::kAttrTargetScanFirst) != 0;
    r.ensemble = std::make_unique<Ensemble>(
        Ensemble::load(bytes, s.read_strings(sc::kEnsembleFeatures), threads, ts_first));
    for (auto c : r.ensemble->columns())
      if (std::string(eval::Evidence::features()[c].group) == "targetscan") r.ensemble_reads_targetscan = true;
    if (ts_first) r.ensemble_reads_targetscan = true;
  }
  return owned;
}

std::vector<std::string> StoredRanking::evidence_header() {
  return {"family_validated", "family_targetscan", "als_percentile"};
}

std::vector<std::string> StoredRanking::evidence_cells(std::int32_t m, std::int32_t g) const {
  const auto x = evidence->explain(m, g);
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.4f", x.als_percentile);
  return {std::to_string(x.family_validated) + "/" + std::to_string(x.family_others),
          std::to_string(x.family_targetscan) + "/" + std::to_string(x.family_others), has_als ? pct : "n/a"};
}

}  // namespace aemigap::rank

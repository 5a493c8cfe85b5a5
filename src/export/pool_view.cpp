#include "pool_view.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "aemigap/core/error.hpp"
#include "aemigap/core/line_reader.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/rank/ranking.hpp"

namespace aemigap::exporting {

namespace sc = schema;

std::unique_ptr<PoolView> PoolView::open(const Config& cfg, const std::string& reader) {
  auto v = std::make_unique<PoolView>(Store::open(cfg.store));
  Store& s = v->store;
  v->d = read_dataset(s);
  rank::require_complete_scores(s);
  const std::string ds = rank::ranking_dataset(s);  // names the step to run when the ranking is missing
  rank::require_current_ranking(s, reader);
  v->ranker = name_of(rank::stored_ranker(s));
  v->ranking = std::make_unique<CheckedMatrix>(s, ds);
  v->probability = std::make_unique<CheckedMatrix>(s, sc::kScoreMatrix);
  const int threads = resolve_threads(cfg.threads);
  Stopwatch sw;
  v->ranks = PoolRanks::build(*v->ranking, threads);
  log_info("[" + reader + "] ranks of " + human_count(static_cast<double>(v->ranks.n_pool())) + " unknown pairs (" +
           ds + ", ranker " + v->ranker + ") in " + human_seconds(sw.seconds()));
  v->ids = Identifiers::load(cfg, v->d);
  log_info("[" + reader + "] identifiers: " + v->ids.summary());
  if (s.exists(sc::kNegatives))
    for (const auto& p : read_pair_table(s, sc::kNegatives))
      v->negatives.insert(static_cast<std::uint64_t>(p[0]) * v->d.n_gene() + static_cast<std::uint64_t>(p[1]));
  v->stored = rank::StoredRanking::load(cfg, s, v->d, threads);
  v->has_targetscan = !v->stored->statics.targetscan.empty();
  return v;
}

IdFilter read_filter(const std::string& path, std::size_t n, bool genes, const Identifiers& ids) {
  IdFilter f;
  if (path.empty()) return f;
  f.keep.assign(n, 0);
  LineReader in(path);
  std::string_view line;
  std::vector<std::string> lost;
  std::size_t wanted = 0;
  while (in.next(line)) {
    const auto hash = line.find('#');
    const std::string id(trim(hash == std::string_view::npos ? line : line.substr(0, hash)));
    if (id.empty()) continue;
    ++wanted;
    const IdLookup hit = genes ? ids.gene(id) : ids.mirna(id);
    if (hit.found()) {
      f.keep[static_cast<std::size_t>(hit.index)] = 1;
    } else {
      ++f.unmapped;
      if (lost.size() < 10) lost.push_back(hit.reason);
    }
  }
  if (wanted == 0) in.fail(std::string("no ") + (genes ? "gene" : "miRNA") + " identifiers in the file");
  if (f.unmapped) {
    std::string first;
    for (const auto& r : lost) first += "\n  " + r;
    log_warn(path + ": " + std::to_string(f.unmapped) + " of " + std::to_string(wanted) + " identifiers match no " +
             (genes ? "gene" : "miRNA") + " of the store" + (f.unmapped > lost.size() ? " (the first 10):" : ":") + first);
  }
  return f;
}

std::string number(float v) {
  if (std::isnan(v)) return "";
  char b[32];
  auto r = std::to_chars(b, b + sizeof b, v);
  return std::string(b, r.ptr);
}

std::string number(double v, int decimals) {
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

}  // namespace aemigap::exporting

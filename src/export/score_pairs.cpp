// aemigap score-pairs: a user's list of pairs with the stored scores appended, in input order.
// A miRNA given as its mature sequence is the store's miRNA of that sequence, or else a new
// miRNA, scored from its sequence against every gene (score/new_mirna) and ranked against the
// stored pool.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/line_reader.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/fasta.hpp"
#include "aemigap/export/export.hpp"
#include "aemigap/eval/evidence.hpp"
#include "aemigap/score/new_mirna.hpp"
#include "pool_view.hpp"

namespace aemigap::exporting {

namespace {

constexpr const char* kAppended[] = {"aemigap_mirna", "aemigap_gene", "score", "probability", "global_rank",
                                     "percentile", "rank_in_mirna", "rank_in_gene", "targetscan",
                                     "training_negative", "status", "reason"};

// Fields of one line: tab-separated, or comma-separated with RFC 4180 quotes.
std::vector<std::string> fields_of(std::string_view line, char sep) {
  std::vector<std::string> out;
  if (sep == '\t') {
    for (auto f : split(line, '\t')) out.emplace_back(f);
    return out;
  }
  std::string f;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') f += '"', ++i;
      else if (c == '"') quoted = false;
      else f += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.push_back(f);
      f.clear();
    } else {
      f += c;
    }
  }
  out.push_back(f);
  return out;
}

// A mature miRNA sequence as a user may type it (RNA or DNA letters, any case, 16-30 nt),
// normalised as ingest normalises the store's (upper-case RNA); "" when the text is not one.
std::string as_mirna_sequence(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.size() < 16 || t.size() > 30) return "";
  for (char c : t)
    if (std::string_view("ACGUTacgut").find(c) == std::string_view::npos) return "";
  return normalise_sequence(t, Alphabet::Rna);
}

std::string cell(const std::string& v, char sep) {
  if (sep == '\t' || v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

ExportResult score_pairs(const Config& cfg) {
  Stopwatch sw;
  if (cfg.input.empty()) throw ConfigError("score-pairs needs --input FILE (a TSV or CSV of pairs with a header)");
  const bool csv = ends_with(cfg.input, ".csv") || ends_with(cfg.input, ".csv.gz");
  const char sep = csv ? ',' : '\t';
  // The input is checked before the store is read: a wrong column costs no load.
  LineReader in(cfg.input);
  std::string_view line;
  if (!in.next(line)) in.fail("empty file: expected a header line naming the columns");
  const std::string header(line);
  const auto names = fields_of(header, sep);
  auto column = [&](const std::string& want, const char* option) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (trim(names[i]) == want) return i;
    std::string have;
    for (const auto& n : names) have += (have.empty() ? "" : ", ") + n;
    in.fail("no column '" + want + "' (option " + option + "); the header has: " + have);
  };
  const std::size_t cm = column(cfg.mirna_column, "mirna-column"), cg = column(cfg.gene_column, "gene-column");

  const auto v = PoolView::open(cfg, "score-pairs");
  const double loaded_s = sw.seconds();
  const std::size_t ng = v->d.n_gene();
  const std::string path = cfg.output.empty() ? cfg.input + ".scored" + (csv ? ".csv" : ".tsv") : cfg.output;
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir);
  AtomicFile out(path);
  out.stream() << header;
  for (const char* c : kAppended) out.stream() << sep << c;
  out.stream() << '\n';

  // Read and resolve every row first, then score miRNA by miRNA (one row read and one sort
  // per distinct miRNA, whatever the input's order), then write in the input's order.
  struct Line {
    std::string text;
    std::vector<std::string> add;
    std::int64_t m = -1, g = -1;
    std::string new_sequence;  // a miRNA the store does not have, given by its sequence
  };
  std::unordered_map<std::string, std::size_t> by_sequence;  // the store's miRNAs by mature sequence
  for (std::size_t m = 0; m < v->d.mirna_sequences.size(); ++m)  // normalised at ingest
    by_sequence.emplace(v->d.mirna_sequences[m], m);
  std::vector<Line> lines;
  while (in.next(line)) {
    if (trim(line).empty()) continue;
    Line l;
    l.text = std::string(line);
    l.add.assign(std::size(kAppended), "");
    const auto f = fields_of(line, sep);
    if (cm >= f.size() || cg >= f.size()) {
      l.add[10] = "error";
      l.add[11] = "the line has " + std::to_string(f.size()) + " fields; the header " + std::to_string(names.size());
    } else {
      IdLookup mi = v->ids.mirna(f[cm]);
      const IdLookup gi = v->ids.gene(f[cg]);
      std::string seq = mi.found() ? "" : as_mirna_sequence(f[cm]);
      if (!seq.empty()) {
        auto known = by_sequence.find(seq);
        if (known != by_sequence.end()) {
          mi.index = static_cast<std::int64_t>(known->second);  // the store's miRNA of that sequence
          seq.clear();
        }
      }
      if (!seq.empty() && gi.found()) {
        l.new_sequence = seq;
        l.g = gi.index;
      } else if (!mi.found() || !gi.found()) {
        l.add[10] = "unknown";
        l.add[11] = !mi.found() && seq.empty() ? mi.reason : gi.reason;  // a new sequence is a miRNA
        if (!mi.found() && seq.empty() && !gi.found()) l.add[11] += "; " + gi.reason;
      } else {
        l.m = mi.index;
        l.g = gi.index;
      }
    }
    lines.push_back(std::move(l));
  }
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].m >= 0) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return lines[a].m < lines[b].m; });
  // Batches of miRNAs: their rows read on this thread (HDF5 is not thread-safe here), their
  // lines scored on all threads.
  std::vector<std::pair<std::size_t, std::size_t>> groups;  // [begin, end) of order, one miRNA each
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && lines[order[j]].m == lines[order[i]].m) ++j;
    groups.emplace_back(i, j);
    i = j;
  }
  const int threads = resolve_threads(cfg.threads);
  const std::size_t batch = 64;
  std::vector<float> score, prob;
  for (std::size_t b0 = 0; b0 < groups.size(); b0 += batch) {
    const std::size_t nb = std::min(groups.size(), b0 + batch) - b0;
    score.resize(nb * ng);
    prob.resize(nb * ng);
    for (std::size_t k = 0; k < nb; ++k) {
      const auto m = static_cast<std::size_t>(lines[order[groups[b0 + k].first]].m);
      v->ranking->read_rows(m, 1, score.data() + k * ng);
      v->probability->read_rows(m, 1, prob.data() + k * ng);
    }
    parallel_slices(
        nb, threads,
        [&](std::size_t lo, std::size_t hi) {
          for (std::size_t k = lo; k < hi; ++k) {
            const float* srow = score.data() + k * ng;
            const float* prow = prob.data() + k * ng;
            const auto rank = ranks_in_row(srow, ng);
            for (std::size_t q = groups[b0 + k].first; q < groups[b0 + k].second; ++q) {
              Line& l = lines[order[q]];
              const auto m = static_cast<std::size_t>(l.m), g = static_cast<std::size_t>(l.g);
              auto& add = l.add;
              add[0] = v->d.mirna_names[m];
              add[1] = v->d.gene_names[g];
              const float sc = srow[g];
              if (std::isnan(sc)) {
                add[10] = "validated";
                add[11] = "a validated pair (a training positive): not ranked";
              } else {
                const std::uint64_t grank = v->ranks.global_rank(sc);
                add[2] = number(sc);
                add[3] = number(prow[g]);
                add[4] = std::to_string(grank);
                add[5] = number(v->ranks.percentile(grank), 4);
                add[6] = std::to_string(rank[g]);
                add[7] = std::to_string(v->ranks.rank_in_gene(g, sc));
                add[10] = "ok";
              }
              if (v->has_targetscan)
                add[8] = v->stored->statics.targetscan.site(static_cast<std::int32_t>(m), static_cast<std::int32_t>(g)) ? "1"
                                                                                                                      : "0";
              add[9] = v->negative(m, g) ? "1" : "0";
            }
          }
        },
        1);
  }
  // New miRNAs: each distinct sequence scored once against every gene, then its lines.
  std::map<std::string, std::vector<std::size_t>> new_lines;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (!lines[i].new_sequence.empty()) new_lines[lines[i].new_sequence].push_back(i);
  if (!new_lines.empty()) {
    score::NewMirnaScorer scorer(cfg, v->store, v->d, v->stored.get(), threads);
    const std::size_t F = eval::Evidence::n_features(), c_ts = eval::Evidence::column("ts_fam7"),
                      c_size = eval::Evidence::column("famsize7");
    std::size_t done = 0;
    for (const auto& [seq, idx] : new_lines) {
      Stopwatch one;
      const auto r = scorer.score(seq);
      const auto rank = ranks_in_row(r.score.data(), ng);
      const int family = r.by_ensemble ? static_cast<int>(r.features[c_size]) - 1 : -1;
      const std::string why = "not in the store: scored from its sequence (seed " + r.seed + ") " +
                              (r.by_ensemble ? "by the ensemble on the evidence of its seed family (" +
                                                   std::to_string(family) + " miRNAs of the store), TargetScan and sequence"
                                             : std::string("by the classifier alone (the store's ranker is ") + v->ranker + ")") +
                              "; ranks as if in the pool";
      for (std::size_t i : idx) {
        Line& l = lines[i];
        const auto g = static_cast<std::size_t>(l.g);
        auto& add = l.add;
        const float sc = r.score[g];
        const std::uint64_t grank = v->ranks.global_rank(sc);
        add[0] = r.sequence;
        add[1] = v->d.gene_names[g];
        add[2] = number(sc);
        add[3] = number(r.probability[g]);
        add[4] = std::to_string(grank);
        add[5] = number(v->ranks.percentile(grank), 4);
        add[6] = std::to_string(rank[g]);
        add[7] = std::to_string(v->ranks.rank_in_gene(g, sc));
        // TargetScan predicts per seed family: a site of the family is the new miRNA's site.
        if (v->has_targetscan && r.by_ensemble) add[8] = r.features[g * F + c_ts] > 0 ? "1" : "0";
        add[9] = "0";
        add[10] = "new";
        add[11] = why;
      }
      ++done;
      char msg[200];
      std::snprintf(msg, sizeof msg, "[score-pairs] new miRNA %zu of %zu (%s, seed %s): %zu rows, %.1f s", done,
                    new_lines.size(), r.sequence.c_str(), r.seed.c_str(), idx.size(), one.seconds());
      log_info(msg);
    }
  }
  ExportResult res;
  res.path = path;
  res.unit = "rows";
  std::string text;
  for (const auto& l : lines) {
    if (l.add[10] == "unknown" || l.add[10] == "error") ++res.unmapped;
    text = l.text;
    for (const auto& a : l.add) (text += sep) += cell(a, sep);
    text += '\n';
    out.stream().write(text.data(), static_cast<std::streamsize>(text.size()));
    ++res.rows;
  }
  out.commit();
  {
    const double t = sw.seconds() - loaded_s;
    char msg[200];
    std::snprintf(msg, sizeof msg, "[score-pairs] %zu rows read, resolved, scored and written in %.1f s (%.0f rows/s) "
                  "after %.1f s loading the store", static_cast<std::size_t>(res.rows), t,
                  static_cast<double>(res.rows) / std::max(1e-9, t), loaded_s);
    log_info(msg);
  }
  if (res.unmapped)
    log_warn("[score-pairs] " + std::to_string(res.unmapped) + " of " + std::to_string(res.rows) +
             " rows could not be scored (status unknown or error; the reason column says why)");
  res.seconds = sw.seconds();
  return res;
}

}  // namespace aemigap::exporting

// aemigap report: the top pairs of the whole scored pool, the top miRNAs of each reported
// gene (the paper's oncogenes by default), each with a TargetScan Support column, and the
// score distribution. Ranks read disjoint row blocks; only candidates travel.
#include <algorithm>
#include <cmath>
#include <map>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <fstream>
#include <iostream>
#include <unordered_set>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/line_reader.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/score/topk.hpp"
#include "aemigap/rank/ranking.hpp"
#include "aemigap/train/models.hpp"
#include "aemigap/train/plots.hpp"
#include "commands.hpp"

namespace aemigap::cli {

namespace {

std::vector<score::Scored> gather(dist::Communicator& comm, const std::vector<score::Scored>& mine) {
  std::vector<float> s;
  std::vector<std::int32_t> idx;
  for (const auto& x : mine) {
    s.push_back(x.score);
    idx.push_back(x.mirna);
    idx.push_back(x.gene);
  }
  auto all_s = comm.allgatherv(s);
  auto all_i = comm.allgatherv(idx);
  std::vector<score::Scored> out;
  for (std::size_t i = 0; i < all_s.size(); ++i) out.push_back({all_s[i], all_i[2 * i], all_i[2 * i + 1]});
  return out;
}

std::set<std::pair<std::string, std::string>> read_targetscan(const std::string& path) {
  std::set<std::pair<std::string, std::string>> out;
  LineReader in(path);
  std::string_view line;
  bool header = true;
  while (in.next(line)) {
    if (trim(line).empty()) continue;
    auto cols = split(line, '\t');
    if (cols.size() != 2) in.fail("expected 2 tab-separated columns (miRNA, gene), found " + std::to_string(cols.size()));
    if (header) {
      header = false;
      if (to_lower(trim(cols[0])) == "mirna") continue;
    }
    out.emplace(std::string(trim(cols[0])), std::string(trim(cols[1])));
  }
  return out;
}

std::string fmt_score(float s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6f", s);
  return b;
}

// How well the rankers found held-out interactions, from `experiment recovery`'s TSV
// beside the report (its first split), or how to measure it.
std::string recovery_summary(const std::string& tsv, const std::string& ranker) {
  std::ifstream in(tsv);
  std::ostringstream o;
  o << "\n## Does this ranking find real interactions?\n\n";
  if (!in) {
    o << "Not measured for these results: `aemigap experiment recovery` holds out validated pairs and reports how "
         "high each model ranks them among the unknown pairs (docs/recovery.md).\n";
    return o.str();
  }
  // ranker -> the recovery model that is built the same way
  const std::string mine = ranker == "als" ? "als" : ranker == "lstm" ? "lstm-paper" : "als+lstm-paper";
  std::string line, first_split;
  std::getline(in, line);  // header
  o << "From `recovery.tsv` (`aemigap experiment recovery`): held-out validated pairs among the unknown pool, "
       "first split. This report's ranker corresponds to **" << mine << "**.\n\n"
    << "| model | recall@1k | recall@10k | recall@100k | AUC |\n|---|---|---|---|---|\n";
  std::map<std::string, std::map<std::string, std::vector<std::string>>> by_model;  // model -> k -> fields
  std::vector<std::string> order;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    for (auto p : split(line, '\t')) f.emplace_back(p);
    if (f.size() < 7) continue;
    if (first_split.empty()) first_split = f[0];
    if (f[0] != first_split) break;
    if (!by_model.count(f[1])) order.push_back(f[1]);
    by_model[f[1]][f[2]] = f;
  }
  auto cell = [](const std::map<std::string, std::vector<std::string>>& m, const char* k, std::size_t col) {
    auto it = m.find(k);
    if (it == m.end()) return std::string("n/a");
    char b[32];
    std::snprintf(b, sizeof b, "%.4f", std::atof(it->second[col].c_str()));
    return std::string(b);
  };
  for (const auto& name : order) {
    const auto& m = by_model[name];
    const std::string shown = name == mine ? "**" + name + "**" : name;
    o << "| " << shown << " | " << cell(m, "1000", 3) << " | " << cell(m, "10000", 3) << " | " << cell(m, "100000", 3)
      << " | " << cell(m, "100", 6) << " |\n";
  }
  return o.str();
}

}  // namespace

int run_report(Context& ctx) {
  const Config& cfg = ctx.cfg;
  auto comm = dist::mpi_world();
  Stopwatch sw;
  Dataset d;
  Store s = Store::open(cfg.store);
  d = read_dataset(s);
  if (!s.exists("/scores/done"))
    throw InputError(cfg.store, 0, "store has no scores (/scores/matrix): run `aemigap score` first");
  auto done = s.read<std::uint8_t>("/scores/done");
  for (auto x : done)
    if (!x) throw InputError(cfg.store, 0, "scores are incomplete: finish them with `aemigap score --resume`");
  const std::uint64_t nm = d.n_mirna(), ng = d.n_gene();
  const std::string ds = rank::ranking_dataset(s);  // what orders the pairs (option ranker)

  // The reported genes, by FASTA key or by any pair-table symbol.
  std::vector<std::int32_t> genes;
  std::vector<std::string> gene_labels;
  for (auto part : split(cfg.report_genes, ',')) {
    std::string want(trim(part));
    if (want.empty()) continue;
    std::int32_t found = -1;
    for (std::size_t g = 0; g < ng && found < 0; ++g) {
      if (d.gene_names[g] == want) found = static_cast<std::int32_t>(g);
      for (auto sym : split(d.gene_symbols[g], ';'))
        if (sym == want) found = static_cast<std::int32_t>(g);
    }
    if (found < 0) {
      auto close = closest_matches(want, d.gene_names);
      throw ConfigError("report-genes: unknown gene '" + want + "'" + (close.empty() ? "" : " (did you mean " + close[0] + "?)"));
    }
    genes.push_back(found);
    gene_labels.push_back(want);
  }

  // This rank's rows: the overall top-K, each reported gene's top miRNAs, a histogram.
  auto range = dist::block_range(nm, comm->rank(), comm->size());
  score::TopK top(static_cast<std::size_t>(cfg.report_top));
  std::vector<score::TopK> per_gene(genes.size(), score::TopK(static_cast<std::size_t>(cfg.report_per_gene)));
  const int bins = 50;
  std::vector<double> hist(bins, 0);
  const std::uint64_t chunk = 64;
  std::vector<float> buf;
  for (std::uint64_t r0 = range.begin; r0 < range.end; r0 += chunk) {
    std::uint64_t rows = std::min(range.end, r0 + chunk) - r0;
    buf.resize(rows * ng);
    s.read_rows(ds, r0, rows, buf.data());
    for (std::uint64_t r = 0; r < rows; ++r) {
      const float* row = &buf[r * ng];
      for (std::uint64_t g = 0; g < ng; ++g) {
        float v = row[g];
        if (std::isnan(v)) continue;
        top.add({v, static_cast<std::int32_t>(r0 + r), static_cast<std::int32_t>(g)});
        hist[static_cast<std::size_t>(std::clamp(static_cast<int>(std::floor(v * bins)), 0, bins - 1))] += 1;  // ALS scores may leave [0, 1]
      }
      for (std::size_t k = 0; k < genes.size(); ++k)
        per_gene[k].add({row[genes[k]], static_cast<std::int32_t>(r0 + r), genes[k]});
    }
  }
  comm->allreduce(hist, dist::ReduceOp::Sum);
  score::TopK all_top(static_cast<std::size_t>(cfg.report_top));
  all_top.merge(gather(*comm, top.sorted()));
  std::vector<std::vector<score::Scored>> gene_top;
  for (auto& t : per_gene) {
    score::TopK m(static_cast<std::size_t>(cfg.report_per_gene));
    m.merge(gather(*comm, t.sorted()));
    gene_top.push_back(m.sorted());
  }
  if (ctx.rank != 0) return 0;

  // Annotations: training negatives, TargetScan support, the model that scored.
  std::unordered_set<std::uint64_t> negatives;
  if (s.exists("/pairs/negative")) {
    auto flat = s.read<std::int32_t>("/pairs/negative");
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
      negatives.insert(static_cast<std::uint64_t>(flat[i]) * ng + static_cast<std::uint64_t>(flat[i + 1]));
  }
  std::set<std::pair<std::string, std::string>> ts;
  if (!cfg.targetscan.empty()) ts = read_targetscan(cfg.targetscan);
  auto support = [&](const score::Scored& x) {
    if (cfg.targetscan.empty()) return std::string("n/a");
    const std::string& m = d.mirna_names[static_cast<std::size_t>(x.mirna)];
    if (ts.count({m, d.gene_names[static_cast<std::size_t>(x.gene)]})) return std::string("yes");
    for (auto sym : split(d.gene_symbols[static_cast<std::size_t>(x.gene)], ';'))
      if (ts.count({m, std::string(sym)})) return std::string("yes");
    return std::string("no");
  };
  std::string model = "unknown model";
  {
    std::string ck = s.attr_string("/scores", "checkpoint");
    // shown relative to the working directory when it lies below it (reports travel)
    std::error_code ec;
    auto rel = std::filesystem::relative(ck, std::filesystem::current_path(), ec);
    std::string shown = !ec && !rel.empty() && rel.string().rfind("..", 0) != 0 ? rel.string() : ck;
    try {
      auto c = train::Checkpoint::load(ck);
      char b[512];
      std::snprintf(b, sizeof b, "%s on %s features (checkpoint %s: %s, CV AUC %.4f)", c.classifier.spec().arch.c_str(),
                    c.feature_set.c_str(), shown.c_str(), c.protocol.c_str(), c.auc);
      model = b;
    } catch (const std::exception&) {
      model = "checkpoint " + shown + " (no longer readable)";
    }
    model = rank::ranking_description(s, model);
  }
  const std::string ranker_name = s.exists("/scores/ranking") ? s.attr_string("/scores/ranking", "ranker") : "lstm";
  // The classifier's probability beside the ranking score (one row read per reported miRNA).
  std::map<std::int32_t, std::vector<float>> prob_rows;
  auto probability = [&](const score::Scored& x) {
    auto it = prob_rows.find(x.mirna);
    if (it == prob_rows.end()) {
      std::vector<float> r(ng);
      s.read_rows("/scores/matrix", static_cast<std::uint64_t>(x.mirna), 1, r.data());
      it = prob_rows.emplace(x.mirna, std::move(r)).first;
    }
    return it->second[static_cast<std::size_t>(x.gene)];
  };
  const std::string source = cfg.targetscan.empty() ? "none"
                                                    : "TargetScan 7.0 conserved predictions (" +
                                                          std::filesystem::path(cfg.targetscan).filename().string() + ")";
  std::filesystem::create_directories(cfg.results_dir);
  const std::string dir = cfg.results_dir + "/";
  auto row_tsv = [&](std::ostream& o, std::size_t rank, const score::Scored& x) {
    const auto m = static_cast<std::size_t>(x.mirna), g = static_cast<std::size_t>(x.gene);
    bool neg = negatives.count(static_cast<std::uint64_t>(x.mirna) * ng + g) > 0;
    o << rank << "\t" << d.mirna_names[m] << "\t" << d.gene_names[g] << "\t" << d.gene_symbols[g] << "\t"
      << fmt_score(x.score) << "\t" << fmt_score(probability(x)) << "\t" << support(x) << "\t" << (neg ? "yes" : "no")
      << "\n";
  };
  auto row_md = [&](std::ostream& o, std::size_t rank, const score::Scored& x) {
    const auto m = static_cast<std::size_t>(x.mirna), g = static_cast<std::size_t>(x.gene);
    bool neg = negatives.count(static_cast<std::uint64_t>(x.mirna) * ng + g) > 0;
    o << "| " << rank << " | " << d.mirna_names[m] << " | " << d.gene_names[g] << " | " << fmt_score(x.score) << " | "
      << fmt_score(probability(x)) << " | " << support(x) << " | " << (neg ? "yes" : "no") << " |\n";
  };
  const char* head_tsv = "rank\tmirna\tgene\tsymbols\tscore\tprobability\ttargetscan_support\ttraining_negative\n";
  const char* head_md =
      "| rank | miRNA | gene | score | probability | Support | training negative |\n|---|---|---|---|---|---|---|\n";
  auto top_sorted = all_top.sorted();
  {
    AtomicFile t(dir + "top_pairs.tsv"), m(dir + "top_pairs.md");
    t.stream() << "# model: " << model << "\n# support: " << source << "\n" << head_tsv;
    m.stream() << "# Top " << cfg.report_top << " unknown miRNA-gene pairs\n\nModel: " << model << ".  \nSupport: "
               << source << ".\n\n" << head_md;
    for (std::size_t i = 0; i < top_sorted.size(); ++i) {
      row_tsv(t.stream(), i + 1, top_sorted[i]);
      row_md(m.stream(), i + 1, top_sorted[i]);
    }
    m.stream() << recovery_summary(dir + "recovery.tsv", ranker_name);
    t.commit();
    m.commit();
  }
  {
    AtomicFile t(dir + "top_mirnas_per_gene.tsv"), m(dir + "top_mirnas_per_gene.md");
    t.stream() << "# model: " << model << "\n# support: " << source << "\nquery_gene\t" << head_tsv;
    m.stream() << "# Top " << cfg.report_per_gene << " miRNAs per gene\n\nModel: " << model << ".  \nSupport: " << source
               << ".\n";
    for (std::size_t k = 0; k < genes.size(); ++k) {
      m.stream() << "\n## " << gene_labels[k] << "\n\n" << head_md;
      for (std::size_t i = 0; i < gene_top[k].size(); ++i) {
        t.stream() << gene_labels[k] << "\t";
        row_tsv(t.stream(), i + 1, gene_top[k][i]);
        row_md(m.stream(), i + 1, gene_top[k][i]);
      }
    }
    t.commit();
    m.commit();
  }
  {
    AtomicFile h(dir + "score_histogram.svg");
    double total = 0;
    for (double c : hist) total += c;
    h.stream() << train::histogram_svg("Scores (" + ds + ") of " + human_count(total) + " unknown pairs" +
                                           (ds == "/scores/matrix" ? "" : "; outside [0, 1] in the end bins"),
                                       hist, 0, 1, "score");
    h.commit();
  }
  std::ifstream md(dir + "top_pairs.md");
  std::cout << md.rdbuf() << std::flush;
  log_info("[report] wrote " + dir + "{top_pairs,top_mirnas_per_gene}.{tsv,md} and score_histogram.svg in " +
           human_seconds(sw.seconds()));
  return 0;
}

}  // namespace aemigap::cli

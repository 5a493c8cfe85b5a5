#include "aemigap/report/report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_set>

#include "aemigap/core/checked_matrix.hpp"
#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/line_reader.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/data/identifiers.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/rank/ranking.hpp"
#include "aemigap/rank/stored.hpp"
#include "aemigap/rank/topk.hpp"
#include "aemigap/train/plots.hpp"

namespace aemigap::report {

namespace sc = schema;
using rank::Scored;
using rank::TopK;

namespace {

std::vector<Scored> gather(dist::Communicator& comm, const std::vector<Scored>& mine) {
  std::vector<float> s;
  std::vector<std::int32_t> idx;
  for (const auto& x : mine) {
    s.push_back(x.score);
    idx.push_back(x.mirna);
    idx.push_back(x.gene);
  }
  auto all_s = comm.allgatherv(s);
  auto all_i = comm.allgatherv(idx);
  std::vector<Scored> out;
  for (std::size_t i = 0; i < all_s.size(); ++i) out.push_back({all_s[i], all_i[2 * i], all_i[2 * i + 1]});
  return out;
}

std::string fmt_score(float s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6f", s);
  return b;
}

// The recovery model that is built the way `ranker` ranks.
const char* recovery_model_of(Ranker r) {
  switch (r) {
    case Ranker::Als: return name_of(RecoveryModel::Als);
    case Ranker::Lstm: return name_of(RecoveryModel::LstmPaper);
    case Ranker::AlsLstm: return name_of(RecoveryModel::AlsLstmPaper);
    case Ranker::Ensemble: return name_of(RecoveryModel::Ensemble);
    case Ranker::EnsembleTargetScanFirst: return name_of(RecoveryModel::EnsembleTargetScanFirst);
  }
  return "?";
}

// The checkpoint that scored the store, in words (its path relative to the working
// directory when it lies below it: reports travel).
std::string scoring_model(const Store& s) {
  const std::string ck = s.attr_string(sc::kScores, sc::kAttrCheckpoint);
  std::error_code ec;
  auto rel = std::filesystem::relative(ck, std::filesystem::current_path(), ec);
  const std::string shown = !ec && !rel.empty() && rel.string().rfind("..", 0) != 0 ? rel.string() : ck;
  try {
    return model::Checkpoint::load(ck).describe(shown);
  } catch (const std::exception&) {
    return "checkpoint " + shown + " (no longer readable)";
  }
}

}  // namespace

std::string recovery_summary(const std::string& tsv, const std::string& ranker) {
  std::ifstream in(tsv);
  std::ostringstream o;
  o << "\n## Does this ranking find real interactions?\n\n";
  if (!in) {
    o << "Not measured for these results: `aemigap experiment recovery` holds out validated pairs and reports how "
         "high each model ranks them among the unknown pairs (docs/recovery.md).\n";
    return o.str();
  }
  std::string line, first_split;
  std::getline(in, line);
  std::map<std::string, std::size_t> col;  // the columns, by name
  {
    std::size_t i = 0;
    for (auto name : split(line, '\t')) col[std::string(trim(name))] = i++;
    for (const char* need : {"split", "model", "k", "recall", "auc"})
      if (!col.count(need)) throw InputError(tsv, 1, std::string("no column '") + need + "' in the header");
  }
  // model -> k -> (sum of recall, sum of AUC, rows): the mean over repeats
  std::map<std::string, std::map<std::string, std::array<double, 3>>> by_model;
  std::vector<std::string> order;
  const std::size_t recall = col["recall"], auc = col["auc"];
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    for (auto p : split(line, '\t')) f.emplace_back(p);
    if (f.size() < col.size()) continue;
    const std::string& split_name = f[col["split"]];
    if (first_split.empty()) first_split = split_name;
    if (split_name != first_split) continue;
    const std::string& m = f[col["model"]];
    if (m.rfind("evidence:", 0) == 0) continue;  // the single features: in recovery.md
    if (!by_model.count(m)) order.push_back(m);
    auto& acc = by_model[m][f[col["k"]]];
    acc[0] += std::atof(f[recall].c_str());
    acc[1] += std::atof(f[auc].c_str());
    acc[2] += 1;
  }
  auto cell = [](const std::map<std::string, std::array<double, 3>>& m, const char* k, int which) {
    auto it = m.find(k);
    if (it == m.end() || it->second[2] == 0) return std::string("n/a");
    char b[32];
    std::snprintf(b, sizeof b, "%.4f", it->second[static_cast<std::size_t>(which)] / it->second[2]);
    return std::string(b);
  };
  // The intro names the split the table shows (its first one), now that it is known.
  o << "From `recovery.tsv` (`aemigap experiment recovery`), split " << first_split << ": "
    << (first_split == "independent" ? "pairs validated by other databases (never trained on)"
                                     : "held-out validated pairs")
    << " ranked among the unknown pool; recall@K = their share in the top K, mean over the repeats. This report's "
       "ranker corresponds to **" << ranker << "**.\n\n"
    << "| model | recall@1k | recall@10k | recall@100k | AUC |\n|---|---|---|---|---|\n";
  for (const auto& name : order) {
    const auto& m = by_model[name];
    const std::string shown = name == ranker ? "**" + name + "**" : name;
    o << "| " << shown << " | " << cell(m, "1000", 0) << " | " << cell(m, "10000", 0) << " | " << cell(m, "100000", 0)
      << " | " << cell(m, "100", 1) << " |\n";
  }
  return o.str();
}

std::string report_stage(const Config& cfg, dist::Communicator& comm) {
  Stopwatch sw;
  Store s = Store::open(cfg.store);
  Dataset d = read_dataset(s);
  const Identifiers ids = Identifiers::load(cfg, d);  // report-genes by any identifier
  rank::require_complete_scores(s);
  const std::uint64_t nm = d.n_mirna(), ng = d.n_gene();
  const std::string ds = rank::ranking_dataset(s);  // what orders the pairs (option ranker)
  rank::require_current_ranking(s, "report");
  const CheckedMatrix ranked(s, ds), probabilities(s, sc::kScoreMatrix);

  // The reported genes, by FASTA key or by any pair-table symbol.
  std::vector<std::int32_t> genes;
  std::vector<std::string> gene_labels;
  for (auto part : split(cfg.report_genes, ',')) {
    std::string want(trim(part));
    if (want.empty()) continue;
    genes.push_back(static_cast<std::int32_t>(ids.require_gene(want, "report-genes: ")));
    gene_labels.push_back(want);
  }

  // This rank's rows: the overall top-K, each reported gene's top miRNAs, a histogram.
  auto range = dist::block_range(nm, comm.rank(), comm.size());
  TopK top(static_cast<std::size_t>(cfg.report_top));
  std::vector<TopK> per_gene(genes.size(), TopK(static_cast<std::size_t>(cfg.report_per_gene)));
  const int bins = 50;
  std::vector<double> hist(bins, 0);
  const std::uint64_t chunk = 64;
  std::vector<float> buf;
  double lo = INFINITY, hi = -INFINITY;
  auto for_rows = [&](auto&& fn) {
    for (std::uint64_t r0 = range.begin; r0 < range.end; r0 += chunk) {
      std::uint64_t rows = std::min(range.end, r0 + chunk) - r0;
      buf.resize(rows * ng);
      ranked.read_rows(r0, rows, buf.data());
      for (std::uint64_t r = 0; r < rows; ++r) fn(r0 + r, &buf[r * ng]);
    }
  };
  for_rows([&](std::uint64_t m, const float* row) {
    for (std::uint64_t g = 0; g < ng; ++g) {
      const float v = row[g];
      if (std::isnan(v)) continue;
      top.add({v, static_cast<std::int32_t>(m), static_cast<std::int32_t>(g)});
      lo = std::min(lo, static_cast<double>(v));
      hi = std::max(hi, static_cast<double>(v));
    }
    for (std::size_t k = 0; k < genes.size(); ++k) per_gene[k].add({row[genes[k]], static_cast<std::int32_t>(m), genes[k]});
  });
  // The histogram spans the scores' own range (a ranker's score need not lie in [0, 1]).
  lo = comm.allreduce_value(lo, dist::ReduceOp::Min);
  hi = comm.allreduce_value(hi, dist::ReduceOp::Max);
  if (!(hi > lo)) hi = lo + 1;
  for_rows([&](std::uint64_t, const float* row) {
    for (std::uint64_t g = 0; g < ng; ++g)
      if (!std::isnan(row[g]))
        hist[static_cast<std::size_t>(std::clamp(static_cast<int>((row[g] - lo) / (hi - lo) * bins), 0, bins - 1))] += 1;
  });
  comm.allreduce(hist, dist::ReduceOp::Sum);
  TopK all_top(static_cast<std::size_t>(cfg.report_top));
  all_top.merge(gather(comm, top.sorted()));
  std::vector<std::vector<Scored>> gene_top;
  for (auto& t : per_gene) {
    TopK m(static_cast<std::size_t>(cfg.report_per_gene));
    m.merge(gather(comm, t.sorted()));
    gene_top.push_back(m.sorted());
  }
  if (comm.rank() != 0) return "";

  // Annotations: training negatives, TargetScan support, the model that scored.
  std::unordered_set<std::uint64_t> negatives;
  if (s.exists(sc::kNegatives))
    for (const auto& p : read_pair_table(s, sc::kNegatives))
      negatives.insert(static_cast<std::uint64_t>(p[0]) * ng + static_cast<std::uint64_t>(p[1]));
  // The evidence behind each reported pair (and TargetScan, mapped as the ranker maps it).
  const auto stored_ptr = rank::StoredRanking::load(cfg, s, d, resolve_threads(cfg.threads));
  const rank::StoredRanking& stored = *stored_ptr;
  auto support = [&](const Scored& x) {
    if (stored.statics.targetscan.empty()) return std::string("n/a");
    return std::string(stored.statics.targetscan.site(x.mirna, x.gene) ? "yes" : "no");
  };
  auto evidence = [&](const Scored& x, const char* sep) {
    std::string out;
    for (const auto& c : stored.evidence_cells(x.mirna, x.gene)) out += sep + c;
    return out;
  };
  const std::string model = rank::ranking_description(s, scoring_model(s));
  const Ranker ranker = rank::stored_ranker(s);
  // The classifier's probability beside the ranking score (one row read per reported miRNA).
  std::map<std::int32_t, std::vector<float>> prob_rows;
  auto probability = [&](const Scored& x) {
    auto it = prob_rows.find(x.mirna);
    if (it == prob_rows.end()) {
      std::vector<float> r(ng);
      probabilities.read_rows(static_cast<std::uint64_t>(x.mirna), 1, r.data());
      it = prob_rows.emplace(x.mirna, std::move(r)).first;
    }
    return it->second[static_cast<std::size_t>(x.gene)];
  };
  const std::string source = cfg.targetscan.empty() ? "none"
                                                    : "TargetScan 7.0 conserved predictions (" +
                                                          std::filesystem::path(cfg.targetscan).filename().string() + ")";
  std::filesystem::create_directories(cfg.results_dir);
  const std::string dir = cfg.results_dir + "/";
  auto is_negative = [&](const Scored& x) {
    return negatives.count(static_cast<std::uint64_t>(x.mirna) * ng + static_cast<std::uint64_t>(x.gene)) > 0;
  };
  auto row_tsv = [&](std::ostream& o, std::size_t rank, const Scored& x) {
    const auto m = static_cast<std::size_t>(x.mirna), g = static_cast<std::size_t>(x.gene);
    o << rank << "\t" << d.mirna_names[m] << "\t" << d.gene_names[g] << "\t" << d.gene_symbols[g] << "\t"
      << fmt_score(x.score) << "\t" << fmt_score(probability(x)) << "\t" << support(x) << "\t"
      << (is_negative(x) ? "yes" : "no") << evidence(x, "\t") << "\n";
  };
  auto row_md = [&](std::ostream& o, std::size_t rank, const Scored& x) {
    const auto m = static_cast<std::size_t>(x.mirna), g = static_cast<std::size_t>(x.gene);
    o << "| " << rank << " | " << d.mirna_names[m] << " | " << d.gene_names[g] << " | " << fmt_score(x.score) << " | "
      << fmt_score(probability(x)) << " | " << support(x) << " | " << (is_negative(x) ? "yes" : "no")
      << evidence(x, " | ") << " |\n";
  };
  const std::string head_tsv =
      "rank\tmirna\tgene\tsymbols\tscore\tprobability\ttargetscan_support\ttraining_negative\tfamily_validated\t"
      "family_targetscan\tals_percentile\n";
  const std::string head_md =
      "| rank | miRNA | gene | score | probability | Support | training negative | family validated | family TargetScan | "
      "ALS percentile |\n|---|---|---|---|---|---|---|---|---|---|\n";
  // What a reader needs to weigh the table: the evidence columns and, when the ranker reads
  // TargetScan, that the Support column is no longer an independent check.
  std::string notes =
      "Family validated: other miRNAs of the same seed (nt 2-8) validated on the gene / the other family members; "
      "family TargetScan: of them, those with a TargetScan site on it; ALS percentile: the pair's implicit-ALS score "
      "among the miRNA's genes.";
  if (stored.ensemble && stored.ensemble_reads_targetscan)
    notes += " The ranker reads TargetScan sites as evidence, so the Support column is not independent of the "
             "ranking: it shows which evidence a pair has, not a check of it.";
  std::string learned;
  if (stored.ensemble) {
    auto imp = stored.ensemble->importance();
    double total = 0;
    for (const auto& [n, g] : imp) total += g;
    std::sort(imp.begin(), imp.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::ostringstream l;
    l << "\n## What the ensemble learned\n\nShare of the trees' total gain per evidence feature (docs/ranking.md), "
         "largest first:\n\n| feature | share of gain |\n|---|---|\n";
    for (const auto& [n, g] : imp) {
      char b[32];
      std::snprintf(b, sizeof b, "%.3f", total > 0 ? g / total : 0.0);
      l << "| " << n << " | " << b << " |\n";
    }
    learned = l.str();
  }
  auto top_sorted = all_top.sorted();
  {
    AtomicFile t(dir + "top_pairs.tsv"), m(dir + "top_pairs.md");
    t.stream() << "# model: " << model << "\n# support: " << source << "\n" << head_tsv;
    m.stream() << "# Top " << cfg.report_top << " unknown miRNA-gene pairs\n\nModel: " << model << ".  \nSupport: "
               << source << ".  \n" << notes << "\n\n" << head_md;
    for (std::size_t i = 0; i < top_sorted.size(); ++i) {
      row_tsv(t.stream(), i + 1, top_sorted[i]);
      row_md(m.stream(), i + 1, top_sorted[i]);
    }
    m.stream() << learned << recovery_summary(dir + "recovery.tsv", recovery_model_of(ranker));
    t.commit();
    m.commit();
  }
  {
    AtomicFile t(dir + "top_mirnas_per_gene.tsv"), m(dir + "top_mirnas_per_gene.md");
    t.stream() << "# model: " << model << "\n# support: " << source << "\nquery_gene\t" << head_tsv;
    m.stream() << "# Top " << cfg.report_per_gene << " miRNAs per gene\n\nModel: " << model << ".  \nSupport: " << source
               << ".  \n" << notes << "\n";
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
    AtomicFile h(dir + "score_histogram.svg"), data(dir + "score_histogram.tsv");
    double total = 0;
    for (double c : hist) total += c;
    h.stream() << train::histogram_svg("Scores (" + ds + ") of " + human_count(total) + " unknown pairs", hist, lo, hi,
                                       "score");
    data.stream() << "# " << ds << " of the unknown pairs, ranker " << name_of(ranker) << "\nbin_low\tbin_high\tpairs\n";
    for (int b = 0; b < bins; ++b)
      data.stream() << lo + (hi - lo) * b / bins << "\t" << lo + (hi - lo) * (b + 1) / bins << "\t"
                    << static_cast<std::uint64_t>(hist[static_cast<std::size_t>(b)]) << "\n";
    h.commit();
    data.commit();
  }
  std::ifstream md(dir + "top_pairs.md");
  std::stringstream text;
  text << md.rdbuf();
  log_info("[report] wrote " + dir + "{top_pairs,top_mirnas_per_gene}.{tsv,md} and score_histogram.{svg,tsv} in " +
           human_seconds(sw.seconds()));
  return text.str();
}

}  // namespace aemigap::report

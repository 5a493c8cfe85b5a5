#include "aemigap/report/query.hpp"

#include <cmath>
#include <cstdio>
#include <memory>

#include "aemigap/core/checked_matrix.hpp"
#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/data/identifiers.hpp"
#include "aemigap/data/fasta.hpp"
#include "aemigap/embed/corpus.hpp"
#include "aemigap/embed/doc2vec.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/embed/stored_model.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/model/features.hpp"
#include "aemigap/eval/families.hpp"
#include "aemigap/rank/ranking.hpp"
#include "aemigap/rank/stored.hpp"
#include "aemigap/rank/topk.hpp"
#include "aemigap/score/new_mirna.hpp"

namespace aemigap::report {

namespace sc = schema;

std::string Table::tsv() const {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "\t" : "") + cells[i];
    out += "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  return out;
}

namespace {

std::string fixed6(float v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6f", v);
  return b;
}

Table query_sequence(const Config& cfg) {
  Store s = Store::open(cfg.store);
  Dataset d = read_dataset(s);
  const bool is_mirna = cfg.sequence_kind == SequenceKind::Mirna;
  const int threads = resolve_threads(cfg.threads);
  const std::size_t partners = is_mirna ? d.n_gene() : d.n_mirna();
  std::vector<std::int32_t> mi, gi;
  for (std::size_t j = 0; j < partners; ++j) {
    mi.push_back(is_mirna ? 0 : static_cast<std::int32_t>(j));
    gi.push_back(is_mirna ? static_cast<std::int32_t>(j) : 0);
  }
  // A new miRNA in a store ranked by the ensemble: its evidence needs no validated pair
  // (seed family, TargetScan through the family, gene popularity, sequence), so the
  // ensemble ranks it; otherwise (a new gene, or another ranker) the classifier alone.
  std::unique_ptr<rank::StoredRanking> stored;
  std::vector<float> p, ranked, feats;
  if (is_mirna) {
    if (s.exists(sc::kEnsembleModel)) {
      rank::require_current_ranking(s, "query");
      stored = rank::StoredRanking::load(cfg, s, d, threads);
    }
    score::NewMirnaScorer scorer(cfg, s, d, stored.get(), threads);
    auto r = scorer.score(cfg.sequence);
    p = std::move(r.probability);
    ranked = std::move(r.score);
    feats = std::move(r.features);
    if (!r.by_ensemble) stored.reset();
    log_info(r.by_ensemble ? "[query] a new sequence has no validated pairs: ranked by the ensemble on its seed family, "
                             "TargetScan and sequence evidence (seed " + r.seed + ")"
                           : std::string("[query] a new sequence has no validated pairs: scored by the classifier alone"));
  } else {
    const auto sm = embed::StoredModel::read(s, SequenceKind::Gene);
    auto v = sm.infer(cfg.sequence, cfg.seed, nullptr);
    std::vector<float> mirna, gene;
    std::size_t dims = 0;
    embed::read_embeddings(s, mirna, gene, dims);
    auto ck = model::Checkpoint::load(model::checkpoint_path(cfg));
    auto x = model::pair_features(mirna, v, dims, mi, gi, ck.feature_set, ck.ae.get());
    p = ck.classifier.predict(x.data(), partners, threads);
    ranked = p;
    log_info("[query] a new sequence has no validated pairs: scored by the classifier alone");
  }
  rank::TopK top(static_cast<std::size_t>(cfg.top));
  for (std::size_t j = 0; j < partners; ++j) top.add({ranked[j], mi[j], gi[j]});
  Table t;
  t.header = {"rank", is_mirna ? "gene" : "mirna", "score"};
  if (stored) t.header.insert(t.header.end(), {"probability", "family_validated", "family_targetscan"});
  const std::size_t F = eval::Evidence::n_features(), c7 = eval::Evidence::column("fam7"),
                    cs = eval::Evidence::column("famsize7"), ct = eval::Evidence::column("ts_fam7");
  auto best = top.sorted();
  for (std::size_t i = 0; i < best.size(); ++i) {
    const auto j = static_cast<std::size_t>(is_mirna ? best[i].gene : best[i].mirna);
    std::vector<std::string> row{std::to_string(i + 1), is_mirna ? d.gene_names[j] : d.mirna_names[j], fixed6(best[i].score)};
    if (stored) {
      const std::string fam = std::to_string(static_cast<int>(feats[j * F + cs]) - 1);
      row.push_back(fixed6(p[j]));
      row.push_back(std::to_string(static_cast<int>(feats[j * F + c7])) + "/" + fam);
      row.push_back(std::to_string(static_cast<int>(feats[j * F + ct])) + "/" + fam);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace

Table query(const Config& cfg) {
  int modes = !cfg.pair.empty() + !cfg.mirna.empty() + !cfg.gene.empty() + !cfg.sequence.empty();
  if (modes != 1) throw ConfigError("query needs exactly one of --pair MIRNA,GENE, --mirna X, --gene Y, --sequence SEQ");
  if (!cfg.sequence.empty()) return query_sequence(cfg);
  Store s = Store::open(cfg.store);
  if (!s.exists(sc::kScoreDone)) throw InputError(cfg.store, 0, "store has no scores: run `aemigap score` first");
  Dataset d = read_dataset(s);
  const Identifiers ids = Identifiers::load(cfg, d);  // genes and miRNAs by any identifier
  const std::size_t ng = d.gene_names.size(), nm = d.mirna_names.size();
  auto done = s.read<std::uint8_t>(sc::kScoreDone);
  const auto br = static_cast<std::size_t>(s.attr_int(sc::kScores, sc::kAttrBlockRows));
  auto row_done = [&](std::size_t r) { return done[r / br] != 0; };
  auto require_done = [&](std::size_t r) {
    if (!row_done(r))
      throw InputError(cfg.store, 0, "this miRNA's scores are not computed yet (run `aemigap score --resume`)");
  };
  const std::string ds = rank::ranking_dataset(s);
  const bool ranked = ds != sc::kScoreMatrix;
  rank::require_current_ranking(s, "query");
  const CheckedMatrix order(s, ds), probs(s, sc::kScoreMatrix);
  std::vector<float> row(ng), prob(ng);
  const auto stored_ptr = rank::StoredRanking::load(cfg, s, d, resolve_threads(cfg.threads));
  const rank::StoredRanking& stored = *stored_ptr;
  auto with_evidence = [&](std::vector<std::string> cells, std::size_t m, std::size_t g) {
    for (auto& c : stored.evidence_cells(static_cast<std::int32_t>(m), static_cast<std::int32_t>(g))) cells.push_back(c);
    return cells;
  };
  const auto evidence_header = rank::StoredRanking::evidence_header();
  Table t;
  if (!cfg.pair.empty()) {
    auto parts = split(cfg.pair, ',');
    if (parts.size() != 2) throw ConfigError("--pair takes MIRNA,GENE");
    std::size_t m = ids.require_mirna(std::string(trim(parts[0])));
    std::size_t g = ids.require_gene(std::string(trim(parts[1])));
    require_done(m);
    order.read_rows(m, 1, row.data());
    probs.read_rows(m, 1, prob.data());
    auto show = [](float v) { return std::isnan(v) ? std::string("validated") : fixed6(v); };
    t.header = {"mirna", "gene", "score", "probability"};
    t.header.insert(t.header.end(), evidence_header.begin(), evidence_header.end());
    t.rows.push_back(with_evidence({d.mirna_names[m], d.gene_names[g], show(row[g]), show(prob[g])}, m, g));
    return t;
  }
  rank::TopK top(static_cast<std::size_t>(cfg.top));
  if (!cfg.mirna.empty()) {
    std::size_t m = ids.require_mirna(cfg.mirna);
    require_done(m);
    order.read_rows(m, 1, row.data());
    for (std::size_t g = 0; g < ng; ++g) top.add({row[g], static_cast<std::int32_t>(m), static_cast<std::int32_t>(g)});
  } else {
    std::size_t g = ids.require_gene(cfg.gene);
    const std::size_t chunk = br * 16;
    std::vector<float> buf;
    for (std::size_t r0 = 0; r0 < nm; r0 += chunk) {
      std::size_t rows = std::min(nm, r0 + chunk) - r0;
      buf.resize(rows * ng);
      order.read_rows(r0, rows, buf.data());
      for (std::size_t r = 0; r < rows; ++r)
        if (row_done(r0 + r)) top.add({buf[r * ng + g], static_cast<std::int32_t>(r0 + r), static_cast<std::int32_t>(g)});
    }
  }
  t.header = {"rank", "mirna", "gene", "symbols", "score", "probability"};
  t.header.insert(t.header.end(), evidence_header.begin(), evidence_header.end());
  auto best = top.sorted();
  std::size_t prob_row = nm;  // the miRNA row in `prob` (none yet); --mirna reads it once
  for (std::size_t i = 0; i < best.size(); ++i) {
    const auto m = static_cast<std::size_t>(best[i].mirna), g = static_cast<std::size_t>(best[i].gene);
    float p = best[i].score;
    if (ranked) {
      if (prob_row != m) probs.read_rows(prob_row = m, 1, prob.data());
      p = prob[g];
    }
    t.rows.push_back(with_evidence({std::to_string(i + 1), d.mirna_names[m], d.gene_names[g], d.gene_symbols[g],
                                    fixed6(best[i].score), fixed6(p)},
                                   m, g));
  }
  return t;
}

}  // namespace aemigap::report

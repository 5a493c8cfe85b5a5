#include "aemigap/rank/ranking.hpp"

#include <cmath>
#include <cstdio>
#include <thread>

#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/eval/baselines.hpp"
#include "aemigap/eval/recovery.hpp"

namespace aemigap::rank {

void write_ranking(const Config& cfg, const Dataset& d, int threads) {
  Stopwatch sw;
  {
    Store s = Store::open(cfg.store);
    AEMIGAP_CHECK(s.exists("/scores/matrix"), "write_ranking needs /scores/matrix");
    if (cfg.ranker == "lstm") {
      const bool stale = s.exists("/scores/ranking") || s.exists("/als");
      s.close();
      if (stale) {  // an earlier run's ranking must not outlive a change of ranker
        StoreUpdate up(cfg.store, false);
        if (up.store().exists("/scores/ranking")) up.store().remove("/scores/ranking");
        if (up.store().exists("/als")) up.store().remove("/als");
        up.commit();
      }
      log_info("[rank] ranker lstm: reports order pairs by the classifier's probability (/scores/matrix)");
      return;
    }
  }
  const std::uint64_t nm = d.n_mirna(), ng = d.n_gene();
  std::vector<float> lstm;
  {
    Store s = Store::open(cfg.store);
    std::vector<std::uint64_t> dims;
    lstm = s.read<float>("/scores/matrix", &dims);
    if (dims != std::vector<std::uint64_t>{nm, ng})
      throw InputError(cfg.store, 0, "/scores/matrix does not match the store's miRNAs x genes: rerun `aemigap score`");
  }
  // The known graph: every validated pair (the product ranks what is not yet known).
  const eval::AlsOptions ao = eval::AlsOptions::from(cfg, threads);
  eval::ImplicitAls als;
  als.fit(d.positives, nm, ng, ao);
  char line[200];
  std::snprintf(line, sizeof line, "[rank] implicit ALS on %zu known pairs: %d factors, %d sweeps, loss %.4g -> %.4g (%s)",
                d.positives.size(), ao.factors, ao.iterations, als.loss_history.front(), als.loss_history.back(),
                human_seconds(sw.seconds()).c_str());
  log_info(line);

  // The unknown pairs (NaN marks the validated ones) and both models' scores on them.
  std::vector<std::uint64_t> idx;
  idx.reserve(d.pool_size());
  for (std::uint64_t i = 0; i < lstm.size(); ++i)
    if (!std::isnan(lstm[i])) idx.push_back(i);
  if (idx.size() != d.pool_size())
    throw InputError(cfg.store, 0, "/scores/matrix has " + std::to_string(idx.size()) + " scored pairs, the pool " +
                                       std::to_string(d.pool_size()) + ": rerun `aemigap score`");
  std::vector<float> a(idx.size()), l(idx.size());
  {
    const int nt = std::max(1, threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < nt; ++t)
      pool.emplace_back([&, t] {
        for (std::size_t k = idx.size() * t / nt; k < idx.size() * (t + 1) / nt; ++k) {
          a[k] = als.score(static_cast<std::int32_t>(idx[k] / ng), static_cast<std::int32_t>(idx[k] % ng));
          l[k] = lstm[idx[k]];
        }
      });
    for (auto& th : pool) th.join();
  }
  std::vector<float>& ranking = lstm;  // reuse: NaN stays at the validated pairs
  if (cfg.ranker == "als") {
    // The ALS score itself: a float percentile of 33 M pairs could not tell neighbours
    // apart near the top (float spacing 6e-8 at 1, one rank 3e-8).
    for (std::size_t k = 0; k < idx.size(); ++k) ranking[idx[k]] = a[k];
  } else {
    // Percentiles put both on [0, 1] (their scales differ); ties share their mean.
    const std::vector<float> pa = eval::percentiles(a);
    std::vector<float>().swap(a);
    const std::vector<float> pl = eval::percentiles(l);
    for (std::size_t k = 0; k < idx.size(); ++k)
      ranking[idx[k]] = static_cast<float>((static_cast<double>(pa[k]) + pl[k]) / 2);
  }

  StoreUpdate up(cfg.store, false);
  Store& s = up.store();
  if (s.exists("/scores/ranking")) s.remove("/scores/ranking");
  if (s.exists("/als")) s.remove("/als");
  const auto f = static_cast<std::uint64_t>(als.factors());
  s.write<float>("/als/mirna_factors", als.mirna_factors, {nm, f});
  s.write<float>("/als/gene_factors", als.gene_factors, {ng, f});
  s.write<double>("/als/loss", als.loss_history, {als.loss_history.size()});
  s.set_attr("/als", "known_pairs", static_cast<std::int64_t>(d.positives.size()));
  s.set_attr("/als", "alpha", ao.alpha);
  s.set_attr("/als", "lambda", ao.lambda);
  s.create_dataset<float>("/scores/ranking", nm, ng, static_cast<std::uint64_t>(cfg.score_block_rows), false);
  s.write_rows("/scores/ranking", 0, nm, ranking.data());
  s.set_attr("/scores/ranking", "ranker", cfg.ranker);
  s.set_attr("/scores/ranking", "content",
             std::string(cfg.ranker == "als" ? "the implicit-ALS score (dot product of the /als factors; fitted "
                                               "towards 1 at validated pairs, unbounded, not a probability)"
                                             : "mean of the percentiles of the implicit-ALS score and the classifier "
                                               "probability among the unknown pairs, in [0, 1]") +
                 "; NaN for validated positives");
  s.stamp("rank", cfg.to_ini());
  up.commit();
  log_info("[rank] ranker " + cfg.ranker + ": /scores/ranking for " + human_count(static_cast<double>(idx.size())) +
           " unknown pairs in " + human_seconds(sw.seconds()));
}

std::string ranking_dataset(const Store& s) {
  return s.exists("/scores/ranking") ? "/scores/ranking" : "/scores/matrix";
}

std::string ranking_description(const Store& s, const std::string& lstm_model) {
  if (!s.exists("/scores/ranking")) return "ranker lstm: " + lstm_model;
  const std::string r = s.attr_string("/scores/ranking", "ranker");
  const std::string known = human_count(static_cast<double>(s.attr_int("/als", "known_pairs")));
  auto dims = s.dims("/als/mirna_factors");
  const std::string als = "implicit ALS over the " + known + " validated pairs (" + std::to_string(dims.at(1)) +
                          " factors)";
  if (r == "als") return "ranker als: the score of " + als + " (the classifier's probability is shown beside it, not used to order)";
  return "ranker als+lstm: mean percentile of " + als + " and the " + lstm_model;
}

}  // namespace aemigap::rank

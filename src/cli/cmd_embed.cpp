// aemigap embed: Protein2Vec vectors for every miRNA and gene in the store.
#include "aemigap/core/lineage.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "commands.hpp"

namespace aemigap::cli {

int run_embed(Context& ctx) {
  if (ctx.rank != 0) return 0;  // one process trains (Hogwild threads); other ranks idle
  Stopwatch sw;
  Dataset d = read_dataset(Store::open(ctx.cfg.store));
  int threads = resolve_threads(ctx.cfg.threads);
  auto e = embed::embed_dataset(d, ctx.cfg, threads);
  StoreUpdate up(ctx.cfg.store, /*fresh=*/false);
  embed::write_embeddings(up.store(), e, ctx.cfg);
  lineage::record(up.store(), lineage::Product::Embeddings);
  up.store().stamp("embed", ctx.cfg.to_ini());
  up.commit();
  lineage::warn_stale(ctx.cfg.store, "embed");
  const auto& gm = e.gene_model.model;
  log_info("[embed] gene model " + human_count(static_cast<double>(gm.words_trained) / gm.train_seconds) +
           " words/s; wrote /mirna/embedding, /gene/embedding to " + ctx.cfg.store + " in " + human_seconds(sw.seconds()));
  return 0;
}

}  // namespace aemigap::cli

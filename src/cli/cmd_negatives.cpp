// aemigap negatives: distance-filtered negatives from the unknown pool, split over ranks.
#include <cstdio>

#include "aemigap/core/lineage.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/negatives/negatives_stage.hpp"
#include "commands.hpp"

namespace aemigap::cli {

int run_negatives(Context& ctx) {
  Stopwatch sw;
  auto comm = dist::mpi_world();
  Dataset d;
  std::vector<float> mirna, gene;
  std::size_t dims = 0;
  {
    Store s = Store::open(ctx.cfg.store);  // every rank reads (read-only)
    d = read_dataset(s);
    lineage::require_current(s, lineage::Product::Embeddings, "negatives");
    embed::read_embeddings(s, mirna, gene, dims);
  }
  log_info("[negatives] scanning " + human_count(static_cast<double>(d.pool_size())) + " unknown pairs on " +
           std::to_string(comm->size()) + " rank(s)");
  auto r = negatives::build_negatives(d, mirna, gene, dims, negatives::NegativesOptions::from(ctx.cfg), *comm,
                                     resolve_threads(ctx.cfg.threads));
  if (ctx.rank == 0) {
    StoreUpdate up(ctx.cfg.store, /*fresh=*/false);
    negatives::write_negatives(up.store(), r);
    using lineage::Product;
    if (r.method == NegativesMethod::Uniform)  // drawn without the embeddings
      lineage::record(up.store(), Product::Negatives, std::vector<Product>{Product::Pairs});
    else
      lineage::record(up.store(), Product::Negatives);
    up.store().stamp("negatives", ctx.cfg.to_ini());
    up.commit();
    lineage::warn_stale(ctx.cfg.store, "negatives");
    if (log_enabled(LogLevel::info)) std::fputs(r.report().c_str(), stdout);
    std::fflush(stdout);
    log_info("[negatives] wrote /pairs/negative to " + ctx.cfg.store + " in " + human_seconds(sw.seconds()));
  }
  comm->barrier();  // the store is complete when every rank returns
  return 0;
}

}  // namespace aemigap::cli

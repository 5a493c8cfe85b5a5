// aemigap ingest: reads the validated pairs and the sequences, writes a fresh store.
#include "aemigap/core/lineage.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/data/dataset.hpp"
#include "commands.hpp"

namespace aemigap::cli {

int run_ingest(Context& ctx) {
  if (ctx.rank != 0) return 0;  // serial stage: rank 0 reads and writes, other ranks have nothing to do
  Stopwatch sw;
  log_info("[ingest] reading " + ctx.cfg.pairs + ", " + ctx.cfg.mirna_fasta + ", " + ctx.cfg.gene_fasta);
  IngestReport rep;
  Dataset d = ingest(ctx.cfg, &rep);
  // A fresh store: ingest defines the name tables every later stage indexes into.
  StoreUpdate up(ctx.cfg.store, /*fresh=*/true);
  write_dataset(up.store(), d);
  up.store().stamp("ingest", ctx.cfg.to_ini());
  up.store().set_attr(schema::kPairs, schema::kAttrIngestReport, rep.to_text());
  lineage::record(up.store(), lineage::Product::Pairs);
  up.commit();
  std::string text = rep.to_text();
  if (log_enabled(LogLevel::info)) std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  log_info("[ingest] wrote " + ctx.cfg.store + " in " + human_seconds(sw.seconds()));
  return 0;
}

}  // namespace aemigap::cli

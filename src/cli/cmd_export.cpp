// aemigap export and aemigap score-pairs (export/export.hpp): results for other tools.
#include <cstdio>

#include "aemigap/core/log.hpp"
#include "aemigap/export/export.hpp"
#include "commands.hpp"

namespace aemigap::cli {

namespace {
void done(const char* what, const exporting::ExportResult& r) {
  log_info(std::string("[") + what + "] wrote " + r.path + ": " + human_count(static_cast<double>(r.rows)) + " " +
           r.unit + " in " + human_seconds(r.seconds) +
           (r.unmapped ? " (" + std::to_string(r.unmapped) + " identifiers matched nothing: see above)" : ""));
}
}  // namespace

int run_export(Context& ctx) {
  if (ctx.rank != 0) return 0;  // one process: it reads the store by row blocks and uses every thread
  done("export", exporting::export_pool(ctx.cfg));
  return 0;
}

int run_score_pairs(Context& ctx) {
  if (ctx.rank != 0) return 0;
  done("score-pairs", exporting::score_pairs(ctx.cfg));
  return 0;
}

}  // namespace aemigap::cli

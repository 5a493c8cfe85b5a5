// aemigap run: every stage that exists, in order, with a summary of where the time went.
#include <cstdio>
#include <utility>
#include <vector>

#include "aemigap/core/log.hpp"
#include "commands.hpp"

namespace aemigap::cli {

int run_pipeline(Context& ctx) {
  const std::vector<std::pair<const char*, int (*)(Context&)>> stages = {
      {"ingest", run_ingest},
      {"embed", run_embed},
      {"negatives", run_negatives},
      {"train-ae", run_train_ae},
      {"cv", run_cv},
      {"score", run_score},
      {"report", run_report},
  };
  std::vector<std::pair<const char*, double>> times;
  Stopwatch total;
  for (const auto& [name, fn] : stages) {
    log_info(std::string("=== stage ") + name);
    Stopwatch sw;
    int rc = fn(ctx);
    times.emplace_back(name, sw.seconds());
    if (rc == kExitTempFail) {
      log_warn(std::string("stage ") + name + " stopped on a signal; continue with `aemigap " + name +
               " --resume`, then the stages after it");
      return rc;
    }
    if (rc != 0) {
      log_warn(std::string("stage ") + name + " failed; later stages not run");
      return rc;
    }
  }
  if (ctx.rank == 0 && log_enabled(LogLevel::info)) {
    std::printf("\nstage timing (wall clock)\n");
    for (const auto& [name, s] : times) std::printf("  %-12s %10.1f s\n", name, s);
    std::printf("  %-12s %10.1f s\n", "total", total.seconds());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace aemigap::cli

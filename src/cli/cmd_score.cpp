// aemigap score (score/score_stage.hpp) and aemigap rank (rank/ranking.hpp).
// SIGTERM / SIGUSR1 (what Slurm sends before the time limit): finish the current block,
// flush, exit 75 (EX_TEMPFAIL: not done, resumable); `--resume` continues.
#include <csignal>
#include <cstdio>

#include "aemigap/core/log.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/rank/ranking.hpp"
#include "aemigap/score/score_stage.hpp"
#include "commands.hpp"

namespace aemigap::cli {

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
}  // namespace

int run_rank(Context& ctx) {
  auto comm = dist::mpi_world();
  return rank::rank_stage(ctx.cfg, *comm) ? 0 : 1;
}

int run_score(Context& ctx) {
  auto comm = dist::mpi_world();
  std::signal(SIGTERM, on_signal);
  std::signal(SIGUSR1, on_signal);
  const score::ScoreOutcome out = score::score_stage(ctx.cfg, *comm, &g_stop);
  if (out.status == score::ScoreOutcome::Failed) return 1;
  if (out.status == score::ScoreOutcome::Stopped) return kExitTempFail;
  if (out.status == score::ScoreOutcome::Complete) {
    char line[160];
    std::snprintf(line, sizeof line, "[score] %s pairs scored in %s (%.0f pairs/s over all ranks); /scores/matrix complete",
                  human_count(static_cast<double>(out.pairs)).c_str(), human_seconds(out.seconds).c_str(),
                  out.pairs_per_second);
    log_info(line);
  }
  return 0;
}

}  // namespace aemigap::cli

// aemigap train-ae and aemigap cv (train/stages.hpp): every rank takes part.
#include <cstdio>

#include "aemigap/dist/communicator.hpp"
#include "aemigap/train/stages.hpp"
#include "commands.hpp"

namespace aemigap::cli {

int run_train_ae(Context& ctx) {
  auto world = dist::mpi_world();
  train::train_ae_stage(ctx.cfg, *world);
  return 0;
}

int run_cv(Context& ctx) {
  auto world = dist::mpi_world();
  const std::string summary = train::cv_stage(ctx.cfg, *world);
  if (ctx.rank == 0 && !summary.empty()) {
    std::fputs(("\n" + summary).c_str(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace aemigap::cli

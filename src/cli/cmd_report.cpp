// aemigap report (report/report.hpp): prints top_pairs.md after writing every report file.
#include <cstdio>

#include "aemigap/dist/communicator.hpp"
#include "aemigap/report/report.hpp"
#include "commands.hpp"

namespace aemigap::cli {

int run_report(Context& ctx) {
  auto comm = dist::mpi_world();
  const std::string md = report::report_stage(ctx.cfg, *comm);
  if (ctx.rank == 0) {
    std::fputs(md.c_str(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace aemigap::cli

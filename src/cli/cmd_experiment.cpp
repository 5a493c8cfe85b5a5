// aemigap experiment NAME: the paper's tables (experiment/paper_tables.hpp; every rank takes
// part) or ranking recovery (experiment/recovery.hpp, on rank 0); Markdown to stdout, files
// in results-dir.
#include <cstdio>
#include <filesystem>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/experiment/paper_tables.hpp"
#include "aemigap/experiment/recovery.hpp"
#include "commands.hpp"

namespace aemigap::cli {

int run_experiment(Context& ctx, const std::string& name) {
  const Config& cfg = ctx.cfg;
  if (name != "recovery") {
    auto world = dist::mpi_world();
    std::fputs(experiment::run_paper_experiment(name, cfg, *world).c_str(), stdout);
    return 0;
  }
  if (ctx.rank != 0) return 0;
  const auto res = experiment::run_recovery(cfg);
  std::filesystem::create_directories(cfg.results_dir);
  for (const auto& [file, text] : {std::pair{"/recovery.md", &res.markdown}, std::pair{"/recovery.tsv", &res.tsv}}) {
    AtomicFile f(cfg.results_dir + file);
    f.stream() << *text;
    f.commit();
  }
  std::fputs(res.markdown.c_str(), stdout);
  log_info("[recovery] wrote " + cfg.results_dir + "/recovery.{md,tsv}");
  return 0;
}

}  // namespace aemigap::cli

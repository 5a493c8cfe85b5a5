// aemigap: one binary, one subcommand per pipeline stage (see `aemigap --help`).
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/core/cpu_dispatch.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/version.hpp"
#include "commands.hpp"

namespace aemigap::cli {

namespace {

Context make_context(const std::vector<std::string>& args, int rank) {
  Context ctx;
  ctx.cfg = parse_config(args);
  ctx.rank = rank;
  set_log_level(ctx.cfg.log_level);
  return ctx;
}

int main_impl(int argc, char** argv, int rank) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    usage(stderr);
    return 2;
  }
  const std::string cmd = args[0];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    if (rank == 0) usage(stdout);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    if (rank == 0) std::printf("aemigap %s (%s)\nhot kernels: %s\n", version(), git_commit(), core::kernel_isa());
    return 0;
  }
  args.erase(args.begin());
  const Command* found = nullptr;
  for (const auto& c : commands())
    if (cmd == c.name) found = &c;
  for (const auto& a : args)
    if (a == "-h" || a == "--help") {
      if (rank == 0) found ? command_usage(stdout, *found) : usage(stdout);
      return 0;
    }

  if (cmd == "config") {
    bool markdown = false;
    std::vector<std::string> rest;
    for (const auto& a : args) (a == "--markdown" ? markdown = true : (rest.push_back(a), false));
    if (rank == 0) std::fputs(markdown ? config_markdown().c_str() : parse_config(rest).to_ini().c_str(), stdout);
    return 0;
  }

  if (cmd == "experiment") {
    if (args.empty() || args[0].rfind("--", 0) == 0)
      throw ConfigError("experiment needs a name: latent-sweep | folds | ae-vs-pair | models | budget | recovery");
    std::string name = args[0];
    args.erase(args.begin());
    Context ctx = make_context(args, rank);
    if (ctx.cfg.list_tasks) return run_experiment(ctx, name);  // prints the tasks: no lock
    const StoreLock lock = lock_store(ctx, StoreLock::Mode::Shared, "experiment " + name);
    return run_experiment(ctx, name);
  }

  if (!found) {
    std::vector<std::string> names{"config", "experiment"};
    for (const auto& c : commands()) names.emplace_back(c.name);
    auto close = closest_matches(cmd, names);
    std::fprintf(stderr, "aemigap: unknown command '%s'%s%s%s; see `aemigap --help`\n", cmd.c_str(),
                 close.empty() ? "" : " (did you mean ", close.empty() ? "" : close[0].c_str(), close.empty() ? "" : "?)");
    return 2;
  }

  Context ctx = make_context(args, rank);
  if (cmd == "cv" && ctx.cfg.list_tasks) return found->run(ctx);  // prints the tasks: no lock, no manifest
  // Readers share the store; every other command writes it. cv tasks of a job array only
  // read it (their parts go to the results directory) and run side by side.
  const bool reads_only = found->reads_only || (cmd == "cv" && ctx.cfg.cv_task > 0);
  const StoreLock lock = lock_store(ctx, reads_only ? StoreLock::Mode::Shared : StoreLock::Mode::Exclusive, cmd);
  const ManifestClock clock;
  const ProductIds before = ctx.rank == 0 ? product_ids(ctx.cfg.store) : ProductIds{};
  int rc = 1;
  try {
    rc = found->run(ctx);
  } catch (...) {
    write_manifest(ctx, *found, 1, clock, before);
    throw;
  }
  write_manifest(ctx, *found, rc, clock, before);
  return rc;
}

}  // namespace
}  // namespace aemigap::cli

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  aemigap::set_log_rank(rank);
  int rc = 0;
  try {
    rc = aemigap::cli::main_impl(argc, argv, rank);
  } catch (const aemigap::InputError& e) {
    std::fprintf(stderr, "aemigap: input error: %s\n", e.what());
    rc = 1;
  } catch (const aemigap::ConfigError& e) {
    std::fprintf(stderr, "aemigap: config error: %s\n", e.what());
    rc = 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aemigap: error: %s\n", e.what());
    rc = 1;
  }
  // One failed rank must not leave the others waiting; a stop on a signal (75) is agreed by
  // every rank, which then finish MPI normally.
  if (rc != 0 && rc != aemigap::cli::kExitTempFail && size > 1) MPI_Abort(MPI_COMM_WORLD, rc);
  if (aemigap::store_close_failed()) {
    // HDF5 1.10 keeps the identifier of a file whose close failed (a full disk), and its
    // shutdown inside MPI_Finalize crashes on it. That file is a stage's discarded copy
    // (or a store whose stage already failed): nothing is lost by skipping the shutdown.
    std::fflush(nullptr);
    std::_Exit(rc != 0 ? rc : 1);
  }
  MPI_Finalize();
  return rc;
}

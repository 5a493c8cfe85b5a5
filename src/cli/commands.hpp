// Subcommands of the `aemigap` binary: one function per stage, one file each.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/core/store_lock.hpp"

namespace aemigap::cli {

// What every subcommand receives: the parsed config and the MPI world it runs in.
struct Context {
  Config cfg;
  int rank = 0;
};

struct Command {
  const char* name;
  const char* summary;
  int (*run)(Context& ctx);
};

int run_ingest(Context& ctx);
int run_embed(Context& ctx);
int run_negatives(Context& ctx);
int run_train_ae(Context& ctx);
int run_cv(Context& ctx);
int run_score(Context& ctx);
int run_rank(Context& ctx);
int run_report(Context& ctx);
int run_query(Context& ctx);
int run_experiment(Context& ctx, const std::string& name);  // paper tables or recovery
int run_pipeline(Context& ctx);

const std::vector<Command>& commands();
// Rank 0 holds the store's lock for the whole command (the other ranks work under it).
StoreLock lock_store(const Context& ctx, StoreLock::Mode mode, const std::string& stage);
void usage(std::FILE* out);  // `aemigap --help`

}  // namespace aemigap::cli

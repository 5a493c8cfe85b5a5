// Subcommands of the `aemigap` binary: one function per stage, one file each.
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <utility>
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

// Exit status of a run stopped on a signal with its work resumable (sysexits.h EX_TEMPFAIL):
// job scripts and workflow managers requeue on it (jobs/score.sbatch).
inline constexpr int kExitTempFail = 75;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(Context& ctx);
  std::vector<std::string> sections;  // the option sections it reads (`aemigap NAME --help`); empty = all
  bool reads_only = false;            // takes the store's lock shared (readers run side by side)
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
int run_export(Context& ctx);
int run_score_pairs(Context& ctx);
int run_experiment(Context& ctx, const std::string& name);  // paper tables or recovery
int run_pipeline(Context& ctx);

const std::vector<Command>& commands();

// The run manifest (manifest.cpp): the store's product ids before a command, and the record
// written after it to <results-dir>/runs/<command>.json.
using ProductIds = std::vector<std::pair<std::string, std::string>>;
struct ManifestClock {
  std::chrono::steady_clock::time_point steady = std::chrono::steady_clock::now();
  std::time_t wall = std::time(nullptr);
};
ProductIds product_ids(const std::string& store);
void write_manifest(const Context& ctx, const Command& c, int rc, const ManifestClock& clock, const ProductIds& before);
// Rank 0 holds the store's lock for the whole command (the other ranks work under it).
StoreLock lock_store(const Context& ctx, StoreLock::Mode mode, const std::string& stage);
void usage(std::FILE* out);                              // `aemigap --help`
void command_usage(std::FILE* out, const Command& c);  // `aemigap NAME --help`

}  // namespace aemigap::cli

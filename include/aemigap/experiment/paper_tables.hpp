// The paper's tables from our data (experiment NAME), as Markdown + TSV in results-dir:
//   latent-sweep  Table 2: latent size 8..128 for experiment A (latent) and B (pair+latent)
//   folds         Table 3: the default model's 5 folds, with the autoencoder fitted once on
//                 every pair (as the paper) and fitted per training fold (honest)
//   ae-vs-pair    Table 11: miGAP (pair) vs AEmiGAP (pair+latent)
//   models        Table 13: LSTM vs Bi-LSTM vs GRU vs Transformer
// Every variant is a CV job (train/cv.hpp) over the configured protocols and budgets, with a
// final model per protocol scored on the independent validated pairs; the jobs' units spread
// over the MPI ranks as one sweep (or one unit per --experiment-task, then
// --experiment-merge). Each variant's parts live in <results-dir>/experiment_<name>/<variant>/;
// the latent sweep's autoencoders are fitted once per latent (spread over the ranks) and
// kept in <results-dir>/experiment_latent-sweep/ae/. Each experiment is a row of one table
// (src/experiment/paper_tables.cpp): its name and the CV variants it runs.
#pragma once

#include <string>
#include <vector>

#include "aemigap/core/fwd.hpp"

namespace aemigap::dist {
class Communicator;
}

namespace aemigap::experiment {

// The names `aemigap experiment` accepts besides recovery.
const std::vector<std::string>& paper_experiments();

// Runs one over `world` (ConfigError for an unknown name): every unit, one task
// (experiment-task), the merge (experiment-merge) or the task list (list-tasks, printed).
// Returns the Markdown table on rank 0 when the tables were written, else "".
std::string run_paper_experiment(const std::string& name, const Config& cfg, dist::Communicator& world);

}  // namespace aemigap::experiment

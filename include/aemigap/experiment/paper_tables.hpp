// The paper's tables from our data (experiment NAME), as Markdown + TSV in results-dir:
//   latent-sweep  Table 2: latent size 8..128 for experiment A (latent) and B (pair+latent)
//   folds         Table 3: the default model's 5 folds
//   ae-vs-pair    Table 11: miGAP (pair) vs AEmiGAP (pair+latent)
//   models        Table 13: LSTM vs Bi-LSTM vs GRU vs Transformer
// Every variant runs the configured protocol(s) with the configured budgets; the output
// records which budgets (preset) were used. Each experiment is a row of one table
// (src/experiment/paper_tables.cpp): its name and the CV variants it runs.
#pragma once

#include <string>
#include <vector>

#include "aemigap/core/fwd.hpp"

namespace aemigap::experiment {

// The names `aemigap experiment` accepts besides recovery.
const std::vector<std::string>& paper_experiments();

// Runs one (ConfigError for an unknown name) and returns its Markdown table.
std::string run_paper_experiment(const std::string& name, const Config& cfg);

}  // namespace aemigap::experiment

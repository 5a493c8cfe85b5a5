// The subcommands of `aemigap` and its usage text.
#include <cstdio>

#include "aemigap/core/config.hpp"
#include "aemigap/core/version.hpp"
#include "commands.hpp"

namespace aemigap::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"ingest", "read pairs + sequences, validate, write a fresh store", run_ingest},
      {"embed", "Protein2Vec (doc2vec over k-mers) vectors for every miRNA and gene", run_embed},
      {"negatives", "distance-filtered negatives drawn from the unknown pool (MPI: ranks split miRNAs)", run_negatives},
      {"train-ae", "the autoencoder over the 128-d pair vectors of all positives and negatives", run_train_ae},
      {"cv", "k-fold cross-validation of the classifier (protocols side by side), metrics, plots, checkpoint", run_cv},
      {"score", "score every unknown pair into /scores/matrix (MPI: ranks share row blocks; --resume)", run_score},
      {"rank", "rebuild /scores/ranking for the option ranker (score does it too) without rescoring", run_rank},
      {"report", "top pairs and top miRNAs per gene with TargetScan support, score histogram", run_report},
      {"query", "--pair MIRNA,GENE | --mirna X --top N | --gene Y --top N (stored scores) | --sequence SEQ (inferred)", run_query},
      {"run", "the whole pipeline (every stage below, in order)", run_pipeline},
  };
  return list;
}

StoreLock lock_store(const Context& ctx, StoreLock::Mode mode, const std::string& stage) {
  if (ctx.rank != 0 || ctx.cfg.store.empty()) return {};
  return StoreLock::take(ctx.cfg.store, mode, stage);
}

void usage(std::FILE* out) {
  std::fprintf(out, "aemigap %s (%s): miRNA-gene association prediction at genome scale\n\n", version(), git_commit());
  std::fprintf(out, "usage: aemigap <command> [--config FILE] [--option value ...]\n\ncommands:\n");
  for (const auto& c : commands()) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "  %-10s %s\n", "experiment", "NAME: latent-sweep | folds | ae-vs-pair | models (the paper's tables) | recovery (held-out positives)");
  std::fprintf(out, "  %-10s %s\n", "config", "print the effective config (INI), or --markdown for docs/config.md");
  std::fprintf(out,
               "\nEvery command takes every option below; the command line overrides --config FILE, which "
               "overrides the defaults.\n  --config <file>                 INI file of options (presets in configs/)\n");
  std::fputs(config_help().c_str(), out);
}

}  // namespace aemigap::cli

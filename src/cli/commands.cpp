// The subcommands of `aemigap` and its usage text.
#include <cstdio>

#include "aemigap/core/config.hpp"
#include "aemigap/core/version.hpp"
#include "commands.hpp"

namespace aemigap::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"ingest", "read pairs + sequences, validate, write a fresh store", run_ingest, {"general", "ingest"}},
      {"embed", "Protein2Vec (doc2vec over k-mers) vectors for every miRNA and gene", run_embed, {"general", "embed"}},
      {"negatives", "distance-filtered negatives drawn from the unknown pool (MPI: ranks split miRNAs)", run_negatives,
       {"general", "negatives"}},
      {"train-ae", "the autoencoder over the 128-d pair vectors of all positives and negatives", run_train_ae,
       {"general", "autoencoder", "classifier", "cv"}},
      {"cv", "k-fold cross-validation of the classifier (protocols side by side), metrics, plots, checkpoint", run_cv,
       {"general", "autoencoder", "classifier", "cv"}},
      {"score", "score every unknown pair into /scores/matrix (MPI: ranks share row blocks; --resume)", run_score,
       {"general", "score", "rank", "report"}},
      {"rank", "rebuild /scores/ranking for the option ranker (score does it too) without rescoring", run_rank,
       {"general", "score", "rank", "report"}},
      {"report", "top pairs and top miRNAs per gene with TargetScan support, score histogram", run_report,
       {"general", "report", "rank"}, true},
      {"query", "--pair MIRNA,GENE | --mirna X --top N | --gene Y --top N (stored scores) | --sequence SEQ (inferred)",
       run_query, {"general", "query", "report", "rank", "export"}, true},
      {"export", "the ranked pool as a tidy TSV(.gz) or an AnnData .h5ad, with ranks, percentiles, IDs, evidence",
       run_export, {"general", "export", "report", "rank"}, true},
      {"score-pairs", "--input PAIRS.tsv: your pairs with the stored scores appended, in your order", run_score_pairs,
       {"general", "export", "report", "rank"}, true},
      {"run", "the whole pipeline (every stage below, in order)", run_pipeline, {}},
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
  for (const auto& c : commands()) std::fprintf(out, "  %-11s %s\n", c.name, c.summary);
  std::fprintf(out, "  %-11s %s\n", "experiment", "NAME: latent-sweep | folds | ae-vs-pair | models (the paper's tables) | budget (its budget curve) | recovery (held-out positives)");
  std::fprintf(out, "  %-11s %s\n", "config", "print the effective config (INI), or --markdown for docs/config.md");
  std::fprintf(out,
               "\nEvery command takes every option below (`aemigap COMMAND --help`: the ones it reads); the "
               "command line overrides --config FILE, which overrides the defaults.\n"
               "  --config <file>                 INI file of options (presets in configs/)\n");
  std::fputs(config_help().c_str(), out);
}

void command_usage(std::FILE* out, const Command& c) {
  std::fprintf(out, "aemigap %s: %s\n\nusage: aemigap %s [--config FILE] [--option value ...]\n", c.name, c.summary,
               c.name);
  std::fprintf(out, "\nThe options it reads (every option is accepted; `aemigap --help` lists all):\n"
                    "  --config <file>                 INI file of options (presets in configs/)\n");
  std::fputs(config_help(c.sections).c_str(), out);
}

}  // namespace aemigap::cli

// Config: the single source of every parameter (LightGBM style).
//
// AEMIGAP_CONFIG_FIELDS lists each parameter once: C++ type, member, option name, section,
// kind, default and help. From that one list come the struct below, the command line and
// INI config-file parsing (Boost.Program_options), `aemigap --help`, the INI dump stored in
// every HDF5 store, and docs/config.md (`aemigap config --markdown`; a test keeps it in sync).
//
// Precedence: command line > config file (--config FILE) > built-in default.
// Relative paths (kind Path) written in a config file are relative to that file's folder,
// so presets in configs/ work from any working directory; on the command line (and for
// defaults) they are relative to the working directory. Parsed paths are absolute, so the
// INI dump stored in the HDF5 store says exactly which files were read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aemigap {

enum class FieldKind { Plain, Path };

// X(type, member, "option-name", "section", kind, default, "help")
#define AEMIGAP_CONFIG_FIELDS(X)                                                                  \
  /* general */                                                                                   \
  X(std::string, store, "store", "general", Path, "aemigap.h5",                                   \
    "HDF5 store that every stage reads and writes")                                               \
  X(std::uint64_t, seed, "seed", "general", Plain, 42,                                            \
    "Seed of every random choice (sampling, folds, initialisation)")                              \
  X(int, threads, "threads", "general", Plain, 0,                                                 \
    "Threads per rank; 0 = SLURM_CPUS_PER_TASK, else OMP_NUM_THREADS, else the cores shared by the ranks on the node")            \
  X(double, progress_interval, "progress-interval", "general", Plain, 5.0,                        \
    "Seconds between progress lines of long work")                                                \
  X(std::string, log_level, "log-level", "general", Plain, "info", "quiet | info | debug")        \
  X(std::string, device, "device", "general", Plain, "auto",                                      \
    "where models train: cpu | cuda | auto (cuda when LibTorch has CUDA and a GPU is visible)")   \
  X(std::string, dist_backend, "dist-backend", "general", Plain, "auto",                          \
    "gradient all-reduce between ranks: mpi | nccl | auto (nccl when training on cuda)")          \
  /* ingest */                                                                                    \
  X(std::string, pairs, "pairs", "ingest", Path, "data/mirtarbase7_hsa_pairs.tsv.gz",             \
    "Validated miRNA-gene pairs: two-column TSV, Enrichr GMT or miRTarBase MTI CSV (.gz ok)")    \
  X(std::string, pairs_format, "pairs-format", "ingest", Plain, "auto",                           \
    "auto | tsv | gmt | mti-csv; auto decides by file extension (.tsv/.txt, .gmt, .csv)")         \
  X(std::string, mirna_fasta, "mirna-fasta", "ingest", Path, "data/hsa_mature.fa.gz",             \
    "Mature miRNA sequences, FASTA, RNA or DNA alphabet (T is read as U)")                        \
  X(std::string, gene_fasta, "gene-fasta", "ingest", Path, "data/human_protein_by_symbol.fa.gz",  \
    "Gene sequences keyed by symbol, FASTA (protein or nucleotide, see gene-alphabet)")           \
  X(std::string, gene_alphabet, "gene-alphabet", "ingest", Plain, "protein",                      \
    "protein | nucleotide: alphabet of gene-fasta (nucleotide: U is read as T)")                  \
  X(std::string, aliases, "aliases", "ingest", Path, "data/gene_symbol_aliases.tsv.gz",           \
    "Optional TSV (header, 2 columns) mapping pair gene symbols to gene-fasta keys; "             \
    "symbols not listed map to themselves; empty = none")                                       \
  /* embed */                                                                                     \
  X(int, embed_k, "embed-k", "embed", Plain, 3, "k-mer length of the Protein2Vec words (1..7)")   \
  X(int, embed_frames, "embed-frames", "embed", Plain, 3,                                         \
    "reading frames per sequence (1..k): frame f gives the non-overlapping k-mers from f")         \
  X(int, embed_dims, "embed-dims", "embed", Plain, 64, "embedding size (the pair vector is twice this)") \
  X(int, embed_window, "embed-window", "embed", Plain, 7, "context window (words each side)")     \
  X(int, embed_negative, "embed-negative", "embed", Plain, 5, "negative samples per word")       \
  X(int, embed_epochs, "embed-epochs", "embed", Plain, 25, "passes over the corpus")             \
  X(int, embed_mirna_epochs, "embed-mirna-epochs", "embed", Plain, 0,                             \
    "passes over the miRNA corpus (its own model); 0 = embed-epochs")                             \
  X(int, embed_mirna_window, "embed-mirna-window", "embed", Plain, 0,                             \
    "context window of the miRNA model; 0 = embed-window")                                        \
  X(int, embed_min_count, "embed-min-count", "embed", Plain, 1, "drop words seen fewer times")   \
  X(std::string, embed_mode, "embed-mode", "embed", Plain, "dm", "dm (PV-DM) | dbow (PV-DBOW)")    \
  X(bool, embed_dm_mean, "embed-dm-mean", "embed", Plain, true,                                   \
    "PV-DM input is the mean (true) or the sum (false) of the document and context vectors")      \
  X(double, embed_alpha, "embed-alpha", "embed", Plain, 0.025, "initial learning rate")           \
  X(double, embed_min_alpha, "embed-min-alpha", "embed", Plain, 0.0001,                           \
    "final learning rate (linear decay over all epochs)")                                         \
  X(double, embed_sample, "embed-sample", "embed", Plain, 0.001,                                  \
    "down-sampling threshold of frequent words (0 = off)")                                        \
  X(bool, deterministic, "deterministic", "embed", Plain, false,                                  \
    "one training thread and a fixed order: the same seed gives identical vectors")               \
  X(std::string, mirna_families, "mirna-families", "embed", Path,                                 \
    "data/targetscan8_human_miR_family_info.txt.gz",                                              \
    "TargetScan miR_Family_Info (Seed.m8 per miRNA) for the seed-family check; empty = skip")    \
  /* negatives */                                                                                 \
  X(std::string, negatives_method, "negatives-method", "negatives", Plain, "distance",            \
    "distance (the paper: pairs farther than the positives' mean by Euclidean, cosine and "       \
    "Mahalanobis distance) | uniform (any unknown pair)")                                         \
  X(double, negatives_ratio, "negatives-ratio", "negatives", Plain, 1.0,                          \
    "negatives drawn per positive pair")                                                          \
  /* autoencoder */                                                                               \
  X(int, ae_latent, "ae-latent", "autoencoder", Plain, 64, "latent size (the paper: 8, 16, 32, 64, 128)") \
  X(std::string, ae_hidden, "ae-hidden", "autoencoder", Plain, "112,96",                          \
    "widths of the encoder layers between the 128-d input and the latent (3 encoder layers in "   \
    "all; the decoder mirrors them)")                                                             \
  X(int, ae_epochs, "ae-epochs", "autoencoder", Plain, 200, "training epochs")                   \
  X(int, ae_batch, "ae-batch", "autoencoder", Plain, 128, "batch size")                          \
  X(double, ae_lr, "ae-lr", "autoencoder", Plain, 0.001, "Adam learning rate")                   \
  X(double, ae_test_fraction, "ae-test-fraction", "autoencoder", Plain, 0.1,                      \
    "share of the autoencoder's rows held out for its per-epoch test loss")                       \
  X(bool, ae_per_fold, "ae-per-fold", "autoencoder", Plain, false,                                \
    "fit the autoencoder on each CV training fold (honest) instead of once on all pairs")         \
  /* classifier */                                                                                \
  X(std::string, features, "features", "classifier", Plain, "pair+latent",                        \
    "pair (128: the miGAP baseline) | latent (experiment A) | pair+latent (experiment B)")        \
  X(std::string, classifier, "classifier", "classifier", Plain, "lstm", "lstm | bilstm | gru | transformer") \
  X(int, step_width, "step-width", "classifier", Plain, 16,                                       \
    "features per time step (the vector is cut into steps; the tail is zero-padded)")             \
  X(int, rnn_hidden, "rnn-hidden", "classifier", Plain, 128, "width of the input projection and of each recurrent layer") \
  X(int, rnn_layers, "rnn-layers", "classifier", Plain, 3, "stacked LSTM/GRU layers")            \
  X(int, tf_heads, "tf-heads", "classifier", Plain, 8, "transformer attention heads")            \
  X(int, tf_ff, "tf-ff", "classifier", Plain, 128, "transformer feed-forward width")             \
  X(int, tf_layers, "tf-layers", "classifier", Plain, 2, "transformer encoder layers")           \
  X(std::int64_t, train_samples, "train-samples", "classifier", Plain, 5000000,                   \
    "training budget in samples per model (the paper: 5,000,000)")                                \
  X(int, batch, "batch", "classifier", Plain, 128, "batch size")                                  \
  X(double, lr, "lr", "classifier", Plain, 0.001, "Adam learning rate")                           \
  X(int, train_replicas, "train-replicas", "classifier", Plain, 0,                                \
    "model replicas per rank, each training a slice of the batch in its own thread (0 = one per " \
    "thread; 1 = LibTorch's intra-op threads)")                                                   \
  X(bool, train_autograd, "train-autograd", "classifier", Plain, false,                           \
    "LSTM on the CPU: train with LibTorch's autograd instead of the hand-written gradients")      \
  X(bool, batch_per_rank, "batch-per-rank", "classifier", Plain, false,                           \
    "data-parallel: 'batch' is per rank (global batch = batch x ranks); default: global")         \
  X(std::int64_t, train_checkpoint_every, "train-checkpoint-every", "classifier", Plain, 1000000, \
    "samples between training checkpoints that --resume continues from (0 = none)")              \
  /* cv */                                                                                        \
  X(int, cv_folds, "cv-folds", "cv", Plain, 5, "cross-validation folds")                          \
  X(std::string, cv_protocols, "cv-protocols", "cv", Plain, "paper",                              \
    "comma-separated: paper (distance negatives, stratified folds) | uniform (negatives drawn "   \
    "uniformly from the pool) | cold-mirna (miRNA-disjoint folds) | cold-gene (gene-disjoint)")   \
  X(std::int64_t, cv_subsample, "cv-subsample", "cv", Plain, 0,                                   \
    "use a seeded, class-stratified subsample of this many pairs for CV (0 = all; for tests)")     \
  X(std::string, results_dir, "results-dir", "cv", Path, "results",                               \
    "folder for the TSV, Markdown and SVG results and the model checkpoint (model.pt)")        \
  X(int, cv_task, "cv-task", "cv", Plain, 0,                                                      \
    "run only task N (1-based) of protocols x folds and write its part to <results-dir>/cv_parts " \
    "(one job-array task per fold; 0 = every task)")                                              \
  X(bool, cv_merge, "cv-merge", "cv", Plain, false,                                               \
    "merge the parts of all cv-task runs into the CV outputs (as one cv run writes them)")        \
  /* recovery */                                                                                  \
  X(std::string, recovery_splits, "recovery-splits", "recovery", Plain, "random,mirna-stratified,cold-mirna", \
    "experiment recovery: comma-separated hold-out splits: random (positives) | mirna-stratified "  \
    "(the same share of every miRNA's positives) | cold-mirna (every positive of some miRNAs)")     \
  X(double, recovery_fraction, "recovery-fraction", "recovery", Plain, 0.1,                        \
    "experiment recovery: share of the positives (cold-mirna: of the miRNAs) held out")           \
  X(double, recovery_pool_fraction, "recovery-pool-fraction", "recovery", Plain, 0.1,              \
    "experiment recovery: share of the unknown pool scored (a seeded sample; whole-pool ranks "   \
    "are estimated from it; 1 = the exact ranking of every pair)")                                \
  X(std::string, recovery_models, "recovery-models", "recovery", Plain,                           \
    "lstm-paper,lstm-pool,als,als+lstm-paper,als+lstm-pool,degree-product,gene-popularity,embedding-distance,random", \
    "experiment recovery: models ranked: lstm-paper (the paper's method) | lstm-pool (negatives "  \
    "drawn uniformly from the pool) | als | als+lstm-pool, als+lstm-paper (rank averages) | "      \
    "degree-product | gene-popularity | embedding-distance | random")                             \
  /* score */                                                                                     \
  X(std::string, checkpoint, "checkpoint", "score", Path, "",                                     \
    "model checkpoint to score with; empty = <results-dir>/model.pt (written by cv)")             \
  X(int, score_block_rows, "score-block-rows", "score", Plain, 8,                                 \
    "miRNA rows per block: the unit of work, progress and resume")                               \
  X(bool, resume, "resume", "score", Plain, false,                                                \
    "continue an interrupted run: score from its completed blocks (same checkpoint required), "  \
    "cv from its finished folds (cv_parts) and training checkpoints (same inputs required)")     \
  /* rank */                                                                                      \
  X(std::string, ranker, "ranker", "rank", Plain, "als",                                          \
    "what orders the unknown pairs in reports and queries: als (implicit ALS over the validated "  \
    "pairs; the best at ranking held-out interactions, docs/recovery.md) | lstm (the classifier's " \
    "probability, the paper's method) | als+lstm (the mean of the two percentiles over the pool)") \
  X(int, als_factors, "als-factors", "rank", Plain, 64, "implicit ALS: factors per miRNA and gene") \
  X(int, als_iterations, "als-iterations", "rank", Plain, 15, "implicit ALS: alternating sweeps") \
  X(double, als_alpha, "als-alpha", "rank", Plain, 20.0,                                       \
    "implicit ALS: confidence of a known pair is 1 + alpha")                                      \
  X(double, als_lambda, "als-lambda", "rank", Plain, 0.1, "implicit ALS: ridge on the factors") \
  /* report */                                                                                    \
  X(int, report_top, "report-top", "report", Plain, 30, "top pairs of the whole pool to report") \
  X(std::string, report_genes, "report-genes", "report", Plain, "ALK,EGFR,GNAS,KRAS,PIK3CA",      \
    "genes (symbols or FASTA keys) whose top miRNAs are reported (the paper's oncogenes)")        \
  X(int, report_per_gene, "report-per-gene", "report", Plain, 10, "top miRNAs per reported gene") \
  X(std::string, targetscan, "targetscan", "report", Path, "data/targetscan7_conserved_hsa.tsv.gz", \
    "TargetScan predictions (TSV: miRNA, gene symbol) for the reports' Support column; empty = none") \
  /* query */                                                                                     \
  X(std::string, pair, "pair", "query", Plain, "", "query: MIRNA,GENE -> that pair's score")      \
  X(std::string, mirna, "mirna", "query", Plain, "", "query: the top genes of this miRNA")        \
  X(std::string, gene, "gene", "query", Plain, "", "query: the top miRNAs of this gene (FASTA key or symbol)") \
  X(int, top, "top", "query", Plain, 10, "query: how many partners to list")                     \
  X(std::string, sequence, "sequence", "query", Plain, "",                                        \
    "query: a sequence not in the store; its embedding is inferred and it is scored against "     \
    "every partner (with --sequence-kind)")                                                       \
  X(std::string, sequence_kind, "sequence-kind", "query", Plain, "mirna", "mirna | gene: what --sequence is")

struct Config {
#define AEMIGAP_CONFIG_MEMBER(type, member, name, section, kind, def, help) type member = def;
  AEMIGAP_CONFIG_FIELDS(AEMIGAP_CONFIG_MEMBER)
#undef AEMIGAP_CONFIG_MEMBER

  // Checks value choices and ranges; throws ConfigError naming the option.
  void validate() const;
  // INI text of every parameter (stored as the "config" attribute of the HDF5 store).
  std::string to_ini() const;
};

// Description of one field, for help and docs.
struct FieldInfo {
  std::string name, section, type, default_value, help;
  FieldKind kind;
};
const std::vector<FieldInfo>& config_fields();

// Parses "--config FILE" and every option in args (program name and subcommand removed).
// Throws ConfigError (command line) or InputError (config file: names file and line).
Config parse_config(const std::vector<std::string>& args);

// `aemigap --help` text of all options grouped by section, and docs/config.md.
std::string config_help();
std::string config_markdown();

}  // namespace aemigap

// Config: the single source of every parameter (LightGBM style).
//
// AEMIGAP_CONFIG_FIELDS lists each parameter once: C++ type, member, option name, section,
// kind, default, the values it may take, and help. From that one list come the struct below,
// the command line and INI config-file parsing (Boost.Program_options), the checks of every
// value, `aemigap --help`, the INI dump stored in every HDF5 store, and docs/config.md
// (`aemigap config --markdown`; a test keeps it in sync).
//
// Closed choices are enums (the AEMIGAP_CHOICES tables below, one per option): they are
// parsed once, here, and nothing downstream compares option strings.
//
// Precedence: command line > config file (--config FILE) > built-in default.
// Relative paths (kind Path) written in a config file are relative to that file's folder,
// so presets in configs/ work from any working directory; on the command line (and for
// defaults) they are relative to the working directory. Parsed paths are absolute, so the
// INI dump stored in the HDF5 store says exactly which files were read.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "aemigap/core/choices.hpp"
#include "aemigap/core/log.hpp"

namespace aemigap {

enum class FieldKind { Plain, Path };

// ---------------------------------------------------------------- closed choices
AEMIGAP_CHOICES(LogLevel, {LogLevel::quiet, "quiet"}, {LogLevel::info, "info"}, {LogLevel::debug, "debug"});
enum class Device { Auto, Cpu, Cuda };
AEMIGAP_CHOICES(Device, {Device::Auto, "auto"}, {Device::Cpu, "cpu"}, {Device::Cuda, "cuda"});
enum class ScorePrecision { Fp32, Bf16 };
AEMIGAP_CHOICES(ScorePrecision, {ScorePrecision::Fp32, "fp32"}, {ScorePrecision::Bf16, "bf16"});
enum class DistBackend { Auto, Mpi, Nccl };
AEMIGAP_CHOICES(DistBackend, {DistBackend::Auto, "auto"}, {DistBackend::Mpi, "mpi"}, {DistBackend::Nccl, "nccl"});
enum class PairsFormat { Auto, Tsv, Gmt, MtiCsv };
AEMIGAP_CHOICES(PairsFormat, {PairsFormat::Auto, "auto"}, {PairsFormat::Tsv, "tsv"}, {PairsFormat::Gmt, "gmt"},
                {PairsFormat::MtiCsv, "mti-csv"});
enum class GeneAlphabet { Protein, Nucleotide };
AEMIGAP_CHOICES(GeneAlphabet, {GeneAlphabet::Protein, "protein"}, {GeneAlphabet::Nucleotide, "nucleotide"});
enum class EmbedMode { Dm, Dbow };
AEMIGAP_CHOICES(EmbedMode, {EmbedMode::Dm, "dm"}, {EmbedMode::Dbow, "dbow"});
enum class NegativesMethod { Distance, Uniform };
AEMIGAP_CHOICES(NegativesMethod, {NegativesMethod::Distance, "distance"}, {NegativesMethod::Uniform, "uniform"});
// The classifier's input: [miRNA | gene] (128), the autoencoder's latent, or both.
enum class FeatureSet { Pair, Latent, PairLatent };
AEMIGAP_CHOICES(FeatureSet, {FeatureSet::Pair, "pair"}, {FeatureSet::Latent, "latent"},
                {FeatureSet::PairLatent, "pair+latent"});
enum class Arch { Lstm, BiLstm, Gru, Transformer };
AEMIGAP_CHOICES(Arch, {Arch::Lstm, "lstm"}, {Arch::BiLstm, "bilstm"}, {Arch::Gru, "gru"},
                {Arch::Transformer, "transformer"});
enum class CvProtocol { Paper, Uniform, ColdMirna, ColdGene };
AEMIGAP_CHOICES(CvProtocol, {CvProtocol::Paper, "paper"}, {CvProtocol::Uniform, "uniform"},
                {CvProtocol::ColdMirna, "cold-mirna"}, {CvProtocol::ColdGene, "cold-gene"});
enum class RecoverySplit { Random, MirnaStratified, ColdMirna, ColdFamily, Independent };
AEMIGAP_CHOICES(RecoverySplit, {RecoverySplit::Random, "random"}, {RecoverySplit::MirnaStratified, "mirna-stratified"},
                {RecoverySplit::ColdMirna, "cold-mirna"}, {RecoverySplit::ColdFamily, "cold-family"},
                {RecoverySplit::Independent, "independent"});
enum class RecoveryModel {
  LstmPaper, LstmPool, Als, AlsLstmPaper, AlsLstmPool, DegreeProduct, GenePopularity, EmbeddingDistance, Random,
  Evidence, LookupTargetScan, LookupFamily, Ensemble, EnsembleNoTargetScan, EnsembleTargetScanFirst
};
AEMIGAP_CHOICES(RecoveryModel, {RecoveryModel::LstmPaper, "lstm-paper"}, {RecoveryModel::LstmPool, "lstm-pool"},
                {RecoveryModel::Als, "als"}, {RecoveryModel::AlsLstmPaper, "als+lstm-paper"},
                {RecoveryModel::AlsLstmPool, "als+lstm-pool"}, {RecoveryModel::DegreeProduct, "degree-product"},
                {RecoveryModel::GenePopularity, "gene-popularity"},
                {RecoveryModel::EmbeddingDistance, "embedding-distance"}, {RecoveryModel::Random, "random"},
                {RecoveryModel::Evidence, "evidence"}, {RecoveryModel::LookupTargetScan, "lookup-targetscan"},
                {RecoveryModel::LookupFamily, "lookup-family"}, {RecoveryModel::Ensemble, "ensemble"},
                {RecoveryModel::EnsembleNoTargetScan, "ensemble-no-targetscan"},
                {RecoveryModel::EnsembleTargetScanFirst, "ensemble-ts-first"});
enum class EnsembleNegatives { Uniform, SameMirna };
AEMIGAP_CHOICES(EnsembleNegatives, {EnsembleNegatives::Uniform, "uniform"}, {EnsembleNegatives::SameMirna, "same-mirna"});
enum class Ranker { Lstm, Als, AlsLstm, Ensemble, EnsembleTargetScanFirst };
AEMIGAP_CHOICES(Ranker, {Ranker::Lstm, "lstm"}, {Ranker::Als, "als"}, {Ranker::AlsLstm, "als+lstm"},
                {Ranker::Ensemble, "ensemble"}, {Ranker::EnsembleTargetScanFirst, "ensemble-ts-first"});
enum class SequenceKind { Mirna, Gene };
AEMIGAP_CHOICES(SequenceKind, {SequenceKind::Mirna, "mirna"}, {SequenceKind::Gene, "gene"});
enum class ExportFormat { Tsv, H5ad };
AEMIGAP_CHOICES(ExportFormat, {ExportFormat::Tsv, "tsv"}, {ExportFormat::H5ad, "h5ad"});

// ---------------------------------------------------------------- value checks
// The values a numeric option may take (numbers must also be finite); written beside each
// field, checked when the Config is read, printed in --help and docs/config.md.
struct Bound {
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;
  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi); }
  std::string text() const;  // ">= 1", "(0, 1]", "" for any
};
namespace bound {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr Bound any() { return {}; }
constexpr Bound at_least(double lo) { return {lo, kInf, false, false}; }
constexpr Bound above(double lo) { return {lo, kInf, true, false}; }
constexpr Bound closed(double lo, double hi) { return {lo, hi, false, false}; }
constexpr Bound open(double lo, double hi) { return {lo, hi, true, true}; }
constexpr Bound left_open(double lo, double hi) { return {lo, hi, true, false}; }    // (lo, hi]
constexpr Bound right_open(double lo, double hi) { return {lo, hi, false, true}; }   // [lo, hi)
}  // namespace bound

// X(type, member, "option-name", "section", kind, default, bound, "help")
#define AEMIGAP_CONFIG_FIELDS(X)                                                                                  \
  /* general */                                                                                               \
  X(std::string, store, "store", "general", Path, "aemigap.h5", any(),                                        \
    "HDF5 store that every stage reads and writes")                                                           \
  X(std::uint64_t, seed, "seed", "general", Plain, 42, any(),                                                 \
    "Seed of every random choice (sampling, folds, initialisation)")                                          \
  X(int, threads, "threads", "general", Plain, 0, at_least(0),                                                \
    "Threads per rank; 0 = SLURM_CPUS_PER_TASK, else OMP_NUM_THREADS, else the cores shared "                 \
    "by the ranks on the node")                                                                               \
  X(double, progress_interval, "progress-interval", "general", Plain, 5.0, above(0),                          \
    "Seconds between progress lines of long work")                                                            \
  X(LogLevel, log_level, "log-level", "general", Plain, LogLevel::info, any(), "how much to print")           \
  X(Device, device, "device", "general", Plain, Device::Auto, any(),                                          \
    "where models train and the pool is scored (auto: cuda when LibTorch has CUDA and a GPU is visible)")    \
  X(DistBackend, dist_backend, "dist-backend", "general", Plain, DistBackend::Auto, any(),                    \
    "gradient all-reduce between ranks (auto: nccl when training on cuda)")                                   \
  /* ingest */                                                                                                \
  X(std::string, pairs, "pairs", "ingest", Path, "data/mirtarbase7_hsa_pairs.tsv.gz", any(),                  \
    "Validated miRNA-gene pairs: two-column TSV, Enrichr GMT or miRTarBase MTI CSV (.gz ok)")                 \
  X(PairsFormat, pairs_format, "pairs-format", "ingest", Plain, PairsFormat::Auto, any(),                     \
    "format of pairs; auto decides by file extension (.tsv/.txt, .gmt, .csv)")                                \
  X(std::string, mirna_fasta, "mirna-fasta", "ingest", Path, "data/hsa_mature.fa.gz", any(),                  \
    "Mature miRNA sequences, FASTA, RNA or DNA alphabet (T is read as U)")                                    \
  X(std::string, gene_fasta, "gene-fasta", "ingest", Path, "data/human_protein_by_symbol.fa.gz", any(),       \
    "Gene sequences keyed by symbol, FASTA (protein or nucleotide, see gene-alphabet)")                       \
  X(GeneAlphabet, gene_alphabet, "gene-alphabet", "ingest", Plain, GeneAlphabet::Protein, any(),              \
    "alphabet of gene-fasta (nucleotide: U is read as T)")                                                    \
  X(std::string, aliases, "aliases", "ingest", Path, "data/gene_symbol_aliases.tsv.gz", any(),                \
    "Optional TSV (header, 2 columns) mapping pair gene symbols to gene-fasta keys; symbols "                 \
    "not listed map to themselves; empty = none")                                                             \
  /* embed */                                                                                                 \
  X(int, embed_k, "embed-k", "embed", Plain, 3, closed(1, 7), "k-mer length of the Protein2Vec words")        \
  X(int, embed_frames, "embed-frames", "embed", Plain, 3, closed(1, 7),                                       \
    "reading frames per sequence (at most embed-k): frame f gives the non-overlapping k-mers "                \
    "from f")                                                                                                 \
  X(int, embed_dims, "embed-dims", "embed", Plain, 64, at_least(1),                                           \
    "embedding size (the pair vector is twice this)")                                                         \
  X(int, embed_window, "embed-window", "embed", Plain, 7, at_least(1), "context window (words each side)")    \
  X(int, embed_negative, "embed-negative", "embed", Plain, 5, at_least(1), "negative samples per word")       \
  X(int, embed_epochs, "embed-epochs", "embed", Plain, 25, at_least(1), "passes over the corpus")             \
  X(int, embed_mirna_epochs, "embed-mirna-epochs", "embed", Plain, 0, at_least(0),                            \
    "passes over the miRNA corpus (its own model); 0 = embed-epochs")                                         \
  X(int, embed_mirna_window, "embed-mirna-window", "embed", Plain, 0, at_least(0),                            \
    "context window of the miRNA model; 0 = embed-window")                                                    \
  X(int, embed_min_count, "embed-min-count", "embed", Plain, 1, at_least(1), "drop words seen fewer times")   \
  X(EmbedMode, embed_mode, "embed-mode", "embed", Plain, EmbedMode::Dm, any(), "dm (PV-DM) or dbow (PV-DBOW)") \
  X(bool, embed_dm_mean, "embed-dm-mean", "embed", Plain, true, any(),                                        \
    "PV-DM input is the mean (true) or the sum (false) of the document and context vectors")                  \
  X(double, embed_alpha, "embed-alpha", "embed", Plain, 0.025, above(0), "initial learning rate")             \
  X(double, embed_min_alpha, "embed-min-alpha", "embed", Plain, 0.0001, at_least(0),                          \
    "final learning rate (linear decay over all epochs)")                                                     \
  X(double, embed_sample, "embed-sample", "embed", Plain, 0.001, at_least(0),                                 \
    "down-sampling threshold of frequent words (0 = off)")                                                    \
  X(bool, deterministic, "deterministic", "embed", Plain, false, any(),                                       \
    "one training thread and a fixed order: the same seed gives identical vectors")                           \
  X(std::string, mirna_families, "mirna-families", "embed", Path, "data/targetscan8_human_miR_family_info.txt.gz", any(), \
    "TargetScan miR_Family_Info (Seed.m8 per miRNA) for the seed-family check; empty = skip")                 \
  /* negatives */                                                                                             \
  X(NegativesMethod, negatives_method, "negatives-method", "negatives", Plain, NegativesMethod::Distance, any(), \
    "distance (the paper: pairs farther than the positives' mean by Euclidean, cosine and "                   \
    "Mahalanobis distance) or uniform (any unknown pair)")                                                    \
  X(double, negatives_ratio, "negatives-ratio", "negatives", Plain, 1.0, left_open(0, 1000),                  \
    "negatives drawn per positive pair")                                                                      \
  /* autoencoder */                                                                                           \
  X(int, ae_latent, "ae-latent", "autoencoder", Plain, 64, at_least(1),                                       \
    "latent size (the paper: 8, 16, 32, 64, 128)")                                                            \
  X(std::vector<int>, ae_hidden, "ae-hidden", "autoencoder", Plain, (std::vector<int>{112, 96}), at_least(1),       \
    "widths of the encoder layers between the 128-d input and the latent, comma-separated (3 "                \
    "encoder layers in all; the decoder mirrors them)")                                                       \
  X(int, ae_epochs, "ae-epochs", "autoencoder", Plain, 200, at_least(1), "training epochs")                   \
  X(int, ae_batch, "ae-batch", "autoencoder", Plain, 128, at_least(1), "batch size")                          \
  X(double, ae_lr, "ae-lr", "autoencoder", Plain, 0.001, above(0), "Adam learning rate")                      \
  X(double, ae_test_fraction, "ae-test-fraction", "autoencoder", Plain, 0.1, right_open(0, 1),                \
    "share of the autoencoder's rows held out for its per-epoch test loss")                                   \
  X(bool, ae_per_fold, "ae-per-fold", "autoencoder", Plain, false, any(),                                     \
    "fit the autoencoder on each CV training fold (honest) instead of once on all pairs")                     \
  /* classifier */                                                                                            \
  X(FeatureSet, features, "features", "classifier", Plain, FeatureSet::PairLatent, any(),                     \
    "pair (128: the miGAP baseline), latent (experiment A) or pair+latent (experiment B)")                    \
  X(Arch, classifier, "classifier", "classifier", Plain, Arch::Lstm, any(), "the classifier's architecture")  \
  X(int, step_width, "step-width", "classifier", Plain, 16, at_least(1),                                      \
    "features per time step (the vector is cut into steps; the tail is zero-padded)")                         \
  X(int, rnn_hidden, "rnn-hidden", "classifier", Plain, 128, at_least(1),                                     \
    "width of the input projection and of each recurrent layer")                                              \
  X(int, rnn_layers, "rnn-layers", "classifier", Plain, 3, at_least(1), "stacked LSTM/GRU layers")            \
  X(int, tf_heads, "tf-heads", "classifier", Plain, 8, at_least(1), "transformer attention heads")            \
  X(int, tf_ff, "tf-ff", "classifier", Plain, 128, at_least(1), "transformer feed-forward width")             \
  X(int, tf_layers, "tf-layers", "classifier", Plain, 2, at_least(1), "transformer encoder layers")           \
  X(std::int64_t, train_samples, "train-samples", "classifier", Plain, 5000000, at_least(1),                  \
    "training budget in samples per model (the paper: 5,000,000)")                                            \
  X(int, batch, "batch", "classifier", Plain, 128, at_least(1), "batch size")                                 \
  X(double, lr, "lr", "classifier", Plain, 0.001, above(0), "Adam learning rate")                             \
  X(int, train_replicas, "train-replicas", "classifier", Plain, 0, at_least(0),                               \
    "model replicas per rank, each training a slice of the batch in its own thread (0 = one "                 \
    "per thread; 1 = LibTorch's intra-op threads)")                                                           \
  X(bool, train_autograd, "train-autograd", "classifier", Plain, false, any(),                                \
    "LSTM on the CPU: train with LibTorch's autograd instead of the hand-written gradients")                  \
  X(bool, batch_per_rank, "batch-per-rank", "classifier", Plain, false, any(),                                \
    "data-parallel: 'batch' is per rank (global batch = batch x ranks); default: global")                     \
  X(std::int64_t, train_checkpoint_every, "train-checkpoint-every", "classifier", Plain, 1000000, at_least(0), \
    "samples between training checkpoints that --resume continues from (0 = none)")                           \
  /* cv */                                                                                                    \
  X(int, cv_folds, "cv-folds", "cv", Plain, 5, at_least(2), "cross-validation folds")                         \
  X(ChoiceList<CvProtocol>, cv_protocols, "cv-protocols", "cv", Plain, ChoiceList<CvProtocol>{CvProtocol::Paper}, any(), \
    "comma-separated: paper (distance negatives, stratified folds), uniform (negatives drawn "                \
    "uniformly from the pool), cold-mirna (miRNA-disjoint folds), cold-gene (gene-disjoint)")                 \
  X(std::int64_t, cv_subsample, "cv-subsample", "cv", Plain, 0, at_least(0),                                  \
    "use a seeded, class-stratified subsample of this many pairs for CV (0 = all; for tests)")                \
  X(std::string, results_dir, "results-dir", "cv", Path, "results", any(),                                    \
    "folder for the TSV, Markdown and SVG results and the model checkpoint (model.pt)")                       \
  X(int, cv_task, "cv-task", "cv", Plain, 0, at_least(0),                                                     \
    "run only task N (1-based) of protocols x folds and write its part to "                                   \
    "<results-dir>/cv_parts (one job-array task per fold; 0 = every task)")                                   \
  X(bool, cv_merge, "cv-merge", "cv", Plain, false, any(),                                                    \
    "merge the parts of all cv-task runs into the CV outputs (as one cv run writes them)")                    \
  X(double, validation_fraction, "validation-fraction", "cv", Plain, 0.05, left_open(0, 1),                 \
    "cv and experiments: share of the unknown pairs of the validation-pairs' miRNAs sampled beside "          \
    "them for the final model's independent per-miRNA AUC (1 = all of them)")                                 \
  X(bool, list_tasks, "list-tasks", "cv", Plain, false, any(),                                                \
    "cv, experiment: print the tasks (one line each: N, what it trains) and exit, for job arrays")            \
  X(int, experiment_task, "experiment-task", "cv", Plain, 0, at_least(0),                                     \
    "experiment (paper tables): run only task N (1-based; --list-tasks lists them) and write its "            \
    "part under <results-dir>/experiment_<name> (one job-array task per unit; 0 = every task)")              \
  X(bool, experiment_merge, "experiment-merge", "cv", Plain, false, any(),                                    \
    "experiment (paper tables): merge the parts of all experiment-task runs into its tables")                 \
  X(std::vector<int>, budget_samples, "budget-samples", "cv", Plain, (std::vector<int>{50000, 200000, 1000000}),  \
    at_least(1),                                                                                              \
    "experiment budget: training samples per model of its 5-fold points, comma-separated (paper "            \
    "protocol, the store's autoencoder)")                                                                     \
  X(std::vector<int>, budget_ae_epochs, "budget-ae-epochs", "cv", Plain, (std::vector<int>{50, 200}), at_least(1), \
    "experiment budget: autoencoder epochs of its epoch points, comma-separated (each fits its own "         \
    "autoencoder; trained at the first budget-samples)")                                                      \
  X(std::int64_t, budget_fold_samples, "budget-fold-samples", "cv", Plain, 5000000, at_least(0),              \
    "experiment budget: one more point at this many samples, fold 1 only, its model checked on the "        \
    "independent pairs (the paper's 5,000,000; 0 = none)")                                                    \
  /* recovery */                                                                                              \
  X(ChoiceList<RecoverySplit>, recovery_splits, "recovery-splits", "recovery", Plain,                         \
    (ChoiceList<RecoverySplit>{RecoverySplit::Random, RecoverySplit::MirnaStratified, RecoverySplit::ColdMirna,  \
                               RecoverySplit::ColdFamily, RecoverySplit::Independent}),                       \
    any(),                                                                                                    \
    "experiment recovery: comma-separated hold-out splits: random (positives), "                              \
    "mirna-stratified (the same share of every miRNA's positives), cold-mirna (every positive"                \
    " of some miRNAs), cold-family (every positive of some seed families), independent (no "                 \
    "hold-out: the validation-pairs of other databases among the unknown pool)")                              \
  X(double, recovery_fraction, "recovery-fraction", "recovery", Plain, 0.1, open(0, 1),                       \
    "experiment recovery: share of the positives (cold-mirna: of the miRNAs) held out")                       \
  X(double, recovery_pool_fraction, "recovery-pool-fraction", "recovery", Plain, 0.1, left_open(0, 1),        \
    "experiment recovery: share of the unknown pool scored (a seeded sample; whole-pool ranks"                \
    " are estimated from it; 1 = the exact ranking of every pair)")                                           \
  X(ChoiceList<RecoveryModel>, recovery_models, "recovery-models", "recovery", Plain,                         \
    (ChoiceList<RecoveryModel>{RecoveryModel::LstmPaper, RecoveryModel::LstmPool, RecoveryModel::Als,        \
                               RecoveryModel::AlsLstmPaper, RecoveryModel::AlsLstmPool,                       \
                               RecoveryModel::DegreeProduct, RecoveryModel::GenePopularity,                   \
                               RecoveryModel::EmbeddingDistance, RecoveryModel::Random,                       \
                               RecoveryModel::Evidence, RecoveryModel::LookupTargetScan,                      \
                               RecoveryModel::LookupFamily, RecoveryModel::Ensemble,                          \
                               RecoveryModel::EnsembleNoTargetScan, RecoveryModel::EnsembleTargetScanFirst}),                                         \
    any(),                                                                                                    \
    "experiment recovery: models ranked: lstm-paper (the paper's method), lstm-pool "                         \
    "(negatives drawn uniformly from the pool), als, als+lstm-pool and als+lstm-paper (rank "                 \
    "averages), degree-product, gene-popularity, embedding-distance, random, evidence (every "                \
    "evidence feature alone, eval/evidence.hpp), lookup-targetscan (a TargetScan site, then "                 \
    "gene popularity), lookup-family (seed-family members validated on the gene, then "                       \
    "popularity), ensemble (the learned combiner of rank/ensemble.hpp) and "                                  \
    "ensemble-no-targetscan (the same without the TargetScan features) and ensemble-ts-first (the ensemble's "   \
    "trees, pairs with a conserved TargetScan site first)")                                      \
  X(int, recovery_repeats, "recovery-repeats", "recovery", Plain, 3, at_least(1),                             \
    "experiment recovery: repeats of every split with seeds seed, seed + 1, ... (tables show mean ± sd)")     \
  X(std::string, validation_pairs, "validation-pairs", "recovery", Path,                                      \
    "data/independent_validation_hsa.tsv.gz", any(),                                                          \
    "validated pairs of other databases (TSV miRNA, gene symbol) for the independent split: for "             \
    "choosing and checking models only, never a training positive or a feature; empty = none")               \
  /* score */                                                                                                 \
  X(std::string, checkpoint, "checkpoint", "score", Path, "", any(),                                          \
    "model checkpoint to score with; empty = <results-dir>/model.pt (written by cv)")                         \
  X(int, score_block_rows, "score-block-rows", "score", Plain, 8, at_least(1),                                \
    "miRNA rows per block: the unit of work, progress and resume")                                            \
  X(ScorePrecision, score_precision, "score-precision", "score", Plain, ScorePrecision::Fp32, any(),          \
    "arithmetic of the GPU scorer (device cuda): fp32, or bf16 (weights and activations; the ranking's "     \
    "agreement with fp32 is measured by aemigap_score_bench --device-scorer)")                               \
  X(int, score_device_pairs, "score-device-pairs", "score", Plain, 1 << 20, at_least(1),                       \
    "(miRNA row x gene) pairs per forward of the GPU scorer: bounds its memory (1 M pairs: ~2 GB)")          \
  X(bool, resume, "resume", "score", Plain, false, any(),                                                     \
    "continue an interrupted run: score from its completed blocks (same checkpoint required),"                \
    " cv from its finished folds (cv_parts) and training checkpoints (same inputs required)")                 \
  /* rank */                                                                                                  \
  X(Ranker, ranker, "ranker", "rank", Plain, Ranker::EnsembleTargetScanFirst, any(),                          \
    "what orders the unknown pairs in reports and queries: ensemble-ts-first (default: pairs with a "         \
    "conserved TargetScan site first, each tier by the ensemble; best on the independent validation "         \
    "pairs, docs/ranking.md), ensemble (gradient-boosted trees over every evidence feature: graph, seed "     \
    "family, TargetScan, sequence; best on held-out miRTarBase pairs), als (implicit ALS over the "           \
    "validated pairs), lstm (the classifier's probability, the paper's method) or als+lstm (the "             \
    "mean of the two percentiles over the pool)")                                                              \
  X(double, ensemble_hide_pairs, "ensemble-hide-pairs", "rank", Plain, 0.10, right_open(0, 1),                \
    "ensemble: share of the known pairs hidden at random to train the combiner")                             \
  X(double, ensemble_hide_mirnas, "ensemble-hide-mirnas", "rank", Plain, 0.05, right_open(0, 1),              \
    "ensemble: share of the miRNAs whose every pair is hidden (so it learns miRNAs with no pair)")           \
  X(double, ensemble_hide_families, "ensemble-hide-families", "rank", Plain, 0.05, right_open(0, 1),          \
    "ensemble: share of the seed families whose every pair is hidden")                                        \
  X(int, ensemble_negatives, "ensemble-negatives", "rank", Plain, 10, closed(1, 1000),                        \
    "ensemble: pool pairs drawn (uniformly) per hidden pair as the combiner's negatives")                    \
  X(EnsembleNegatives, ensemble_negatives_from, "ensemble-negatives-from", "rank", Plain,                     \
    EnsembleNegatives::Uniform, any(),                                                                        \
    "ensemble: where its negatives come from: uniform (any pool pair) or same-mirna (pool pairs of the "      \
    "hidden pair's miRNA: it learns to order a miRNA's genes)")                                               \
  X(int, ensemble_trees, "ensemble-trees", "rank", Plain, 200, closed(1, 100000), "ensemble: boosted trees")  \
  X(int, ensemble_depth, "ensemble-depth", "rank", Plain, 6, closed(1, 20), "ensemble: depth of each tree")   \
  X(double, ensemble_eta, "ensemble-eta", "rank", Plain, 0.1, left_open(0, 1), "ensemble: learning rate")     \
  X(int, als_factors, "als-factors", "rank", Plain, 64, at_least(1),                                          \
    "implicit ALS: factors per miRNA and gene")                                                               \
  X(int, als_iterations, "als-iterations", "rank", Plain, 15, at_least(1), "implicit ALS: alternating sweeps") \
  X(double, als_alpha, "als-alpha", "rank", Plain, 20.0, at_least(0),                                         \
    "implicit ALS: confidence of a known pair is 1 + alpha")                                                  \
  X(double, als_lambda, "als-lambda", "rank", Plain, 0.1, above(0), "implicit ALS: ridge on the factors")     \
  /* report */                                                                                                \
  X(int, report_top, "report-top", "report", Plain, 30, at_least(1), "top pairs of the whole pool to report") \
  X(std::string, report_genes, "report-genes", "report", Plain, "ALK,EGFR,GNAS,KRAS,PIK3CA", any(),           \
    "genes (symbols or FASTA keys) whose top miRNAs are reported (the paper's oncogenes)")                    \
  X(int, report_per_gene, "report-per-gene", "report", Plain, 10, at_least(1), "top miRNAs per reported gene") \
  X(std::string, targetscan, "targetscan", "report", Path, "data/targetscan7_conserved_hsa.tsv.gz", any(),    \
    "TargetScan predictions (TSV: miRNA, gene symbol): the reports' Support column and the "                  \
    "ensemble's targetscan features; empty = none")                                                           \
  /* query */                                                                                                 \
  X(std::string, pair, "pair", "query", Plain, "", any(), "query: MIRNA,GENE -> that pair's score")           \
  X(std::string, mirna, "mirna", "query", Plain, "", any(), "query: the top genes of this miRNA")             \
  X(std::string, gene, "gene", "query", Plain, "", any(),                                                     \
    "query: the top miRNAs of this gene (FASTA key or symbol)")                                               \
  X(int, top, "top", "query", Plain, 10, at_least(1), "query: how many partners to list")                     \
  X(std::string, sequence, "sequence", "query", Plain, "", any(),                                             \
    "query: a sequence not in the store; its embedding is inferred and it is scored against "                 \
    "every partner (with --sequence-kind)")                                                                   \
  X(SequenceKind, sequence_kind, "sequence-kind", "query", Plain, SequenceKind::Mirna, any(),                 \
    "what --sequence is")                                                                                     \
  /* export */                                                                                                \
  X(std::string, gene_ids, "gene-ids", "export", Path, "data/gene_ids.tsv.gz", any(),                         \
    "gene identifiers (symbol, Entrez, Ensembl gene, aliases; derived from org.Hs.eg.db): columns of "        \
    "export and score-pairs, and accepted wherever a gene is named; empty = store symbols only")              \
  X(ExportFormat, export_format, "export-format", "export", Plain, ExportFormat::Tsv, any(),                  \
    "export: tsv (tidy table; gzip-compressed when the output ends in .gz) or h5ad (AnnData: X = the "        \
    "classifier's probability, layers/ranking = the ranking score, obs = miRNAs, var = genes)")               \
  X(std::string, output, "output", "export", Path, "", any(),                                                 \
    "export, score-pairs: the file to write; empty = <results-dir>/ranking.tsv.gz or ranking.h5ad "           \
    "(export), <input>.scored.tsv (score-pairs)")                                                             \
  X(std::string, export_mirnas, "export-mirnas", "export", Path, "", any(),                                   \
    "export: only these miRNAs (a file, one name or MIMAT accession per line); empty = all")                  \
  X(std::string, export_genes, "export-genes", "export", Path, "", any(),                                     \
    "export: only these genes (a file, one symbol, alias, Entrez or Ensembl id per line); empty = all")       \
  X(int, top_per_mirna, "top-per-mirna", "export", Plain, 0, at_least(0),                                     \
    "export: only each miRNA's best N pairs (rank_in_mirna <= N); 0 = all")                                   \
  X(double, min_percentile, "min-percentile", "export", Plain, 0.0, closed(0, 100),                           \
    "export: only pairs at or above this percentile of the whole pool (100 = the best pair)")                 \
  X(std::string, input, "input", "export", Path, "", any(),                                                   \
    "score-pairs: a TSV or CSV of pairs with a header line (.gz read too)")                                   \
  X(std::string, mirna_column, "mirna-column", "export", Plain, "mirna", any(),                               \
    "score-pairs: the input's column of miRNA names or MIMAT accessions")                                     \
  X(std::string, gene_column, "gene-column", "export", Plain, "gene", any(),                                  \
    "score-pairs: the input's column of gene symbols, aliases, Entrez or Ensembl ids")                        \

struct Config {
#define AEMIGAP_CONFIG_MEMBER(type, member, name, section, kind, def, bound, help) type member = def;
  AEMIGAP_CONFIG_FIELDS(AEMIGAP_CONFIG_MEMBER)
#undef AEMIGAP_CONFIG_MEMBER

  // Checks every field's bound and the rules that tie options together; throws ConfigError
  // naming the option. parse_config calls it; code that edits a Config may call it again.
  void validate() const;
  // INI text of every parameter (stored as the "config" attribute of the HDF5 store).
  std::string to_ini() const;
};

// Description of one field, for help and docs.
struct FieldInfo {
  std::string name, section, type, default_value, help;
  FieldKind kind;
  std::string values;  // what the option accepts: a bound (">= 1") or the choices ("a | b")
};
const std::vector<FieldInfo>& config_fields();

// Parses "--config FILE" and every option in args (program name and subcommand removed).
// Throws ConfigError (command line) or InputError (config file: names file and line).
Config parse_config(const std::vector<std::string>& args);

// `aemigap --help` text of all options grouped by section, and docs/config.md.
std::string config_help(const std::vector<std::string>& sections = {});  // only those sections when given
std::string config_markdown();

}  // namespace aemigap

// The HDF5 store's schema: every group, dataset and attribute the stages write, as named
// constants with a one-line comment. Code names these constants, never a path literal;
// docs/store.md describes the same list, and a test (tests/core/test_store_schema.cpp)
// fails when the two disagree.
//
// X(constant, "path or name", kind, "what it holds")
//   Group, Dataset: absolute paths; Part: a path relative to a group (group + part);
//   Attr: an attribute name (the comment says on which objects).
#pragma once

#include <string>
#include <vector>

namespace aemigap::schema {

enum class Kind { Group, Dataset, Part, Attr };

#define AEMIGAP_STORE_SCHEMA(X)                                                                              \
  /* ingest */                                                                                               \
  X(kMirnaName, "/mirna/name", Dataset, "miRNA names, sorted; the row index is the miRNA's id")              \
  X(kMirnaSequence, "/mirna/sequence", Dataset, "mature miRNA sequences, RNA alphabet")                      \
  X(kGeneName, "/gene/name", Dataset, "gene sequence keys (FASTA ids), sorted; the gene's id")               \
  X(kGeneSymbols, "/gene/symbols", Dataset, "pair-table symbols mapped to each gene, ';'-joined")            \
  X(kGeneSequence, "/gene/sequence", Dataset, "gene sequences (protein or nucleotide)")                      \
  X(kPairs, "/pairs", Group, "validated and negative pairs")                                                 \
  X(kPositives, "/pairs/positive", Dataset, "validated pairs, int32 (miRNA, gene) rows, sorted")             \
  X(kAttrNPositive, "n_positive", Attr, "/pairs: validated pairs kept")                                      \
  X(kAttrNMirna, "n_mirna", Attr, "/pairs: miRNAs")                                                          \
  X(kAttrNGene, "n_gene", Attr, "/pairs: genes")                                                             \
  X(kAttrNUnknownPool, "n_unknown_pool", Attr, "/pairs: n_mirna x n_gene - n_positive")                      \
  X(kAttrIngestReport, "ingest_report", Attr, "/pairs: what ingest kept and dropped, and why")               \
  /* embed */                                                                                                \
  X(kMirnaEmbedding, "/mirna/embedding", Dataset, "Protein2Vec vector of each miRNA, float32 [n_mirna, dims]") \
  X(kGeneEmbedding, "/gene/embedding", Dataset, "Protein2Vec vector of each gene, float32 [n_gene, dims]")   \
  X(kEmbed, "/embed", Group, "the doc2vec models; attributes: the shared embed parameters")                  \
  X(kEmbedMirna, "/embed/mirna", Group, "the miRNA doc2vec model")                                           \
  X(kEmbedGene, "/embed/gene", Group, "the gene doc2vec model")                                              \
  X(kEmbedVocab, "/vocab", Part, "/embed/<kind>: words (n:ACG, p:MKV)")                                      \
  X(kEmbedWordCounts, "/word_counts", Part, "/embed/<kind>: int64 count of each word")                       \
  X(kEmbedWordVectors, "/word_vectors", Part, "/embed/<kind>: float32 [vocab, dims]")                        \
  X(kEmbedOutputWeights, "/output_weights", Part, "/embed/<kind>: float32 [vocab, dims]")                    \
  X(kAttrNamespace, "namespace", Attr, "/embed/<kind>: the words' namespace letter (n, p, d)")               \
  X(kAttrK, "k", Attr, "/embed: k-mer length")                                                               \
  X(kAttrFrames, "frames", Attr, "/embed: reading frames")                                                   \
  X(kAttrDims, "dims", Attr, "/embed: vector size")                                                          \
  X(kAttrNegative, "negative", Attr, "/embed: negative samples per word")                                    \
  X(kAttrMinCount, "min_count", Attr, "/embed: rarest word kept")                                            \
  X(kAttrMode, "mode", Attr, "/embed: dm or dbow")                                                           \
  X(kAttrDmMean, "dm_mean", Attr, "/embed: PV-DM mean (1) or sum (0)")                                       \
  X(kAttrAlpha, "alpha", Attr, "/embed: initial learning rate; /als: confidence weight")                     \
  X(kAttrMinAlpha, "min_alpha", Attr, "/embed: final learning rate")                                         \
  X(kAttrSample, "sample", Attr, "/embed: down-sampling threshold")                                          \
  X(kAttrDeterministic, "deterministic", Attr, "/embed: one thread, fixed order")                            \
  X(kAttrWindow, "window", Attr, "/embed/<kind>, /<kind>/embedding: context window")                         \
  X(kAttrEpochs, "epochs", Attr, "/embed/<kind>, /<kind>/embedding, /ae: training epochs")                   \
  X(kAttrSeed, "seed", Attr, "/embed/<kind>: the model's seed")                                              \
  X(kAttrThreads, "threads", Attr, "/embed/<kind>: training threads")                                        \
  X(kAttrWordsPerEpoch, "words_per_epoch", Attr, "/embed/<kind>: corpus size")                               \
  X(kAttrTrainSeconds, "train_seconds", Attr, "/embed/<kind>: training wall time")                           \
  X(kAttrWordsPerSecond, "words_per_second", Attr, "/embed/<kind>: training speed")                          \
  X(kAttrFamilyPrecision, "seed_family_precision_at_5", Attr, "/embed: seed-family check of the vectors")   \
  X(kAttrFamilyPrecisionKmer, "seed_family_precision_at_5_kmer_counts", Attr, "/embed: the same for k-mer counts") \
  X(kAttrFamilyQueries, "seed_family_queries", Attr, "/embed: miRNAs the check asked about")                 \
  /* negatives */                                                                                            \
  X(kNegatives, "/pairs/negative", Dataset, "training negatives, int32 (miRNA, gene) rows, sorted")          \
  X(kAttrMethod, "method", Attr, "/pairs/negative: distance or uniform")                                     \
  X(kAttrThresholdEuclidean, "threshold_euclidean", Attr, "/pairs/negative: mean over positives")            \
  X(kAttrThresholdCosine, "threshold_cosine", Attr, "/pairs/negative: mean over positives")                  \
  X(kAttrThresholdMahalanobis, "threshold_mahalanobis", Attr, "/pairs/negative: mean over positives")        \
  X(kAttrWhiteningRidge, "whitening_ridge", Attr, "/pairs/negative: ridge of the Mahalanobis whitening")    \
  X(kAttrNPool, "n_pool", Attr, "/pairs/negative: unknown pairs scanned")                                    \
  X(kAttrNAboveEuclidean, "n_above_euclidean", Attr, "/pairs/negative: pool pairs above that threshold")     \
  X(kAttrNAboveCosine, "n_above_cosine", Attr, "/pairs/negative: pool pairs above that threshold")           \
  X(kAttrNAboveMahalanobis, "n_above_mahalanobis", Attr, "/pairs/negative: pool pairs above that threshold") \
  X(kAttrNAboveAll, "n_above_all", Attr, "/pairs/negative: above all three")                                 \
  X(kAttrNCandidates, "n_candidates", Attr, "/pairs/negative: pairs the draw chose from")                    \
  X(kAttrNRequested, "n_requested", Attr, "/pairs/negative: negatives-ratio x positives")                    \
  X(kAttrNDrawn, "n_drawn", Attr, "/pairs/negative: negatives drawn")                                        \
  X(kAttrScanSeconds, "scan_seconds", Attr, "/pairs/negative: wall time of the pool scan")                   \
  X(kAttrReport, "report", Attr, "/pairs/negative: the stage's report")                                      \
  /* autoencoder */                                                                                          \
  X(kAe, "/ae", Group, "the autoencoder (train-ae)")                                                         \
  X(kAeParams, "/params/", Part, "/ae: float32 weights by parameter name (encoder.0.weight, ...)")           \
  X(kAeScalerMin, "/scaler_min", Part, "/ae: min-max scaler minimum per input")                              \
  X(kAeScalerRange, "/scaler_range", Part, "/ae: min-max scaler range per input")                            \
  X(kAeTrainLoss, "/ae/train_loss", Dataset, "float64 training MSE per epoch")                               \
  X(kAeTestLoss, "/ae/test_loss", Dataset, "float64 held-out MSE per epoch")                                 \
  X(kAttrAeInput, "input", Attr, "/ae: input width")                                                         \
  X(kAttrAeLatent, "latent", Attr, "/ae: latent width")                                                      \
  X(kAttrAeHidden, "hidden", Attr, "/ae: encoder widths between input and latent")                           \
  X(kAttrTrainRows, "train_rows", Attr, "/ae: rows trained on")                                              \
  X(kAttrTestRows, "test_rows", Attr, "/ae: rows held out")                                                  \
  X(kAttrSeconds, "seconds", Attr, "/ae: training wall time")                                                \
  /* cv */                                                                                                   \
  X(kCv, "/cv", Group, "cross-validation results, one group per protocol")                                   \
  X(kCvMetrics, "/metrics", Part, "/cv/<protocol>: float64 [folds, 11] per-fold metrics")                    \
  X(kCvRocFold, "/roc_fold", Part, "/cv/<protocol>: + fold number: float64 [points, 3] ROC (fpr, tpr, threshold)") \
  X(kAttrColumns, "columns", Attr, "/cv/<protocol>/metrics, /scores/matrix: what the columns are")          \
  X(kAttrRows, "rows", Attr, "/scores/matrix: what the rows are")                                            \
  X(kAttrDescription, "description", Attr, "/cv/<protocol>: the protocol in words")                          \
  X(kAttrMean, "mean", Attr, "/cv/<protocol>: mean precision, recall, accuracy, f1, auc")                    \
  X(kAttrSd, "sd", Attr, "/cv/<protocol>: their standard deviations")                                        \
  X(kAttrMeanColumns, "mean_columns", Attr, "/cv/<protocol>: names of mean and sd")                          \
  X(kAttrBestFold, "best_fold", Attr, "/cv/<protocol>: fold with the best test AUC (1-based; shown, not shipped)") \
  X(kAttrIndependent, "independent", Attr,                                                                   \
    "/cv/<protocol>: the final model on validation-pairs: auc, mirna_auc, n_validated, n_sampled, n_mirna")  \
  X(kAttrClassifier, "classifier", Attr, "/cv: architecture")                                                \
  X(kAttrFeatures, "features", Attr, "/cv: feature set")                                                     \
  X(kAttrTrainSamples, "train_samples", Attr, "/cv: training budget per fold")                               \
  X(kAttrFolds, "folds", Attr, "/cv: folds")                                                                 \
  X(kAttrCheckpoint, "checkpoint", Attr, "/cv, /scores: the model checkpoint's path")                        \
  /* score */                                                                                                \
  X(kScores, "/scores", Group, "the scored pool")                                                            \
  X(kScoreMatrix, "/scores/matrix", Dataset, "float32 [n_mirna, n_gene] probability; NaN at positives")     \
  X(kScoreDone, "/scores/done", Dataset, "uint8 [n_blocks, 1]: 1 when a block's rows are written")           \
  X(kAttrBlockRows, "block_rows", Attr, "/scores: miRNA rows per block")                                     \
  X(kAttrNBlocks, "n_blocks", Attr, "/scores: blocks")                                                       \
  X(kAttrCheckpointId, "checkpoint_id", Attr, "/cv, /scores: content hash of the checkpoint file")                \
  X(kScoreChecksum, "/scores/checksum", Dataset, "uint64 [n_blocks, 1]: hash of each block of /scores/matrix, checked by readers") \
  X(kAttrContent, "content", Attr, "/scores/matrix, /scores/ranking: what the values are")                   \
  /* rank */                                                                                                 \
  X(kRanking, "/scores/ranking", Dataset, "float32 [n_mirna, n_gene] what orders the pairs; NaN at positives") \
  X(kRankingChecksum, "/scores/ranking_checksum", Dataset, "uint64 [n_blocks, 1]: hash of each block of /scores/ranking") \
  X(kAttrRanker, "ranker", Attr, "/scores/ranking, /scores: the ranker that wrote it")                       \
  X(kAls, "/als", Group, "implicit-ALS factors fitted to every validated pair")                              \
  X(kAlsMirnaFactors, "/als/mirna_factors", Dataset, "float32 [n_mirna, factors]")                           \
  X(kAlsGeneFactors, "/als/gene_factors", Dataset, "float32 [n_gene, factors]")                              \
  X(kAlsLoss, "/als/loss", Dataset, "float64 loss after each sweep")                                         \
  X(kAttrKnownPairs, "known_pairs", Attr, "/als, /ensemble: validated pairs fitted")                         \
  X(kAttrLambda, "lambda", Attr, "/als: ridge")                                                              \
  X(kEnsemble, "/ensemble", Group, "the ensemble ranker's trees (ranker ensemble)")                          \
  X(kEnsembleModel, "/ensemble/model", Dataset, "uint8: the boosted trees, XGBoost UBJSON")                  \
  X(kEnsembleFeatures, "/ensemble/features", Dataset, "string: the evidence features the trees read, in order") \
  X(kEnsembleImportance, "/ensemble/importance", Dataset, "float64: each feature's total gain")              \
  X(kAttrTrees, "trees", Attr, "/ensemble: boosted trees")                                                   \
  X(kAttrDepth, "depth", Attr, "/ensemble: tree depth")                                                      \
  X(kAttrEta, "eta", Attr, "/ensemble: learning rate")                                                       \
  X(kAttrTrainingPairs, "training_pairs", Attr, "/ensemble: hidden + sampled pairs it learned from")         \
  X(kAttrTargetScanFirst, "targetscan_first", Attr, "/ensemble: 1 = a conserved TargetScan site adds 1 to the score") \
  /* lineage (core/lineage.hpp) */                                                                           \
  X(kAttrContentId, "content_id", Attr, "/pairs, /embed, /pairs/negative, /ae, /cv, /scores, /scores/ranking: hash of the product") \
  X(kAttrMadeFrom, "made_from", Attr, "the same objects: content ids of the inputs it was made from")       \
  /* every writer */                                                                                         \
  X(kAttrFormat, "format", Attr, "/: the store format tag (kStoreFormat)")                                   \
  X(kAttrVersion, "aemigap_version", Attr, "/: the binary that last wrote the store")                        \
  X(kAttrGitCommit, "git_commit", Attr, "/: its commit (-dirty: a modified tree)")                           \
  X(kAttrConfig, "config", Attr, "/: INI text of every parameter of that run")                               \
  X(kAttrLastStage, "last_stage", Attr, "/: the stage that wrote last")                                      \
  X(kAttrLastWritten, "last_written_utc", Attr, "/: when")

#define AEMIGAP_SCHEMA_CONSTANT(name, path, kind, comment) inline constexpr const char* name = path;
AEMIGAP_STORE_SCHEMA(AEMIGAP_SCHEMA_CONSTANT)
#undef AEMIGAP_SCHEMA_CONSTANT

// The root attribute "format".
inline constexpr const char* kStoreFormat = "aemigap-store-1";

// Paths that carry a name: /cv/<protocol>, its metrics and ROC of fold k (1-based).
inline std::string cv_group(const std::string& protocol) { return std::string(kCv) + "/" + protocol; }
inline std::string cv_metrics(const std::string& protocol) { return cv_group(protocol) + kCvMetrics; }
inline std::string cv_roc(const std::string& protocol, int fold) {
  return cv_group(protocol) + kCvRocFold + std::to_string(fold);
}

struct Entry {
  const char* constant;
  const char* path;
  Kind kind;
  const char* comment;
};
// Every entry above, in order (for the docs test and `aemigap config --schema`).
inline const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
#define AEMIGAP_SCHEMA_ENTRY(name, path, kind, comment) {#name, path, Kind::kind, comment},
      AEMIGAP_STORE_SCHEMA(AEMIGAP_SCHEMA_ENTRY)
#undef AEMIGAP_SCHEMA_ENTRY
  };
  return all;
}

}  // namespace aemigap::schema

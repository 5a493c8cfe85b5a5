// Cross-validation of the classifier under several protocols, side by side.
//
//  paper       the paper's protocol: distance-filtered negatives (/pairs/negative),
//              stratified folds. Its negatives are chosen far from the positives in
//              embedding space, so its AUC partly measures that filter.
//  uniform     negatives drawn uniformly from the unknown pool (same count, same seed).
//  cold-mirna  the paper's samples, folds disjoint by miRNA: test miRNAs never trained on.
//  cold-gene   the same, disjoint by gene.
//
// Every fold fits its own RobustScaler (and, with ae-per-fold, its own autoencoder) on its
// training rows only.
//
// Distribution (run_cv): the ranks split into min(ranks, folds) fold groups; group g runs
// folds g, g + G, ... one after another, each trained data-parallel over the group's ranks.
// Every finished fold is written as a part (<results-dir>/cv_parts/<protocol>-fold<k>.part,
// with its model for the first protocol) and its result gathered to rank 0, which writes
// the outputs exactly as a single process does. Parts make CV resumable (--resume reuses
// the parts of the same inputs) and let a job array run one fold per task (cv-task) and
// merge them afterwards (cv-merge).
#pragma once

#include "aemigap/core/fwd.hpp"

#include <array>
#include <cstdint>

#include <memory>
#include <string>
#include <vector>

#include "aemigap/train/metrics.hpp"
#include "aemigap/train/models.hpp"


namespace aemigap::dist {
class Communicator;
}

namespace aemigap::train {

struct CvInputs {
  const Dataset* data = nullptr;
  std::vector<float> mirna, gene;  // embeddings
  std::size_t dims = 0;
  std::vector<std::array<std::int32_t, 2>> negatives;  // the paper's (/pairs/negative)
  std::unique_ptr<AutoencoderModel> ae;                // from the store (unless ae-per-fold)
};
// Reads what CV needs from the store (the autoencoder only if the feature set uses it).
CvInputs load_cv_inputs(const Store& s, const Dataset& d, const Config& cfg);

struct FoldResult {
  Metrics metrics;
  std::vector<RocPoint> roc;  // thinned to at most 1,000 points (AUC uses every score)
  TrainStats train;
  std::size_t n_train = 0, n_test = 0;
};

struct ProtocolResult {
  std::string protocol, description;
  std::vector<FoldResult> folds;
  MetricSummary summary;
  int best_fold = 0;  // by AUC
  std::unique_ptr<Checkpoint> best_model;
};

ClassifierSpec classifier_spec(const Config& cfg, int n_features);
TrainOptions train_options(const Config& cfg, int threads, const std::string& label);
AutoencoderSpec autoencoder_spec(const Config& cfg);
AeOptions ae_options(const Config& cfg, int threads);

// The autoencoder over the pair vectors of all positives and the paper's negatives
// (it never sees the labels): what train-ae stores and the latent sweep refits.
// comm: data-parallel over its ranks (null: this process alone).
AutoencoderModel fit_autoencoder(const CvInputs& in, const Config& cfg, int threads, AeHistory* history,
                                 dist::Communicator* comm = nullptr, const std::string& device = "cpu");

// Runs one protocol's folds. keep_best: keep the best fold's model as a checkpoint.
ProtocolResult run_protocol(const std::string& protocol, const CvInputs& in, const Config& cfg, int threads,
                            bool keep_best);

// One finished fold, as stored in a part file and gathered between ranks.
struct FoldOutcome {
  std::string protocol;
  int fold = 0;                   // 0-based
  std::uint64_t fingerprint = 0;  // of the protocol's inputs and the training settings
  FoldResult result;
  std::unique_ptr<Checkpoint> model;  // kept for the first protocol (the scoring model)
  std::string serialize() const;
  static FoldOutcome parse(const std::string& bytes, const std::string& where);
};

// The whole CV over `world` (any rank count, see above). Results are complete on rank 0
// and empty on the other ranks. comm_for_group turns an MPI group into the communicator
// training uses (NCCL on GPUs); null keeps the MPI one.
using GroupComm = std::unique_ptr<dist::Communicator> (*)(std::unique_ptr<dist::Communicator>);
std::vector<ProtocolResult> run_cv(const CvInputs& in, const Config& cfg, int threads, dist::Communicator& world,
                                   GroupComm comm_for_group = nullptr);
// cv-task N: that fold alone, data-parallel over `world`; writes its part (rank 0).
void run_cv_task(const CvInputs& in, const Config& cfg, int threads, dist::Communicator& world,
                 GroupComm comm_for_group = nullptr);
// cv-merge: the outputs from the parts of every task (errors name the missing ones).
std::vector<ProtocolResult> merge_cv_parts(const CvInputs& in, const Config& cfg, int threads);

// Outputs: /cv/<protocol>/... in the store; cv_metrics.tsv, cv_summary.md,
// roc_<protocol>.svg and confusion_<protocol>.svg in results-dir.
void write_cv_store(Store& s, const std::vector<ProtocolResult>& results, const Config& cfg);
void write_cv_files(const std::vector<ProtocolResult>& results, const Config& cfg);
std::string summary_markdown(const std::vector<ProtocolResult>& results, const Config& cfg);

std::vector<std::string> protocol_list(const std::string& csv);

}  // namespace aemigap::train

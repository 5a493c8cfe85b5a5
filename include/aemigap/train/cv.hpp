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

#include "aemigap/core/config.hpp"
#include "aemigap/model/autoencoder.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/model/classifier.hpp"
#include "aemigap/train/metrics.hpp"
#include "aemigap/train/trainer.hpp"

namespace aemigap::dist {
class Communicator;
}

namespace aemigap::train {

// Everything CV depends on, made once from the Config (CvOptions::from); the paper's sweeps
// (experiment/) vary a copy of it, never the Config.
struct CvOptions {
  ChoiceList<CvProtocol> protocols{CvProtocol::Paper};
  int folds = 5;
  std::int64_t subsample = 0;  // class-stratified subsample of the samples (0 = all)
  std::uint64_t seed = 42;
  FeatureSet features = FeatureSet::PairLatent;
  model::ClassifierSpec classifier;  // n_features is set per feature set
  TrainOptions train;                // samples, batch, lr, replicas, ...
  model::AutoencoderSpec ae_spec;
  AeOptions ae;
  bool ae_per_fold = false;
  std::string results_dir = "results";
  bool resume = false;
  int task = 0;        // cv-task (1-based; 0 = all)
  Device device = Device::Cpu;  // resolved
  std::string config_ini;       // the run's config, stored in its checkpoints

  static CvOptions from(const Config& cfg, int threads);
  bool needs_ae() const { return features != FeatureSet::Pair; }
};

struct CvInputs {
  const Dataset* data = nullptr;
  std::vector<float> mirna, gene;  // embeddings
  std::size_t dims = 0;
  std::vector<std::array<std::int32_t, 2>> negatives;  // the paper's (/pairs/negative)
  std::unique_ptr<model::AutoencoderModel> ae;         // from the store (unless ae-per-fold)
};
// Reads what CV needs from the store: embeddings, negatives and, when the features use the
// latent and the autoencoder is shared, /ae, which must match opt.ae_spec (a stale /ae is an
// InputError naming what differs).
CvInputs load_cv_inputs(const Store& s, const Dataset& d, const CvOptions& opt);

struct FoldResult {
  Metrics metrics;
  std::vector<RocPoint> roc;  // thinned to at most 1,000 points (AUC uses every score)
  TrainStats train;
  std::size_t n_train = 0, n_test = 0;
};

struct ProtocolResult {
  CvProtocol protocol = CvProtocol::Paper;
  std::string description;
  std::vector<FoldResult> folds;
  MetricSummary summary;
  int best_fold = 0;  // by AUC
  std::unique_ptr<model::Checkpoint> best_model;
};

// The autoencoder over the pair vectors of all positives and the paper's negatives
// (it never sees the labels): what train-ae stores and the latent sweep refits.
// opt.comm: data-parallel over its ranks (null: this process alone).
model::AutoencoderModel fit_autoencoder(const CvInputs& in, const model::AutoencoderSpec& spec, const AeOptions& opt,
                                        AeHistory* history);

// Runs one protocol's folds. keep_best: keep the best fold's model as a checkpoint.
ProtocolResult run_protocol(CvProtocol protocol, const CvInputs& in, const CvOptions& opt, bool keep_best);

// One finished fold, as stored in a part file and gathered between ranks.
struct FoldOutcome {
  CvProtocol protocol = CvProtocol::Paper;
  int fold = 0;                   // 0-based
  std::uint64_t fingerprint = 0;  // of the protocol's inputs and the training settings
  FoldResult result;
  std::unique_ptr<model::Checkpoint> model;  // kept for the first protocol (the scoring model)
  std::string serialize() const;
  static FoldOutcome parse(const std::string& bytes, const std::string& where);
};

// The whole CV over `world` (any rank count, see above). Results are complete on rank 0
// and empty on the other ranks. comm_for_group turns an MPI group into the communicator
// training uses (NCCL on GPUs); null keeps the MPI one.
using GroupComm = std::unique_ptr<dist::Communicator> (*)(std::unique_ptr<dist::Communicator>);
std::vector<ProtocolResult> run_cv(const CvInputs& in, const CvOptions& opt, dist::Communicator& world,
                                   GroupComm comm_for_group = nullptr);
// cv-task N: that fold alone, data-parallel over `world`; writes its part (rank 0).
void run_cv_task(const CvInputs& in, const CvOptions& opt, dist::Communicator& world,
                 GroupComm comm_for_group = nullptr);
// cv-merge: the outputs from the parts of every task (errors name the missing ones).
std::vector<ProtocolResult> merge_cv_parts(const CvInputs& in, const CvOptions& opt);

// Outputs: /cv/<protocol>/... in the store; cv_metrics.tsv, cv_summary.md,
// roc_<protocol>.svg and confusion_<protocol>.svg in results-dir.
void write_cv_store(Store& s, const std::vector<ProtocolResult>& results, const CvOptions& opt);
void write_cv_files(const std::vector<ProtocolResult>& results, const CvOptions& opt);
std::string summary_markdown(const std::vector<ProtocolResult>& results, const CvOptions& opt);

}  // namespace aemigap::train

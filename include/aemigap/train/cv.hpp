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
// The model a protocol ships (model.pt, for the first protocol) is not a fold's: after the
// folds, one more model is trained the same way on every sample (the "final" unit; the
// folds measure how well such a model does). Choosing the fold with the best test AUC
// would select on the test fold. The final model is also scored on the validated pairs of
// other databases (validation-pairs; never trained on): its per-miRNA AUC among a sample of
// the unknown pool stands beside the CV AUC.
//
// Units of work: a CV job (inputs + options; `cv` has one, an experiment one per variant)
// is protocols x (folds + final) units, numbered 1.. in that order (the final unit only for
// the protocols that have one). Distribution (run_cv_jobs): the ranks split into
// G = min(ranks, units) groups; unit u goes to group (u - 1) mod G, trained data-parallel
// over the group's ranks, so one sweep of many jobs keeps every group busy. Every finished
// unit is written as a part (<job results-dir>/cv_parts/<protocol>-fold<k>.part, final:
// <protocol>-final.part) and gathered to rank 0, which writes the outputs exactly as one
// process does. Parts make CV resumable (--resume reuses the parts of the same inputs) and
// let a job array run one unit per task (cv-task, experiment-task) and merge them (cv-merge,
// experiment-merge).
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

namespace aemigap::eval {
struct EvalPool;
}

namespace aemigap::train {

// Everything CV depends on, made once from the Config (CvOptions::from); the paper's sweeps
// (experiment/) vary a copy of it, never the Config.
struct CvOptions {
  ChoiceList<CvProtocol> protocols{CvProtocol::Paper};
  int folds = 5;
  // 0: every fold trains. N < folds: only the first N do (the split stays folds-way, so a
  // fold is the same test set as in a full run), there is no final unit, and the independent
  // check is made on fold 1's model (the budget curve's one-fold point at 5 M samples).
  int folds_trained = 0;
  std::int64_t subsample = 0;  // class-stratified subsample of the samples (0 = all)
  std::uint64_t seed = 42;
  FeatureSet features = FeatureSet::PairLatent;
  model::ClassifierSpec classifier;  // n_features is set per feature set
  TrainOptions train;                // samples, batch, lr, replicas, ...
  model::AutoencoderSpec ae_spec;
  AeOptions ae;
  bool ae_per_fold = false;
  // Which protocols train a final model on every sample: the first (cv: the shipped model)
  // or every one (experiments: each gets its independent AUC).
  bool final_every_protocol = false;
  bool keep_final_model = true;  // false: the final model is measured, then dropped
  // The independent check (load_cv_inputs reads it): validated pairs of other databases
  // (empty = none), the aliases that map their symbols, and the share of the unknown pool
  // sampled beside them (a seeded sample, as experiment recovery does).
  std::string validation_pairs, aliases;
  double validation_fraction = 0.01;
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
  // The independent check's pool: the validated pairs of other databases that are not
  // positives, and a sample of the other unknown pairs (null: none configured).
  std::shared_ptr<const eval::EvalPool> independent;
  std::string independent_source;  // the file it came from

  // A copy with another autoencoder (the latent sweep's variants share everything else).
  CvInputs with_ae(std::unique_ptr<model::AutoencoderModel> other) const;
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

// The final model on the independent pairs: how high the validated pairs of other
// databases rank among the sampled unknown pairs (AUC), and the mean per-miRNA AUC.
struct IndependentResult {
  bool measured = false;
  double auc = 0, mirna_auc = 0;
  std::uint64_t n_held = 0, n_sampled = 0;  // validated pairs scored, unknown pairs sampled
  std::size_t n_mirna = 0;                  // miRNAs in the per-miRNA mean
};

struct ProtocolResult {
  CvProtocol protocol = CvProtocol::Paper;
  std::string description;
  std::vector<FoldResult> folds;
  MetricSummary summary;
  int best_fold = 0;  // by test AUC: shown, never used to choose the model
  bool has_final = false;
  FoldResult final_fit;  // the final model's training (no test fold: metrics unset)
  IndependentResult independent;  // the final model's; with folds_trained, fold 1's model's
  std::unique_ptr<model::Checkpoint> final_model;  // when has_final and keep_final_model
};

// The autoencoder over the pair vectors of all positives and the paper's negatives
// (it never sees the labels): what train-ae stores and the latent sweep refits.
// opt.comm: data-parallel over its ranks (null: this process alone).
model::AutoencoderModel fit_autoencoder(const CvInputs& in, const model::AutoencoderSpec& spec, const AeOptions& opt,
                                        AeHistory* history);

// One finished unit, as stored in a part file and gathered between ranks.
struct FoldOutcome {
  CvProtocol protocol = CvProtocol::Paper;
  int fold = 0;                   // 0-based; == folds: the final model
  std::uint64_t fingerprint = 0;  // of the protocol's inputs and the training settings
  FoldResult result;
  IndependentResult independent;             // the final unit's
  std::unique_ptr<model::Checkpoint> model;  // the final model (when kept)
  std::string serialize() const;
  static FoldOutcome parse(const std::string& bytes, const std::string& where);
};

// A CV job: what one `cv` run trains. `in` must outlive the calls below.
struct CvJob {
  const CvInputs* in = nullptr;
  CvOptions opt;
  std::string label;  // names the job in logs and task lists ("" for cv)
};
// The units of the jobs in task order (see above): "1\t<job>: paper fold 1/5", ...
std::vector<std::string> list_units(const std::vector<CvJob>& jobs);
// The job of task N (1-based); jobs.size() when N is out of range.
std::size_t unit_job(const std::vector<CvJob>& jobs, int task);

// Every unit of the jobs over `world` (any rank count, see above). Results (per job, per
// protocol) are complete on rank 0 and empty on the other ranks. comm_for_group turns an
// MPI group into the communicator training uses (NCCL on GPUs); null keeps the MPI one.
using GroupComm = std::unique_ptr<dist::Communicator> (*)(std::unique_ptr<dist::Communicator>);
std::vector<std::vector<ProtocolResult>> run_cv_jobs(const std::vector<CvJob>& jobs, dist::Communicator& world,
                                                     GroupComm comm_for_group = nullptr);
// Task N (1-based, over the jobs' units): that unit alone, data-parallel over `world`;
// writes its part (rank 0). ConfigError names the range when N is out of it.
void run_cv_jobs_task(const std::vector<CvJob>& jobs, int task, const std::string& option, dist::Communicator& world,
                      GroupComm comm_for_group = nullptr);
// The merge: every job's results from the parts (errors name the missing tasks).
std::vector<std::vector<ProtocolResult>> merge_cv_jobs(const std::vector<CvJob>& jobs, const std::string& option);

// `cv`: one job.
std::vector<ProtocolResult> run_cv(const CvInputs& in, const CvOptions& opt, dist::Communicator& world,
                                   GroupComm comm_for_group = nullptr);
void run_cv_task(const CvInputs& in, const CvOptions& opt, dist::Communicator& world,
                 GroupComm comm_for_group = nullptr);
std::vector<ProtocolResult> merge_cv_parts(const CvInputs& in, const CvOptions& opt);

// Outputs: /cv/<protocol>/... in the store; cv_metrics.tsv, cv_summary.md,
// roc_<protocol>.svg and confusion_<protocol>.svg in results-dir.
void write_cv_store(Store& s, const std::vector<ProtocolResult>& results, const CvOptions& opt);
void write_cv_files(const std::vector<ProtocolResult>& results, const CvOptions& opt);
std::string summary_markdown(const std::vector<ProtocolResult>& results, const CvOptions& opt);
// A metric over folds for the tables: "0.8165 ± 0.0038", or "0.9360 (1 fold)" where one
// fold (a partial CV) has no spread to show.
std::string mean_sd_text(double mean, double sd, std::size_t folds);

}  // namespace aemigap::train

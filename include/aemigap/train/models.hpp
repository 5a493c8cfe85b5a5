// Trainable models behind torch-free interfaces (the torch code is in the .cpp files), so
// the CLI, CV and scoring code compile without LibTorch headers.
//
// Classifier: a SequenceClassifier (model/networks.hpp) with the RobustScaler of its
// training rows, trained with BCE-with-logits and Adam for a budget of samples.
// AutoencoderModel: the pair-vector autoencoder with its min-max scaler.
// Checkpoint: what `score` and `query` need to turn embeddings into probabilities.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aemigap/train/scalers.hpp"

namespace aemigap {
class Store;
}
namespace aemigap::score {
struct LstmStack;
}
namespace aemigap::dist {
class Communicator;
}
namespace torch::serialize {
class OutputArchive;
class InputArchive;
}  // namespace torch::serialize

namespace aemigap::train {

struct ClassifierSpec {
  std::string arch = "lstm";  // lstm | bilstm | gru | transformer
  int n_features = 192;
  int step_width = 16;
  int hidden = 128;
  int layers = 3;
  int heads = 8, ff = 128, tf_layers = 2;
};

// Data parallelism (both trainers): every rank of `comm` passes the same data and options;
// rank 0's initial parameters are broadcast, each rank trains on its slice of every global
// batch, and the gradients are summed in one fused all-reduce per step (train/grad_sync.hpp),
// so all ranks end with the same model.
struct TrainOptions {
  std::int64_t samples = 5000000;  // a budget of samples, not epochs
  int batch = 128;                 // the global batch (unless batch_per_rank)
  bool batch_per_rank = false;     // batch is per rank: the global batch is batch x ranks
  double lr = 1e-3;
  std::uint64_t seed = 42;
  int threads = 1;
  // Model replicas in threads, each training a slice of the rank's batch (0: one per
  // thread). Results depend on ranks x replicas only through float rounding.
  int replicas = 0;
  bool autograd = false;  // LSTM on the CPU: LibTorch's autograd instead of the hand-written gradients
  double progress_interval = 5;
  std::string label = "train";      // progress-line tag
  dist::Communicator* comm = nullptr;  // null: this process alone
  std::string device = "cpu";       // cpu | cuda (needs a CUDA LibTorch)
  // Checkpoints: every checkpoint_every samples rank 0 writes <dir>/step-<N>.pt (temp +
  // rename) and then the pointer <dir>/latest; with resume, training continues from the
  // latest checkpoint whose fingerprint matches and reaches the same parameters as an
  // uninterrupted run.
  std::string checkpoint_dir;
  std::int64_t checkpoint_every = 0;
  bool resume = false;
  std::uint64_t fingerprint = 0;  // identifies the inputs (data, spec, options)
};

struct TrainStats {
  std::int64_t samples = 0, steps = 0, partial_batches = 0;
  std::int64_t resumed_at = 0;  // samples already done by the checkpoint resumed from
  double seconds = 0, final_loss = 0;
};

class Classifier {
 public:
  Classifier();
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // Fits the robust scaler on `rows` of x [n x d] and trains for opt.samples samples.
  static Classifier train(const ClassifierSpec& spec, const std::vector<float>& x, const std::vector<std::uint8_t>& y,
                          const std::vector<std::size_t>& rows, const TrainOptions& opt, TrainStats* stats = nullptr);
  // Probabilities (sigmoid of the logit) of raw (unscaled) rows. LSTM classifiers run in
  // the scoring kernel (score/lstm_infer.hpp; equal to LibTorch within float rounding),
  // the others through LibTorch; predict_torch always uses LibTorch's forward.
  std::vector<float> predict(const float* x, std::size_t n, int threads = 1) const;
  std::vector<float> predict_torch(const float* x, std::size_t n, int threads = 1) const;
  // The LSTM with its input projection folded into layer 0, for the kernel; null otherwise.
  const score::LstmStack* lstm_stack() const;
  const ClassifierSpec& spec() const;
  const Scaler& scaler() const;
  std::int64_t parameter_count() const;
  void* module() const;  // model::SequenceClassifier* for torch-side code (score's fast path)

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  friend class Checkpoint;
};

struct AutoencoderSpec {
  int input = 128;
  std::vector<int> hidden{112, 96};
  int latent = 64;
};

struct AeOptions {
  int epochs = 200;
  int batch = 128;
  double lr = 1e-3;
  double test_fraction = 0.1;
  std::uint64_t seed = 42;
  int threads = 1;
  double progress_interval = 5;
  dist::Communicator* comm = nullptr;  // data-parallel as TrainOptions (batch is global)
  std::string device = "cpu";
};

struct AeHistory {
  std::vector<double> train_loss, test_loss;  // per epoch (MSE)
  double seconds = 0;
  std::size_t train_rows = 0, test_rows = 0;
};

class AutoencoderModel {
 public:
  AutoencoderModel();
  ~AutoencoderModel();
  AutoencoderModel(AutoencoderModel&&) noexcept;
  AutoencoderModel& operator=(AutoencoderModel&&) noexcept;

  // Trains on `rows` of x [n x input]: min-max scaler and a 9:1 train/test split of rows.
  static AutoencoderModel train(const AutoencoderSpec& spec, const std::vector<float>& x,
                                const std::vector<std::size_t>& rows, const AeOptions& opt, AeHistory* history);
  std::vector<float> encode(const float* x, std::size_t n) const;  // raw rows -> latent [n x latent]
  AutoencoderModel clone() const;
  const Scaler& minmax() const;
  void* module() const;  // model::AutoencoderImpl* for torch-side code
  const AutoencoderSpec& spec() const;
  std::uint64_t fingerprint() const;  // hash of the scaler and parameters

  // HDF5: weights as datasets "<group>/<parameter name>" plus the scaler and the spec.
  void write(Store& s, const std::string& group) const;
  static AutoencoderModel read(const Store& s, const std::string& group);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  friend class Checkpoint;
};

// "auto" -> "cuda" when LibTorch has CUDA and sees a GPU, else "cpu"; others unchanged.
std::string resolve_device(const std::string& configured);

// Feature sets: "pair" = [miRNA | gene] (128), "latent" = AE latent, "pair+latent" = both.
int feature_width(const std::string& feature_set, int embed_dims, int latent);
// Features of pairs (m[i], g[i]) from the embeddings; ae may be null for "pair".
std::vector<float> pair_features(const std::vector<float>& mirna, const std::vector<float>& gene, std::size_t dims,
                                 const std::vector<std::int32_t>& m, const std::vector<std::int32_t>& g,
                                 const std::string& feature_set, const AutoencoderModel* ae);

// The model `score` and `query` load: classifier + scaler + feature set (+ autoencoder).
class Checkpoint {
 public:
  std::string feature_set;
  std::string config_ini;  // the config that trained it
  std::string protocol;    // e.g. "paper, fold 3 of 5"
  double auc = 0;
  Classifier classifier;
  std::unique_ptr<AutoencoderModel> ae;  // set when the features use the latent

  void save(const std::string& path) const;  // atomic: temp file + rename
  static Checkpoint load(const std::string& path);
  std::string to_bytes() const;  // the same archive in memory (to send between ranks)
  static Checkpoint from_bytes(const std::string& bytes, const std::string& where);

 private:
  void to_archive(torch::serialize::OutputArchive& ar) const;
  static Checkpoint from_archive(torch::serialize::InputArchive& ar, const std::string& where);
};

}  // namespace aemigap::train

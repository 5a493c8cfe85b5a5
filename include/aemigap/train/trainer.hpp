// Training the artifacts of model/: the classifier (BCE-with-logits, Adam, a budget of
// samples) and the autoencoder (MSE, Adam, epochs). Torch-free header; the loops are in
// train/trainer.cpp.
//
// Data parallelism (both trainers): every rank of `comm` passes the same data and options;
// rank 0's initial parameters are broadcast, each rank trains on its slice of every global
// batch, and the gradients are summed in one fused all-reduce per step (train/grad_sync.hpp),
// so all ranks end with the same model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"
#include "aemigap/model/autoencoder.hpp"
#include "aemigap/model/classifier.hpp"

namespace aemigap::dist {
class Communicator;
}

namespace aemigap::train {

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
  std::string label = "train";         // progress-line tag
  dist::Communicator* comm = nullptr;  // null: this process alone
  Device device = Device::Cpu;         // Cpu or Cuda (needs a CUDA LibTorch)
  // Checkpoints: every checkpoint_every samples rank 0 writes <dir>/step-<N>.pt (temp +
  // rename) and then the pointer <dir>/latest; with resume, training continues from the
  // latest checkpoint whose fingerprint matches and reaches the same parameters as an
  // uninterrupted run.
  std::string checkpoint_dir;
  std::int64_t checkpoint_every = 0;
  bool resume = false;
  std::uint64_t fingerprint = 0;  // identifies the inputs (data, spec, options)

  // train-samples, batch, lr, seed, train-replicas, train-autograd, progress-interval.
  static TrainOptions from(const Config& cfg, int threads, const std::string& label);
};

struct TrainStats {
  std::int64_t samples = 0, steps = 0, partial_batches = 0;
  std::int64_t resumed_at = 0;  // samples already done by the checkpoint resumed from
  double seconds = 0, final_loss = 0;
};

// Fits the robust scaler on `rows` of x [n x spec.n_features], then trains a new network
// (seeded by opt.seed) for opt.samples samples.
model::Classifier train_classifier(const model::ClassifierSpec& spec, const std::vector<float>& x,
                                   const std::vector<std::uint8_t>& y, const std::vector<std::size_t>& rows,
                                   const TrainOptions& opt, TrainStats* stats = nullptr);

struct AeOptions {
  int epochs = 200;
  int batch = 128;
  double lr = 1e-3;
  double test_fraction = 0.1;
  std::uint64_t seed = 42;
  int threads = 1;
  double progress_interval = 5;
  dist::Communicator* comm = nullptr;  // data-parallel as TrainOptions (batch is global)
  Device device = Device::Cpu;

  // ae-epochs, ae-batch, ae-lr, ae-test-fraction, seed, progress-interval.
  static AeOptions from(const Config& cfg, int threads);
};

struct AeHistory {
  std::vector<double> train_loss, test_loss;  // per epoch (MSE)
  double seconds = 0;
  std::size_t train_rows = 0, test_rows = 0;
};

// Trains on `rows` of x [n x spec.input]: a seeded 9:1 train/test split of the rows, the
// min-max scaler fitted on the training part.
model::AutoencoderModel train_autoencoder(const model::AutoencoderSpec& spec, const std::vector<float>& x,
                                          const std::vector<std::size_t>& rows, const AeOptions& opt,
                                          AeHistory* history);

}  // namespace aemigap::train

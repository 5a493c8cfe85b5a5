// Scores blocks of miRNA rows against every gene as batched LibTorch forwards on a device:
// a CUDA GPU in production, the CPU in tests (where it must equal PoolScorer's kernel).
//
// The same decomposition as PoolScorer's fast path, shaped for a GPU: the recurrent state
// after the miRNA's steps is computed once per row for a batch of rows; the autoencoder's
// first layer is split by side (a per-row and a per-gene product, added per pair); then every
// (row, gene) pair of the batch runs the remaining steps in one cuDNN/ATen call, its initial
// state the row's prefix state. fp32 or bf16 (the weights and activations; probabilities
// come back as float). LSTM and GRU checkpoints whose features start with whole miRNA steps
// (pair, pair+latent); others are refused with a message naming the CPU path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aemigap/core/config.hpp"

namespace aemigap::model {
class Checkpoint;
}

namespace aemigap::score {

// Which GPU this process scores on: its local rank (OMPI_COMM_WORLD_LOCAL_RANK, else
// SLURM_LOCALID, else 0) modulo the visible GPUs; -1 when LibTorch sees no GPU.
int local_gpu_index();

struct DeviceScorerOptions {
  Device device = Device::Cuda;  // Cpu: the same code on the CPU (tests, a dry run)
  int device_index = 0;          // which GPU (a rank takes local rank % GPUs)
  ScorePrecision precision = ScorePrecision::Fp32;
  std::int64_t pairs_per_batch = 1 << 20;  // (rows x genes) per forward: bounds device memory
  int threads = 1;                         // LibTorch intra-op threads on the CPU
};

class DeviceScorer {
 public:
  // Why ck cannot be scored here ("" when it can).
  static std::string unsupported_reason(const model::Checkpoint& ck, std::size_t dims);
  DeviceScorer(const model::Checkpoint& ck, const std::vector<float>& mirna, const std::vector<float>& gene,
               std::size_t dims, const DeviceScorerOptions& opt);
  ~DeviceScorer();
  DeviceScorer(const DeviceScorer&) = delete;
  DeviceScorer& operator=(const DeviceScorer&) = delete;
  std::uint64_t n_gene() const;
  std::string describe() const;  // "cuda:0 bf16, 64 rows per batch"
  // out: [(r1 - r0) x n_gene] probabilities; positives are not masked here.
  void score_rows(std::uint64_t r0, std::uint64_t r1, float* out) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aemigap::score

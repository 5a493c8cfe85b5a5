// Data-parallel training, checked DDP-style under mpiexec (any rank count):
//  1. the default LSTM classifier stepped 5 times on this process alone with the full batch
//     and on all ranks with slices: parameters agree within 1e-5 (relative, per tensor);
//     the same with 2 replicas (threads) per rank, and with the batch given per rank
//     (global batch = batch x ranks);
//  2. after 100 data-parallel steps every rank's parameters are bit-identical;
//  3. a run interrupted after its checkpoint at step 40 and resumed by all ranks reaches
//     bit-identically the parameters of the uninterrupted 60-step run;
//  4. the autoencoder: one epoch alone vs data-parallel (its last batch has one sample,
//     so some ranks have an empty slice) within 1e-5.
// Prints each measured difference; any failure makes every rank exit 1.
//
//   mpiexec -np 4 dp_parity_check WORKDIR [--nccl]
// --nccl: train on the GPU with the NCCL backend (exit 77 where there is no CUDA device or
// the LibTorch has no CUDA).
#include <mpi.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "aemigap/core/hash.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/dist/mpi_communicator.hpp"
#include "aemigap/model/impl.hpp"
#include "aemigap/train/trainer.hpp"
#ifdef AEMIGAP_WITH_NCCL
#include "aemigap/dist/nccl_communicator.hpp"
#endif

using namespace aemigap;

namespace {

std::vector<torch::Tensor> params_of(const model::Classifier& c) { return c.impl().net->parameters(); }
std::vector<torch::Tensor> params_of(const model::AutoencoderModel& a) { return a.impl().net->parameters(); }

// Largest per-tensor ||a - b|| / ||a||.
double max_rel_diff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    double na = a[i].norm().item<double>(), nd = (a[i] - b[i]).norm().item<double>();
    worst = std::max(worst, nd / std::max(na, 1e-12));
  }
  return worst;
}

std::uint64_t params_hash(const std::vector<torch::Tensor>& ps) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const auto& p : ps) {
    auto c = p.contiguous();
    h = hash_bytes(c.data_ptr<float>(), static_cast<std::size_t>(c.numel()) * 4, h);
  }
  return h;
}

int failures = 0;
void check(bool ok, const std::string& what, int rank) {
  if (!ok) ++failures;
  if (rank == 0 || !ok) std::printf("[rank %d] %s: %s\n", rank, ok ? "ok" : "FAILED", what.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  set_log_level(LogLevel::quiet);
  const bool nccl = argc == 3 && std::string(argv[2]) == "--nccl";
  if (argc != 2 && !nccl) {
    std::fprintf(stderr, "usage: dp_parity_check WORKDIR [--nccl]\n");
    MPI_Finalize();
    return 2;
  }
  dist::MpiCommunicator mpi_world(MPI_COMM_WORLD, false), mpi_self(MPI_COMM_SELF, false);
  std::unique_ptr<dist::Communicator> nccl_world, nccl_self;
  if (nccl) {
    int ok = torch::cuda::is_available() ? 1 : 0;
#ifndef AEMIGAP_WITH_NCCL
    ok = 0;
#endif
    if (!mpi_world.allreduce_value(ok, dist::ReduceOp::Min)) {
      if (mpi_world.rank() == 0) std::printf("SKIP: --nccl needs NCCL in the build and a CUDA LibTorch with a GPU\n");
      MPI_Finalize();
      return 77;
    }
#ifdef AEMIGAP_WITH_NCCL
    nccl_world = dist::nccl_from(std::make_unique<dist::MpiCommunicator>(MPI_COMM_WORLD, false));
    nccl_self = nccl_world->split(mpi_world.rank(), 0);
#endif
  }
  dist::Communicator& world = nccl ? *nccl_world : static_cast<dist::Communicator&>(mpi_world);
  dist::Communicator& self = nccl ? *nccl_self : static_cast<dist::Communicator&>(mpi_self);
  const int rank = mpi_world.rank(), R = mpi_world.size();
  char line[256];

  // A learnable toy problem of the classifier's real shape (192 features).
  const std::size_t n = 2048, d = 192;
  std::vector<float> x(n * d);
  std::vector<std::uint8_t> y(n);
  Rng rng(11);
  for (std::size_t i = 0; i < n; ++i) {
    float s = 0;
    for (std::size_t j = 0; j < d; ++j) s += (x[i * d + j] = rng.uniform_float() * 2 - 1) * (j < 24 ? 1.0f : 0.0f);
    y[i] = s > 0;
  }
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;
  model::ClassifierSpec spec;  // the default LSTM: 398,593 parameters
  train::TrainOptions opt;
  opt.threads = 1;
  opt.progress_interval = 1e9;
  opt.device = nccl ? Device::Cuda : Device::Cpu;

  // 1. 5 steps: alone with the full batch vs data-parallel slices.
  opt.samples = 5 * 128;
  opt.comm = &self;
  auto alone = train::train_classifier(spec, x, y, rows, opt);
  opt.comm = &world;
  auto dp = train::train_classifier(spec, x, y, rows, opt);
  double rel = max_rel_diff(params_of(alone), params_of(dp));
  std::snprintf(line, sizeof line, "5 steps, 1 rank x batch 128 vs %d ranks: max relative difference %.3g (<= 1e-5)", R, rel);
  check(rel <= 1e-5, line, rank);

  // Replicas: 2 model copies in threads per rank, each a slice of the rank's slice.
  opt.threads = 2;
  opt.replicas = 2;
  auto dp_rep = train::train_classifier(spec, x, y, rows, opt);
  opt.threads = 1;
  opt.replicas = 0;
  rel = max_rel_diff(params_of(alone), params_of(dp_rep));
  std::snprintf(line, sizeof line, "5 steps, 1 rank x batch 128 vs %d ranks x 2 replicas: max relative difference %.3g", R, rel);
  check(rel <= 1e-5, line, rank);

  opt.batch = 32;
  opt.batch_per_rank = true;
  auto dp_per_rank = train::train_classifier(spec, x, y, rows, opt);
  opt.batch = 32 * R;
  opt.batch_per_rank = false;
  opt.comm = &self;
  auto alone_big = train::train_classifier(spec, x, y, rows, opt);
  rel = max_rel_diff(params_of(alone_big), params_of(dp_per_rank));
  std::snprintf(line, sizeof line, "5 steps, batch 32 per rank x %d ranks vs 1 rank x batch %d: max relative difference %.3g", R,
                32 * R, rel);
  check(rel <= 1e-5, line, rank);
  opt.batch = 128;

  // 2. 100 steps: all ranks bit-identical.
  opt.samples = 100 * 128;
  opt.comm = &world;
  auto long_run = train::train_classifier(spec, x, y, rows, opt);
  std::uint64_t h = params_hash(params_of(long_run));
  std::vector<std::uint64_t> hs(static_cast<std::size_t>(R));
  mpi_world.allgather(&h, hs.data(), 1, dist::DType::UInt64);
  bool same = true;
  for (auto v : hs) same = same && v == hs[0];
  check(same, "100 steps on " + std::to_string(R) + " ranks: parameters bit-identical on every rank", rank);

  // 3. Checkpoint at step 40, interrupted run resumed by all ranks == uninterrupted 60 steps.
  const std::string dir = std::string(argv[1]) + "/ckpt";
  if (rank == 0) std::filesystem::remove_all(dir);
  mpi_world.barrier();
  opt.samples = 60 * 128;
  opt.checkpoint_dir = dir;
  opt.checkpoint_every = 40 * 128;
  opt.fingerprint = 1234;
  auto straight = train::train_classifier(spec, x, y, rows, opt);
  check(std::filesystem::exists(dir + "/step-40.pt"), "checkpoint " + dir + "/step-40.pt written", rank);
  opt.resume = true;
  train::TrainStats st;
  auto resumed = train::train_classifier(spec, x, y, rows, opt, &st);
  check(st.resumed_at == 40 * 128, "resumed at sample " + std::to_string(st.resumed_at) + " (40 steps of 128)", rank);
  check(params_hash(params_of(straight)) == params_hash(params_of(resumed)),
        "resumed at step 40 -> step 60 bit-identical to the uninterrupted run", rank);
  opt.fingerprint = 999;  // another input: the checkpoint must not be used
  auto fresh = train::train_classifier(spec, x, y, rows, opt, &st);
  check(st.resumed_at == 0 && params_hash(params_of(fresh)) == params_hash(params_of(straight)),
        "a checkpoint with another fingerprint is ignored (trains from the start)", rank);

  // 4. The autoencoder, one epoch: 570 rows = 57 test + 513 training = 4 batches of 128 + one
  //    of 1 (so all ranks but one have an empty slice of the last batch).
  model::AutoencoderSpec aspec;
  aspec.input = 128;
  std::vector<float> ax(570 * 128);
  for (auto& v : ax) v = rng.uniform_float();
  std::vector<std::size_t> arows(570);
  for (std::size_t i = 0; i < arows.size(); ++i) arows[i] = i;
  train::AeOptions ao;
  ao.epochs = 1;
  ao.progress_interval = 1e9;
  ao.device = opt.device;
  ao.comm = &self;
  train::AeHistory ha, hb;
  auto a1 = train::train_autoencoder(aspec, ax, arows, ao, &ha);
  ao.comm = &world;
  auto a2 = train::train_autoencoder(aspec, ax, arows, ao, &hb);
  rel = max_rel_diff(params_of(a1), params_of(a2));
  std::snprintf(line, sizeof line, "autoencoder, 1 epoch, 1 rank vs %d ranks: max relative difference %.3g; train MSE %.6f vs %.6f",
                R, rel, ha.train_loss[0], hb.train_loss[0]);
  check(rel <= 1e-5 && std::fabs(ha.train_loss[0] - hb.train_loss[0]) <= 1e-5, line, rank);

  int total = mpi_world.allreduce_value(failures, dist::ReduceOp::Sum);
  if (rank == 0) std::printf("%s%s\n", nccl ? "[cuda + nccl] " : "", total ? "DATA-PARALLEL PARITY FAILED" : "data-parallel parity: all checks passed");
  MPI_Finalize();
  return total ? 1 : 0;
}

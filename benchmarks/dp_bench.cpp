// Data-parallel training cost: what one step computes vs what it communicates.
//
//   mpiexec -np N aemigap_dp_bench [--samples S] [--reps R] [--threads T] [--replicas K]
//
// On every rank count it measures, in one run:
//  - the fused gradient all-reduce of the default LSTM (398,593 parameters + the loss, as
//    float32), median and spread of R repetitions after a warm-up;
//  - data-parallel training throughput of that model (global batch 128, S samples,
//    synthetic rows of the real shape), and the time per step;
// and prints all-reduce / step time: the fraction of a step spent communicating.
// docs/distributed.md projects multi-node efficiency from these numbers.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "aemigap/core/log.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/dist/mpi_communicator.hpp"
#include "aemigap/train/trainer.hpp"

using namespace aemigap;

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  std::int64_t samples = 12800;
  int reps = 50, threads = 1, replicas = 0;
  bool autograd = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--samples") samples = std::atoll(argv[i + 1]);
    else if (a == "--reps") reps = std::atoi(argv[i + 1]);
    else if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else if (a == "--replicas") replicas = std::atoi(argv[i + 1]);
    else if (a == "--autograd") autograd = std::atoi(argv[i + 1]) != 0;
  }
  set_log_level(LogLevel::quiet);
  dist::MpiCommunicator world(MPI_COMM_WORLD, false);
  const int R = world.size();

  // 1. The fused all-reduce of the gradient buffer.
  const std::size_t n = 398593 + 1;
  std::vector<float> buf(n, 1.0f);
  std::vector<double> us;
  for (int r = -5; r < reps; ++r) {
    world.barrier();
    auto t0 = std::chrono::steady_clock::now();
    world.allreduce(buf.data(), n, dist::DType::Float32, dist::ReduceOp::Sum);
    double t = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    if (r >= 0) us.push_back(t);
  }
  // The slowest rank's time is the collective's time.
  world.allreduce(us.data(), us.size(), dist::DType::Float64, dist::ReduceOp::Max);
  std::sort(us.begin(), us.end());

  // 2. Data-parallel training of the real model.
  const std::size_t rows = 8192, d = 192;
  std::vector<float> x(rows * d);
  std::vector<std::uint8_t> y(rows);
  Rng rng(3);
  for (std::size_t i = 0; i < rows; ++i) {
    float s = 0;
    for (std::size_t j = 0; j < d; ++j) s += x[i * d + j] = rng.uniform_float() * 2 - 1;
    y[i] = s > 0;
  }
  std::vector<std::size_t> idx(rows);
  for (std::size_t i = 0; i < rows; ++i) idx[i] = i;
  train::TrainOptions opt;
  opt.samples = samples;
  opt.threads = threads;
  opt.replicas = replicas;
  opt.autograd = autograd;
  opt.comm = &world;
  opt.progress_interval = 1e9;
  world.barrier();
  train::TrainStats st;
  auto clf = train::train_classifier(model::ClassifierSpec{}, x, y, idx, opt, &st);
  double secs = world.allreduce_value(st.seconds, dist::ReduceOp::Max);
  if (world.rank() == 0) {
    const double step_ms = 1e3 * secs / static_cast<double>(st.steps);
    const double ar_ms = us[us.size() / 2] / 1e3;
    std::printf("ranks %d, threads/rank %d, replicas/rank %d, parameters %lld, fused buffer %.2f MB\n", R, threads,
                std::max(1, replicas > 0 ? replicas : threads), static_cast<long long>(clf.parameter_count()), n * 4 / 1e6);
    std::printf("allreduce: median %.3f ms  [%.3f .. %.3f] over %d reps\n", ar_ms, us.front() / 1e3, us.back() / 1e3, reps);
    std::printf("training: %lld samples, global batch 128: %.0f samples/s, %.2f ms/step\n",
                static_cast<long long>(st.samples), static_cast<double>(st.samples) / secs, step_ms);
    std::printf("allreduce / step: %.1f %%\n", 100.0 * ar_ms / step_ms);
  }
  MPI_Finalize();
  return 0;
}

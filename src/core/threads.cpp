#include "aemigap/core/threads.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <thread>
#include <vector>

namespace aemigap {

namespace {
int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  int n = std::atoi(v);
  return n > 0 ? n : 0;
}
}  // namespace

int resolve_threads(int configured) {
  if (configured > 0) return configured;
  if (int n = env_int("SLURM_CPUS_PER_TASK")) return n;
  if (int n = env_int("OMP_NUM_THREADS")) return n;
  int cores = 0;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) cores = CPU_COUNT(&set);
  if (cores <= 0) cores = static_cast<int>(std::thread::hardware_concurrency());
  if (cores <= 0) cores = 1;
  // Ranks that share this node share its cores: more threads than cores makes LibTorch's
  // and OpenBLAS's spinning threads fight (measured: 18x slower training with 2 ranks x 2
  // threads on 2 cores). With binding, the affinity mask is already this rank's share.
  int local = env_int("OMPI_COMM_WORLD_LOCAL_SIZE");  // mpirun
  if (!local) local = env_int("MPI_LOCALNRANKS");        // MPICH
  if (!local) local = env_int("SLURM_STEP_TASKS_PER_NODE");  // srun: "4" or "4(x2)" or "4,3": the first node's count
  if (local > 1 && cores >= static_cast<int>(std::thread::hardware_concurrency())) cores /= local;
  return cores > 0 ? cores : 1;
}

}  // namespace aemigap

namespace aemigap {

void parallel_slices(std::size_t n, int threads, const std::function<void(std::size_t, std::size_t)>& fn,
                     std::size_t min_per_thread) {
  const std::size_t per = std::max<std::size_t>(1, min_per_thread);
  const int nt = std::max(1, std::min<int>(threads, static_cast<int>((n + per - 1) / per)));
  std::vector<std::thread> pool;
  for (int k = 1; k < nt; ++k)
    pool.emplace_back(fn, n * static_cast<std::size_t>(k) / static_cast<std::size_t>(nt),
                      n * static_cast<std::size_t>(k + 1) / static_cast<std::size_t>(nt));
  fn(0, n / static_cast<std::size_t>(nt));
  for (auto& t : pool) t.join();
}

}  // namespace aemigap

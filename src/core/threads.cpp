#include "aemigap/core/threads.hpp"

#include <sched.h>

#include <cstdlib>
#include <thread>

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
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

}  // namespace aemigap

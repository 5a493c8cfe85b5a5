// How many threads a rank uses: the config's `threads`, else SLURM_CPUS_PER_TASK, else
// OMP_NUM_THREADS, else every core this process may run on.
#pragma once

namespace aemigap {
int resolve_threads(int configured);
}

#include <cstddef>
#include <functional>

namespace aemigap {
// Splits [0, n) into contiguous slices, one per thread, and runs fn(lo, hi) on each (the
// first on the calling thread). At most `threads` slices, and none smaller than
// `min_per_thread` items (small jobs are not worth a thread).
void parallel_slices(std::size_t n, int threads, const std::function<void(std::size_t, std::size_t)>& fn,
                     std::size_t min_per_thread = 48);
}  // namespace aemigap

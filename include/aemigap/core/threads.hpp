// How many threads a rank uses: the config's `threads`, else SLURM_CPUS_PER_TASK, else
// OMP_NUM_THREADS, else every core this process may run on.
#pragma once

namespace aemigap {
int resolve_threads(int configured);
}

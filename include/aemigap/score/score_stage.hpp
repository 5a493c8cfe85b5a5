// The score stage: every unknown miRNA-gene pair scored into /scores/matrix by row blocks,
// over MPI ranks, resumable; then the ranking (rank/).
//
// Crash safety: the datasets are created (fully allocated) in a copy of the store that is
// renamed into place; after that, scoring only overwrites raw rows and one done-flag per
// block, so a SIGKILL at any moment leaves a valid file whose done flags say exactly which
// blocks are complete. `resume` scores the rest; results are byte-identical to an
// uninterrupted run (each block's arithmetic does not depend on what ran before).
// A stop request (`*stop` becomes nonzero, e.g. on SIGTERM / SIGUSR1 from Slurm) finishes
// the current block round, flushes, and returns Stopped.
#pragma once

#include <csignal>
#include <cstdint>

#include "aemigap/core/fwd.hpp"

namespace aemigap::dist {
class Communicator;
}

namespace aemigap::score {

struct ScoreOutcome {
  enum Status { Complete, Stopped, Failed } status = Failed;
  std::uint64_t pairs = 0;  // scored in this run
  double seconds = 0, pairs_per_second = 0;
};

// Every rank of `comm` takes part. `stop` may be null.
ScoreOutcome score_stage(const Config& cfg, dist::Communicator& comm, const volatile std::sig_atomic_t* stop);

}  // namespace aemigap::score

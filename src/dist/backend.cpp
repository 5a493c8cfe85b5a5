// Choosing the training backend, and the rank-0-then-tell-everyone pattern.
#include <exception>
#include <string>

#include "aemigap/core/error.hpp"
#include "aemigap/dist/communicator.hpp"
#ifdef AEMIGAP_WITH_NCCL
#include "aemigap/dist/nccl_communicator.hpp"
#endif

namespace aemigap::dist {

bool on_rank0(Communicator& comm, const std::function<void()>& work) {
  std::int64_t ok = 1;
  std::exception_ptr error;  // rethrown as it was: an input error stays one
  if (comm.rank() == 0) {
    try {
      work();
    } catch (...) {
      ok = 0;
      error = std::current_exception();
    }
  }
  comm.broadcast(&ok, 1, DType::Int64, 0);
  if (!ok && comm.rank() == 0) std::rethrow_exception(error);
  return ok != 0;
}

DistBackend training_backend(DistBackend b, Device device) {
  if (b == DistBackend::Auto) {
#ifdef AEMIGAP_WITH_NCCL
    b = device == Device::Cuda ? DistBackend::Nccl : DistBackend::Mpi;
#else
    b = DistBackend::Mpi;
#endif
  }
  if (b == DistBackend::Nccl) {
#ifndef AEMIGAP_WITH_NCCL
    throw ConfigError("dist-backend = nccl, but this build has no NCCL (configure with CUDA + NCCL present)");
#endif
    if (device != Device::Cuda) throw ConfigError("dist-backend = nccl needs device = cuda (NCCL reduces device memory)");
  }
  return b;
}

std::unique_ptr<Communicator> for_backend(std::unique_ptr<Communicator> mpi, DistBackend backend) {
#ifdef AEMIGAP_WITH_NCCL
  if (backend == DistBackend::Nccl) return nccl_from(std::move(mpi));
#else
  (void)backend;
#endif
  return mpi;
}

}  // namespace aemigap::dist

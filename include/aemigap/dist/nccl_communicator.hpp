// NCCL backend of Communicator (device memory), built when CUDA and NCCL are found
// (AEMIGAP_WITH_NCCL). No CUDA or NCCL header leaks from here: callers that are not CUDA
// code use the small device-memory helpers below.
//
// Bootstrap: rank 0 makes the ncclUniqueId and broadcasts it over the MPI communicator the
// NCCL one mirrors; each rank uses device (local rank % device count), the local rank read
// from OMPI_COMM_WORLD_LOCAL_RANK or SLURM_LOCALID (else the rank within the node).
// Every collective first makes the communicator's stream wait (on the device, through an
// event) for the work so far of the producer stream (set_producer_stream; by default the
// legacy default stream, where LibTorch works), runs on the communicator's stream, and
// synchronises before returning, so buffers may be reused at once. barrier() and split() also use the MPI communicator.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "aemigap/dist/communicator.hpp"

// Throw aemigap::Error with file:line, the call and the library's own error string.
namespace aemigap::dist::detail {
void nccl_check(int rc, const char* file, int line, const char* call);
void cuda_check(int rc, const char* file, int line, const char* call);
}  // namespace aemigap::dist::detail
#define AEMIGAP_NCCL_CHECK(call) ::aemigap::dist::detail::nccl_check(static_cast<int>(call), __FILE__, __LINE__, #call)
#define AEMIGAP_CUDA_CHECK(call) ::aemigap::dist::detail::cuda_check(static_cast<int>(call), __FILE__, __LINE__, #call)

namespace aemigap::dist {

// Devices visible to this process; 0 when there is no driver or no device (never throws).
int cuda_device_count();
// Why there is no device, in words ("no CUDA driver", "0 devices"), for skip messages.
std::string cuda_unavailable_reason();

// A communicator over the same ranks as `mpi` (kept for bootstrap, barrier and split).
// Throws when no CUDA device is visible.
std::unique_ptr<Communicator> nccl_from(std::unique_ptr<Communicator> mpi);

// Device memory for tests and benchmarks (the trainer uses LibTorch's CUDA tensors).
void* device_alloc(std::size_t bytes);
void device_free(void* p);
void copy_to_device(void* dst, const void* src, std::size_t bytes);
void copy_to_host(void* dst, const void* src, std::size_t bytes);

}  // namespace aemigap::dist

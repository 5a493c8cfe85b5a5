// Communicator: one interface with a method per collective the project needs (c10d style).
// Backends live beside it: MpiCommunicator (host memory, always built) and, where CUDA and
// NCCL are found, NcclCommunicator (device memory). A backend that lacks an operation throws
// "backend X does not support Y". Collectives must be issued in the same order on all ranks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "aemigap/core/config.hpp"

namespace aemigap::dist {

enum class DType { Float32, Float64, Int32, Int64, UInt64, UInt8 };
enum class ReduceOp { Sum, Max, Min };
std::size_t dtype_size(DType t);
const char* dtype_name(DType t);

template <class T> constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, float>) return DType::Float32;
  else if constexpr (std::is_same_v<T, double>) return DType::Float64;
  else if constexpr (std::is_same_v<T, std::int32_t>) return DType::Int32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return DType::Int64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return DType::UInt64;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return DType::UInt8;
  else static_assert(sizeof(T) == 0, "unsupported dtype");
}

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual const char* backend() const = 0;
  // Where the buffers of the collectives live: host memory (MPI) or device memory (NCCL).
  virtual bool device_memory() const { return false; }
  // The device stream whose work produces the buffers of the next collectives (a
  // cudaStream_t; null: the legacy default stream, where LibTorch works unless told
  // otherwise). A device backend makes each collective wait for that stream's work so far;
  // a host backend has nothing to order and ignores it.
  virtual void set_producer_stream(void* stream) { (void)stream; }

  // In place: every rank ends with the element-wise reduction over all ranks.
  virtual void allreduce(void* buf, std::size_t count, DType t, ReduceOp op) = 0;
  virtual void broadcast(void* buf, std::size_t count, DType t, int root) = 0;
  // recv holds size() * count elements, rank r's block at r * count.
  virtual void allgather(const void* send, void* recv, std::size_t count, DType t) = 0;
  // recv holds sum(counts) elements, rank r's block after those of ranks < r.
  virtual void allgatherv(const void* send, void* recv, const std::vector<std::size_t>& counts, DType t) = 0;
  virtual void barrier() = 0;
  // Sub-communicator of the ranks with the same color, ordered by key (then rank).
  virtual std::unique_ptr<Communicator> split(int color, int key) = 0;

  // Typed conveniences.
  template <class T> void allreduce(std::vector<T>& v, ReduceOp op) { allreduce(v.data(), v.size(), dtype_of<T>(), op); }
  template <class T> T allreduce_value(T v, ReduceOp op) {
    allreduce(&v, 1, dtype_of<T>(), op);
    return v;
  }
  // Concatenation of every rank's vector, in rank order, on every rank.
  template <class T> std::vector<T> allgatherv(const std::vector<T>& mine) {
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(size()));
    std::uint64_t n = mine.size();
    allgather(&n, counts.data(), 1, DType::UInt64);
    std::vector<std::size_t> c(counts.begin(), counts.end());
    std::size_t total = 0;
    for (auto x : c) total += x;
    std::vector<T> out(total);
    allgatherv(mine.data(), out.data(), c, dtype_of<T>());
    return out;
  }

 protected:
  [[noreturn]] void unsupported(const char* op) const;
};

// The world communicator of the MPI backend (MPI must be initialised).
std::unique_ptr<Communicator> mpi_world();

// Runs `work` on rank 0 and tells every rank whether it succeeded: rank 0 rethrows its
// error, the others return false (nobody waits on a rank that failed). true: it succeeded.
bool on_rank0(Communicator& comm, const std::function<void()>& work);

// The backend that all-reduces training gradients: Auto is NCCL when training on Cuda in a
// build with NCCL, else MPI; NCCL without NCCL in the build, or off the GPU, is a
// ConfigError. (Backend and device are enums of core/config.hpp.)
DistBackend training_backend(DistBackend configured, Device device);
// `mpi` unchanged for MPI, or an NCCL communicator over the same ranks.
std::unique_ptr<Communicator> for_backend(std::unique_ptr<Communicator> mpi, DistBackend backend);

// Rows [begin, end) of n rows that rank r of `size` owns: contiguous, sizes differ by <= 1.
struct Range {
  std::uint64_t begin, end;
};
Range block_range(std::uint64_t n, int rank, int size);

}  // namespace aemigap::dist

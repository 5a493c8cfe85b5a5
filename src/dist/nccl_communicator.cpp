#include "aemigap/dist/nccl_communicator.hpp"

#include <cuda_runtime.h>
#include <nccl.h>

#include <cstdlib>
#include <cstring>

#include "aemigap/core/error.hpp"
#include "aemigap/dist/mpi_communicator.hpp"

namespace aemigap::dist {

namespace detail {
void nccl_check(int rc, const char* file, int line, const char* call) {
  if (rc == ncclSuccess) return;
  std::string msg = ncclGetErrorString(static_cast<ncclResult_t>(rc));
  if (const char* last = ncclGetLastError(nullptr); last && *last) msg += " (" + std::string(last) + ")";
  throw Error(std::string(file) + ":" + std::to_string(line) + ": NCCL call " + call + " failed: " + msg);
}
void cuda_check(int rc, const char* file, int line, const char* call) {
  if (rc == cudaSuccess) return;
  throw Error(std::string(file) + ":" + std::to_string(line) + ": CUDA call " + call +
              " failed: " + cudaGetErrorString(static_cast<cudaError_t>(rc)));
}
}  // namespace detail

int cuda_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    (void)cudaGetLastError();  // clear the sticky error
    return 0;
  }
  return n;
}

std::string cuda_unavailable_reason() {
  int n = 0;
  cudaError_t rc = cudaGetDeviceCount(&n);
  if (rc != cudaSuccess) {
    (void)cudaGetLastError();
    return std::string("no usable CUDA device (") + cudaGetErrorString(rc) + ")";
  }
  return n == 0 ? "0 CUDA devices visible" : "";
}

namespace {

ncclDataType_t nccl_type(DType t) {
  switch (t) {
    case DType::Float32: return ncclFloat32;
    case DType::Float64: return ncclFloat64;
    case DType::Int32: return ncclInt32;
    case DType::Int64: return ncclInt64;
    case DType::UInt64: return ncclUint64;
    case DType::UInt8: return ncclUint8;
  }
  return ncclFloat32;
}
ncclRedOp_t nccl_op(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum: return ncclSum;
    case ReduceOp::Max: return ncclMax;
    case ReduceOp::Min: return ncclMin;
  }
  return ncclSum;
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

int local_rank(const Communicator& mpi) {
  int r = env_int("OMPI_COMM_WORLD_LOCAL_RANK", -1);
  if (r < 0) r = env_int("SLURM_LOCALID", -1);
  if (r < 0) {  // the rank among the ranks on this node
    auto* m = dynamic_cast<const MpiCommunicator*>(&mpi);
    MPI_Comm node;
    AEMIGAP_MPI_CHECK(MPI_Comm_split_type(m ? m->comm() : MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, mpi.rank(),
                                          MPI_INFO_NULL, &node));
    AEMIGAP_MPI_CHECK(MPI_Comm_rank(node, &r));
    MPI_Comm_free(&node);
  }
  return r;
}

class NcclCommunicator : public Communicator {
 public:
  NcclCommunicator(std::unique_ptr<Communicator> mpi, ncclComm_t comm, int device)
      : mpi_(std::move(mpi)), comm_(comm), device_(device) {
    AEMIGAP_CUDA_CHECK(cudaSetDevice(device_));
    AEMIGAP_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    AEMIGAP_CUDA_CHECK(cudaEventCreateWithFlags(&produced_, cudaEventDisableTiming));
  }
  ~NcclCommunicator() override {
    cudaEventDestroy(produced_);
    cudaStreamDestroy(stream_);
    ncclCommDestroy(comm_);
  }
  int rank() const override { return mpi_->rank(); }
  int size() const override { return mpi_->size(); }
  const char* backend() const override { return "nccl"; }
  bool device_memory() const override { return true; }
  void set_producer_stream(void* stream) override { producer_ = static_cast<cudaStream_t>(stream); }

  void allreduce(void* buf, std::size_t count, DType t, ReduceOp op) override {
    wait_for_producer();
    AEMIGAP_NCCL_CHECK(ncclAllReduce(buf, buf, count, nccl_type(t), nccl_op(op), comm_, stream_));
    sync();
  }
  void broadcast(void* buf, std::size_t count, DType t, int root) override {
    wait_for_producer();
    AEMIGAP_NCCL_CHECK(ncclBroadcast(buf, buf, count, nccl_type(t), root, comm_, stream_));
    sync();
  }
  void allgather(const void* send, void* recv, std::size_t count, DType t) override {
    wait_for_producer();
    AEMIGAP_NCCL_CHECK(ncclAllGather(send, recv, count, nccl_type(t), comm_, stream_));
    sync();
  }
  // NCCL has no allgatherv: one broadcast per rank into its block, fused in a group.
  void allgatherv(const void* send, void* recv, const std::vector<std::size_t>& counts, DType t) override {
    AEMIGAP_CHECK(counts.size() == static_cast<std::size_t>(size()), "allgatherv needs one count per rank");
    const std::size_t es = dtype_size(t);
    std::size_t off = 0;
    wait_for_producer();
    AEMIGAP_NCCL_CHECK(ncclGroupStart());
    for (int r = 0; r < size(); ++r) {
      char* dst = static_cast<char*>(recv) + off * es;
      const void* src = r == rank() ? send : dst;
      if (counts[static_cast<std::size_t>(r)] > 0)
        AEMIGAP_NCCL_CHECK(ncclBroadcast(src, dst, counts[static_cast<std::size_t>(r)], nccl_type(t), r, comm_, stream_));
      off += counts[static_cast<std::size_t>(r)];
    }
    AEMIGAP_NCCL_CHECK(ncclGroupEnd());
    sync();
  }
  void barrier() override {
    sync();
    mpi_->barrier();
  }
  std::unique_ptr<Communicator> split(int color, int key) override {
    auto sub = mpi_->split(color, key);
    ncclComm_t c;
    AEMIGAP_NCCL_CHECK(ncclCommSplit(comm_, color, key, &c, nullptr));
    return std::make_unique<NcclCommunicator>(std::move(sub), c, device_);
  }

 private:
  // Producer -> collective: the collectives run on their own non-blocking stream, which does
  // not wait for the legacy default stream where LibTorch wrote the buffer (the gradients
  // fused into one buffer, rank 0's parameters copied into a fresh one). Without this wait
  // NCCL could read the buffer before those kernels finish. An event recorded on the
  // producer's stream and waited on by ours orders the two on the device, without blocking
  // the host (as c10d's ProcessGroupNCCL does with its work streams).
  void wait_for_producer() {
    AEMIGAP_CUDA_CHECK(cudaEventRecord(produced_, producer_ ? producer_ : cudaStreamLegacy));
    AEMIGAP_CUDA_CHECK(cudaStreamWaitEvent(stream_, produced_, 0));
  }
  // Collective -> consumer: the host waits for the collective, so whatever reads the
  // buffer afterwards, on any stream or on the host, sees its result.
  void sync() { AEMIGAP_CUDA_CHECK(cudaStreamSynchronize(stream_)); }
  std::unique_ptr<Communicator> mpi_;
  ncclComm_t comm_;
  int device_;
  cudaStream_t stream_{};
  cudaStream_t producer_{};  // null: the legacy default stream
  cudaEvent_t produced_{};
};

}  // namespace

std::unique_ptr<Communicator> nccl_from(std::unique_ptr<Communicator> mpi) {
  const int n = cuda_device_count();
  if (n == 0) throw Error("the NCCL backend needs a CUDA device: " + cuda_unavailable_reason());
  const int device = local_rank(*mpi) % n;
  AEMIGAP_CUDA_CHECK(cudaSetDevice(device));
  ncclUniqueId id;
  if (mpi->rank() == 0) AEMIGAP_NCCL_CHECK(ncclGetUniqueId(&id));
  mpi->broadcast(&id, sizeof id, DType::UInt8, 0);
  ncclComm_t comm;
  AEMIGAP_NCCL_CHECK(ncclCommInitRank(&comm, mpi->size(), id, mpi->rank()));
  return std::make_unique<NcclCommunicator>(std::move(mpi), comm, device);
}

void* device_alloc(std::size_t bytes) {
  void* p = nullptr;
  AEMIGAP_CUDA_CHECK(cudaMalloc(&p, bytes > 0 ? bytes : 1));
  return p;
}
void device_free(void* p) { cudaFree(p); }
void copy_to_device(void* dst, const void* src, std::size_t bytes) {
  AEMIGAP_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice));
}
void copy_to_host(void* dst, const void* src, std::size_t bytes) {
  AEMIGAP_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost));
}

}  // namespace aemigap::dist

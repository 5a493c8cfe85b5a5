#include "aemigap/dist/mpi_communicator.hpp"

#include <algorithm>
#include <climits>
#include <cstring>

#include "aemigap/core/error.hpp"

namespace aemigap::dist {

namespace detail {
void mpi_check(int rc, const char* file, int line, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char msg[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, msg, &len);
  throw Error(std::string(file) + ":" + std::to_string(line) + ": MPI call " + call + " failed: " + std::string(msg, len));
}
}  // namespace detail

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::Float32: case DType::Int32: return 4;
    case DType::Float64: case DType::Int64: case DType::UInt64: return 8;
    case DType::UInt8: return 1;
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::UInt64: return "uint64";
    case DType::UInt8: return "uint8";
  }
  return "?";
}

void Communicator::unsupported(const char* op) const {
  throw Error(std::string("backend ") + backend() + " does not support " + op);
}

Range block_range(std::uint64_t n, int rank, int size) {
  auto r = static_cast<std::uint64_t>(rank), s = static_cast<std::uint64_t>(size);
  return {n * r / s, n * (r + 1) / s};
}

std::unique_ptr<Communicator> mpi_world() { return std::make_unique<MpiCommunicator>(MPI_COMM_WORLD, false); }

namespace {
MPI_Datatype mpi_type(DType t) {
  switch (t) {
    case DType::Float32: return MPI_FLOAT;
    case DType::Float64: return MPI_DOUBLE;
    case DType::Int32: return MPI_INT32_T;
    case DType::Int64: return MPI_INT64_T;
    case DType::UInt64: return MPI_UINT64_T;
    case DType::UInt8: return MPI_UINT8_T;
  }
  return MPI_DATATYPE_NULL;
}
MPI_Op mpi_op(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum: return MPI_SUM;
    case ReduceOp::Max: return MPI_MAX;
    case ReduceOp::Min: return MPI_MIN;
  }
  return MPI_OP_NULL;
}
constexpr std::size_t kMaxCount = INT_MAX;  // MPI counts are int: split larger messages
}  // namespace

MpiCommunicator::MpiCommunicator(MPI_Comm comm, bool owned) : comm_(comm), owned_(owned) {
  AEMIGAP_MPI_CHECK(MPI_Comm_rank(comm_, &rank_));
  AEMIGAP_MPI_CHECK(MPI_Comm_size(comm_, &size_));
}

MpiCommunicator::~MpiCommunicator() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (owned_ && !finalized) MPI_Comm_free(&comm_);
}

void MpiCommunicator::allreduce(void* buf, std::size_t count, DType t, ReduceOp op) {
  auto* p = static_cast<char*>(buf);
  for (std::size_t off = 0; off < count; off += kMaxCount) {
    int n = static_cast<int>(std::min(kMaxCount, count - off));
    AEMIGAP_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, p + off * dtype_size(t), n, mpi_type(t), mpi_op(op), comm_));
  }
}

void MpiCommunicator::broadcast(void* buf, std::size_t count, DType t, int root) {
  auto* p = static_cast<char*>(buf);
  for (std::size_t off = 0; off < count; off += kMaxCount) {
    int n = static_cast<int>(std::min(kMaxCount, count - off));
    AEMIGAP_MPI_CHECK(MPI_Bcast(p + off * dtype_size(t), n, mpi_type(t), root, comm_));
  }
}

void MpiCommunicator::allgather(const void* send, void* recv, std::size_t count, DType t) {
  std::vector<std::size_t> counts(static_cast<std::size_t>(size_), count);
  allgatherv(send, recv, counts, t);
}

void MpiCommunicator::allgatherv(const void* send, void* recv, const std::vector<std::size_t>& counts, DType t) {
  AEMIGAP_CHECK(counts.size() == static_cast<std::size_t>(size_), "allgatherv needs one count per rank");
  std::size_t total = 0;
  for (auto c : counts) total += c;
  const std::size_t es = dtype_size(t);
  if (total <= kMaxCount) {
    std::vector<int> c(counts.size()), d(counts.size());
    int off = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      c[r] = static_cast<int>(counts[r]);
      d[r] = off;
      off += c[r];
    }
    AEMIGAP_MPI_CHECK(MPI_Allgatherv(send, c[static_cast<std::size_t>(rank_)], mpi_type(t), recv, c.data(), d.data(),
                                     mpi_type(t), comm_));
    return;
  }
  // Too large for int displacements: each rank's block is broadcast in chunks.
  auto* out = static_cast<char*>(recv);
  std::size_t off = 0;
  for (int r = 0; r < size_; ++r) {
    std::size_t n = counts[static_cast<std::size_t>(r)];
    if (r == rank_ && n) std::memcpy(out + off * es, send, n * es);
    broadcast(out + off * es, n, t, r);
    off += n;
  }
}

void MpiCommunicator::barrier() { AEMIGAP_MPI_CHECK(MPI_Barrier(comm_)); }

std::unique_ptr<Communicator> MpiCommunicator::split(int color, int key) {
  MPI_Comm sub;
  AEMIGAP_MPI_CHECK(MPI_Comm_split(comm_, color, key, &sub));
  return std::make_unique<MpiCommunicator>(sub, true);
}

}  // namespace aemigap::dist

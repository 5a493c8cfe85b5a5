// MPI backend of Communicator (host memory). Messages of more than 2^31 - 1 elements are
// split, since MPI counts are int.
#pragma once

#include <mpi.h>

#include "aemigap/dist/communicator.hpp"

// Throws aemigap::Error with file:line, the call and MPI's own error string.
namespace aemigap::dist::detail {
void mpi_check(int rc, const char* file, int line, const char* call);
}
#define AEMIGAP_MPI_CHECK(call) ::aemigap::dist::detail::mpi_check((call), __FILE__, __LINE__, #call)

namespace aemigap::dist {

class MpiCommunicator : public Communicator {
 public:
  // Takes ownership of comm when owned (it is freed on destruction).
  MpiCommunicator(MPI_Comm comm, bool owned);
  ~MpiCommunicator() override;
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  const char* backend() const override { return "mpi"; }
  void allreduce(void* buf, std::size_t count, DType t, ReduceOp op) override;
  void broadcast(void* buf, std::size_t count, DType t, int root) override;
  void allgather(const void* send, void* recv, std::size_t count, DType t) override;
  void allgatherv(const void* send, void* recv, const std::vector<std::size_t>& counts, DType t) override;
  void barrier() override;
  std::unique_ptr<Communicator> split(int color, int key) override;
  MPI_Comm comm() const { return comm_; }

 private:
  MPI_Comm comm_;
  bool owned_;
  int rank_ = 0, size_ = 1;
};

}  // namespace aemigap::dist

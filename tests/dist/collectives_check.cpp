// Verification of the Communicator backends in the manner of nccl-tests: every rank fills
// its inputs from a formula, runs each collective, and compares every element with the
// analytically known result. Wrong elements are counted per case, all-reduced, printed as a
// table on rank 0, and any wrong element anywhere makes every rank exit 1.
//
//   mpiexec -np 3 collectives_check [--backend mpi|nccl] [--huge]
//
// All dtypes, counts 1, 7 and 2^20 + 3, sum/max/min, broadcast from every root, allgather,
// allgatherv (a rank with nothing to send included), split into sub-communicators.
// --huge adds one uint8 all-reduce of 2^31 + 5 elements (the split of large MPI messages;
// 2 GiB per rank, so not in ctest). Exit 77 (ctest's skip) when the backend cannot run here.
#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "aemigap/dist/mpi_communicator.hpp"
#ifdef AEMIGAP_WITH_NCCL
#include "aemigap/dist/nccl_communicator.hpp"
#endif

using namespace aemigap::dist;

namespace {

// A buffer in the memory the backend works on (host for MPI, device for NCCL).
struct Buffer {
  bool device = false;
  std::size_t bytes = 0;
  void* host = nullptr;
  void* dev = nullptr;
  std::vector<char> h;
  Buffer(std::size_t n, bool on_device) : device(on_device), bytes(n), h(n) {
    host = h.data();
#ifdef AEMIGAP_WITH_NCCL
    if (device) dev = device_alloc(n);
#endif
  }
  ~Buffer() {
#ifdef AEMIGAP_WITH_NCCL
    if (dev) device_free(dev);
#endif
  }
  void* ptr() { return device ? dev : host; }
  void upload() {
#ifdef AEMIGAP_WITH_NCCL
    if (device) copy_to_device(dev, host, bytes);
#endif
  }
  void download() {
#ifdef AEMIGAP_WITH_NCCL
    if (device) copy_to_host(host, dev, bytes);
#endif
  }
};

// Element i of a typed buffer as a double (all test values are small integers: exact).
double get(const Buffer& b, DType t, std::size_t i) {
  const char* p = b.h.data() + i * dtype_size(t);
  switch (t) {
    case DType::Float32: { float v; std::memcpy(&v, p, 4); return v; }
    case DType::Float64: { double v; std::memcpy(&v, p, 8); return v; }
    case DType::Int32: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
    case DType::Int64: { std::int64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
    case DType::UInt64: { std::uint64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
    case DType::UInt8: return static_cast<unsigned char>(*p);
  }
  return 0;
}
void set(Buffer& b, DType t, std::size_t i, double x) {
  char* p = b.h.data() + i * dtype_size(t);
  switch (t) {
    case DType::Float32: { float v = static_cast<float>(x); std::memcpy(p, &v, 4); break; }
    case DType::Float64: std::memcpy(p, &x, 8); break;
    case DType::Int32: { auto v = static_cast<std::int32_t>(x); std::memcpy(p, &v, 4); break; }
    case DType::Int64: { auto v = static_cast<std::int64_t>(x); std::memcpy(p, &v, 8); break; }
    case DType::UInt64: { auto v = static_cast<std::uint64_t>(x); std::memcpy(p, &v, 8); break; }
    case DType::UInt8: *p = static_cast<char>(static_cast<unsigned char>(x)); break;
  }
}

struct Row {
  std::string op, dtype;
  std::size_t count;
  std::uint64_t wrong;
  double us;
};

class Checker {
 public:
  Checker(Communicator& c, MpiCommunicator& world) : c_(c), world_(world) {}

  void run_all(bool huge) {
    const DType types[] = {DType::Float32, DType::Float64, DType::Int32, DType::Int64, DType::UInt64, DType::UInt8};
    const std::size_t counts[] = {1, 7, (std::size_t{1} << 20) + 3};
    for (DType t : types)
      for (std::size_t n : counts) {
        allreduce(t, n, ReduceOp::Sum, "allreduce_sum");
        allreduce(t, n, ReduceOp::Max, "allreduce_max");
        allreduce(t, n, ReduceOp::Min, "allreduce_min");
        for (int root = 0; root < c_.size(); ++root) broadcast(t, n, root);
        allgather(t, n);
        allgatherv(t, n);
      }
    split();
    if (huge) huge_allreduce();
  }

  bool report() {
    bool ok = true;
    if (world_.rank() == 0) std::printf("%-16s %-8s %10s %10s %8s\n", "collective", "dtype", "count", "time(us)", "#wrong");
    for (auto& r : rows_) {
      // Every rank's wrong count, summed over the world (the other ranks may disagree).
      std::uint64_t w = world_.allreduce_value<std::uint64_t>(r.wrong, ReduceOp::Sum);
      ok = ok && w == 0;
      if (world_.rank() == 0)
        std::printf("%-16s %-8s %10zu %10.1f %8llu%s\n", r.op.c_str(), r.dtype.c_str(), r.count, r.us,
                    static_cast<unsigned long long>(w), w ? "  WRONG" : "");
    }
    return ok;
  }

 private:
  // Values stay small integers so every dtype represents them exactly (uint8 included).
  static double input(int r, std::size_t i) { return (r + 1) + static_cast<double>(i % 7); }

  template <class F> double timed(F&& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  }

  void allreduce(DType t, std::size_t n, ReduceOp op, const char* name) {
    const int R = c_.size(), r = c_.rank();
    Buffer b(n * dtype_size(t), c_.device_memory());
    for (std::size_t i = 0; i < n; ++i) set(b, t, i, input(r, i));
    b.upload();
    double us = timed([&] { c_.allreduce(b.ptr(), n, t, op); });
    b.download();
    std::uint64_t wrong = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double m = static_cast<double>(i % 7);
      double want = op == ReduceOp::Sum ? R * (R + 1) / 2.0 + R * m : op == ReduceOp::Max ? R + m : 1 + m;
      wrong += get(b, t, i) != want;
    }
    rows_.push_back({name, dtype_name(t), n, wrong, us});
  }

  void broadcast(DType t, std::size_t n, int root) {
    Buffer b(n * dtype_size(t), c_.device_memory());
    for (std::size_t i = 0; i < n; ++i) set(b, t, i, c_.rank() == root ? (i % 11) + root : 99);
    b.upload();
    double us = timed([&] { c_.broadcast(b.ptr(), n, t, root); });
    b.download();
    std::uint64_t wrong = 0;
    for (std::size_t i = 0; i < n; ++i) wrong += get(b, t, i) != static_cast<double>((i % 11) + root);
    rows_.push_back({"broadcast_root" + std::to_string(root), dtype_name(t), n, wrong, us});
  }

  void allgather(DType t, std::size_t n) {
    const int R = c_.size();
    Buffer s(n * dtype_size(t), c_.device_memory()), g(n * R * dtype_size(t), c_.device_memory());
    for (std::size_t i = 0; i < n; ++i) set(s, t, i, input(c_.rank(), i));
    s.upload();
    double us = timed([&] { c_.allgather(s.ptr(), g.ptr(), n, t); });
    g.download();
    std::uint64_t wrong = 0;
    for (int r = 0; r < R; ++r)
      for (std::size_t i = 0; i < n; ++i) wrong += get(g, t, r * n + i) != input(r, i);
    rows_.push_back({"allgather", dtype_name(t), n, wrong, us});
  }

  // Rank r sends n + r elements, except rank 1, which sends none.
  void allgatherv(DType t, std::size_t n) {
    const int R = c_.size();
    std::vector<std::size_t> counts(R);
    std::size_t total = 0;
    for (int r = 0; r < R; ++r) total += counts[r] = r == 1 ? 0 : n + r;
    const std::size_t mine = counts[c_.rank()];
    Buffer s(mine * dtype_size(t), c_.device_memory()), g(total * dtype_size(t), c_.device_memory());
    for (std::size_t i = 0; i < mine; ++i) set(s, t, i, input(c_.rank(), i));
    s.upload();
    double us = timed([&] { c_.allgatherv(s.ptr(), g.ptr(), counts, t); });
    g.download();
    std::uint64_t wrong = 0;
    std::size_t off = 0;
    for (int r = 0; r < R; ++r) {
      for (std::size_t i = 0; i < counts[r]; ++i) wrong += get(g, t, off + i) != input(r, i);
      off += counts[r];
    }
    rows_.push_back({"allgatherv", dtype_name(t), total, wrong, us});
  }

  // Two sub-communicators by rank parity, ordered by descending world rank (key = -rank).
  void split() {
    const int R = c_.size(), r = c_.rank();
    std::unique_ptr<Communicator> sub;
    double us = timed([&] { sub = c_.split(r % 2, -r); });
    std::vector<int> members;
    for (int q = R - 1; q >= 0; --q)
      if (q % 2 == r % 2) members.push_back(q);
    std::uint64_t wrong = 0;
    wrong += sub->size() != static_cast<int>(members.size());
    int expect_rank = 0;
    while (members[expect_rank] != r) ++expect_rank;
    wrong += sub->rank() != expect_rank;
    // A sum of world ranks within the sub-communicator.
    Buffer b(sizeof(std::int64_t), sub->device_memory());
    set(b, DType::Int64, 0, r);
    b.upload();
    sub->allreduce(b.ptr(), 1, DType::Int64, ReduceOp::Sum);
    b.download();
    double want = 0;
    for (int q : members) want += q;
    wrong += get(b, DType::Int64, 0) != want;
    rows_.push_back({"split+allreduce", "int64", 1, wrong, us});
  }

  void huge_allreduce() {
    const std::size_t n = (std::size_t{1} << 31) + 5;
    Buffer b(n, c_.device_memory());
    for (std::size_t i = 0; i < n; ++i) b.h[i] = static_cast<char>(i % 3);
    b.upload();
    double us = timed([&] { c_.allreduce(b.ptr(), n, DType::UInt8, ReduceOp::Sum); });
    b.download();
    std::uint64_t wrong = 0;
    for (std::size_t i = 0; i < n; ++i) wrong += static_cast<unsigned char>(b.h[i]) != (i % 3) * c_.size();
    rows_.push_back({"allreduce_huge", "uint8", n, wrong, us});
  }

  Communicator& c_;
  MpiCommunicator& world_;
  std::vector<Row> rows_;
};

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  std::string backend = "mpi";
  bool huge = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--backend" && i + 1 < argc) backend = argv[++i];
    else if (a == "--huge") huge = true;
    else {
      std::fprintf(stderr, "usage: collectives_check [--backend mpi|nccl] [--huge]\n");
      MPI_Finalize();
      return 2;
    }
  }
  int rc = 0;
  try {
    MpiCommunicator world(MPI_COMM_WORLD, false);
    std::unique_ptr<Communicator> comm;
    if (backend == "mpi") {
      comm = std::make_unique<MpiCommunicator>(MPI_COMM_WORLD, false);
    } else if (backend == "nccl") {
#ifdef AEMIGAP_WITH_NCCL
      // Every rank must agree to skip, or the ones with a device would wait forever.
      int have = cuda_device_count() > 0 ? 1 : 0;
      int all = world.allreduce_value(have, ReduceOp::Min);
      if (!all) {
        if (world.rank() == 0)
          std::printf("SKIP: the NCCL backend needs a CUDA device on every rank: %s\n", cuda_unavailable_reason().c_str());
        MPI_Finalize();
        return 77;
      }
      comm = nccl_from(std::make_unique<MpiCommunicator>(MPI_COMM_WORLD, false));
#else
      if (world.rank() == 0) std::printf("SKIP: built without NCCL (AEMIGAP_WITH_NCCL=OFF)\n");
      MPI_Finalize();
      return 77;
#endif
    } else {
      std::fprintf(stderr, "unknown backend %s (mpi | nccl)\n", backend.c_str());
      MPI_Finalize();
      return 2;
    }
    if (world.rank() == 0) std::printf("backend %s, %d ranks\n", comm->backend(), comm->size());
    Checker ch(*comm, world);
    ch.run_all(huge);
    bool ok = ch.report();
    if (world.rank() == 0) std::printf("%s\n", ok ? "all collectives correct" : "ERRORS: wrong elements above");
    rc = ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "collectives_check: %s\n", e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return rc;
}

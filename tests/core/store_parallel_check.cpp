// Parallel HDF5 check, nccl-tests style: N ranks write row blocks of one matrix collectively
// (uneven blocks, some ranks with none); rank 0 writes the same matrix serially to a second
// file; every rank then reads the parallel file back and counts wrong elements; the count is
// all-reduced and any error gives a non-zero exit. Usage: store_parallel_check OUT_PREFIX
#include <mpi.h>

#include <cstdio>
#include <string>
#include <vector>

#include "aemigap/core/store.hpp"

using namespace aemigap;

namespace {
float expected(std::uint64_t r, std::uint64_t c) { return static_cast<float>(r) * 1000.0f + static_cast<float>(c) + 0.25f; }
}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long wrong = 0;
  const std::uint64_t rows = 1003, cols = 37;  // odd sizes: uneven split, partial chunks
  std::string prefix = argc > 1 ? argv[1] : "store_parallel";
  std::string par = prefix + "_parallel.h5", ser = prefix + "_serial.h5";
  try {
    if (rank == 0) Store::create(par).close();
    MPI_Barrier(MPI_COMM_WORLD);
    {
      Store s = Store::open_parallel(par, MPI_COMM_WORLD);
      s.create_dataset<float>("/scores/matrix", rows, cols, 64, /*compress=*/false);
      // Rank r writes rows [lo, hi) of a deliberately uneven split (last rank gets the rest).
      std::uint64_t per = rows / static_cast<std::uint64_t>(size + 1);
      std::uint64_t lo = per * static_cast<std::uint64_t>(rank);
      std::uint64_t hi = rank == size - 1 ? rows : lo + per;
      std::vector<float> block((hi - lo) * cols);
      for (std::uint64_t r = lo; r < hi; ++r)
        for (std::uint64_t c = 0; c < cols; ++c) block[(r - lo) * cols + c] = expected(r, c);
      s.write_rows("/scores/matrix", lo, hi - lo, block.data(), /*collective=*/true);
      s.set_attr("/scores/matrix", "writers", static_cast<std::int64_t>(size));
      s.close();
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
      Store s = Store::create(ser);
      std::vector<float> all(rows * cols);
      for (std::uint64_t r = 0; r < rows; ++r)
        for (std::uint64_t c = 0; c < cols; ++c) all[r * cols + c] = expected(r, c);
      s.write("/scores/matrix", all, {rows, cols});
    }
    MPI_Barrier(MPI_COMM_WORLD);
    // Every rank reads both files serially and compares.
    Store p = Store::open(par), q = Store::open(ser);
    auto a = p.read<float>("/scores/matrix");
    auto b = q.read<float>("/scores/matrix");
    if (a.size() != rows * cols || b.size() != rows * cols) wrong += 1;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
      std::uint64_t r = i / cols, c = i % cols;
      if (a[i] != expected(r, c) || a[i] != b[i]) ++wrong;
    }
    if (p.attr_int("/scores/matrix", "writers") != size) ++wrong;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: %s\n", rank, e.what());
    wrong += 1;
  }
  long total = 0;
  MPI_Allreduce(&wrong, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) std::printf("store_parallel_check: %d ranks, %lu x %lu floats, %ld wrong elements\n", size,
                             static_cast<unsigned long>(rows), static_cast<unsigned long>(cols), total);
  MPI_Finalize();
  return total == 0 ? 0 : 1;
}

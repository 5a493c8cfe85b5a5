// aemigap score: every unknown miRNA-gene pair scored into /scores/matrix, by row blocks,
// over MPI ranks, resumable.
//
// Crash safety: the datasets are created (fully allocated) in a copy of the store that is
// renamed into place; after that, scoring only overwrites raw rows and one done-flag per
// block, so a SIGKILL at any moment leaves a valid file whose done flags say exactly which
// blocks are complete. `--resume` scores the rest; results are byte-identical to an
// uninterrupted run (each block's arithmetic does not depend on what ran before).
// SIGTERM / SIGUSR1 (what Slurm sends before the time limit): finish the current block,
// flush, exit 0.
#include <csignal>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>

#include "aemigap/core/blas_check.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/rank/ranking.hpp"
#include "aemigap/score/pool_scorer.hpp"
#include "aemigap/train/models.hpp"
#include "commands.hpp"

namespace aemigap::cli {

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

std::string file_id(const std::string& path) {  // FNV-1a 64 of the file's bytes
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "checkpoint not found (run `aemigap cv` first, or pass --checkpoint)");
  std::uint64_t h = 1469598103934665603ull;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) h = (h ^ static_cast<unsigned char>(buf[i])) * 1099511628211ull;
    if (!in) break;
  }
  char out[20];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}
}  // namespace

// Runs `work` on rank 0 and tells every rank whether it succeeded: rank 0 rethrows its
// error, the others return 1 (nobody waits on a rank that failed).
static int on_rank0(dist::Communicator& comm, int rank, const std::function<void()>& work) {
  std::int64_t ok = 1;
  std::string error;
  if (rank == 0) {
    try {
      work();
    } catch (const std::exception& e) {
      ok = 0;
      error = e.what();
    }
  }
  comm.broadcast(&ok, 1, dist::DType::Int64, 0);
  if (!ok) {
    if (rank == 0) throw Error(error);
    return 1;
  }
  return 0;
}

// aemigap rank: rebuild /scores/ranking for the current `ranker` without rescoring.
int run_rank(Context& ctx) {
  const Config& cfg = ctx.cfg;
  auto comm = dist::mpi_world();
  return on_rank0(*comm, ctx.rank, [&] {
    Dataset d = read_dataset(Store::open(cfg.store));
    {
      Store s = Store::open(cfg.store);
      if (!s.exists("/scores/done"))
        throw InputError(cfg.store, 0, "store has no scores (/scores/matrix): run `aemigap score` first");
      for (auto x : s.read<std::uint8_t>("/scores/done"))
        if (!x) throw InputError(cfg.store, 0, "scores are incomplete: finish them with `aemigap score --resume`");
    }
    rank::write_ranking(cfg, d, resolve_threads(cfg.threads));
  });
}

int run_score(Context& ctx) {
  const Config& cfg = ctx.cfg;
  auto comm = dist::mpi_world();
  const std::string ckpt = cfg.checkpoint.empty() ? cfg.results_dir + "/model.pt" : cfg.checkpoint;
  std::signal(SIGTERM, on_signal);
  std::signal(SIGUSR1, on_signal);
  Stopwatch sw;

  // Rank 0 prepares /scores (fresh, or checks what a resume continues); the others wait.
  std::int64_t prepared = 0;
  std::string error;
  if (ctx.rank == 0) {
    try {
      warn_if_reference_blas();
      const std::string id = file_id(ckpt);
      Dataset d = read_dataset(Store::open(cfg.store));
      const std::uint64_t nm = d.n_mirna(), ng = d.n_gene(), br = static_cast<std::uint64_t>(cfg.score_block_rows);
      bool fresh = true;
      {
        Store s = Store::open(cfg.store);
        if (cfg.resume && s.exists("/scores/done")) {
          auto dims = s.dims("/scores/matrix");
          if (dims != std::vector<std::uint64_t>{nm, ng} || s.attr_int("/scores", "block_rows") != static_cast<std::int64_t>(br))
            throw InputError(cfg.store, 0, "cannot resume: /scores was written for another shape or score-block-rows; run without --resume");
          if (s.attr_string("/scores", "checkpoint_id") != id)
            throw InputError(cfg.store, 0, "cannot resume: /scores was written with another checkpoint (" +
                                               s.attr_string("/scores", "checkpoint") + "); run without --resume");
          fresh = false;
        } else if (cfg.resume) {
          log_info("[score] nothing to resume in " + cfg.store + ": starting a fresh run");
        }
      }
      if (fresh) {
        const std::uint64_t nb = (nm + br - 1) / br;
        StoreUpdate up(cfg.store, false);
        Store& s = up.store();
        s.remove("/scores");
        s.create_dataset<float>("/scores/matrix", nm, ng, br, /*compress=*/false);
        s.create_dataset<std::uint8_t>("/scores/done", nb, 1, nb, false);
        std::vector<std::uint8_t> zeros(nb, 0);
        s.write_rows("/scores/done", 0, nb, zeros.data());
        s.set_attr("/scores", "block_rows", static_cast<std::int64_t>(br));
        s.set_attr("/scores", "n_blocks", static_cast<std::int64_t>(nb));
        s.set_attr("/scores", "checkpoint", ckpt);
        s.set_attr("/scores", "checkpoint_id", id);
        s.set_attr("/scores/matrix", "rows", std::string("miRNA index (/mirna/name)"));
        s.set_attr("/scores/matrix", "columns", std::string("gene index (/gene/name)"));
        s.set_attr("/scores/matrix", "content",
                   std::string("probability in [0, 1] (sigmoid of the logit); NaN for validated positives; pairs "
                               "used as training negatives (/pairs/negative) are scored too"));
        s.stamp("score", cfg.to_ini());
        up.commit();
      }
      prepared = 1;
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  comm->broadcast(&prepared, 1, dist::DType::Int64, 0);
  if (!prepared) {
    if (ctx.rank == 0) throw Error(error);
    return 1;
  }

  // Every rank: inputs, the checkpoint, its own round-robin share of the blocks left.
  Dataset d;
  std::vector<float> mirna, gene;
  std::size_t dims = 0;
  {
    Store s = Store::open(cfg.store);
    d = read_dataset(s);
    embed::read_embeddings(s, mirna, gene, dims);
  }
  auto ck = train::Checkpoint::load(ckpt);
  const int threads = resolve_threads(cfg.threads);
  score::PoolScorer scorer(ck, mirna, gene, dims, threads);
  const std::uint64_t nm = d.n_mirna(), ng = d.n_gene(), br = static_cast<std::uint64_t>(cfg.score_block_rows);
  const std::uint64_t nb = (nm + br - 1) / br;

  Store s = Store::open_parallel(cfg.store, MPI_COMM_WORLD);
  auto done = s.read<std::uint8_t>("/scores/done");
  std::vector<std::uint64_t> todo;
  for (std::uint64_t b = 0; b < nb; ++b)
    if (!done[b]) todo.push_back(b);
  const std::uint64_t total_pairs = nm * ng;
  std::uint64_t pairs_before = (nb - todo.size()) * br * ng;
  if (pairs_before > total_pairs) pairs_before = total_pairs;
  log_info("[score] " + std::to_string(todo.size()) + " of " + std::to_string(nb) + " blocks of " + std::to_string(br) +
           " miRNA rows to score on " + std::to_string(comm->size()) + " rank(s) x " + std::to_string(threads) +
           " threads (" + (scorer.has_fast_path() ? "fast path" : "plain forward") + ")");
  // positives per row, to mask with NaN
  std::vector<std::uint64_t> pos_begin(nm + 1, 0);
  for (const auto& p : d.positives) ++pos_begin[static_cast<std::size_t>(p[0]) + 1];
  for (std::uint64_t r = 0; r < nm; ++r) pos_begin[r + 1] += pos_begin[r];

  Progress progress("score", "pairs", static_cast<double>(total_pairs - pairs_before), cfg.progress_interval);
  std::uint64_t scored = 0;
  const std::uint64_t rounds = (todo.size() + static_cast<std::uint64_t>(comm->size()) - 1) / static_cast<std::uint64_t>(comm->size());
  std::vector<float> buf;
  bool stopped = false;
  for (std::uint64_t k = 0; k < rounds; ++k) {
    std::uint64_t idx = k * static_cast<std::uint64_t>(comm->size()) + static_cast<std::uint64_t>(comm->rank());
    std::uint64_t r0 = 0, rows = 0, b = 0;
    if (idx < todo.size()) {
      b = todo[idx];
      r0 = b * br;
      rows = std::min(nm, r0 + br) - r0;
      buf.assign(rows * ng, 0.0f);
      scorer.score_rows(r0, r0 + rows, buf.data());
      for (std::uint64_t r = r0; r < r0 + rows; ++r)
        for (std::uint64_t q = pos_begin[r]; q < pos_begin[r + 1]; ++q)
          buf[(r - r0) * ng + static_cast<std::uint64_t>(d.positives[q][1])] = NAN;
    }
    // Rows first, then the block's done flag, then a flush: a flag is never set before its rows.
    s.write_rows("/scores/matrix", r0, rows, buf.data(), /*collective=*/true);
    s.flush();
    std::uint8_t one = 1;
    s.write_rows("/scores/done", b, rows ? 1 : 0, &one, true);
    s.flush();
    scored += comm->allreduce_value<std::uint64_t>(rows * ng, dist::ReduceOp::Sum);
    progress.update(static_cast<double>(scored), "block round " + std::to_string(k + 1) + "/" + std::to_string(rounds));
    std::int64_t stop = comm->allreduce_value<std::int64_t>(g_stop ? 1 : 0, dist::ReduceOp::Max);
    if (stop && k + 1 < rounds) {
      stopped = true;
      break;
    }
  }
  s.close();
  if (stopped) {
    log_info("[score] stopped on a signal after " + human_count(static_cast<double>(scored)) +
             " pairs; the store is consistent: continue with `aemigap score --resume`");
    return 0;
  }
  progress.finish();
  // The ranking the reports use (option ranker), on rank 0 once the matrix is complete.
  if (on_rank0(*comm, ctx.rank, [&] { rank::write_ranking(cfg, d, threads); }) != 0) return 1;
  char line[160];
  std::snprintf(line, sizeof line, "[score] %s pairs scored in %s (%.0f pairs/s over all ranks); /scores/matrix complete",
                human_count(static_cast<double>(scored)).c_str(), human_seconds(sw.seconds()).c_str(),
                static_cast<double>(scored) / std::max(1e-9, progress.elapsed_s()));
  log_info(line);
  return 0;
}

}  // namespace aemigap::cli

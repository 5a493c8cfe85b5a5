#include "aemigap/score/score_stage.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

#include "aemigap/core/cpu_dispatch.hpp"
#include "aemigap/core/blas_check.hpp"
#include "aemigap/core/checked_matrix.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/hash.hpp"
#include "aemigap/core/lineage.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/model/checkpoint.hpp"
#include "aemigap/rank/ranking.hpp"
#include "aemigap/score/device_scorer.hpp"
#include "aemigap/score/pool_scorer.hpp"

namespace aemigap::score {

namespace sc = schema;

namespace {

// The store's embeddings, read once by rank 0 to check and fingerprint them.
struct Embeddings {
  std::vector<float> mirna, gene;
  std::size_t dims = 0;
};

// The pool's scorer, chosen once from `device` (nothing below branches on the choice): the
// CPU kernel, or batched LibTorch forwards on this rank's GPU.
class RowScorer {
 public:
  virtual ~RowScorer() = default;
  virtual void score_rows(std::uint64_t r0, std::uint64_t r1, float* out) const = 0;
  virtual std::string describe() const = 0;
};

class KernelRows : public RowScorer {
 public:
  KernelRows(const model::Checkpoint& ck, const std::vector<float>& mirna, const std::vector<float>& gene,
             std::size_t dims, int threads)
      : s_(ck, mirna, gene, dims, threads) {}
  void score_rows(std::uint64_t r0, std::uint64_t r1, float* out) const override { s_.score_rows(r0, r1, out); }
  std::string describe() const override {
    return std::string("cpu, ") +
           (s_.has_fast_path() ? std::string("fast path, kernels ") + core::kernel_isa() : std::string("plain forward"));
  }

 private:
  PoolScorer s_;
};

class DeviceRows : public RowScorer {
 public:
  DeviceRows(const model::Checkpoint& ck, const std::vector<float>& mirna, const std::vector<float>& gene,
             std::size_t dims, const DeviceScorerOptions& o)
      : s_(ck, mirna, gene, dims, o) {}
  void score_rows(std::uint64_t r0, std::uint64_t r1, float* out) const override { s_.score_rows(r0, r1, out); }
  std::string describe() const override { return s_.describe(); }

 private:
  DeviceScorer s_;
};

// Why `device = cuda` cannot score with this checkpoint here ("" when it can).
std::string cuda_scoring_problem(const model::Checkpoint& ck, std::size_t dims) {
  if (local_gpu_index() < 0)
    return "device = cuda, but this LibTorch has no CUDA or no GPU is visible (build against a CUDA LibTorch: "
           "env/README.md; or score with --device cpu)";
  if (const std::string why = DeviceScorer::unsupported_reason(ck, dims); !why.empty())
    return "device = cuda: " + why + " (score it with --device cpu)";
  return "";
}

std::unique_ptr<RowScorer> make_row_scorer(const Config& cfg, const model::Checkpoint& ck, const std::vector<float>& mirna,
                                           const std::vector<float>& gene, std::size_t dims, int threads) {
  const std::string why = DeviceScorer::unsupported_reason(ck, dims);
  const int gpu = cfg.device == Device::Cpu ? -1 : local_gpu_index();
  Device where = cfg.device;
  if (where == Device::Auto) {
    where = gpu >= 0 && why.empty() ? Device::Cuda : Device::Cpu;
    if (gpu >= 0 && !why.empty()) log_info("[score] a GPU is visible, but " + why + ": scoring on the CPU");
  }
  if (where == Device::Cpu) return std::make_unique<KernelRows>(ck, mirna, gene, dims, threads);
  if (const std::string p = cuda_scoring_problem(ck, dims); !p.empty()) throw Error(p);
  DeviceScorerOptions o;
  o.device = Device::Cuda;
  o.device_index = gpu;
  o.precision = cfg.score_precision;
  o.pairs_per_batch = cfg.score_device_pairs;
  o.threads = threads;
  return std::make_unique<DeviceRows>(ck, mirna, gene, dims, o);
}

// Everything scoring needs, tried on one miRNA row before /scores is touched: a bad
// checkpoint must not cost a finished matrix.
void check_inputs(const Config& cfg, const std::string& ckpt, const Embeddings& e) {
  const auto& [mirna, gene, dims] = e;
  const auto ck = model::Checkpoint::load(ckpt);  // names the file when it is not a checkpoint
  try {
    PoolScorer scorer(ck, mirna, gene, dims, 1);
    std::vector<float> row(gene.size() / dims);
    scorer.score_rows(0, 1, row.data());
  } catch (const std::exception& e) {
    throw InputError(ckpt, 0, std::string("the checkpoint does not fit the embeddings of ") + cfg.store + ": " + e.what());
  }
  if (cfg.device == Device::Cuda)  // before /scores is touched
    if (const std::string p = cuda_scoring_problem(ck, dims); !p.empty()) throw Error(p);
}

// Rank 0 prepares /scores: a fresh, fully allocated matrix, or checks what a resume continues.
void prepare_scores(const Config& cfg, const std::string& ckpt) {
  warn_if_reference_blas();
  const std::string id = hash_file_hex(ckpt, "checkpoint not found (run `aemigap cv` first, or pass --checkpoint)");
  Dataset d;
  Embeddings emb;
  {
    Store s = Store::open(cfg.store);
    d = read_dataset(s);
    embed::read_embeddings(s, emb.mirna, emb.gene, emb.dims);  // names the stage to run when missing
  }
  const std::uint64_t nm = d.n_mirna(), ng = d.n_gene(), br = static_cast<std::uint64_t>(cfg.score_block_rows);
  bool own = false;  // the checkpoint is the one this store's cv wrote
  {
    Store s = Store::open(cfg.store);
    // The store's own checkpoint must come from its current negatives, autoencoder and
    // embeddings; another checkpoint is the user's choice (its fit is tried below).
    own = s.exists(sc::kCv) && s.has_attr(sc::kCv, sc::kAttrCheckpointId) &&
          s.attr_string(sc::kCv, sc::kAttrCheckpointId) == id;
    if (own)
      lineage::require_current(s, lineage::Product::Cv, "score");
    else
      log_info("[score] checkpoint " + ckpt + " was not written by this store's `cv`: its lineage is not checked");
    if (cfg.resume && s.exists(sc::kScoreDone)) {
      auto dims = s.dims(sc::kScoreMatrix);
      if (dims != std::vector<std::uint64_t>{nm, ng} ||
          s.attr_int(sc::kScores, sc::kAttrBlockRows) != static_cast<std::int64_t>(br))
        throw InputError(cfg.store, 0,
                         "cannot resume: /scores was written for another shape or score-block-rows; run without --resume");
      if (s.attr_string(sc::kScores, sc::kAttrCheckpointId) != id)
        throw InputError(cfg.store, 0, "cannot resume: /scores was written with another checkpoint (" +
                                           s.attr_string(sc::kScores, sc::kAttrCheckpoint) + "); run without --resume");
      // Its finished rows would mix two models' inputs.
      lineage::require_current(s, lineage::Product::Scores, "score --resume (run without --resume to start over)");
      if (!s.has_attr(sc::kScores, sc::kAttrMadeFrom) || !s.exists(sc::kScoreChecksum))
        throw InputError(cfg.store, 0, "cannot resume: /scores was started by an older aemigap (no lineage or "
                                       "checksums); run without --resume");
      return;
    }
    if (cfg.resume) log_info("[score] nothing to resume in " + cfg.store + ": starting a fresh run");
  }
  check_inputs(cfg, ckpt, emb);
  const std::uint64_t nb = (nm + br - 1) / br;
  StoreUpdate up(cfg.store, false);
  Store& s = up.store();
  s.remove(sc::kScores);
  s.create_dataset<float>(sc::kScoreMatrix, nm, ng, br, /*compress=*/false);
  s.create_dataset<std::uint8_t>(sc::kScoreDone, nb, 1, nb, false);
  std::vector<std::uint8_t> zeros(nb, 0);
  s.write_rows(sc::kScoreDone, 0, nb, zeros.data());
  s.create_dataset<std::uint64_t>(sc::kScoreChecksum, nb, 1, nb, false);
  std::vector<std::uint64_t> no_sums(nb, 0);
  s.write_rows(sc::kScoreChecksum, 0, nb, no_sums.data());
  s.set_attr(sc::kScores, sc::kAttrBlockRows, static_cast<std::int64_t>(br));
  s.set_attr(sc::kScores, sc::kAttrNBlocks, static_cast<std::int64_t>(nb));
  s.set_attr(sc::kScores, sc::kAttrCheckpoint, ckpt);
  s.set_attr(sc::kScores, sc::kAttrCheckpointId, id);
  s.set_attr(sc::kScoreMatrix, sc::kAttrRows, std::string("miRNA index (/mirna/name)"));
  s.set_attr(sc::kScoreMatrix, sc::kAttrColumns, std::string("gene index (/gene/name)"));
  s.set_attr(sc::kScoreMatrix, sc::kAttrContent,
             std::string("probability in [0, 1] (sigmoid of the logit); NaN for validated positives; pairs "
                         "used as training negatives (/pairs/negative) are scored too"));
  {
    using lineage::Product;
    std::vector<Product> from{Product::Pairs, Product::Embeddings};
    if (own) from.push_back(Product::Cv);  // then a rebuilt negatives or autoencoder makes these scores stale too
    lineage::record(s, Product::Scores, from, {{"checkpoint", id}});
  }
  s.stamp("score", cfg.to_ini());
  up.commit();
}

}  // namespace

ScoreOutcome score_stage(const Config& cfg, dist::Communicator& comm, const volatile std::sig_atomic_t* stop) {
  const std::string ckpt = model::checkpoint_path(cfg);
  Stopwatch sw;
  ScoreOutcome out;
  if (!dist::on_rank0(comm, [&] { prepare_scores(cfg, ckpt); })) return out;

  // Every rank: inputs, the checkpoint, its own round-robin share of the blocks left.
  Dataset d;
  std::vector<float> mirna, gene;
  std::size_t dims = 0;
  {
    Store s = Store::open(cfg.store);
    d = read_dataset(s);
    embed::read_embeddings(s, mirna, gene, dims);
  }
  auto ck = model::Checkpoint::load(ckpt);
  const int threads = resolve_threads(cfg.threads);
  const auto scorer = make_row_scorer(cfg, ck, mirna, gene, dims, threads);
  const std::uint64_t nm = d.n_mirna(), ng = d.n_gene(), br = static_cast<std::uint64_t>(cfg.score_block_rows);
  const std::uint64_t nb = (nm + br - 1) / br;

  Store s = Store::open_parallel(cfg.store, MPI_COMM_WORLD);
  auto done = s.read<std::uint8_t>(sc::kScoreDone);
  std::vector<std::uint64_t> todo;
  for (std::uint64_t b = 0; b < nb; ++b)
    if (!done[b]) todo.push_back(b);
  const std::uint64_t total_pairs = nm * ng;
  std::uint64_t pairs_before = (nb - todo.size()) * br * ng;
  if (pairs_before > total_pairs) pairs_before = total_pairs;
  log_info("[score] " + std::to_string(todo.size()) + " of " + std::to_string(nb) + " blocks of " + std::to_string(br) +
           " miRNA rows to score on " + std::to_string(comm.size()) + " rank(s) x " + std::to_string(threads) +
           " threads (" + scorer->describe() + ")");
  // positives per row, to mask with NaN
  std::vector<std::uint64_t> pos_begin(nm + 1, 0);
  for (const auto& p : d.positives) ++pos_begin[static_cast<std::size_t>(p[0]) + 1];
  for (std::uint64_t r = 0; r < nm; ++r) pos_begin[r + 1] += pos_begin[r];

  Progress progress("score", "pairs", static_cast<double>(total_pairs - pairs_before), cfg.progress_interval);
  std::uint64_t scored = 0;
  const auto R = static_cast<std::uint64_t>(comm.size());
  const std::uint64_t rounds = (todo.size() + R - 1) / R;
  std::vector<float> buf;
  bool stopped = false;
  for (std::uint64_t k = 0; k < rounds; ++k) {
    std::uint64_t idx = k * R + static_cast<std::uint64_t>(comm.rank());
    std::uint64_t r0 = 0, rows = 0, b = 0;
    if (idx < todo.size()) {
      b = todo[idx];
      r0 = b * br;
      rows = std::min(nm, r0 + br) - r0;
      buf.assign(rows * ng, 0.0f);
      scorer->score_rows(r0, r0 + rows, buf.data());
      for (std::uint64_t r = r0; r < r0 + rows; ++r)
        for (std::uint64_t q = pos_begin[r]; q < pos_begin[r + 1]; ++q)
          buf[(r - r0) * ng + static_cast<std::uint64_t>(d.positives[q][1])] = NAN;
    }
    // Rows and their checksum first, then the block's done flag, then a flush: a flag is
    // never set before its rows.
    s.write_rows(sc::kScoreMatrix, r0, rows, buf.data(), /*collective=*/true);
    const std::uint64_t sum = rows ? block_checksum(buf.data(), rows * ng) : 0;
    s.write_rows(sc::kScoreChecksum, b, rows ? 1 : 0, &sum, true);
    s.flush();
    std::uint8_t one = 1;
    s.write_rows(sc::kScoreDone, b, rows ? 1 : 0, &one, true);
    s.flush();
    scored += comm.allreduce_value<std::uint64_t>(rows * ng, dist::ReduceOp::Sum);
    progress.update(static_cast<double>(scored), "block round " + std::to_string(k + 1) + "/" + std::to_string(rounds));
    std::int64_t want_stop = comm.allreduce_value<std::int64_t>(stop && *stop ? 1 : 0, dist::ReduceOp::Max);
    if (want_stop && k + 1 < rounds) {
      stopped = true;
      break;
    }
  }
  s.close();
  out.pairs = scored;
  if (stopped) {
    log_info("[score] stopped on a signal after " + human_count(static_cast<double>(scored)) +
             " pairs; the store is consistent: continue with `aemigap score --resume`");
    out.status = ScoreOutcome::Stopped;
    return out;
  }
  progress.finish();
  out.pairs_per_second = static_cast<double>(scored) / std::max(1e-9, progress.elapsed_s());
  // The ranking the reports use (option ranker), on rank 0 once the matrix is complete.
  if (!dist::on_rank0(comm, [&] { rank::write_ranking(cfg, d, threads); })) return out;
  out.seconds = sw.seconds();
  out.status = ScoreOutcome::Complete;
  return out;
}

}  // namespace aemigap::score

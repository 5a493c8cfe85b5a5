// aemigap train-ae and aemigap cv: the autoencoder and the cross-validated classifier.
#include <cstdio>
#include <filesystem>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/blas_check.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/dist/communicator.hpp"
#ifdef AEMIGAP_WITH_NCCL
#include "aemigap/dist/nccl_communicator.hpp"
#endif
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/train/cv.hpp"
#include "commands.hpp"

namespace aemigap::cli {

namespace {

// The backend that all-reduces gradients: MPI (host memory) or NCCL (device memory).
std::string train_backend(const Config& cfg, const std::string& device) {
  std::string b = cfg.dist_backend;
  if (b == "auto") {
#ifdef AEMIGAP_WITH_NCCL
    b = device == "cuda" ? "nccl" : "mpi";
#else
    b = "mpi";
#endif
  }
  if (b == "nccl") {
#ifndef AEMIGAP_WITH_NCCL
    throw ConfigError("dist-backend = nccl, but this build has no NCCL (configure with CUDA + NCCL present)");
#endif
    if (device != "cuda") throw ConfigError("dist-backend = nccl needs device = cuda (NCCL reduces device memory)");
  }
  return b;
}

std::unique_ptr<dist::Communicator> to_nccl(std::unique_ptr<dist::Communicator> mpi) {
#ifdef AEMIGAP_WITH_NCCL
  return dist::nccl_from(std::move(mpi));
#else
  return mpi;
#endif
}

}  // namespace

// Data-parallel over all ranks (each reads the store; rank 0 writes the autoencoder).
int run_train_ae(Context& ctx) {
  warn_if_reference_blas();
  Stopwatch sw;
  const Config& cfg = ctx.cfg;
  Dataset d;
  train::CvInputs in;
  {
    Store s = Store::open(cfg.store);
    d = read_dataset(s);
    Config no_ae = cfg;
    no_ae.features = "pair";  // the autoencoder is what this stage makes
    in = train::load_cv_inputs(s, d, no_ae);
  }
  train::AeHistory h;
  const std::string device = train::resolve_device(cfg.device);
  auto world = dist::mpi_world();
  if (train_backend(cfg, device) == "nccl") world = to_nccl(std::move(world));
  if (world->size() > 1)
    log_info("[train-ae] data-parallel over " + std::to_string(world->size()) + " ranks (" + world->backend() + ")");
  auto ae = train::fit_autoencoder(in, cfg, resolve_threads(cfg.threads), &h, world.get(), device);
  if (ctx.rank != 0) return 0;
  StoreUpdate up(cfg.store, false);
  up.store().remove("/ae");
  ae.write(up.store(), "/ae");
  up.store().write("/ae/train_loss", h.train_loss, {h.train_loss.size()}, false);
  up.store().write("/ae/test_loss", h.test_loss, {h.test_loss.size()}, false);
  up.store().set_attr("/ae", "train_rows", static_cast<std::int64_t>(h.train_rows));
  up.store().set_attr("/ae", "test_rows", static_cast<std::int64_t>(h.test_rows));
  up.store().set_attr("/ae", "epochs", static_cast<std::int64_t>(cfg.ae_epochs));
  up.store().set_attr("/ae", "seconds", h.seconds);
  up.store().stamp("train-ae", cfg.to_ini());
  up.commit();
  std::filesystem::create_directories(cfg.results_dir);
  AtomicFile f(cfg.results_dir + "/ae_loss.tsv");
  f.stream() << "epoch\ttrain_mse\ttest_mse\n";
  for (std::size_t e = 0; e < h.train_loss.size(); ++e) f.stream() << e + 1 << "\t" << h.train_loss[e] << "\t" << h.test_loss[e] << "\n";
  f.commit();
  char line[200];
  std::snprintf(line, sizeof line, "[train-ae] final MSE train %.5f test %.5f; wrote /ae in %s", h.train_loss.back(),
                h.test_loss.back(), human_seconds(sw.seconds()).c_str());
  log_info(line);
  return 0;
}

// Every rank takes part: fold groups, data-parallel within a group (train/cv.hpp); rank 0
// writes the outputs. --cv-task runs one fold (a job-array task), --cv-merge merges them.
int run_cv(Context& ctx) {
  warn_if_reference_blas();
  Stopwatch sw;
  const Config& cfg = ctx.cfg;
  const int threads = resolve_threads(cfg.threads);
  Dataset d;
  train::CvInputs in;
  {
    Store s = Store::open(cfg.store);
    d = read_dataset(s);
    in = train::load_cv_inputs(s, d, cfg);
  }
  const std::string device = train::resolve_device(cfg.device);
  const train::GroupComm group_comm = train_backend(cfg, device) == "nccl" ? &to_nccl : nullptr;
  auto world = dist::mpi_world();
  if (cfg.cv_task > 0) {
    train::run_cv_task(in, cfg, threads, *world, group_comm);
    return 0;
  }
  std::vector<train::ProtocolResult> results;
  if (cfg.cv_merge) {
    if (ctx.rank != 0) return 0;
    results = train::merge_cv_parts(in, cfg, threads);
  } else {
    results = train::run_cv(in, cfg, threads, *world, group_comm);
    if (ctx.rank != 0) return 0;
  }
  auto protocols = train::protocol_list(cfg.cv_protocols);
  train::write_cv_files(results, cfg);
  const std::string model_path = cfg.results_dir + "/model.pt";
  results[0].best_model->save(model_path);
  StoreUpdate up(cfg.store, false);
  up.store().remove("/cv");
  train::write_cv_store(up.store(), results, cfg);
  up.store().set_attr("/cv", "checkpoint", model_path);
  up.store().stamp("cv", cfg.to_ini());
  up.commit();
  std::fputs(("\n" + train::summary_markdown(results, cfg)).c_str(), stdout);
  std::fflush(stdout);
  log_info("[cv] wrote " + cfg.results_dir + "/{cv_metrics.tsv,cv_summary.md,roc_*.svg,confusion_*.svg}, " + model_path +
           " (best fold of " + protocols[0] + ") and /cv in " + human_seconds(sw.seconds()));
  return 0;
}

}  // namespace aemigap::cli

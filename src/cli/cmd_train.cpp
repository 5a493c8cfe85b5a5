// aemigap train-ae and aemigap cv: the autoencoder and the cross-validated classifier.
#include <cstdio>
#include <filesystem>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/blas_check.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/train/cv.hpp"
#include "commands.hpp"

namespace aemigap::cli {

int run_train_ae(Context& ctx) {
  if (ctx.rank != 0) return 0;
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
  auto ae = train::fit_autoencoder(in, cfg, resolve_threads(cfg.threads), &h);
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

int run_cv(Context& ctx) {
  if (ctx.rank != 0) return 0;  // the single-process CV (fold groups over ranks: the distributed issue)
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
  std::vector<train::ProtocolResult> results;
  auto protocols = train::protocol_list(cfg.cv_protocols);
  for (std::size_t i = 0; i < protocols.size(); ++i) {
    log_info("[cv] protocol " + protocols[i] + ": " + std::to_string(cfg.cv_folds) + " folds, " + cfg.classifier + " on " +
             cfg.features + ", " + std::to_string(cfg.train_samples) + " samples per fold");
    results.push_back(train::run_protocol(protocols[i], in, cfg, threads, /*keep_best=*/i == 0));
  }
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

#include "aemigap/core/hash.hpp"
#include "aemigap/core/lineage.hpp"
#include "aemigap/train/stages.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/blas_check.hpp"
#include "aemigap/core/config.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/train/cv.hpp"

namespace aemigap::train {

namespace sc = schema;

namespace {
// The store's dataset and what training reads from it (in.data points at d).
struct Loaded {
  Dataset d;
  CvInputs in;
};
std::unique_ptr<Loaded> load(const Config& cfg, const CvOptions& opt) {
  auto l = std::make_unique<Loaded>();
  Store s = Store::open(cfg.store);
  l->d = read_dataset(s);
  l->in = load_cv_inputs(s, l->d, opt);
  return l;
}
}  // namespace

void train_ae_stage(const Config& cfg, dist::Communicator& world) {
  warn_if_reference_blas();
  Stopwatch sw;
  const int threads = resolve_threads(cfg.threads);
  CvOptions opt = CvOptions::from(cfg, threads);
  opt.features = FeatureSet::Pair;  // the inputs without an autoencoder: it is what this stage makes
  opt.validation_pairs.clear();     // the independent check is cv's (final models), not this stage's
  const auto loaded = load(cfg, opt);
  const DistBackend backend = dist::training_backend(cfg.dist_backend, opt.device);
  auto comm = dist::for_backend(world.split(0, world.rank()), backend);
  if (comm->size() > 1)
    log_info("[train-ae] data-parallel over " + std::to_string(comm->size()) + " ranks (" + comm->backend() + ")");
  AeOptions ao = opt.ae;
  ao.comm = comm.get();
  ao.device = opt.device;
  AeHistory h;
  auto ae = fit_autoencoder(loaded->in, opt.ae_spec, ao, &h);
  if (world.rank() != 0) return;
  StoreUpdate up(cfg.store, false);
  Store& s = up.store();
  s.remove(sc::kAe);
  ae.write(s, sc::kAe);
  s.write(sc::kAeTrainLoss, h.train_loss, {h.train_loss.size()}, false);
  s.write(sc::kAeTestLoss, h.test_loss, {h.test_loss.size()}, false);
  s.set_attr(sc::kAe, sc::kAttrTrainRows, static_cast<std::int64_t>(h.train_rows));
  s.set_attr(sc::kAe, sc::kAttrTestRows, static_cast<std::int64_t>(h.test_rows));
  s.set_attr(sc::kAe, sc::kAttrEpochs, static_cast<std::int64_t>(cfg.ae_epochs));
  s.set_attr(sc::kAe, sc::kAttrSeconds, h.seconds);
  lineage::record(s, lineage::Product::Autoencoder);
  s.stamp("train-ae", cfg.to_ini());
  up.commit();
  lineage::warn_stale(cfg.store, "train-ae");
  std::filesystem::create_directories(cfg.results_dir);
  AtomicFile f(cfg.results_dir + "/ae_loss.tsv");
  f.stream() << "epoch\ttrain_mse\ttest_mse\n";
  for (std::size_t e = 0; e < h.train_loss.size(); ++e)
    f.stream() << e + 1 << "\t" << h.train_loss[e] << "\t" << h.test_loss[e] << "\n";
  f.commit();
  char line[200];
  std::snprintf(line, sizeof line, "[train-ae] final MSE train %.5f test %.5f; wrote /ae in %s", h.train_loss.back(),
                h.test_loss.back(), human_seconds(sw.seconds()).c_str());
  log_info(line);
}

std::string cv_stage(const Config& cfg, dist::Communicator& world) {
  warn_if_reference_blas();
  Stopwatch sw;
  const CvOptions opt = CvOptions::from(cfg, resolve_threads(cfg.threads));
  if (cfg.list_tasks) {  // the units depend on the options alone: no store read
    if (world.rank() == 0)
      for (const auto& line : list_units({CvJob{nullptr, opt, ""}})) std::printf("%s\n", line.c_str());
    return "";
  }
  const auto loaded = load(cfg, opt);
  const CvInputs& in = loaded->in;
  const DistBackend backend = dist::training_backend(cfg.dist_backend, opt.device);
  const GroupComm group_comm =
      backend == DistBackend::Nccl ? +[](std::unique_ptr<dist::Communicator> c) {
        return dist::for_backend(std::move(c), DistBackend::Nccl);
      }
                                   : nullptr;
  if (opt.task > 0) {
    run_cv_task(in, opt, world, group_comm);
    return "";
  }
  std::vector<ProtocolResult> results;
  if (cfg.cv_merge) {
    if (world.rank() != 0) return "";
    results = merge_cv_parts(in, opt);
  } else {
    results = run_cv(in, opt, world, group_comm);
    if (world.rank() != 0) return "";
  }
  write_cv_files(results, opt);
  const std::string model_path = cfg.results_dir + "/model.pt";
  results[0].final_model->save(model_path);
  StoreUpdate up(cfg.store, false);
  up.store().remove(sc::kCv);
  write_cv_store(up.store(), results, opt);
  up.store().set_attr(sc::kCv, sc::kAttrCheckpoint, model_path);
  const std::string ckpt_id = hash_file_hex(model_path, "the checkpoint just written is missing");
  up.store().set_attr(sc::kCv, sc::kAttrCheckpointId, ckpt_id);
  {
    using lineage::Product;
    std::vector<Product> from{Product::Pairs, Product::Embeddings, Product::Negatives};
    if (opt.needs_ae() && !opt.ae_per_fold) from.push_back(Product::Autoencoder);  // a per-fold autoencoder is cv's own
    lineage::record(up.store(), Product::Cv, from, {{"checkpoint", ckpt_id}});
  }
  up.store().stamp("cv", cfg.to_ini());
  up.commit();
  log_info("[cv] wrote " + cfg.results_dir + "/{cv_metrics.tsv,cv_summary.md,roc_*.{svg,tsv},confusion_*.{svg,tsv}}, " + model_path +
            " (" + name_of(opt.protocols.front()) + "'s final model, trained on every sample) and /cv in " + human_seconds(sw.seconds()));
  return summary_markdown(results, opt);
}

}  // namespace aemigap::train

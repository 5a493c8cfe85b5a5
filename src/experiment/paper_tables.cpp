#include "aemigap/experiment/paper_tables.hpp"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>

#include "aemigap/core/lineage.hpp"
#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/blas_check.hpp"
#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/train/cv.hpp"

namespace aemigap::experiment {

namespace {

struct Row {
  std::string label;
  CvProtocol protocol;
  train::MetricSummary s;
  std::vector<train::Metrics> folds;
};

std::string f4(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", v);
  return b;
}

// What an experiment gives each variant: run(label, options) appends its CV rows.
using RunVariant = std::function<void(const std::string& label, const train::CvOptions& opt)>;

struct Experiment {
  const char* name;
  bool per_fold_table;  // one row per fold (Table 3) instead of mean ± sd per variant
  bool needs_stored_ae;  // uses /ae (the latent sweep fits its own)
  void (*variants)(const train::CvOptions& base, train::CvInputs& in, const RunVariant& run);
};

void latent_sweep(const train::CvOptions& base, train::CvInputs& in, const RunVariant& run) {
  for (int latent : {8, 16, 32, 64, 128}) {
    train::CvOptions o = base;
    o.ae_spec.latent = latent;
    o.ae_per_fold = false;
    in.ae = std::make_unique<model::AutoencoderModel>(train::fit_autoencoder(in, o.ae_spec, o.ae, nullptr));
    for (FeatureSet fs : {FeatureSet::Latent, FeatureSet::PairLatent}) {
      o.features = fs;
      run(std::string(fs == FeatureSet::Latent ? "A (latent)" : "B (pair+latent)") + ", latent " + std::to_string(latent),
          o);
    }
  }
}

void folds(const train::CvOptions& base, train::CvInputs&, const RunVariant& run) {
  run(std::string(name_of(base.classifier.arch)) + ", " + name_of(base.features), base);
}

void ae_vs_pair(const train::CvOptions& base, train::CvInputs&, const RunVariant& run) {
  for (FeatureSet fs : {FeatureSet::Pair, FeatureSet::PairLatent}) {
    train::CvOptions o = base;
    o.features = fs;
    run(fs == FeatureSet::Pair ? "miGAP (pair, 128)" : "AEmiGAP (pair+latent)", o);
  }
}

void models(const train::CvOptions& base, train::CvInputs&, const RunVariant& run) {
  for (Arch a : {Arch::Lstm, Arch::BiLstm, Arch::Gru, Arch::Transformer}) {
    train::CvOptions o = base;
    o.classifier.arch = a;
    run(name_of(a), o);
  }
}

const Experiment kExperiments[] = {
    {"latent-sweep", false, false, latent_sweep},
    {"folds", true, true, folds},
    {"ae-vs-pair", false, true, ae_vs_pair},
    {"models", false, true, models},
};

}  // namespace

const std::vector<std::string>& paper_experiments() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& e : kExperiments) v.emplace_back(e.name);
    return v;
  }();
  return names;
}

std::string run_paper_experiment(const std::string& name, const Config& cfg) {
  const Experiment* ex = nullptr;
  for (const auto& e : kExperiments)
    if (name == e.name) ex = &e;
  if (!ex) throw ConfigError("unknown experiment '" + name + "' (latent-sweep | folds | ae-vs-pair | models | recovery)");
  warn_if_reference_blas();
  Stopwatch sw;
  const int threads = resolve_threads(cfg.threads);
  const train::CvOptions base = train::CvOptions::from(cfg, threads);
  Dataset d;
  train::CvInputs in;
  {
    Store s = Store::open(cfg.store);
    d = read_dataset(s);
    train::CvOptions pair_only = base;
    pair_only.features = FeatureSet::Pair;  // the stored /ae is read below, whatever the features
    in = train::load_cv_inputs(s, d, pair_only);
    if (s.exists(std::string(schema::kAe) + schema::kAeScalerMin)) {
      lineage::require_current(s, lineage::Product::Autoencoder, "experiment " + name);
      in.ae = std::make_unique<model::AutoencoderModel>(model::AutoencoderModel::read(s, schema::kAe));
    }
  }
  if (ex->needs_stored_ae && base.needs_ae() && !base.ae_per_fold && !in.ae)
    throw InputError(cfg.store, 0, "store has no autoencoder (/ae): run `aemigap train-ae` first");
  std::vector<Row> rows;
  ex->variants(base, in, [&](const std::string& label, const train::CvOptions& o) {
    for (CvProtocol p : o.protocols) {
      log_info("[experiment " + name + "] " + label + ", protocol " + name_of(p));
      auto r = train::run_protocol(p, in, o, false);
      Row row{label, p, r.summary, {}};
      for (const auto& f : r.folds) row.folds.push_back(f.metrics);
      rows.push_back(std::move(row));
    }
  });

  std::ostringstream md, tsv;
  md << "# Experiment: " << name << "\n\n";
  tsv << "variant\tprotocol\tfold\tauc\tf1\tprecision\trecall\taccuracy\n";
  if (ex->per_fold_table) {
    md << "| protocol | fold | AUC | F1 | precision | recall | accuracy |\n|---|---|---|---|---|---|---|\n";
    for (const auto& r : rows) {
      for (std::size_t k = 0; k < r.folds.size(); ++k) {
        const auto& m = r.folds[k];
        md << "| " << name_of(r.protocol) << " | " << k + 1 << " | " << f4(m.auc) << " | " << f4(m.f1) << " | "
           << f4(m.precision) << " | " << f4(m.recall) << " | " << f4(m.accuracy) << " |\n";
      }
      const auto& m = r.s.mean;
      md << "| " << name_of(r.protocol) << " | mean | " << f4(m.auc) << " | " << f4(m.f1) << " | " << f4(m.precision)
         << " | " << f4(m.recall) << " | " << f4(m.accuracy) << " |\n";
    }
  } else {
    md << "| variant | protocol | AUC | F1 | precision | recall | accuracy |\n|---|---|---|---|---|---|---|\n";
    for (const auto& r : rows) {
      const auto &m = r.s.mean, &sd = r.s.sd;
      md << "| " << r.label << " | " << name_of(r.protocol) << " | " << f4(m.auc) << " ± " << f4(sd.auc) << " | "
         << f4(m.f1) << " ± " << f4(sd.f1) << " | " << f4(m.precision) << " | " << f4(m.recall) << " | "
         << f4(m.accuracy) << " |\n";
    }
  }
  for (const auto& r : rows)
    for (std::size_t k = 0; k < r.folds.size(); ++k) {
      const auto& m = r.folds[k];
      tsv << r.label << "\t" << name_of(r.protocol) << "\t" << k + 1 << "\t" << m.auc << "\t" << m.f1 << "\t"
          << m.precision << "\t" << m.recall << "\t" << m.accuracy << "\n";
    }
  md << "\nBudgets: " << cfg.train_samples << " training samples per fold, " << cfg.cv_folds << " folds, autoencoder "
     << cfg.ae_epochs << " epochs (latent " << cfg.ae_latent << " unless swept), embeddings: " << cfg.embed_epochs
     << " gene epochs; seed " << cfg.seed << ". The paper trains 5,000,000 samples and 200 autoencoder epochs "
     << "(configs/paper.ini); the quick preset uses much smaller budgets.\n";
  std::filesystem::create_directories(cfg.results_dir);
  AtomicFile fm(cfg.results_dir + "/experiment_" + name + ".md");
  fm.stream() << md.str();
  fm.commit();
  AtomicFile ft(cfg.results_dir + "/experiment_" + name + ".tsv");
  ft.stream() << tsv.str();
  ft.commit();
  log_info("[experiment " + name + "] wrote " + cfg.results_dir + "/experiment_" + name + ".{md,tsv} in " +
           human_seconds(sw.seconds()));
  return md.str();
}

}  // namespace aemigap::experiment

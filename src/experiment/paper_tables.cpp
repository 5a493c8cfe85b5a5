#include "aemigap/experiment/paper_tables.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/blas_check.hpp"
#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/hash.hpp"
#include "aemigap/core/lineage.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/communicator.hpp"
#include "aemigap/train/cv.hpp"
#include "aemigap/train/plots.hpp"

namespace aemigap::experiment {

namespace {

// One row group of a table: a CV job. fit_ae: the variant fits its own shared autoencoder
// from its options (the latent sweep, the budget curve's epochs); otherwise it uses the
// store's /ae (or none, or one per fold, as its options say). paper: the paper's numbers.
struct Variant {
  std::string label;
  train::CvOptions opt;
  bool fit_ae = false;
  std::string paper;
};

struct Experiment {
  const char* name;
  const char* table;     // the paper's table it reproduces
  bool per_fold_table;   // one row per fold (Table 3) instead of mean ± sd per variant
  bool needs_stored_ae;  // uses /ae (the latent sweep fits its own)
  void (*variants)(const Config& cfg, const train::CvOptions& base, std::vector<Variant>& out);
  // Extra figures (SVG + the table's TSV) written beside the table; null: none.
  void (*plots)(const std::vector<Variant>& vars, const std::vector<std::vector<train::ProtocolResult>>& res,
                const std::string& prefix);
};

// The published numbers we can cite (docs/results/paper/README.md says where from and
// which cells of the paper's tables we could not read).
constexpr const char* kPaperAuc = "AUC 0.9846 (AEmiGAP, 5-fold mean)";
constexpr const char* kMigapAuc = "AUC 0.9834 (miGAP's own paper)";

void latent_sweep(const Config&, const train::CvOptions& base, std::vector<Variant>& out) {
  for (int latent : {8, 16, 32, 64, 128})
    for (FeatureSet fs : {FeatureSet::Latent, FeatureSet::PairLatent}) {
      train::CvOptions o = base;
      o.ae_spec.latent = latent;
      o.ae_per_fold = false;
      o.features = fs;
      out.push_back({std::string(fs == FeatureSet::Latent ? "A (latent)" : "B (pair+latent)") + ", latent " +
                         std::to_string(latent),
                     o, true, ""});
    }
}

void folds(const Config&, const train::CvOptions& base, std::vector<Variant>& out) {
  train::CvOptions shared = base;
  shared.ae_per_fold = false;
  const std::string what = std::string(name_of(base.classifier.arch)) + ", " + name_of(base.features);
  out.push_back({what + ", autoencoder fitted once on every pair (as the paper)", shared, false, kPaperAuc});
  if (base.needs_ae()) {
    train::CvOptions per_fold = base;
    per_fold.ae_per_fold = true;
    out.push_back({what + ", autoencoder fitted per training fold", per_fold, false, ""});
  }
}

void ae_vs_pair(const Config&, const train::CvOptions& base, std::vector<Variant>& out) {
  for (FeatureSet fs : {FeatureSet::Pair, FeatureSet::PairLatent}) {
    train::CvOptions o = base;
    o.features = fs;
    out.push_back({fs == FeatureSet::Pair ? "miGAP (pair, 128)" : "AEmiGAP (pair+latent)", o, false,
                   fs == FeatureSet::Pair ? kMigapAuc : kPaperAuc});
  }
}

void models(const Config&, const train::CvOptions& base, std::vector<Variant>& out) {
  for (Arch a : {Arch::Lstm, Arch::BiLstm, Arch::Gru, Arch::Transformer}) {
    train::CvOptions o = base;
    o.classifier.arch = a;
    out.push_back({name_of(a), o, false, a == Arch::Lstm ? kPaperAuc : ""});
  }
}

// The budget curve, on the paper's protocol (budget-samples, budget-ae-epochs,
// budget-fold-samples; by default the points): 5-fold CV at 50 k, 200 k and 1 M
// training samples with the store's autoencoder; the autoencoder at 50 and 200 epochs (its
// own, at the first sample point); and last, the longest, one fold at the paper's 5 M.
void budget(const Config& cfg, const train::CvOptions& base, std::vector<Variant>& out) {
  train::CvOptions paper = base;
  paper.protocols = ChoiceList<CvProtocol>{CvProtocol::Paper};
  paper.ae_per_fold = false;
  const std::string store_ae = ", autoencoder " + std::to_string(base.ae.epochs) + " epochs (/ae)";
  // A point listed twice would be two variants in one results folder, training into the
  // same parts and checkpoints.
  for (const auto& [name, list] : {std::pair{"budget-samples", &cfg.budget_samples},
                                   std::pair{"budget-ae-epochs", &cfg.budget_ae_epochs}})
    for (std::size_t i = 0; i < list->size(); ++i)
      if (std::find(list->begin(), list->begin() + static_cast<long>(i), (*list)[i]) != list->begin() + static_cast<long>(i))
        throw ConfigError(std::string("option '") + name + "' lists " + std::to_string((*list)[i]) +
                          " twice: give each point once");
  for (int n : cfg.budget_samples) {
    train::CvOptions o = paper;
    o.train.samples = n;
    out.push_back({std::to_string(n) + " samples" + store_ae, o, false, ""});
  }
  for (int epochs : cfg.budget_ae_epochs) {
    train::CvOptions o = paper;
    o.train.samples = cfg.budget_samples.front();
    o.ae.epochs = epochs;
    out.push_back({std::to_string(o.train.samples) + " samples, autoencoder " + std::to_string(epochs) + " epochs", o,
                   true, ""});
  }
  if (cfg.budget_fold_samples > 0) {
    train::CvOptions o = paper;
    o.train.samples = cfg.budget_fold_samples;
    o.folds_trained = 1;
    out.push_back({std::to_string(o.train.samples) + " samples, fold 1 of " + std::to_string(o.folds) + " only" +
                       store_ae,
                   o, false,
                   o.train.samples == 5000000 ? "AUC 0.9846 at the paper's budget (5 M samples, 200 autoencoder epochs)"
                                              : ""});
  }
}

// The budget curve's two figures: AUC against training samples and against autoencoder
// epochs (the 50 k row with the store's autoencoder is the first epoch point).
void budget_plots(const std::vector<Variant>& vars, const std::vector<std::vector<train::ProtocolResult>>& res,
                  const std::string& prefix) {
  train::Series cv_s{"CV AUC (paper protocol)", {}, {}}, ind_s{"independent per-miRNA AUC", {}, {}};
  train::Series cv_e = cv_s, ind_e = ind_s;
  for (std::size_t v = 0; v < vars.size(); ++v) {
    if (res[v].empty()) continue;
    const auto& r = res[v].front();
    const auto& o = vars[v].opt;
    // The epoch axis: its own rows, and the first 5-fold sample point (the store's autoencoder).
    const bool epochs_row = vars[v].fit_ae || (v == 0 && o.folds_trained == 0);
    auto add = [&](train::Series& c, train::Series& i, double x) {
      c.x.push_back(x), c.y.push_back(r.summary.mean.auc);
      if (r.independent.measured) i.x.push_back(x), i.y.push_back(r.independent.mirna_auc);
    };
    if (!vars[v].fit_ae) add(cv_s, ind_s, static_cast<double>(o.train.samples));
    if (epochs_row) add(cv_e, ind_e, o.ae.epochs);
  }
  // Each line left to right, whatever order the options list the points in.
  for (train::Series* sr : {&cv_s, &ind_s, &cv_e, &ind_e}) {
    std::vector<std::pair<double, double>> pts;
    for (std::size_t i = 0; i < sr->x.size(); ++i) pts.emplace_back(sr->x[i], sr->y[i]);
    std::sort(pts.begin(), pts.end());
    for (std::size_t i = 0; i < pts.size(); ++i) sr->x[i] = pts[i].first, sr->y[i] = pts[i].second;
  }
  for (const auto& [file, title, xl, a, b] :
       {std::tuple{"_samples.svg", std::string("AUC vs training samples (autoencoder from the store; a one-fold point is fold 1's)"),
                   "training samples per model", &cv_s, &ind_s},
        std::tuple{"_ae_epochs.svg", "AUC vs autoencoder epochs (" + std::to_string(vars.front().opt.train.samples) + " samples)",
                   "autoencoder epochs", &cv_e, &ind_e}}) {
    AtomicFile f(prefix + file);
    f.stream() << train::log_x_lines_svg(title, {*a, *b}, xl, "AUC");
    f.commit();
  }
}

const Experiment kExperiments[] = {
    {"latent-sweep", "Table 2", false, false, latent_sweep, nullptr},
    {"folds", "Table 3", true, true, folds, nullptr},
    {"ae-vs-pair", "Table 11", false, true, ae_vs_pair, nullptr},
    {"models", "Table 13", false, true, models, nullptr},
    {"budget", "budget curve (issue #16)", false, true, budget, budget_plots},
};

std::string f4(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", v);
  return b;
}

// A folder name for a variant label: "B (pair+latent), latent 8" -> "b-pair-latent-latent-8".
std::string slug(const std::string& label) {
  std::string s;
  for (unsigned char c : label)
    if (std::isalnum(c)) s += static_cast<char>(std::tolower(c));
    else if (!s.empty() && s.back() != '-') s += '-';
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

// ------------------------------------------------------------------ the latent sweep's autoencoders

// What a fitted autoencoder depends on: the pairs it sees and its settings (not the ranks).
std::uint64_t ae_fit_fingerprint(const train::CvInputs& in, const model::AutoencoderSpec& spec, const train::AeOptions& ao) {
  std::uint64_t h = hash_bytes(in.mirna.data(), in.mirna.size() * 4);
  h = hash_bytes(in.gene.data(), in.gene.size() * 4, h);
  h = hash_bytes(in.negatives.data(), in.negatives.size() * sizeof(in.negatives[0]), h);
  h = hash_bytes(in.data->positives.data(), in.data->positives.size() * sizeof(in.data->positives[0]), h);
  std::ostringstream o;
  o << spec.input << '|' << spec.latent << '|';
  for (int w : spec.hidden) o << w << ',';
  o << '|' << ao.epochs << '|' << ao.batch << '|' << ao.lr << '|' << ao.test_fraction << '|' << ao.seed;
  return hash_string(o.str(), h);
}

// A fitted autoencoder's cache name: what differs between the variants that fit one.
std::string ae_cache_name(const train::CvOptions& o) {
  return "latent" + std::to_string(o.ae_spec.latent) + "-epochs" + std::to_string(o.ae.epochs);
}
std::string ae_cache_path(const std::string& dir, const std::string& name) { return dir + "/ae/" + name + ".h5"; }

// Whether the cache holds an autoencoder fitted from the same pairs and settings (reads
// its attribute only).
bool cache_is_current(const std::string& path, std::uint64_t fp) {
  if (!std::filesystem::exists(path)) return false;
  const Store s = Store::open(path);
  return s.attr_string("/ae", "fit_fingerprint") == std::to_string(fp);
}

// The cached autoencoder when it is current, else null.
std::unique_ptr<model::AutoencoderModel> read_cached_ae(const std::string& path, std::uint64_t fp) {
  if (!cache_is_current(path, fp)) return nullptr;
  return std::make_unique<model::AutoencoderModel>(model::AutoencoderModel::read(Store::open(path), "/ae"));
}

// Fits the autoencoder of `latent` over `comm` (data-parallel) and caches it (comm rank 0).
void fit_cached_ae(const train::CvInputs& in, const train::CvOptions& opt, dist::Communicator* comm,
                   const std::string& path, std::uint64_t fp) {
  train::AeOptions ao = opt.ae;
  ao.comm = comm;
  ao.device = opt.device;
  auto ae = train::fit_autoencoder(in, opt.ae_spec, ao, nullptr);
  if (comm && comm->rank() != 0) return;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  StoreUpdate up(path, true);
  ae.write(up.store(), "/ae");
  up.store().set_attr("/ae", "fit_fingerprint", std::to_string(fp));
  up.commit();
  log_info("[experiment] autoencoder of latent " + std::to_string(opt.ae_spec.latent) + " cached in " + path);
}

// ------------------------------------------------------------------ the tables

struct Table {
  std::string md, tsv;
};

Table make_table(const Experiment& ex, const std::vector<Variant>& vars,
                 const std::vector<std::vector<train::ProtocolResult>>& res, const Config& cfg, double wall_s) {
  std::ostringstream md, tsv;
  double unit_s = 0;
  std::size_t n_units = 0;
  for (const auto& job : res)
    for (const auto& r : job) {
      for (const auto& f : r.folds) unit_s += f.train.seconds, ++n_units;
      if (r.has_final) unit_s += r.final_fit.train.seconds, ++n_units;
    }
  md << "# Experiment " << ex.name << " (the paper's " << ex.table << ")\n\n";
  auto ind = [](const train::ProtocolResult& r, bool mirna) {
    return r.independent.measured ? f4(mirna ? r.independent.mirna_auc : r.independent.auc) : std::string("–");
  };
  if (ex.per_fold_table) {
    md << "| variant | protocol | fold | AUC | F1 | precision | recall | accuracy | independent per-miRNA AUC | paper |\n"
          "|---|---|---|---|---|---|---|---|---|---|\n";
    for (std::size_t v = 0; v < vars.size(); ++v)
      for (const auto& r : res[v]) {
        for (std::size_t k = 0; k < r.folds.size(); ++k) {
          const auto& m = r.folds[k].metrics;
          md << "| " << vars[v].label << " | " << name_of(r.protocol) << " | " << k + 1 << " | " << f4(m.auc) << " | "
             << f4(m.f1) << " | " << f4(m.precision) << " | " << f4(m.recall) << " | " << f4(m.accuracy) << " | | |\n";
        }
        const auto &m = r.summary.mean, &sd = r.summary.sd;
        md << "| " << vars[v].label << " | " << name_of(r.protocol) << " | **mean ± sd** | " << f4(m.auc) << " ± "
           << f4(sd.auc) << " | " << f4(m.f1) << " ± " << f4(sd.f1) << " | " << f4(m.precision) << " | " << f4(m.recall)
           << " | " << f4(m.accuracy) << " | " << ind(r, true) << " | "
           << (r.protocol == CvProtocol::Paper ? vars[v].paper : std::string()) << " |\n";
      }
  } else {
    md << "| variant | protocol | AUC | F1 | precision | recall | accuracy | independent per-miRNA AUC | independent AUC "
          "| paper |\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (std::size_t v = 0; v < vars.size(); ++v)
      for (const auto& r : res[v]) {
        const auto &m = r.summary.mean, &sd = r.summary.sd;
        auto pm = [&](double mean, double spread) { return train::mean_sd_text(mean, spread, r.folds.size()); };
        md << "| " << vars[v].label << " | " << name_of(r.protocol) << " | " << pm(m.auc, sd.auc) << " | "
           << pm(m.f1, sd.f1) << " | " << f4(m.precision) << " | " << f4(m.recall) << " | "
           << f4(m.accuracy) << " | " << ind(r, true) << " | " << ind(r, false) << " | "
           << (r.protocol == CvProtocol::Paper ? vars[v].paper : std::string()) << " |\n";
      }
  }
  tsv << "variant\tprotocol\tfold\tauc\tf1\tprecision\trecall\taccuracy\tindependent_auc\tindependent_mirna_auc"
         "\tindependent_n_mirna\tn_train\ttrain_seconds\n";
  for (std::size_t v = 0; v < vars.size(); ++v)
    for (const auto& r : res[v]) {
      // The three independent columns, each followed by its tab; blank where not measured.
      auto ind_cols = [&](bool show) {
        return show ? std::to_string(r.independent.auc) + '\t' + std::to_string(r.independent.mirna_auc) + '\t' +
                          std::to_string(r.independent.n_mirna) + '\t'
                    : std::string("\t\t\t");
      };
      for (std::size_t k = 0; k < r.folds.size(); ++k) {
        const auto& f = r.folds[k];
        const auto& m = f.metrics;
        // Without a final model (a one-fold point) fold 1's model carries the independent check.
        tsv << vars[v].label << '\t' << name_of(r.protocol) << '\t' << k + 1 << '\t' << m.auc << '\t' << m.f1 << '\t'
            << m.precision << '\t' << m.recall << '\t' << m.accuracy << '\t'
            << ind_cols(!r.has_final && k == 0 && r.independent.measured) << f.n_train << '\t' << f.train.seconds
            << '\n';
      }
      if (r.has_final)
        tsv << vars[v].label << '\t' << name_of(r.protocol) << "\tfinal\t\t\t\t\t\t"
            << ind_cols(r.independent.measured) << r.final_fit.n_train << '\t' << r.final_fit.train.seconds << '\n';
    }
  const train::IndependentResult* any = nullptr;
  for (const auto& job : res)
    for (const auto& r : job)
      if (r.independent.measured) any = &r.independent;
  md << "\nMean ± sd over " << cfg.cv_folds << " folds. Protocols: paper = the paper's distance-filtered negatives; "
     << "uniform = as many negatives drawn uniformly from the unknown pool (the same rows without the distance "
        "filter, so the gap between them is what the filter adds). Independent: each variant's final model (trained "
        "the same way on every sample after the folds; a row of one fold: that fold's model) ranks ";
  if (any)
    md << any->n_held << " validated pairs of other databases (validation-pairs; never trained on) among "
       << any->n_sampled << " sampled unknown pairs of the same " << any->n_mirna
       << " miRNAs: the mean per-miRNA AUC and the AUC over all of them (0.5 = random).";
  else
    md << "nothing here (validation-pairs is empty).";
  md << "\n\nBudgets: " << cfg.train_samples << " training samples per model, " << cfg.cv_folds
     << " folds, autoencoder " << cfg.ae_epochs << " epochs (latent " << cfg.ae_latent << " unless swept), "
     << "embeddings " << cfg.embed_epochs << " gene epochs; seed " << cfg.seed
     << ". The paper trains 5,000,000 samples and 200 autoencoder epochs (configs/paper.ini). Genes are protein "
        "sequences here (UniProt, by symbol); the paper embedded BioMart DNA sequences, so its gene vectors differ "
        "from these.\n\nTime: " << n_units << " units trained in " << human_seconds(unit_s)
     << " of training (summed over units), this run " << human_seconds(wall_s) << " wall.\n";
  return {md.str(), tsv.str()};
}

}  // namespace

const std::vector<std::string>& paper_experiments() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& e : kExperiments) v.emplace_back(e.name);
    return v;
  }();
  return names;
}

std::string run_paper_experiment(const std::string& name, const Config& cfg, dist::Communicator& world) {
  const Experiment* ex = nullptr;
  for (const auto& e : kExperiments)
    if (name == e.name) ex = &e;
  if (!ex) throw ConfigError("unknown experiment '" + name + "' (latent-sweep | folds | ae-vs-pair | models | budget | recovery)");
  Stopwatch sw;
  const int threads = resolve_threads(cfg.threads);
  train::CvOptions base = train::CvOptions::from(cfg, threads);
  base.final_every_protocol = true;  // every protocol's final model gets its independent AUC
  base.keep_final_model = false;
  base.task = 0;
  const std::string dir = cfg.results_dir + "/experiment_" + name;
  std::vector<Variant> vars;
  ex->variants(cfg, base, vars);
  for (auto& v : vars) v.opt.results_dir = dir + "/" + slug(v.label);
  auto jobs_of = [&](const std::vector<const train::CvInputs*>& ins) {
    std::vector<train::CvJob> jobs;
    for (std::size_t i = 0; i < vars.size(); ++i) jobs.push_back({ins[i], vars[i].opt, vars[i].label});
    return jobs;
  };
  if (cfg.list_tasks) {
    if (world.rank() == 0)
      for (const auto& line : train::list_units(jobs_of(std::vector<const train::CvInputs*>(vars.size(), nullptr))))
        std::printf("%s\n", line.c_str());
    return "";
  }
  warn_if_reference_blas();
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
  if (ex->needs_stored_ae && base.needs_ae() && !in.ae &&
      std::any_of(vars.begin(), vars.end(), [](const Variant& v) { return v.opt.needs_ae() && !v.opt.ae_per_fold; }))
    throw InputError(cfg.store, 0, "store has no autoencoder (/ae): run `aemigap train-ae` first");

  // The autoencoders variants fit for themselves (the latent sweep's five, the budget
  // curve's epochs), one per distinct spec and options: in a full run spread over the ranks
  // (groups of ranks fit them data-parallel) and cached; a task fits only its own (or finds
  // it cached); the merge only reads them.
  struct Fit {
    std::uint64_t fp;
    const Variant* first;
  };
  std::map<std::string, Fit> fits;  // cache name -> fit
  for (const auto& v : vars)
    if (v.fit_ae) fits.emplace(ae_cache_name(v.opt), Fit{ae_fit_fingerprint(in, v.opt.ae_spec, v.opt.ae), &v});
  std::string task_fit;  // a task's own autoencoder ("" = none)
  if (cfg.experiment_task > 0) {
    const std::size_t j =
        train::unit_job(jobs_of(std::vector<const train::CvInputs*>(vars.size(), nullptr)), cfg.experiment_task);
    if (j < vars.size() && vars[j].fit_ae) task_fit = ae_cache_name(vars[j].opt);
  }
  auto wanted = [&](const std::string& key) { return cfg.experiment_task == 0 || key == task_fit; };
  if (!cfg.experiment_merge && !fits.empty()) {
    std::vector<std::string> todo;
    for (const auto& [key, f] : fits) {
      if (!wanted(key)) continue;
      std::int32_t cached = 0;
      if (world.rank() == 0) {
        cached = cache_is_current(ae_cache_path(dir, key), f.fp);
        if (!cached && std::filesystem::exists(ae_cache_path(dir, key)))
          log_warn("[experiment] " + ae_cache_path(dir, key) + " was fitted from other pairs or settings: fitting it again");
      }
      world.broadcast(&cached, 1, dist::DType::Int32, 0);
      if (!cached) todo.push_back(key);
    }
    if (!todo.empty()) {
      const int G = std::min<int>(world.size(), static_cast<int>(todo.size()));
      const int color = world.rank() % G;
      auto group = world.split(color, world.rank());
      for (std::size_t i = static_cast<std::size_t>(color); i < todo.size(); i += static_cast<std::size_t>(G))
        fit_cached_ae(in, fits.at(todo[i]).first->opt, group.get(), ae_cache_path(dir, todo[i]), fits.at(todo[i]).fp);
    }
    world.barrier();
  }
  std::map<std::string, train::CvInputs> fitted;
  for (const auto& [key, f] : fits) {
    if (!wanted(key)) continue;
    auto ae = read_cached_ae(ae_cache_path(dir, key), f.fp);
    if (!ae)
      throw InputError(ae_cache_path(dir, key), 0,
                       "the autoencoder " + key +
                           " is missing or was fitted from other inputs: run the experiment tasks that use it first");
    fitted.emplace(key, in.with_ae(std::move(ae)));
  }
  std::vector<const train::CvInputs*> ins;
  for (const auto& v : vars) {
    auto it = v.fit_ae ? fitted.find(ae_cache_name(v.opt)) : fitted.end();
    ins.push_back(it != fitted.end() ? &it->second : &in);  // a task's other variants: never prepared
  }
  const auto jobs = jobs_of(ins);

  std::vector<std::vector<train::ProtocolResult>> res;
  if (cfg.experiment_task > 0) {
    train::run_cv_jobs_task(jobs, cfg.experiment_task, "experiment-task", world);
    return "";
  }
  if (cfg.experiment_merge) {
    if (world.rank() != 0) return "";
    res = train::merge_cv_jobs(jobs, "experiment-task");
  } else {
    log_info("[experiment " + name + "] " + std::to_string(vars.size()) + " variants, " +
             std::to_string(train::list_units(jobs).size()) + " units over " + std::to_string(world.size()) +
             " rank(s)");
    res = train::run_cv_jobs(jobs, world);
    if (world.rank() != 0) return "";
  }
  const Table t = make_table(*ex, vars, res, cfg, sw.seconds());
  std::filesystem::create_directories(cfg.results_dir);
  AtomicFile fm(cfg.results_dir + "/experiment_" + name + ".md");
  fm.stream() << t.md;
  fm.commit();
  AtomicFile ft(cfg.results_dir + "/experiment_" + name + ".tsv");
  ft.stream() << t.tsv;
  ft.commit();
  if (ex->plots) ex->plots(vars, res, cfg.results_dir + "/experiment_" + name);
  // Each variant's own CV outputs beside its parts: metrics, summary, ROC and confusion
  // matrix (all test folds pooled), as `cv` writes them.
  for (std::size_t i = 0; i < vars.size(); ++i) train::write_cv_files(res[i], vars[i].opt);
  log_info("[experiment " + name + "] wrote " + cfg.results_dir + "/experiment_" + name + ".{md,tsv} and each variant's " +
           "cv_metrics.tsv, roc_*, confusion_* under " + cfg.results_dir + "/experiment_" + name + "/ in " +
           human_seconds(sw.seconds()));
  return t.md;
}

}  // namespace aemigap::experiment

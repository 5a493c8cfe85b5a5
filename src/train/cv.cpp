#include "aemigap/train/cv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/dist/mpi_communicator.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/negatives/negatives_stage.hpp"
#include "aemigap/train/folds.hpp"
#include "aemigap/train/plots.hpp"

namespace aemigap::train {

std::vector<std::string> protocol_list(const std::string& csv) {
  std::vector<std::string> out;
  for (auto p : split(csv, ',')) {
    std::string s(trim(p));
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

ClassifierSpec classifier_spec(const Config& cfg, int n_features) {
  ClassifierSpec s;
  s.arch = cfg.classifier;
  s.n_features = n_features;
  s.step_width = cfg.step_width;
  s.hidden = cfg.rnn_hidden;
  s.layers = cfg.rnn_layers;
  s.heads = cfg.tf_heads;
  s.ff = cfg.tf_ff;
  s.tf_layers = cfg.tf_layers;
  return s;
}

TrainOptions train_options(const Config& cfg, int threads, const std::string& label) {
  TrainOptions o;
  o.samples = cfg.train_samples;
  o.batch = cfg.batch;
  o.lr = cfg.lr;
  o.seed = cfg.seed;
  o.threads = threads;
  o.progress_interval = cfg.progress_interval;
  o.label = label;
  return o;
}

AutoencoderSpec autoencoder_spec(const Config& cfg) {
  AutoencoderSpec s;
  s.input = 2 * cfg.embed_dims;
  s.hidden.clear();
  for (auto w : split(cfg.ae_hidden, ',')) s.hidden.push_back(std::atoi(std::string(trim(w)).c_str()));
  s.latent = cfg.ae_latent;
  return s;
}

AeOptions ae_options(const Config& cfg, int threads) {
  AeOptions o;
  o.epochs = cfg.ae_epochs;
  o.batch = cfg.ae_batch;
  o.lr = cfg.ae_lr;
  o.test_fraction = cfg.ae_test_fraction;
  o.seed = cfg.seed;
  o.threads = threads;
  o.progress_interval = cfg.progress_interval;
  return o;
}

CvInputs load_cv_inputs(const Store& s, const Dataset& d, const Config& cfg) {
  CvInputs in;
  in.data = &d;
  embed::read_embeddings(s, in.mirna, in.gene, in.dims);
  if (!s.exists("/pairs/negative"))
    throw InputError(s.path(), 0, "store has no negatives (/pairs/negative): run `aemigap negatives` first");
  in.negatives = read_pair_table(s, "/pairs/negative");
  if (cfg.features != "pair" && !cfg.ae_per_fold)
    in.ae = std::make_unique<AutoencoderModel>(AutoencoderModel::read(s, "/ae"));
  return in;
}

AutoencoderModel fit_autoencoder(const CvInputs& in, const Config& cfg, int threads, AeHistory* history) {
  std::vector<std::int32_t> m, g;
  for (const auto& p : in.data->positives) m.push_back(p[0]), g.push_back(p[1]);
  for (const auto& p : in.negatives) m.push_back(p[0]), g.push_back(p[1]);
  auto x = pair_features(in.mirna, in.gene, in.dims, m, g, "pair", nullptr);
  std::vector<std::size_t> rows(m.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  log_info("[train-ae] " + std::to_string(rows.size()) + " pair vectors, latent " + std::to_string(cfg.ae_latent) +
           ", hidden " + cfg.ae_hidden + ", " + std::to_string(cfg.ae_epochs) + " epochs");
  return AutoencoderModel::train(autoencoder_spec(cfg), x, rows, ae_options(cfg, threads), history);
}

namespace {

struct Samples {
  std::vector<std::int32_t> m, g;
  std::vector<std::uint8_t> y;
};

Samples make_samples(const Dataset& d, const std::vector<std::array<std::int32_t, 2>>& neg) {
  Samples s;
  for (const auto& p : d.positives) {
    s.m.push_back(p[0]);
    s.g.push_back(p[1]);
    s.y.push_back(1);
  }
  for (const auto& p : neg) {
    s.m.push_back(p[0]);
    s.g.push_back(p[1]);
    s.y.push_back(0);
  }
  return s;
}

std::vector<RocPoint> thin(const std::vector<RocPoint>& roc, std::size_t max_points) {
  if (roc.size() <= max_points) return roc;
  std::vector<RocPoint> out;
  double step = static_cast<double>(roc.size() - 1) / static_cast<double>(max_points - 1);
  for (std::size_t i = 0; i < max_points; ++i) out.push_back(roc[static_cast<std::size_t>(std::llround(i * step))]);
  return out;
}

}  // namespace

ProtocolResult run_protocol(const std::string& protocol, const CvInputs& in, const Config& cfg, int threads,
                            bool keep_best) {
  const Dataset& d = *in.data;
  ProtocolResult r;
  r.protocol = protocol;
  std::vector<std::array<std::int32_t, 2>> uniform_neg;
  const auto* neg = &in.negatives;
  if (protocol == "uniform") {
    // The same number of negatives, drawn uniformly from the whole unknown pool.
    Config c = cfg;
    c.negatives_method = "uniform";
    c.negatives_ratio = static_cast<double>(in.negatives.size()) / static_cast<double>(d.positives.size());
    // This process alone (cv runs on rank 0): splitting the world here would be a collective
    // call that the other ranks never make.
    dist::MpiCommunicator self(MPI_COMM_SELF, false);
    auto res = negatives::build_negatives(d, in.mirna, in.gene, in.dims, c, self, threads);
    uniform_neg = std::move(res.negatives);
    neg = &uniform_neg;
  }
  Samples s = make_samples(d, *neg);
  if (cfg.cv_subsample > 0 && static_cast<std::size_t>(cfg.cv_subsample) < s.y.size()) {
    // Seeded and class-stratified: each class keeps its share.
    Samples sub;
    const double frac = static_cast<double>(cfg.cv_subsample) / static_cast<double>(s.y.size());
    for (std::uint8_t cls : {1, 0}) {
      std::vector<std::size_t> idx;
      for (std::size_t i = 0; i < s.y.size(); ++i)
        if (s.y[i] == cls) idx.push_back(i);
      auto pick = negatives::sample_ordinals(idx.size(), static_cast<std::uint64_t>(std::llround(frac * idx.size())),
                                             cfg.seed + cls);
      for (auto o : pick) {
        sub.m.push_back(s.m[idx[o]]);
        sub.g.push_back(s.g[idx[o]]);
        sub.y.push_back(cls);
      }
    }
    s = std::move(sub);
  }
  std::vector<int> fold;
  if (protocol == "cold-mirna") fold = group_folds(s.m, cfg.cv_folds, cfg.seed);
  else if (protocol == "cold-gene") fold = group_folds(s.g, cfg.cv_folds, cfg.seed);
  else fold = stratified_folds(s.y, cfg.cv_folds, cfg.seed);
  static const char* kDesc[][2] = {
      {"paper", "distance-filtered negatives, stratified folds (the paper's protocol)"},
      {"uniform", "negatives drawn uniformly from the unknown pool, stratified folds"},
      {"cold-mirna", "distance-filtered negatives, folds disjoint by miRNA"},
      {"cold-gene", "distance-filtered negatives, folds disjoint by gene"}};
  for (auto& dd : kDesc)
    if (protocol == dd[0]) r.description = dd[1];

  const bool needs_ae = cfg.features != "pair";
  std::vector<float> x;  // features of every sample (when the autoencoder is shared)
  const int width = feature_width(cfg.features, static_cast<int>(in.dims), cfg.ae_latent);
  if (!cfg.ae_per_fold || !needs_ae) x = pair_features(in.mirna, in.gene, in.dims, s.m, s.g, cfg.features, in.ae.get());

  for (int k = 0; k < cfg.cv_folds; ++k) {
    std::vector<std::size_t> tr, te;
    for (std::size_t i = 0; i < s.y.size(); ++i) (fold[i] == k ? te : tr).push_back(i);
    std::unique_ptr<AutoencoderModel> fold_ae;
    std::vector<float> fx;
    const std::vector<float>* feats = &x;
    if (cfg.ae_per_fold && needs_ae) {
      // The autoencoder sees the training fold's pair vectors only.
      auto pair = pair_features(in.mirna, in.gene, in.dims, s.m, s.g, "pair", nullptr);
      fold_ae = std::make_unique<AutoencoderModel>(
          AutoencoderModel::train(autoencoder_spec(cfg), pair, tr, ae_options(cfg, threads), nullptr));
      fx = pair_features(in.mirna, in.gene, in.dims, s.m, s.g, cfg.features, fold_ae.get());
      feats = &fx;
    }
    FoldResult fr;
    fr.n_train = tr.size();
    fr.n_test = te.size();
    std::string label = "cv " + protocol + " fold " + std::to_string(k + 1) + "/" + std::to_string(cfg.cv_folds);
    Classifier clf = Classifier::train(classifier_spec(cfg, width), *feats, s.y, tr,
                                       train_options(cfg, threads, label), &fr.train);
    std::vector<float> xt(te.size() * static_cast<std::size_t>(width));
    std::vector<std::uint8_t> yt(te.size());
    for (std::size_t i = 0; i < te.size(); ++i) {
      std::copy_n(&(*feats)[te[i] * static_cast<std::size_t>(width)], width, &xt[i * static_cast<std::size_t>(width)]);
      yt[i] = s.y[te[i]];
    }
    auto p = clf.predict(xt.data(), te.size(), threads);
    fr.metrics = compute_metrics(p, yt);
    fr.roc = thin(roc_curve(p, yt), 1000);
    char line[256];
    std::snprintf(line, sizeof line,
                  "[cv %s] fold %d/%d: AUC %.4f  F1 %.4f  precision %.4f  recall %.4f  accuracy %.4f  (%zu test pairs, %.0f samples/s)",
                  protocol.c_str(), k + 1, cfg.cv_folds, fr.metrics.auc, fr.metrics.f1, fr.metrics.precision,
                  fr.metrics.recall, fr.metrics.accuracy, te.size(),
                  fr.train.seconds > 0 ? static_cast<double>(fr.train.samples) / fr.train.seconds : 0.0);
    log_info(line);
    if (keep_best && (k == 0 || fr.metrics.auc > r.folds[static_cast<std::size_t>(r.best_fold)].metrics.auc)) {
      r.best_model = std::make_unique<Checkpoint>();
      r.best_model->feature_set = cfg.features;
      r.best_model->config_ini = cfg.to_ini();
      r.best_model->protocol = protocol + ", fold " + std::to_string(k + 1) + " of " + std::to_string(cfg.cv_folds);
      r.best_model->auc = fr.metrics.auc;
      r.best_model->classifier = std::move(clf);
      // The checkpoint carries its own copy of the autoencoder that made its features.
      const AutoencoderModel* src = cfg.ae_per_fold ? fold_ae.get() : in.ae.get();
      if (needs_ae) r.best_model->ae = std::make_unique<AutoencoderModel>(src->clone());
    }
    if (k == 0 || fr.metrics.auc > r.folds[static_cast<std::size_t>(r.best_fold)].metrics.auc) r.best_fold = k;
    r.folds.push_back(std::move(fr));
  }
  std::vector<Metrics> ms;
  for (const auto& f : r.folds) ms.push_back(f.metrics);
  r.summary = summarize(ms);
  return r;
}


namespace {
std::string fmt(double v, int prec = 4) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}
}  // namespace

void write_cv_store(Store& st, const std::vector<ProtocolResult>& results, const Config& cfg) {
  for (const auto& r : results) {
    const std::string g = "/cv/" + r.protocol;
    std::vector<double> m;
    for (const auto& f : r.folds) {
      const auto& x = f.metrics;
      for (double v : {x.precision, x.recall, x.accuracy, x.f1, x.auc, double(x.confusion.tp), double(x.confusion.fp),
                       double(x.confusion.tn), double(x.confusion.fn), double(f.n_train), double(f.n_test)})
        m.push_back(v);
    }
    st.write(g + "/metrics", m, {r.folds.size(), 11}, false);
    st.set_attr(g + "/metrics", "columns",
                std::string("precision,recall,accuracy,f1,auc,tp,fp,tn,fn,n_train,n_test"));
    for (std::size_t k = 0; k < r.folds.size(); ++k) {
      std::vector<double> roc;
      for (const auto& p : r.folds[k].roc) roc.insert(roc.end(), {p.fpr, p.tpr, std::isfinite(p.threshold) ? p.threshold : 2.0});
      st.write(g + "/roc_fold" + std::to_string(k + 1), roc, {r.folds[k].roc.size(), 3}, false);
    }
    st.set_attr(g, "description", r.description);
    st.set_attr(g, "mean", std::vector<double>{r.summary.mean.precision, r.summary.mean.recall, r.summary.mean.accuracy,
                                               r.summary.mean.f1, r.summary.mean.auc});
    st.set_attr(g, "sd", std::vector<double>{r.summary.sd.precision, r.summary.sd.recall, r.summary.sd.accuracy,
                                             r.summary.sd.f1, r.summary.sd.auc});
    st.set_attr(g, "mean_columns", std::string("precision,recall,accuracy,f1,auc"));
    st.set_attr(g, "best_fold", static_cast<std::int64_t>(r.best_fold + 1));
  }
  st.set_attr("/cv", "classifier", cfg.classifier);
  st.set_attr("/cv", "features", cfg.features);
  st.set_attr("/cv", "train_samples", static_cast<std::int64_t>(cfg.train_samples));
  st.set_attr("/cv", "folds", static_cast<std::int64_t>(cfg.cv_folds));
}

std::string summary_markdown(const std::vector<ProtocolResult>& results, const Config& cfg) {
  std::ostringstream o;
  o << "| protocol | AUC | F1 | precision | recall | accuracy |\n|---|---|---|---|---|---|\n";
  for (const auto& r : results) {
    const auto &m = r.summary.mean, &sd = r.summary.sd;
    o << "| " << r.protocol << " | " << fmt(m.auc) << " ± " << fmt(sd.auc) << " | " << fmt(m.f1) << " ± " << fmt(sd.f1)
      << " | " << fmt(m.precision) << " ± " << fmt(sd.precision) << " | " << fmt(m.recall) << " ± " << fmt(sd.recall)
      << " | " << fmt(m.accuracy) << " ± " << fmt(sd.accuracy) << " |\n";
  }
  o << "\nMean ± sd over " << cfg.cv_folds << " folds; classifier " << cfg.classifier << ", features " << cfg.features
    << ", " << cfg.train_samples << " training samples per fold, batch " << cfg.batch << ", seed " << cfg.seed
    << (cfg.ae_per_fold ? ", autoencoder fitted per training fold" : "") << ".\n\nProtocols:\n";
  for (const auto& r : results) o << "- " << r.protocol << ": " << r.description << "\n";
  return o.str();
}

void write_cv_files(const std::vector<ProtocolResult>& results, const Config& cfg) {
  std::filesystem::create_directories(cfg.results_dir);
  const std::string dir = cfg.results_dir + "/";
  {
    AtomicFile f(dir + "cv_metrics.tsv");
    auto& o = f.stream();
    o << "protocol\tfold\tn_train\tn_test\tprecision\trecall\taccuracy\tf1\tauc\ttp\tfp\ttn\tfn\n";
    for (const auto& r : results) {
      for (std::size_t k = 0; k < r.folds.size(); ++k) {
        const auto& f2 = r.folds[k];
        const auto& m = f2.metrics;
        o << r.protocol << "\t" << k + 1 << "\t" << f2.n_train << "\t" << f2.n_test << "\t" << fmt(m.precision, 6) << "\t"
          << fmt(m.recall, 6) << "\t" << fmt(m.accuracy, 6) << "\t" << fmt(m.f1, 6) << "\t" << fmt(m.auc, 6) << "\t"
          << m.confusion.tp << "\t" << m.confusion.fp << "\t" << m.confusion.tn << "\t" << m.confusion.fn << "\n";
      }
      for (const auto* which : {"mean", "sd"}) {
        const Metrics& m = std::string(which) == "mean" ? r.summary.mean : r.summary.sd;
        o << r.protocol << "\t" << which << "\t\t\t" << fmt(m.precision, 6) << "\t" << fmt(m.recall, 6) << "\t"
          << fmt(m.accuracy, 6) << "\t" << fmt(m.f1, 6) << "\t" << fmt(m.auc, 6) << "\t\t\t\t\n";
      }
    }
    f.commit();
  }
  {
    AtomicFile f(dir + "cv_summary.md");
    f.stream() << "# Cross-validation\n\n" << summary_markdown(results, cfg);
    f.commit();
  }
  for (const auto& r : results) {
    std::vector<Curve> curves;
    for (std::size_t k = 0; k < r.folds.size(); ++k)
      curves.push_back({"fold " + std::to_string(k + 1) + " AUC " + fmt(r.folds[k].metrics.auc), r.folds[k].roc});
    AtomicFile roc(dir + "roc_" + r.protocol + ".svg");
    roc.stream() << roc_svg("ROC, " + r.protocol + " protocol (" + cfg.classifier + ", " + cfg.features + ")", curves);
    roc.commit();
    const auto& best = r.folds[static_cast<std::size_t>(r.best_fold)];
    AtomicFile cm(dir + "confusion_" + r.protocol + ".svg");
    cm.stream() << confusion_svg("Best fold (" + std::to_string(r.best_fold + 1) + ", AUC " + fmt(best.metrics.auc) +
                                     "), " + r.protocol + ", threshold 0.5",
                                 best.metrics.confusion);
    cm.commit();
  }
}

}  // namespace aemigap::train

#include "aemigap/train/cv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/hash.hpp"
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
  o.replicas = cfg.train_replicas;
  o.autograd = cfg.train_autograd;
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

AutoencoderModel fit_autoencoder(const CvInputs& in, const Config& cfg, int threads, AeHistory* history,
                                 dist::Communicator* comm, const std::string& device) {
  std::vector<std::int32_t> m, g;
  for (const auto& p : in.data->positives) m.push_back(p[0]), g.push_back(p[1]);
  for (const auto& p : in.negatives) m.push_back(p[0]), g.push_back(p[1]);
  auto x = pair_features(in.mirna, in.gene, in.dims, m, g, "pair", nullptr);
  std::vector<std::size_t> rows(m.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  log_info("[train-ae] " + std::to_string(rows.size()) + " pair vectors, latent " + std::to_string(cfg.ae_latent) +
           ", hidden " + cfg.ae_hidden + ", " + std::to_string(cfg.ae_epochs) + " epochs");
  AeOptions o = ae_options(cfg, threads);
  o.comm = comm;
  o.device = device;
  return AutoencoderModel::train(autoencoder_spec(cfg), x, rows, o, history);
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

namespace {

// A protocol's samples, folds and features: the same on every rank (all seeded).
struct ProtocolData {
  std::string protocol, description;
  Samples s;
  std::vector<int> fold;
  std::vector<float> x;  // features of every sample (when the autoencoder is shared)
  int width = 0;
  std::uint64_t fingerprint = 0;
};

ProtocolData prepare_protocol(const std::string& protocol, const CvInputs& in, const Config& cfg, int threads) {
  const Dataset& d = *in.data;
  ProtocolData pd;
  pd.protocol = protocol;
  std::vector<std::array<std::int32_t, 2>> uniform_neg;
  const auto* neg = &in.negatives;
  if (protocol == "uniform") {
    // The same number of negatives, drawn uniformly from the whole unknown pool. Every
    // rank draws the same (seeded) sample by itself: no collective needed here.
    Config c = cfg;
    c.negatives_method = "uniform";
    c.negatives_ratio = static_cast<double>(in.negatives.size()) / static_cast<double>(d.positives.size());
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
  if (protocol == "cold-mirna") pd.fold = group_folds(s.m, cfg.cv_folds, cfg.seed);
  else if (protocol == "cold-gene") pd.fold = group_folds(s.g, cfg.cv_folds, cfg.seed);
  else pd.fold = stratified_folds(s.y, cfg.cv_folds, cfg.seed);
  static const char* kDesc[][2] = {
      {"paper", "distance-filtered negatives, stratified folds (the paper's protocol)"},
      {"uniform", "negatives drawn uniformly from the unknown pool, stratified folds"},
      {"cold-mirna", "distance-filtered negatives, folds disjoint by miRNA"},
      {"cold-gene", "distance-filtered negatives, folds disjoint by gene"}};
  for (auto& dd : kDesc)
    if (protocol == dd[0]) pd.description = dd[1];
  const bool needs_ae = cfg.features != "pair";
  pd.width = feature_width(cfg.features, static_cast<int>(in.dims), cfg.ae_latent);
  // What a fold's result depends on: embeddings, samples, folds, the shared autoencoder and
  // the training settings (not the rank count or threads).
  std::uint64_t h = hash_bytes(in.mirna.data(), in.mirna.size() * 4);
  h = hash_bytes(in.gene.data(), in.gene.size() * 4, h);
  h = hash_bytes(s.m.data(), s.m.size() * 4, h);
  h = hash_bytes(s.g.data(), s.g.size() * 4, h);
  h = hash_bytes(s.y.data(), s.y.size(), h);
  h = hash_bytes(pd.fold.data(), pd.fold.size() * sizeof(int), h);
  if (in.ae && needs_ae && !cfg.ae_per_fold) h ^= in.ae->fingerprint();
  std::ostringstream settings;
  settings << protocol << '|' << cfg.features << '|' << cfg.classifier << '|' << cfg.step_width << '|' << cfg.rnn_hidden
           << '|' << cfg.rnn_layers << '|' << cfg.tf_heads << '|' << cfg.tf_ff << '|' << cfg.tf_layers << '|'
           << cfg.train_samples << '|' << cfg.batch << '|' << cfg.batch_per_rank << '|' << cfg.lr << '|' << cfg.seed
           << '|' << cfg.ae_per_fold << '|' << cfg.ae_hidden << '|' << cfg.ae_latent << '|' << cfg.ae_epochs << '|'
           << cfg.cv_folds;
  pd.fingerprint = hash_string(settings.str(), h);
  pd.s = std::move(s);
  return pd;
}

// The features of every sample, computed once before the first fold that trains (a merge,
// or a resumed run whose folds are all done, never needs them). With ae-per-fold each fold
// makes its own.
void ensure_features(ProtocolData& pd, const CvInputs& in, const Config& cfg) {
  const bool shared = cfg.features == "pair" || !cfg.ae_per_fold;
  if (shared && pd.x.empty())
    pd.x = pair_features(in.mirna, in.gene, in.dims, pd.s.m, pd.s.g, cfg.features, in.ae.get());
}

std::string part_path(const Config& cfg, const std::string& protocol, int k) {
  return cfg.results_dir + "/cv_parts/" + protocol + "-fold" + std::to_string(k + 1) + ".part";
}

// Trains and tests fold k; `group` (may be null) trains it data-parallel. Only the rank that
// reports (evaluate) predicts the test fold: the group's ranks hold the same model.
FoldOutcome run_fold(const ProtocolData& pd, int k, const CvInputs& in, const Config& cfg, int threads,
                     dist::Communicator* group, bool keep_model, bool evaluate = true) {
  const bool needs_ae = cfg.features != "pair";
  const std::string& protocol = pd.protocol;
  const Samples& s = pd.s;
  const std::string device = resolve_device(cfg.device);
  std::vector<std::size_t> tr, te;
  for (std::size_t i = 0; i < s.y.size(); ++i) (pd.fold[i] == k ? te : tr).push_back(i);
  std::unique_ptr<AutoencoderModel> fold_ae;
  std::vector<float> fx;
  const std::vector<float>* feats = &pd.x;
  if (cfg.ae_per_fold && needs_ae) {
    // The autoencoder sees the training fold's pair vectors only.
    auto pair = pair_features(in.mirna, in.gene, in.dims, s.m, s.g, "pair", nullptr);
    AeOptions ao = ae_options(cfg, threads);
    ao.comm = group;
    ao.device = device;
    fold_ae = std::make_unique<AutoencoderModel>(AutoencoderModel::train(autoencoder_spec(cfg), pair, tr, ao, nullptr));
    fx = pair_features(in.mirna, in.gene, in.dims, s.m, s.g, cfg.features, fold_ae.get());
    feats = &fx;
  }
  FoldOutcome out;
  out.protocol = protocol;
  out.fold = k;
  out.fingerprint = pd.fingerprint;
  FoldResult& fr = out.result;
  fr.n_train = tr.size();
  fr.n_test = te.size();
  const int width = pd.width;
  std::string label = "cv " + protocol + " fold " + std::to_string(k + 1) + "/" + std::to_string(cfg.cv_folds);
  TrainOptions topt = train_options(cfg, threads, label);
  topt.comm = group;
  topt.device = device;
  topt.batch_per_rank = cfg.batch_per_rank;
  topt.checkpoint_every = cfg.train_checkpoint_every;
  topt.checkpoint_dir = part_path(cfg, protocol, k) + ".ckpt";
  topt.resume = cfg.resume;
  topt.fingerprint = pd.fingerprint;
  Classifier clf = Classifier::train(classifier_spec(cfg, width), *feats, s.y, tr, topt, &fr.train);
  if (!evaluate) return out;
  std::vector<float> xt(te.size() * static_cast<std::size_t>(width));
  std::vector<std::uint8_t> yt(te.size());
  for (std::size_t i = 0; i < te.size(); ++i) {
    std::copy_n(&(*feats)[te[i] * static_cast<std::size_t>(width)], width, &xt[i * static_cast<std::size_t>(width)]);
    yt[i] = s.y[te[i]];
  }
  auto p = clf.predict(xt.data(), te.size(), threads);
  fr.metrics = compute_metrics(p, yt);
  fr.roc = thin(roc_curve(p, yt), 1000);
  if (keep_model) {
    out.model = std::make_unique<Checkpoint>();
    out.model->feature_set = cfg.features;
    out.model->config_ini = cfg.to_ini();
    out.model->protocol = protocol + ", fold " + std::to_string(k + 1) + " of " + std::to_string(cfg.cv_folds);
    out.model->auc = fr.metrics.auc;
    out.model->classifier = std::move(clf);
    // The checkpoint carries its own copy of the autoencoder that made its features.
    const AutoencoderModel* src = cfg.ae_per_fold ? fold_ae.get() : in.ae.get();
    if (needs_ae) out.model->ae = std::make_unique<AutoencoderModel>(src->clone());
  }
  return out;
}

void log_fold(const FoldOutcome& o, int folds) {
  const auto& fr = o.result;
  char line[320];
  std::snprintf(line, sizeof line,
                "[cv %s] fold %d/%d: AUC %.4f  F1 %.4f  precision %.4f  recall %.4f  accuracy %.4f  (%zu test pairs, %.0f samples/s%s)",
                o.protocol.c_str(), o.fold + 1, folds, fr.metrics.auc, fr.metrics.f1, fr.metrics.precision,
                fr.metrics.recall, fr.metrics.accuracy, fr.n_test,
                fr.train.seconds > 0 ? static_cast<double>(fr.train.samples) / fr.train.seconds : 0.0,
                fr.train.resumed_at > 0 ? ", resumed" : "");
  log_info(line);
}

// Folds in order -> the protocol's result (best fold by AUC, the first on ties).
ProtocolResult assemble(const ProtocolData& pd, std::vector<FoldOutcome> outs, bool keep_best) {
  std::sort(outs.begin(), outs.end(), [](const FoldOutcome& a, const FoldOutcome& b) { return a.fold < b.fold; });
  ProtocolResult r;
  r.protocol = pd.protocol;
  r.description = pd.description;
  std::vector<Metrics> ms;
  for (auto& o : outs) {
    const int k = static_cast<int>(r.folds.size());
    AEMIGAP_CHECK(o.fold == k, "cv: fold " << k + 1 << " of " << pd.protocol << " is missing");
    if (k == 0 || o.result.metrics.auc > r.folds[static_cast<std::size_t>(r.best_fold)].metrics.auc) {
      r.best_fold = k;
      if (keep_best) r.best_model = std::move(o.model);
    }
    ms.push_back(o.result.metrics);
    r.folds.push_back(std::move(o.result));
  }
  AEMIGAP_CHECK(!keep_best || r.best_model, "cv: the best fold of " << pd.protocol << " has no model");
  r.summary = summarize(ms);
  return r;
}

void write_part(const Config& cfg, const FoldOutcome& o) {
  std::filesystem::create_directories(cfg.results_dir + "/cv_parts");
  const std::string path = part_path(cfg, o.protocol, o.fold);
  AtomicFile f(path);
  f.stream() << o.serialize();
  f.commit();
  std::filesystem::remove_all(path + ".ckpt");  // the fold is done: its training checkpoints are not needed
}

// The part of fold k when one exists for the same inputs (for --resume and cv-merge).
std::unique_ptr<FoldOutcome> read_part(const Config& cfg, const ProtocolData& pd, int k, bool need_model) {
  const std::string path = part_path(cfg, pd.protocol, k);
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto o = std::make_unique<FoldOutcome>(FoldOutcome::parse(bytes, path));
  if (o->fingerprint != pd.fingerprint || o->protocol != pd.protocol || o->fold != k || (need_model && !o->model)) {
    log_warn("[cv] " + path + " was made from other inputs or settings: not used");
    return nullptr;
  }
  return o;
}

}  // namespace

ProtocolResult run_protocol(const std::string& protocol, const CvInputs& in, const Config& cfg, int threads,
                            bool keep_best) {
  ProtocolData pd = prepare_protocol(protocol, in, cfg, threads);
  ensure_features(pd, in, cfg);
  std::vector<FoldOutcome> outs;
  for (int k = 0; k < cfg.cv_folds; ++k) {
    outs.push_back(run_fold(pd, k, in, cfg, threads, nullptr, keep_best));
    log_fold(outs.back(), cfg.cv_folds);
  }
  return assemble(pd, std::move(outs), keep_best);
}

std::vector<ProtocolResult> run_cv(const CvInputs& in, const Config& cfg, int threads, dist::Communicator& world,
                                   GroupComm comm_for_group) {
  const int G = std::min(world.size(), cfg.cv_folds);
  const int color = world.rank() % G;
  std::unique_ptr<dist::Communicator> group = world.split(color, world.rank());
  if (comm_for_group) group = comm_for_group(std::move(group));
  if (world.size() > 1)
    log_info("[cv] " + std::to_string(world.size()) + " ranks in " + std::to_string(G) + " fold groups (" +
             std::to_string(group->size()) + " ranks in rank 0's group, data-parallel over the group's ranks)");
  auto protocols = protocol_list(cfg.cv_protocols);
  std::vector<ProtocolResult> results;
  for (std::size_t pi = 0; pi < protocols.size(); ++pi) {
    const bool keep = pi == 0;
    log_info("[cv] protocol " + protocols[pi] + ": " + std::to_string(cfg.cv_folds) + " folds, " + cfg.classifier + " on " +
             cfg.features + ", " + std::to_string(cfg.train_samples) + " samples per fold");
    ProtocolData pd = prepare_protocol(protocols[pi], in, cfg, threads);
    std::string mine;  // this group's finished folds (sent by the group's first rank)
    for (int k = color; k < cfg.cv_folds; k += G) {
      std::unique_ptr<FoldOutcome> o = cfg.resume ? read_part(cfg, pd, k, keep) : nullptr;
      if (o) {
        log_info("[cv] " + protocols[pi] + " fold " + std::to_string(k + 1) + ": finished earlier (" +
                 part_path(cfg, pd.protocol, k) + ")");
      } else {
        ensure_features(pd, in, cfg);
        o = std::make_unique<FoldOutcome>(run_fold(pd, k, in, cfg, threads, group.get(), keep, group->rank() == 0));
        if (group->rank() == 0) write_part(cfg, *o);
      }
      if (group->rank() == 0) log_fold(*o, cfg.cv_folds);  // printed by rank 0 (group 0); the others' at the end
      if (group->rank() == 0) {
        std::string b = o->serialize();
        std::uint64_t len = b.size();
        mine.append(reinterpret_cast<const char*>(&len), sizeof len).append(b);
      }
    }
    auto all = world.allgatherv(std::vector<std::uint8_t>(mine.begin(), mine.end()));
    if (world.rank() != 0) continue;
    std::vector<FoldOutcome> outs;
    for (std::size_t off = 0; off < all.size();) {
      std::uint64_t len;
      std::memcpy(&len, all.data() + off, sizeof len);
      off += sizeof len;
      outs.push_back(FoldOutcome::parse(std::string(all.begin() + static_cast<long>(off),
                                                    all.begin() + static_cast<long>(off + len)),
                                        "fold result from another rank"));
      off += len;
    }
    std::sort(outs.begin(), outs.end(), [](const FoldOutcome& a, const FoldOutcome& b) { return a.fold < b.fold; });
    for (const auto& o : outs)
      if (o.fold % G != 0) log_fold(o, cfg.cv_folds);
    results.push_back(assemble(pd, std::move(outs), keep));
  }
  return results;
}

namespace {
// cv-task N (1-based) -> (protocol index, fold).
std::pair<std::size_t, int> task_of(const Config& cfg, std::size_t n_protocols) {
  const auto total = n_protocols * static_cast<std::size_t>(cfg.cv_folds);
  if (cfg.cv_task < 1 || static_cast<std::size_t>(cfg.cv_task) > total)
    throw ConfigError("option 'cv-task' is " + std::to_string(cfg.cv_task) + ", but there are " + std::to_string(total) +
                      " tasks (" + std::to_string(n_protocols) + " protocols x " + std::to_string(cfg.cv_folds) +
                      " folds): use 1.." + std::to_string(total));
  const auto t = static_cast<std::size_t>(cfg.cv_task - 1);
  return {t / static_cast<std::size_t>(cfg.cv_folds), static_cast<int>(t % static_cast<std::size_t>(cfg.cv_folds))};
}
}  // namespace

void run_cv_task(const CvInputs& in, const Config& cfg, int threads, dist::Communicator& world, GroupComm comm_for_group) {
  auto protocols = protocol_list(cfg.cv_protocols);
  auto [pi, k] = task_of(cfg, protocols.size());
  ProtocolData pd = prepare_protocol(protocols[pi], in, cfg, threads);
  const bool keep = pi == 0;
  if (cfg.resume && read_part(cfg, pd, k, keep)) {
    log_info("[cv] task " + std::to_string(cfg.cv_task) + " finished earlier: " + part_path(cfg, pd.protocol, k));
    return;
  }
  ensure_features(pd, in, cfg);
  std::unique_ptr<dist::Communicator> comm = world.split(0, world.rank());
  if (comm_for_group) comm = comm_for_group(std::move(comm));
  log_info("[cv] task " + std::to_string(cfg.cv_task) + ": " + pd.protocol + " fold " + std::to_string(k + 1) + "/" +
           std::to_string(cfg.cv_folds) + " on " + std::to_string(comm->size()) + " rank(s)");
  FoldOutcome o = run_fold(pd, k, in, cfg, threads, comm.get(), keep, world.rank() == 0);
  if (world.rank() == 0) {
    log_fold(o, cfg.cv_folds);
    write_part(cfg, o);
    log_info("[cv] wrote " + part_path(cfg, pd.protocol, k) + "; when every task is done: aemigap cv --cv-merge");
  }
}

std::vector<ProtocolResult> merge_cv_parts(const CvInputs& in, const Config& cfg, int threads) {
  auto protocols = protocol_list(cfg.cv_protocols);
  std::vector<ProtocolResult> results;
  std::vector<std::string> missing;
  for (std::size_t pi = 0; pi < protocols.size(); ++pi) {
    ProtocolData pd = prepare_protocol(protocols[pi], in, cfg, threads);
    std::vector<FoldOutcome> outs;
    for (int k = 0; k < cfg.cv_folds; ++k) {
      auto o = read_part(cfg, pd, k, pi == 0);
      if (!o) {
        missing.push_back(std::to_string(pi * static_cast<std::size_t>(cfg.cv_folds) + static_cast<std::size_t>(k) + 1) +
                          " (" + part_path(cfg, pd.protocol, k) + ")");
        continue;
      }
      log_fold(*o, cfg.cv_folds);
      outs.push_back(std::move(*o));
    }
    if (missing.empty()) results.push_back(assemble(pd, std::move(outs), pi == 0));
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += "\n  task " + m;
    throw InputError(cfg.results_dir + "/cv_parts", 0,
                     "cannot merge: no part of the current inputs for " + std::to_string(missing.size()) +
                         " task(s); run them with --cv-task N:" + list);
  }
  return results;
}

// ---------------------------------------------------------------------------- parts

std::string FoldOutcome::serialize() const {
  std::ostringstream o;
  o.precision(17);
  const auto& m = result.metrics;
  const auto& t = result.train;
  o << "aemigap-cv-part 1\n"
    << "protocol " << protocol << "\nfold " << fold << "\nfingerprint " << fingerprint << "\n"
    << "sizes " << result.n_train << " " << result.n_test << "\n"
    << "metrics " << m.precision << " " << m.recall << " " << m.accuracy << " " << m.f1 << " " << m.auc << " "
    << m.confusion.tp << " " << m.confusion.fp << " " << m.confusion.tn << " " << m.confusion.fn << " " << m.n << "\n"
    << "train " << t.samples << " " << t.steps << " " << t.partial_batches << " " << t.resumed_at << " " << t.seconds
    << " " << t.final_loss << "\n"
    << "roc " << result.roc.size() << "\n";
  for (const auto& p : result.roc)
    o << p.fpr << " " << p.tpr << " " << (std::isfinite(p.threshold) ? p.threshold : 1e300) << "\n";
  std::string model_bytes = model ? model->to_bytes() : std::string();
  o << "model " << model_bytes.size() << "\n";
  return o.str() + model_bytes;
}

FoldOutcome FoldOutcome::parse(const std::string& bytes, const std::string& where) {
  std::istringstream in(bytes);
  FoldOutcome o;
  auto expect = [&](const char* key) {
    std::string k;
    if (!(in >> k) || k != key) throw InputError(where, 0, std::string("not a CV part: expected '") + key + "'");
  };
  std::string magic;
  int version = 0;
  in >> magic >> version;
  if (magic != "aemigap-cv-part" || version != 1) throw InputError(where, 1, "not a CV part (aemigap-cv-part 1)");
  auto& r = o.result;
  auto& m = r.metrics;
  auto& t = r.train;
  std::size_t n_roc = 0, n_model = 0;
  expect("protocol"), in >> o.protocol;
  expect("fold"), in >> o.fold;
  expect("fingerprint"), in >> o.fingerprint;
  expect("sizes"), in >> r.n_train >> r.n_test;
  expect("metrics"), in >> m.precision >> m.recall >> m.accuracy >> m.f1 >> m.auc >> m.confusion.tp >> m.confusion.fp >>
      m.confusion.tn >> m.confusion.fn >> m.n;
  expect("train"), in >> t.samples >> t.steps >> t.partial_batches >> t.resumed_at >> t.seconds >> t.final_loss;
  expect("roc"), in >> n_roc;
  r.roc.resize(n_roc);
  for (auto& p : r.roc) {
    in >> p.fpr >> p.tpr >> p.threshold;
    if (p.threshold >= 1e300) p.threshold = std::numeric_limits<double>::infinity();
  }
  expect("model"), in >> n_model;
  if (!in) throw InputError(where, 0, "truncated CV part");
  in.get();  // the newline before the model bytes
  const auto off = static_cast<std::size_t>(in.tellg());
  if (off + n_model != bytes.size()) throw InputError(where, 0, "truncated CV part (model bytes)");
  if (n_model) o.model = std::make_unique<Checkpoint>(Checkpoint::from_bytes(bytes.substr(off), where));
  return o;
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

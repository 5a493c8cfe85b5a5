#include "aemigap/core/lineage.hpp"
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
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/data/pairs.hpp"
#include "aemigap/eval/recovery.hpp"
#include "aemigap/dist/mpi_communicator.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/negatives/negatives_stage.hpp"
#include "aemigap/train/folds.hpp"
#include "aemigap/model/features.hpp"
#include "aemigap/train/plots.hpp"

namespace aemigap::train {

CvOptions CvOptions::from(const Config& cfg, int threads) {
  CvOptions o;
  o.protocols = cfg.cv_protocols;
  o.folds = cfg.cv_folds;
  o.subsample = cfg.cv_subsample;
  o.seed = cfg.seed;
  o.features = cfg.features;
  o.classifier = model::ClassifierSpec::from(cfg, 0);
  o.train = TrainOptions::from(cfg, threads, "cv");
  o.train.batch_per_rank = cfg.batch_per_rank;
  o.train.checkpoint_every = cfg.train_checkpoint_every;
  o.train.resume = cfg.resume;
  o.ae_spec = model::AutoencoderSpec::from(cfg);
  o.ae = AeOptions::from(cfg, threads);
  o.ae_per_fold = cfg.ae_per_fold;
  o.validation_pairs = cfg.validation_pairs;
  o.aliases = cfg.aliases;
  o.validation_fraction = cfg.validation_fraction;
  o.results_dir = cfg.results_dir;
  o.resume = cfg.resume;
  o.task = cfg.cv_task;
  o.device = model::resolve_device(cfg.device);
  o.config_ini = cfg.to_ini();
  return o;
}

CvInputs load_cv_inputs(const Store& s, const Dataset& d, const CvOptions& opt) {
  CvInputs in;
  in.data = &d;
  embed::read_embeddings(s, in.mirna, in.gene, in.dims);
  if (!s.exists(schema::kNegatives))
    throw InputError(s.path(), 0, "store has no negatives (/pairs/negative): run `aemigap negatives` first");
  lineage::require_current(s, lineage::Product::Negatives, "training");
  in.negatives = read_pair_table(s, schema::kNegatives);
  // Single-class data would report AUC 0.5 and F1 1.0 without a word; folds of one pair run for hours.
  if (in.negatives.empty())
    throw InputError(s.path(), 0, "/pairs/negative is empty: run `aemigap negatives` with a larger negatives-ratio");
  const std::size_t smaller = std::min(d.positives.size(), in.negatives.size());
  if (static_cast<std::size_t>(opt.folds) > smaller)
    throw ConfigError("option 'cv-folds' " + std::to_string(opt.folds) + " is more than the smaller class (" +
                      std::to_string(smaller) + " pairs): every fold needs pairs of both classes");
  if (opt.needs_ae() && !opt.ae_per_fold) {
    lineage::require_current(s, lineage::Product::Autoencoder, "training");
    in.ae = std::make_unique<model::AutoencoderModel>(model::AutoencoderModel::read(s, schema::kAe));
    // The features' width comes from this artifact; it must be the one the options describe.
    const auto &got = in.ae->spec(), &want = opt.ae_spec;
    if (got.latent != want.latent || got.hidden != want.hidden || got.input != want.input)
      throw InputError(s.path(), 0,
                       "the store's autoencoder (/ae) has input " + std::to_string(got.input) + ", latent " +
                           std::to_string(got.latent) + ", but the options ask for input " +
                           std::to_string(want.input) + ", latent " + std::to_string(want.latent) +
                           " (ae-latent, ae-hidden, embed-dims): run `aemigap train-ae` again with these options");
  }
  if (!opt.validation_pairs.empty()) {
    // The validated pairs of other databases that are unknown pairs here, and a seeded
    // sample of the other unknown pairs of their miRNAs (the per-miRNA AUC's negatives).
    const auto raw = read_pairs(opt.validation_pairs, PairsFormat::Tsv);
    const auto mapped =
        map_pairs(d, raw, opt.aliases.empty() ? std::unordered_map<std::string, std::string>{} : read_aliases(opt.aliases));
    const eval::Split split = eval::independent_split(d.positives, mapped.pairs);
    if (split.held.empty())
      throw InputError(opt.validation_pairs, 0,
                       "none of its pairs is an unknown pair of the store (" + mapped.summary() +
                           "): give validated pairs of other databases, or validation-pairs = \"\" for no independent check");
    std::vector<std::int32_t> rows;
    for (const auto& p : split.held)
      if (rows.empty() || rows.back() != p[0]) rows.push_back(p[0]);
    in.independent = std::make_shared<const eval::EvalPool>(
        eval::make_eval_pool(d.n_mirna(), d.n_gene(), split, opt.validation_fraction, opt.seed, rows));
    in.independent_source = opt.validation_pairs;
    log_info("[cv] independent check (" + opt.validation_pairs + "): " + std::to_string(split.held.size()) +
             " validated pairs of " + std::to_string(rows.size()) + " miRNAs beside " +
             std::to_string(in.independent->n_sampled) + " sampled unknown pairs of theirs");
  }
  return in;
}

CvInputs CvInputs::with_ae(std::unique_ptr<model::AutoencoderModel> other) const {
  CvInputs c;
  c.data = data;
  c.mirna = mirna;
  c.gene = gene;
  c.dims = dims;
  c.negatives = negatives;
  c.ae = std::move(other);
  c.independent = independent;
  c.independent_source = independent_source;
  return c;
}

model::AutoencoderModel fit_autoencoder(const CvInputs& in, const model::AutoencoderSpec& spec, const AeOptions& opt,
                                        AeHistory* history) {
  std::vector<std::int32_t> m, g;
  for (const auto& p : in.data->positives) m.push_back(p[0]), g.push_back(p[1]);
  for (const auto& p : in.negatives) m.push_back(p[0]), g.push_back(p[1]);
  auto x = model::pair_features(in.mirna, in.gene, in.dims, m, g, FeatureSet::Pair, nullptr);
  std::vector<std::size_t> rows(m.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  std::string hidden;
  for (int w : spec.hidden) hidden += (hidden.empty() ? "" : ",") + std::to_string(w);
  log_info("[train-ae] " + std::to_string(rows.size()) + " pair vectors, latent " + std::to_string(spec.latent) +
           ", hidden " + hidden + ", " + std::to_string(opt.epochs) + " epochs");
  return train_autoencoder(spec, x, rows, opt, history);
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

// The protocols, one row each: where the negatives come from and how the folds split.
struct ProtocolRow {
  CvProtocol protocol;
  enum Negatives { Distance, Uniform } negatives;
  enum Folds { Stratified, ByMirna, ByGene } folds;
  const char* description;
};
constexpr ProtocolRow kProtocols[] = {
    {CvProtocol::Paper, ProtocolRow::Distance, ProtocolRow::Stratified,
     "distance-filtered negatives, stratified folds (the paper's protocol)"},
    {CvProtocol::Uniform, ProtocolRow::Uniform, ProtocolRow::Stratified,
     "negatives drawn uniformly from the unknown pool, stratified folds"},
    {CvProtocol::ColdMirna, ProtocolRow::Distance, ProtocolRow::ByMirna,
     "distance-filtered negatives, folds disjoint by miRNA"},
    {CvProtocol::ColdGene, ProtocolRow::Distance, ProtocolRow::ByGene, "distance-filtered negatives, folds disjoint by gene"},
};
const ProtocolRow& protocol_row(CvProtocol p) {
  for (const auto& r : kProtocols)
    if (r.protocol == p) return r;
  throw Error(std::string("cv: no row for protocol ") + name_of(p));
}

// A protocol's samples, folds and features: the same on every rank (all seeded).
struct ProtocolData {
  CvProtocol protocol = CvProtocol::Paper;
  std::string name, description;
  Samples s;
  std::vector<int> fold;
  std::vector<float> x;  // features of every sample (when the autoencoder is shared)
  int width = 0;
  std::uint64_t fingerprint = 0;
  std::uint64_t final_fingerprint = 0;  // the final unit's: also the independent pool
};

ProtocolData prepare_protocol(CvProtocol protocol, const CvInputs& in, const CvOptions& opt) {
  const Dataset& d = *in.data;
  const ProtocolRow& row = protocol_row(protocol);
  ProtocolData pd;
  pd.protocol = protocol;
  pd.name = name_of(protocol);
  pd.description = row.description;
  std::vector<std::array<std::int32_t, 2>> uniform_neg;
  const auto* neg = &in.negatives;
  if (row.negatives == ProtocolRow::Uniform) {
    // The same number of negatives, drawn uniformly from the whole unknown pool. Every
    // rank draws the same (seeded) sample by itself: no collective needed here.
    negatives::NegativesOptions no;
    no.method = NegativesMethod::Uniform;
    no.ratio = static_cast<double>(in.negatives.size()) / static_cast<double>(d.positives.size());
    no.seed = opt.seed;
    dist::MpiCommunicator self(MPI_COMM_SELF, false);
    auto res = negatives::build_negatives(d, in.mirna, in.gene, in.dims, no, self, opt.train.threads);
    uniform_neg = std::move(res.negatives);
    neg = &uniform_neg;
  }
  Samples s = make_samples(d, *neg);
  if (opt.subsample > 0 && static_cast<std::size_t>(opt.subsample) < s.y.size()) {
    // Seeded and class-stratified: each class keeps its share.
    Samples sub;
    const double frac = static_cast<double>(opt.subsample) / static_cast<double>(s.y.size());
    for (std::uint8_t cls : {1, 0}) {
      std::vector<std::size_t> idx;
      for (std::size_t i = 0; i < s.y.size(); ++i)
        if (s.y[i] == cls) idx.push_back(i);
      auto pick = negatives::sample_ordinals(idx.size(), static_cast<std::uint64_t>(std::llround(frac * idx.size())),
                                             opt.seed + cls);
      for (auto o : pick) {
        sub.m.push_back(s.m[idx[o]]);
        sub.g.push_back(s.g[idx[o]]);
        sub.y.push_back(cls);
      }
    }
    s = std::move(sub);
  }
  switch (row.folds) {
    case ProtocolRow::ByMirna: pd.fold = group_folds(s.m, opt.folds, opt.seed); break;
    case ProtocolRow::ByGene: pd.fold = group_folds(s.g, opt.folds, opt.seed); break;
    case ProtocolRow::Stratified: pd.fold = stratified_folds(s.y, opt.folds, opt.seed); break;
  }
  // The width follows the artifact when the autoencoder is shared (in.ae), else the spec.
  const int latent = in.ae && !opt.ae_per_fold ? in.ae->spec().latent : opt.ae_spec.latent;
  pd.width = model::feature_width(opt.features, static_cast<int>(in.dims), latent);
  // What a fold's result depends on: embeddings, samples, folds, the shared autoencoder and
  // the training settings (not the rank count or threads).
  std::uint64_t h = hash_bytes(in.mirna.data(), in.mirna.size() * 4);
  h = hash_bytes(in.gene.data(), in.gene.size() * 4, h);
  h = hash_bytes(s.m.data(), s.m.size() * 4, h);
  h = hash_bytes(s.g.data(), s.g.size() * 4, h);
  h = hash_bytes(s.y.data(), s.y.size(), h);
  h = hash_bytes(pd.fold.data(), pd.fold.size() * sizeof(int), h);
  if (in.ae && opt.needs_ae() && !opt.ae_per_fold) h ^= in.ae->fingerprint();
  const auto& c = opt.classifier;
  std::string hidden;
  for (int w : opt.ae_spec.hidden) hidden += (hidden.empty() ? "" : ",") + std::to_string(w);
  std::ostringstream settings;
  settings << pd.name << '|' << name_of(opt.features) << '|' << name_of(c.arch) << '|' << c.step_width << '|'
           << c.hidden << '|' << c.layers << '|' << c.heads << '|' << c.ff << '|' << c.tf_layers << '|'
           << opt.train.samples << '|' << opt.train.batch << '|' << opt.train.batch_per_rank << '|' << opt.train.lr
           << '|' << opt.seed << '|' << opt.ae_per_fold << '|' << hidden << '|' << opt.ae_spec.latent << '|'
           << opt.ae.epochs << '|' << opt.folds;
  pd.fingerprint = hash_string(settings.str(), h);
  pd.final_fingerprint = pd.fingerprint;
  if (in.independent) {
    const auto& pool = *in.independent;
    pd.final_fingerprint = hash_bytes(pool.pairs.data(), pool.pairs.size() * sizeof(pool.pairs[0]), pd.fingerprint);
    pd.final_fingerprint = hash_bytes(pool.held.data(), pool.held.size(), pd.final_fingerprint);
  }
  pd.s = std::move(s);
  return pd;
}

// The features of every sample, computed once before the first fold that trains (a merge,
// or a resumed run whose folds are all done, never needs them). With ae-per-fold each fold
// makes its own.
void ensure_features(ProtocolData& pd, const CvInputs& in, const CvOptions& opt) {
  const bool shared = !opt.needs_ae() || !opt.ae_per_fold;
  if (shared && pd.x.empty())
    pd.x = model::pair_features(in.mirna, in.gene, in.dims, pd.s.m, pd.s.g, opt.features, in.ae.get());
}

bool is_final(const CvOptions& opt, int k) { return k == opt.folds; }
// The folds that train: every one, or the first folds_trained (a partial CV: no final unit).
bool partial_cv(const CvOptions& opt) { return opt.folds_trained > 0 && opt.folds_trained < opt.folds; }
int folds_run(const CvOptions& opt) { return partial_cv(opt) ? opt.folds_trained : opt.folds; }
// The unit whose model is checked on the independent pairs: the final model, or in a
// partial CV fold 1's (its fingerprint then covers the independent pool too).
bool checks_independent(const CvOptions& opt, int k) { return is_final(opt, k) || (partial_cv(opt) && k == 0); }

std::string part_path(const CvOptions& opt, CvProtocol protocol, int k) {
  return opt.results_dir + "/cv_parts/" + name_of(protocol) +
         (is_final(opt, k) ? std::string("-final") : "-fold" + std::to_string(k + 1)) + ".part";
}

// The final model's scores on the independent pool (in blocks: the pool's features would
// take 1 KB a pair at once), and how high its validated pairs rank.
IndependentResult measure_independent(const eval::EvalPool& pool, const CvInputs& in, const CvOptions& opt,
                                      const model::Classifier& clf, const model::AutoencoderModel* ae) {
  std::vector<float> scores(pool.pairs.size());
  std::vector<std::int32_t> m, g;
  const std::size_t block = std::size_t{1} << 16;
  for (std::size_t i = 0; i < pool.pairs.size(); i += block) {
    const std::size_t n = std::min(block, pool.pairs.size() - i);
    m.resize(n);
    g.resize(n);
    for (std::size_t j = 0; j < n; ++j) m[j] = pool.pairs[i + j][0], g[j] = pool.pairs[i + j][1];
    const auto x = model::pair_features(in.mirna, in.gene, in.dims, m, g, opt.features, ae);
    const auto p = clf.predict(x.data(), n, opt.train.threads);
    std::copy(p.begin(), p.end(), scores.begin() + static_cast<std::ptrdiff_t>(i));
  }
  const auto rm = eval::ranking_metrics(pool, scores, {100});
  IndependentResult r;
  r.measured = true;
  r.auc = rm.auc;
  r.mirna_auc = rm.mirna_auc;
  r.n_mirna = rm.n_mirna;
  r.n_held = pool.n_held;
  r.n_sampled = pool.n_sampled;
  return r;
}

// Trains unit k of a protocol (a fold, or the final model on every sample when k == folds)
// and tests it; `group` (may be null) trains it data-parallel. Only the rank that reports
// (evaluate) predicts: the group's ranks hold the same model.
FoldOutcome run_fold(const ProtocolData& pd, int k, const CvInputs& in, const CvOptions& opt,
                     dist::Communicator* group, bool evaluate = true) {
  const bool needs_ae = opt.needs_ae();
  const bool final = is_final(opt, k);
  const int threads = opt.train.threads;
  const Samples& s = pd.s;
  std::vector<std::size_t> tr, te;
  for (std::size_t i = 0; i < s.y.size(); ++i) (pd.fold[i] == k ? te : tr).push_back(i);  // final: no test rows
  std::unique_ptr<model::AutoencoderModel> fold_ae;
  std::vector<float> fx;
  const std::vector<float>* feats = &pd.x;
  if (opt.ae_per_fold && needs_ae) {
    // The autoencoder sees the training fold's pair vectors only.
    auto pair = model::pair_features(in.mirna, in.gene, in.dims, s.m, s.g, FeatureSet::Pair, nullptr);
    AeOptions ao = opt.ae;
    ao.comm = group;
    ao.device = opt.device;
    fold_ae = std::make_unique<model::AutoencoderModel>(train_autoencoder(opt.ae_spec, pair, tr, ao, nullptr));
    fx = model::pair_features(in.mirna, in.gene, in.dims, s.m, s.g, opt.features, fold_ae.get());
    feats = &fx;
  }
  const model::AutoencoderModel* ae = !needs_ae ? nullptr : opt.ae_per_fold ? fold_ae.get() : in.ae.get();
  FoldOutcome out;
  out.protocol = pd.protocol;
  out.fold = k;
  out.fingerprint = checks_independent(opt, k) ? pd.final_fingerprint : pd.fingerprint;
  FoldResult& fr = out.result;
  fr.n_train = tr.size();
  fr.n_test = te.size();
  const int width = pd.width;
  TrainOptions topt = opt.train;
  topt.label = "cv " + pd.name + (final ? " final model (every sample)"
                                        : " fold " + std::to_string(k + 1) + "/" + std::to_string(opt.folds));
  topt.comm = group;
  topt.device = opt.device;
  topt.checkpoint_dir = part_path(opt, pd.protocol, k) + ".ckpt";
  topt.fingerprint = out.fingerprint;
  model::ClassifierSpec spec = opt.classifier;
  spec.n_features = width;
  model::Classifier clf = train_classifier(spec, *feats, s.y, tr, topt, &fr.train);
  if (!evaluate) return out;
  if (final) {
    if (in.independent) out.independent = measure_independent(*in.independent, in, opt, clf, ae);
    if (opt.keep_final_model) {
      out.model = std::make_unique<model::Checkpoint>();
      out.model->feature_set = opt.features;
      out.model->config_ini = opt.config_ini;
      out.model->protocol = pd.name + ", trained on all " + std::to_string(tr.size()) + " samples (its " +
                            std::to_string(opt.folds) + "-fold CV measures it)";
      out.model->classifier = std::move(clf);
      // The checkpoint carries its own copy of the autoencoder that made its features.
      if (needs_ae) out.model->ae = std::make_unique<model::AutoencoderModel>(ae->clone());
    }
    return out;
  }
  std::vector<float> xt(te.size() * static_cast<std::size_t>(width));
  std::vector<std::uint8_t> yt(te.size());
  for (std::size_t i = 0; i < te.size(); ++i) {
    std::copy_n(&(*feats)[te[i] * static_cast<std::size_t>(width)], width, &xt[i * static_cast<std::size_t>(width)]);
    yt[i] = s.y[te[i]];
  }
  auto p = clf.predict(xt.data(), te.size(), threads);
  fr.metrics = compute_metrics(p, yt);
  fr.roc = thin(roc_curve(p, yt), 1000);
  if (checks_independent(opt, k) && in.independent) out.independent = measure_independent(*in.independent, in, opt, clf, ae);
  return out;
}

void log_fold(const FoldOutcome& o, int folds, const std::string& job) {
  const auto& fr = o.result;
  const std::string who = job.empty() ? std::string(name_of(o.protocol)) : job + ", " + name_of(o.protocol);
  const double rate = fr.train.seconds > 0 ? static_cast<double>(fr.train.samples) / fr.train.seconds : 0.0;
  char line[400];
  const auto& ind = o.independent;
  char tail[160] = "";
  if (ind.measured)
    std::snprintf(tail, sizeof tail, "; independent pairs: AUC %.4f, per-miRNA AUC %.4f (%zu miRNAs)", ind.auc,
                  ind.mirna_auc, ind.n_mirna);
  if (o.fold == folds) {
    std::snprintf(line, sizeof line, "[cv %s] final model on all %zu samples (%.0f samples/s%s)%s", who.c_str(),
                  fr.n_train, rate, fr.train.resumed_at > 0 ? ", resumed" : "", tail);
  } else {
    std::snprintf(line, sizeof line,
                  "[cv %s] fold %d/%d: AUC %.4f  F1 %.4f  precision %.4f  recall %.4f  accuracy %.4f  (%zu test pairs, %.0f samples/s%s)%s",
                  who.c_str(), o.fold + 1, folds, fr.metrics.auc, fr.metrics.f1, fr.metrics.precision, fr.metrics.recall,
                  fr.metrics.accuracy, fr.n_test, rate, fr.train.resumed_at > 0 ? ", resumed" : "", tail);
  }
  log_info(line);
}

// A protocol's units in order -> its result (best fold by AUC, the first on ties: shown only).
ProtocolResult assemble(const ProtocolData& pd, std::vector<FoldOutcome> outs, const CvOptions& opt, bool with_final) {
  std::sort(outs.begin(), outs.end(), [](const FoldOutcome& a, const FoldOutcome& b) { return a.fold < b.fold; });
  ProtocolResult r;
  r.protocol = pd.protocol;
  r.description = pd.description;
  std::vector<Metrics> ms;
  for (auto& o : outs) {
    if (is_final(opt, o.fold)) {
      r.has_final = true;
      r.final_fit = std::move(o.result);
      r.independent = o.independent;
      r.final_model = std::move(o.model);
      continue;
    }
    const int k = static_cast<int>(r.folds.size());
    AEMIGAP_CHECK(o.fold == k, "cv: fold " << k + 1 << " of " << pd.name << " is missing");
    if (o.independent.measured) r.independent = o.independent;  // a partial CV's fold 1
    if (k == 0 || o.result.metrics.auc > r.folds[static_cast<std::size_t>(r.best_fold)].metrics.auc) r.best_fold = k;
    ms.push_back(o.result.metrics);
    r.folds.push_back(std::move(o.result));
  }
  AEMIGAP_CHECK(static_cast<int>(r.folds.size()) == folds_run(opt),
                "cv: " << pd.name << " has " << r.folds.size() << " folds, not " << folds_run(opt));
  AEMIGAP_CHECK(r.has_final == with_final, "cv: the final model of " << pd.name << " is missing");
  AEMIGAP_CHECK(!with_final || !opt.keep_final_model || r.final_model, "cv: the final model of " << pd.name << " was not kept");
  r.summary = summarize(ms);
  if (r.final_model) r.final_model->auc = r.summary.mean.auc;
  return r;
}

void write_part(const CvOptions& opt, const FoldOutcome& o) {
  std::filesystem::create_directories(opt.results_dir + "/cv_parts");
  const std::string path = part_path(opt, o.protocol, o.fold);
  AtomicFile f(path);
  f.stream() << o.serialize();
  f.commit();
  std::filesystem::remove_all(path + ".ckpt");  // the unit is done: its training checkpoints are not needed
}

// The part of unit k when one exists for the same inputs (for --resume and the merges).
std::unique_ptr<FoldOutcome> read_part(const CvOptions& opt, const ProtocolData& pd, int k) {
  const std::string path = part_path(opt, pd.protocol, k);
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto o = std::make_unique<FoldOutcome>(FoldOutcome::parse(bytes, path));
  const bool final = is_final(opt, k);
  const bool need_model = final && opt.keep_final_model;
  if (o->fingerprint != (checks_independent(opt, k) ? pd.final_fingerprint : pd.fingerprint) || o->protocol != pd.protocol || o->fold != k ||
      (need_model && !o->model)) {
    log_warn("[cv] " + path + " was made from other inputs or settings: not used");
    return nullptr;
  }
  return o;
}

// The units of the jobs in task order: per job, per protocol, its folds then its final model.
struct Unit {
  std::size_t job = 0, protocol = 0;
  int fold = 0;
};
bool has_final(const CvOptions& opt, std::size_t protocol) {
  return !partial_cv(opt) && (protocol == 0 || opt.final_every_protocol);
}
std::vector<Unit> units_of(const std::vector<CvJob>& jobs) {
  std::vector<Unit> u;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const auto& o = jobs[j].opt;
    for (std::size_t p = 0; p < o.protocols.size(); ++p) {
      for (int k = 0; k < folds_run(o); ++k) u.push_back({j, p, k});
      if (has_final(o, p)) u.push_back({j, p, o.folds});
    }
  }
  return u;
}
std::string unit_text(const std::vector<CvJob>& jobs, const Unit& u) {
  const auto& job = jobs[u.job];
  const auto& o = job.opt;
  return (job.label.empty() ? "" : job.label + ": ") + name_of(o.protocols[u.protocol]) +
         (is_final(o, u.fold) ? std::string(" final model") : " fold " + std::to_string(u.fold + 1) + "/" +
                                                                 std::to_string(o.folds));
}

// The protocol data of one (job, protocol) at a time: a sweep's are made when first needed.
class ProtocolCache {
 public:
  explicit ProtocolCache(const std::vector<CvJob>& jobs) : jobs_(jobs) {}
  ProtocolData& get(const Unit& u) {
    if (!pd_ || job_ != u.job || protocol_ != u.protocol) {
      pd_.reset();  // free the previous features first
      const auto& job = jobs_[u.job];
      pd_ = std::make_unique<ProtocolData>(prepare_protocol(job.opt.protocols[u.protocol], *job.in, job.opt));
      job_ = u.job;
      protocol_ = u.protocol;
    }
    return *pd_;
  }

 private:
  const std::vector<CvJob>& jobs_;
  std::unique_ptr<ProtocolData> pd_;
  std::size_t job_ = 0, protocol_ = 0;
};

// Every job's protocols from their outcomes (all units present).
std::vector<std::vector<ProtocolResult>> assemble_jobs(const std::vector<CvJob>& jobs, const std::vector<Unit>& units,
                                                       std::vector<std::unique_ptr<FoldOutcome>>& outs) {
  std::vector<std::vector<ProtocolResult>> results(jobs.size());
  std::size_t i = 0;
  while (i < units.size()) {
    const Unit first = units[i];
    std::vector<FoldOutcome> these;
    for (; i < units.size() && units[i].job == first.job && units[i].protocol == first.protocol; ++i)
      these.push_back(std::move(*outs[i]));
    const auto& job = jobs[first.job];
    ProtocolData pd;  // assemble needs the names only: no samples drawn
    pd.protocol = job.opt.protocols[first.protocol];
    pd.name = name_of(pd.protocol);
    pd.description = protocol_row(pd.protocol).description;
    results[first.job].push_back(assemble(pd, std::move(these), job.opt, has_final(job.opt, first.protocol)));
  }
  return results;
}

}  // namespace

std::vector<std::string> list_units(const std::vector<CvJob>& jobs) {
  std::vector<std::string> out;
  const auto units = units_of(jobs);
  for (std::size_t u = 0; u < units.size(); ++u) out.push_back(std::to_string(u + 1) + "\t" + unit_text(jobs, units[u]));
  return out;
}

std::size_t unit_job(const std::vector<CvJob>& jobs, int task) {
  const auto units = units_of(jobs);
  return task >= 1 && static_cast<std::size_t>(task) <= units.size() ? units[static_cast<std::size_t>(task - 1)].job
                                                                       : jobs.size();
}

std::vector<std::vector<ProtocolResult>> run_cv_jobs(const std::vector<CvJob>& jobs, dist::Communicator& world,
                                                     GroupComm comm_for_group) {
  const auto units = units_of(jobs);
  const int G = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(world.size()), units.size()));
  const int color = world.rank() % G;
  std::unique_ptr<dist::Communicator> group = world.split(color, world.rank());
  if (comm_for_group) group = comm_for_group(std::move(group));
  if (world.size() > 1)
    log_info("[cv] " + std::to_string(world.size()) + " ranks in " + std::to_string(G) + " groups for " +
             std::to_string(units.size()) + " units (" + std::to_string(group->size()) +
             " ranks in rank 0's group, data-parallel over the group's ranks)");
  ProtocolCache cache(jobs);
  std::string mine;  // this group's finished units (sent by the group's first rank): [unit][length][part]
  for (std::size_t u = static_cast<std::size_t>(color); u < units.size(); u += static_cast<std::size_t>(G)) {
    const Unit& unit = units[u];
    const auto& job = jobs[unit.job];
    ProtocolData& pd = cache.get(unit);
    std::unique_ptr<FoldOutcome> o = job.opt.resume ? read_part(job.opt, pd, unit.fold) : nullptr;
    if (o) {
      log_info("[cv] " + unit_text(jobs, unit) + ": finished earlier (" + part_path(job.opt, pd.protocol, unit.fold) +
               ")");
    } else {
      ensure_features(pd, *job.in, job.opt);
      o = std::make_unique<FoldOutcome>(run_fold(pd, unit.fold, *job.in, job.opt, group.get(), group->rank() == 0));
      if (group->rank() == 0) write_part(job.opt, *o);
    }
    if (group->rank() == 0) {
      if (color == 0) log_fold(*o, job.opt.folds, job.label);  // the other groups' are printed at the end
      const std::string b = o->serialize();
      const std::uint64_t idx = u, len = b.size();
      mine.append(reinterpret_cast<const char*>(&idx), sizeof idx)
          .append(reinterpret_cast<const char*>(&len), sizeof len)
          .append(b);
    }
  }
  auto all = world.allgatherv(std::vector<std::uint8_t>(mine.begin(), mine.end()));
  if (world.rank() != 0) return {};
  std::vector<std::unique_ptr<FoldOutcome>> outs(units.size());
  for (std::size_t off = 0; off < all.size();) {
    std::uint64_t idx, len;
    std::memcpy(&idx, all.data() + off, sizeof idx);
    std::memcpy(&len, all.data() + off + sizeof idx, sizeof len);
    off += sizeof idx + sizeof len;
    AEMIGAP_CHECK(idx < units.size() && !outs[idx], "cv: unit " << idx + 1 << " gathered twice or out of range");
    outs[idx] = std::make_unique<FoldOutcome>(FoldOutcome::parse(
        std::string(all.begin() + static_cast<long>(off), all.begin() + static_cast<long>(off + len)),
        "unit result from another rank"));
    off += len;
    if (idx % static_cast<std::size_t>(G) != 0) log_fold(*outs[idx], jobs[units[idx].job].opt.folds, jobs[units[idx].job].label);
  }
  for (std::size_t u = 0; u < units.size(); ++u) AEMIGAP_CHECK(outs[u], "cv: unit " << u + 1 << " was not gathered");
  return assemble_jobs(jobs, units, outs);
}

namespace {
std::string task_range_text(const std::vector<CvJob>& jobs, std::size_t total) {
  std::size_t finals = 0, folds = 0;
  for (const auto& j : jobs)
    for (std::size_t p = 0; p < j.opt.protocols.size(); ++p) {
      folds += static_cast<std::size_t>(folds_run(j.opt));
      finals += has_final(j.opt, p) ? 1 : 0;
    }
  std::string what = jobs.size() == 1 ? std::to_string(jobs[0].opt.protocols.size()) + " protocols x " +
                                            std::to_string(folds_run(jobs[0].opt)) + " folds"
                                      : std::to_string(folds) + " folds of " + std::to_string(jobs.size()) + " variants";
  return std::to_string(total) + " tasks (" + what + " + " + std::to_string(finals) + " final model" +
         (finals == 1 ? "" : "s") + "; --list-tasks lists them)";
}
}  // namespace

void run_cv_jobs_task(const std::vector<CvJob>& jobs, int task, const std::string& option, dist::Communicator& world,
                      GroupComm comm_for_group) {
  const auto units = units_of(jobs);
  if (task < 1 || static_cast<std::size_t>(task) > units.size())
    throw ConfigError("option '" + option + "' is " + std::to_string(task) + ", but there are " +
                      task_range_text(jobs, units.size()) + ": use 1.." + std::to_string(units.size()));
  const Unit& unit = units[static_cast<std::size_t>(task - 1)];
  const auto& job = jobs[unit.job];
  ProtocolData pd = prepare_protocol(job.opt.protocols[unit.protocol], *job.in, job.opt);
  const std::string what = unit_text(jobs, unit);
  if (job.opt.resume && read_part(job.opt, pd, unit.fold)) {
    log_info("[cv] task " + std::to_string(task) + " (" + what + ") finished earlier: " +
             part_path(job.opt, pd.protocol, unit.fold));
    return;
  }
  ensure_features(pd, *job.in, job.opt);
  std::unique_ptr<dist::Communicator> comm = world.split(0, world.rank());
  if (comm_for_group) comm = comm_for_group(std::move(comm));
  log_info("[cv] task " + std::to_string(task) + ": " + what + " on " + std::to_string(comm->size()) + " rank(s)");
  FoldOutcome o = run_fold(pd, unit.fold, *job.in, job.opt, comm.get(), world.rank() == 0);
  if (world.rank() == 0) {
    log_fold(o, job.opt.folds, job.label);
    write_part(job.opt, o);
    log_info("[cv] wrote " + part_path(job.opt, pd.protocol, unit.fold) + "; when every task is done, merge them");
  }
}

std::vector<std::vector<ProtocolResult>> merge_cv_jobs(const std::vector<CvJob>& jobs, const std::string& option) {
  const auto units = units_of(jobs);
  std::vector<std::unique_ptr<FoldOutcome>> outs(units.size());
  std::vector<std::string> missing;
  ProtocolCache cache(jobs);
  for (std::size_t u = 0; u < units.size(); ++u) {
    const auto& job = jobs[units[u].job];
    ProtocolData& pd = cache.get(units[u]);
    outs[u] = read_part(job.opt, pd, units[u].fold);
    if (!outs[u]) {
      missing.push_back(std::to_string(u + 1) + " (" + part_path(job.opt, pd.protocol, units[u].fold) + ")");
      continue;
    }
    log_fold(*outs[u], job.opt.folds, job.label);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += "\n  task " + m;
    throw InputError(jobs.front().opt.results_dir, 0,
                     "cannot merge: no part of the current inputs for " + std::to_string(missing.size()) +
                         " task(s); run them with --" + option + " N:" + list);
  }
  return assemble_jobs(jobs, units, outs);
}

std::vector<ProtocolResult> run_cv(const CvInputs& in, const CvOptions& opt, dist::Communicator& world,
                                   GroupComm comm_for_group) {
  for (CvProtocol p : opt.protocols)
    log_info(std::string("[cv] protocol ") + name_of(p) + ": " + std::to_string(opt.folds) + " folds, " +
             name_of(opt.classifier.arch) + " on " + name_of(opt.features) + ", " + std::to_string(opt.train.samples) +
             " samples per fold");
  auto r = run_cv_jobs({CvJob{&in, opt, ""}}, world, comm_for_group);
  return r.empty() ? std::vector<ProtocolResult>{} : std::move(r.front());
}

void run_cv_task(const CvInputs& in, const CvOptions& opt, dist::Communicator& world, GroupComm comm_for_group) {
  run_cv_jobs_task({CvJob{&in, opt, ""}}, opt.task, "cv-task", world, comm_for_group);
}

std::vector<ProtocolResult> merge_cv_parts(const CvInputs& in, const CvOptions& opt) {
  return std::move(merge_cv_jobs({CvJob{&in, opt, ""}}, "cv-task").front());
}

// ---------------------------------------------------------------------------- parts

std::string FoldOutcome::serialize() const {
  std::ostringstream o;
  o.precision(17);
  const auto& m = result.metrics;
  const auto& t = result.train;
  o << "aemigap-cv-part 2\n"
    << "protocol " << name_of(protocol) << "\nfold " << fold << "\nfingerprint " << fingerprint << "\n"
    << "sizes " << result.n_train << " " << result.n_test << "\n"
    << "metrics " << m.precision << " " << m.recall << " " << m.accuracy << " " << m.f1 << " " << m.auc << " "
    << m.confusion.tp << " " << m.confusion.fp << " " << m.confusion.tn << " " << m.confusion.fn << " " << m.n << "\n"
    << "train " << t.samples << " " << t.steps << " " << t.partial_batches << " " << t.resumed_at << " " << t.seconds
    << " " << t.final_loss << "\n"
    << "independent " << independent.measured << " " << independent.auc << " " << independent.mirna_auc << " "
    << independent.n_held << " " << independent.n_sampled << " " << independent.n_mirna << "\n"
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
  // Version 1 (before the final model) had no independent line; its parts are still read.
  if (magic != "aemigap-cv-part" || (version != 1 && version != 2))
    throw InputError(where, 1, "not a CV part (aemigap-cv-part 1 or 2)");
  auto& r = o.result;
  auto& m = r.metrics;
  auto& t = r.train;
  std::size_t n_roc = 0, n_model = 0;
  std::string protocol;
  expect("protocol"), in >> protocol;
  if (auto p = parse_choice<CvProtocol>(protocol)) o.protocol = *p;
  else throw InputError(where, 0, "CV part of an unknown protocol '" + protocol + "'");
  expect("fold"), in >> o.fold;
  expect("fingerprint"), in >> o.fingerprint;
  expect("sizes"), in >> r.n_train >> r.n_test;
  expect("metrics"), in >> m.precision >> m.recall >> m.accuracy >> m.f1 >> m.auc >> m.confusion.tp >> m.confusion.fp >>
      m.confusion.tn >> m.confusion.fn >> m.n;
  expect("train"), in >> t.samples >> t.steps >> t.partial_batches >> t.resumed_at >> t.seconds >> t.final_loss;
  if (version >= 2) {
    auto& ind = o.independent;
    expect("independent"), in >> ind.measured >> ind.auc >> ind.mirna_auc >> ind.n_held >> ind.n_sampled >> ind.n_mirna;
  }
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
  if (n_model) o.model = std::make_unique<model::Checkpoint>(model::Checkpoint::from_bytes(bytes.substr(off), where));
  return o;
}

namespace {
std::string fmt(double v, int prec = 4) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}
}  // namespace

void write_cv_store(Store& st, const std::vector<ProtocolResult>& results, const CvOptions& opt) {
  for (const auto& r : results) {
    const std::string name = name_of(r.protocol), g = schema::cv_group(name);
    std::vector<double> m;
    for (const auto& f : r.folds) {
      const auto& x = f.metrics;
      for (double v : {x.precision, x.recall, x.accuracy, x.f1, x.auc, double(x.confusion.tp), double(x.confusion.fp),
                       double(x.confusion.tn), double(x.confusion.fn), double(f.n_train), double(f.n_test)})
        m.push_back(v);
    }
    st.write(schema::cv_metrics(name), m, {r.folds.size(), 11}, false);
    st.set_attr(schema::cv_metrics(name), schema::kAttrColumns,
                std::string("precision,recall,accuracy,f1,auc,tp,fp,tn,fn,n_train,n_test"));
    for (std::size_t k = 0; k < r.folds.size(); ++k) {
      std::vector<double> roc;
      for (const auto& p : r.folds[k].roc) roc.insert(roc.end(), {p.fpr, p.tpr, std::isfinite(p.threshold) ? p.threshold : 2.0});
      st.write(schema::cv_roc(name, static_cast<int>(k + 1)), roc, {r.folds[k].roc.size(), 3}, false);
    }
    st.set_attr(g, schema::kAttrDescription, r.description);
    st.set_attr(g, schema::kAttrMean, std::vector<double>{r.summary.mean.precision, r.summary.mean.recall, r.summary.mean.accuracy,
                                               r.summary.mean.f1, r.summary.mean.auc});
    st.set_attr(g, schema::kAttrSd, std::vector<double>{r.summary.sd.precision, r.summary.sd.recall, r.summary.sd.accuracy,
                                             r.summary.sd.f1, r.summary.sd.auc});
    st.set_attr(g, schema::kAttrMeanColumns, std::string("precision,recall,accuracy,f1,auc"));
    st.set_attr(g, schema::kAttrBestFold, static_cast<std::int64_t>(r.best_fold + 1));
    if (r.independent.measured)
      st.set_attr(g, schema::kAttrIndependent,
                  std::vector<double>{r.independent.auc, r.independent.mirna_auc, double(r.independent.n_held),
                                      double(r.independent.n_sampled), double(r.independent.n_mirna)});
  }
  st.set_attr(schema::kCv, schema::kAttrClassifier, std::string(name_of(opt.classifier.arch)));
  st.set_attr(schema::kCv, schema::kAttrFeatures, std::string(name_of(opt.features)));
  st.set_attr(schema::kCv, schema::kAttrTrainSamples, static_cast<std::int64_t>(opt.train.samples));
  st.set_attr(schema::kCv, schema::kAttrFolds, static_cast<std::int64_t>(opt.folds));
}

std::string mean_sd_text(double mean, double sd, std::size_t folds) {
  return folds > 1 ? fmt(mean) + " ± " + fmt(sd) : fmt(mean) + " (1 fold)";
}

std::string summary_markdown(const std::vector<ProtocolResult>& results, const CvOptions& opt) {
  std::ostringstream o;
  o << "| protocol | AUC | F1 | precision | recall | accuracy | independent per-miRNA AUC |\n"
       "|---|---|---|---|---|---|---|\n";
  const IndependentResult* any_ind = nullptr;
  for (const auto& r : results) {
    const auto &m = r.summary.mean, &sd = r.summary.sd;
    if (r.independent.measured) any_ind = &r.independent;
    auto pm = [&](double mean, double spread) { return mean_sd_text(mean, spread, r.folds.size()); };
    o << "| " << name_of(r.protocol) << " | " << pm(m.auc, sd.auc) << " | " << pm(m.f1, sd.f1) << " | "
      << pm(m.precision, sd.precision) << " | " << pm(m.recall, sd.recall) << " | " << pm(m.accuracy, sd.accuracy) << " | "
      << (r.independent.measured ? fmt(r.independent.mirna_auc) : std::string("–")) << " |\n";
  }
  o << "\n"
    << (partial_cv(opt) ? "Folds 1-" + std::to_string(folds_run(opt)) + " of " + std::to_string(opt.folds) +
                              " only (no final model; the independent check is fold 1's model)"
                        : "Mean ± sd over " + std::to_string(opt.folds) + " folds")
    << "; classifier " << name_of(opt.classifier.arch) << ", features "
    << name_of(opt.features) << ", " << opt.train.samples << " training samples per fold, batch " << opt.train.batch
    << ", seed " << opt.seed << (opt.ae_per_fold ? ", autoencoder fitted per training fold" : "")
    << ".\n\n"
    << (partial_cv(opt) ? "No model is shipped from this run, and none is trained on every sample."
        : opt.keep_final_model
            ? "The shipped model (model.pt) is the first protocol's final model: trained the same way on "
              "every sample after the folds, which measure it (no fold is chosen by its test AUC)."
            : "No model is shipped from this run (an experiment's variant): each final model is trained "
              "the same way on every sample after the folds, which measure it.");
  if (any_ind)
    o << " Independent: "
      << (partial_cv(opt) ? "fold 1's model" : opt.keep_final_model ? "that model" : "the final model")
      << (partial_cv(opt) ? "" : " (one per protocol with a final model)") << " ranks " << any_ind->n_held
      << " validated pairs of other databases (never trained on) among " << any_ind->n_sampled
      << " sampled unknown pairs of the same " << any_ind->n_mirna
      << " miRNAs; the column is the mean per-miRNA AUC (0.5 = random).";
  o << "\n\nProtocols:\n";
  for (const auto& r : results) o << "- " << name_of(r.protocol) << ": " << r.description << "\n";
  return o.str();
}

void write_cv_files(const std::vector<ProtocolResult>& results, const CvOptions& opt) {
  std::filesystem::create_directories(opt.results_dir);
  const std::string dir = opt.results_dir + "/";
  {
    AtomicFile f(dir + "cv_metrics.tsv");
    auto& o = f.stream();
    o << "protocol\tfold\tn_train\tn_test\tprecision\trecall\taccuracy\tf1\tauc\ttp\tfp\ttn\tfn\n";
    for (const auto& r : results) {
      for (std::size_t k = 0; k < r.folds.size(); ++k) {
        const auto& f2 = r.folds[k];
        const auto& m = f2.metrics;
        o << name_of(r.protocol) << "\t" << k + 1 << "\t" << f2.n_train << "\t" << f2.n_test << "\t" << fmt(m.precision, 6) << "\t"
          << fmt(m.recall, 6) << "\t" << fmt(m.accuracy, 6) << "\t" << fmt(m.f1, 6) << "\t" << fmt(m.auc, 6) << "\t"
          << m.confusion.tp << "\t" << m.confusion.fp << "\t" << m.confusion.tn << "\t" << m.confusion.fn << "\n";
      }
      for (const auto* which : {"mean", "sd"}) {
        if (r.folds.size() < 2 && std::string(which) == "sd") continue;  // one fold: no spread
        const Metrics& m = std::string(which) == "mean" ? r.summary.mean : r.summary.sd;
        o << name_of(r.protocol) << "\t" << which << "\t\t\t" << fmt(m.precision, 6) << "\t" << fmt(m.recall, 6) << "\t"
          << fmt(m.accuracy, 6) << "\t" << fmt(m.f1, 6) << "\t" << fmt(m.auc, 6) << "\t\t\t\t\n";
      }
    }
    f.commit();
  }
  {
    AtomicFile f(dir + "cv_summary.md");
    f.stream() << "# Cross-validation\n\n" << summary_markdown(results, opt);
    f.commit();
  }
  {
    AtomicFile f(dir + "cv_independent.tsv");
    f.stream() << "protocol\tauc\tmirna_auc\tn_mirna\tn_validated\tn_sampled_unknown\tn_train_final\n";
    for (const auto& r : results)
      if (r.independent.measured)
        f.stream() << name_of(r.protocol) << "\t" << fmt(r.independent.auc, 6) << "\t" << fmt(r.independent.mirna_auc, 6)
                   << "\t" << r.independent.n_mirna << "\t" << r.independent.n_held << "\t" << r.independent.n_sampled
                   << "\t" << (r.has_final ? r.final_fit.n_train : r.folds.front().n_train)  // the checked model's
                   << "\n";
    f.commit();
  }
  for (const auto& r : results) {
    const std::string name = name_of(r.protocol);
    std::vector<Curve> curves;
    for (std::size_t k = 0; k < r.folds.size(); ++k)
      curves.push_back({"fold " + std::to_string(k + 1) + " AUC " + fmt(r.folds[k].metrics.auc), r.folds[k].roc});
    AtomicFile roc(dir + "roc_" + name + ".svg");
    roc.stream() << roc_svg("ROC, " + name + " protocol (" + name_of(opt.classifier.arch) + ", " + name_of(opt.features) +
                                ")",
                            curves);
    roc.commit();
    AtomicFile roc_data(dir + "roc_" + name + ".tsv");  // the plot's data
    roc_data.stream() << "fold\tfpr\ttpr\tthreshold\n";
    for (std::size_t k = 0; k < r.folds.size(); ++k)
      for (const auto& p : r.folds[k].roc)
        roc_data.stream() << k + 1 << "\t" << p.fpr << "\t" << p.tpr << "\t" << p.threshold << "\n";
    roc_data.commit();
    // Every test fold's pairs together (each pair is tested once): no fold is picked.
    Confusion c;
    for (const auto& f2 : r.folds) {
      c.tp += f2.metrics.confusion.tp;
      c.fp += f2.metrics.confusion.fp;
      c.tn += f2.metrics.confusion.tn;
      c.fn += f2.metrics.confusion.fn;
    }
    AtomicFile cm(dir + "confusion_" + name + ".svg");
    cm.stream() << confusion_svg("All " + std::to_string(r.folds.size()) + " test folds, " + name + ", threshold 0.5", c);
    cm.commit();
    AtomicFile cm_data(dir + "confusion_" + name + ".tsv");
    cm_data.stream() << "# all " << r.folds.size()
                     << " test folds together, threshold 0.5\nactual\tpredicted\tpairs\trate_of_actual\n";
    const std::uint64_t pos = c.tp + c.fn, neg = c.fp + c.tn;
    auto line = [&](const char* a, const char* p, std::uint64_t n, std::uint64_t of) {
      cm_data.stream() << a << "\t" << p << "\t" << n << "\t" << (of ? static_cast<double>(n) / static_cast<double>(of) : 0.0)
                       << "\n";
    };
    line("positive", "positive", c.tp, pos);
    line("positive", "negative", c.fn, pos);
    line("negative", "positive", c.fp, neg);
    line("negative", "negative", c.tn, neg);
    cm_data.commit();
  }
}

}  // namespace aemigap::train

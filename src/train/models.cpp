// Torch side of train/models.hpp: training loops, prediction, checkpoints.
#include "aemigap/train/models.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/hash.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/rng.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/model/networks.hpp"
#include "aemigap/score/lstm_infer.hpp"
#include "grad_sync.hpp"
#include "lstm_grad.hpp"

#include <thread>

namespace aemigap::train {

namespace {

model::ClassifierOptions to_options(const ClassifierSpec& s) {
  model::ClassifierOptions o;
  o.arch = model::parse_arch(s.arch);
  o.n_features = s.n_features;
  o.step_width = s.step_width;
  o.hidden = s.hidden;
  o.layers = s.layers;
  o.heads = s.heads;
  o.ff = s.ff;
  o.tf_layers = s.tf_layers;
  return o;
}


// Copies rows idx[b..e) of x [n x d] into a contiguous tensor.
torch::Tensor gather_rows(const std::vector<float>& x, std::size_t d, const std::vector<std::size_t>& idx,
                          std::size_t b, std::size_t e) {
  auto t = torch::empty({static_cast<int64_t>(e - b), static_cast<int64_t>(d)});
  float* p = t.data_ptr<float>();
  for (std::size_t i = b; i < e; ++i) std::copy_n(&x[idx[i] * d], d, p + (i - b) * d);
  return t;
}

struct ThreadScope {  // sets torch's intra-op threads for a scope
  int old;
  explicit ThreadScope(int n) : old(torch::get_num_threads()) { torch::set_num_threads(std::max(1, n)); }
  ~ThreadScope() { torch::set_num_threads(old); }
};

}  // namespace

// ============================================================================ Classifier

struct Classifier::Impl {
  ClassifierSpec spec;
  Scaler scaler;
  model::SequenceClassifier net{nullptr};
  std::unique_ptr<score::LstmStack> stack;  // built on first use (LSTM only)
};

Classifier::Classifier() : impl_(std::make_unique<Impl>()) {}
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;
const ClassifierSpec& Classifier::spec() const { return impl_->spec; }
const Scaler& Classifier::scaler() const { return impl_->scaler; }
std::int64_t Classifier::parameter_count() const { return model::parameter_count(*impl_->net); }
void* Classifier::module() const { return impl_->net.get(); }

namespace {

torch::Device train_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    AEMIGAP_CHECK(torch::cuda::is_available(),
                  "device = cuda, but this LibTorch has no CUDA or no GPU is visible (build against a CUDA LibTorch: "
                  "see env/README.md)");
    return torch::kCUDA;
  }
  throw ConfigError("unknown device '" + name + "' (cpu | cuda | auto)");
}

// Training checkpoints: <dir>/step-<N>.pt plus the pointer <dir>/latest.
struct TrainState {
  std::int64_t samples = 0, steps = 0, partial = 0, passes = 0, pos = 0;
};

void save_train_checkpoint(const std::string& dir, std::uint64_t fingerprint, const TrainState& st,
                           torch::nn::Module& net, torch::optim::Optimizer& opt) {
  std::filesystem::create_directories(dir);
  torch::serialize::OutputArchive ar;
  ar.write("fingerprint", c10::IValue(static_cast<int64_t>(fingerprint)));
  ar.write("state", c10::IValue(std::vector<int64_t>{st.samples, st.steps, st.partial, st.passes, st.pos}));
  torch::serialize::OutputArchive n, o;
  net.save(n);
  opt.save(o);
  ar.write("net", n);
  ar.write("optimizer", o);
  const std::string name = "step-" + std::to_string(st.steps) + ".pt";
  const std::string path = dir + "/" + name, tmp = temp_path_for(path);
  ar.save_to(tmp);
  rename_into_place(tmp, path);
  std::string old;
  if (std::ifstream in(dir + "/latest"); in) std::getline(in, old);
  AtomicFile f(dir + "/latest");
  f.stream() << name << "\n";
  f.commit();
  if (!old.empty() && old != name) std::filesystem::remove(dir + "/" + old);  // keep one
}

// Loads <dir>/latest into net and opt when its fingerprint matches; returns false otherwise.
bool load_train_checkpoint(const std::string& dir, std::uint64_t fingerprint, TrainState& st,
                           torch::nn::Module& net, torch::optim::Optimizer& opt, const std::string& label) {
  std::string name;
  if (std::ifstream in(dir + "/latest"); in) std::getline(in, name);
  if (name.empty()) return false;
  const std::string path = dir + "/" + name;
  torch::serialize::InputArchive ar;
  try {
    ar.load_from(path);
  } catch (const c10::Error&) {
    throw InputError(path, 0, "cannot read the training checkpoint (remove it to start over)");
  }
  c10::IValue v;
  ar.read("fingerprint", v);
  if (static_cast<std::uint64_t>(v.toInt()) != fingerprint) {
    log_warn("[" + label + "] " + path + " belongs to other inputs or settings: training from the start");
    return false;
  }
  ar.read("state", v);
  auto s = v.toIntVector();
  st = {s[0], s[1], s[2], s[3], s[4]};
  torch::serialize::InputArchive n, o;
  ar.read("net", n);
  ar.read("optimizer", o);
  net.load(n);
  opt.load(o);
  return true;
}

}  // namespace

Classifier Classifier::train(const ClassifierSpec& spec, const std::vector<float>& x, const std::vector<std::uint8_t>& y,
                             const std::vector<std::size_t>& rows, const TrainOptions& opt, TrainStats* stats) {
  AEMIGAP_CHECK(!rows.empty(), "no training rows");
  AEMIGAP_CHECK(opt.samples > 0 && opt.batch > 0, "train-samples and batch must be positive");
  ThreadScope threads(opt.threads);
  const std::size_t d = static_cast<std::size_t>(spec.n_features);
  AEMIGAP_CHECK(x.size() == y.size() * d, "features are not [n x " << d << "]");
  const torch::Device dev = train_device(opt.device);
  Classifier c;
  c.impl_->spec = spec;
  c.impl_->scaler = fit_robust(x, d, rows);
  torch::manual_seed(opt.seed);
  c.impl_->net = model::SequenceClassifier(to_options(spec));
  auto& net = c.impl_->net;
  net->to(dev);
  net->train();
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(opt.lr));
  GradSync sync(net->parameters(), opt.comm);
  sync.broadcast_params();
  const int R = sync.size(), me = sync.rank();
  const std::int64_t global_batch = opt.batch_per_rank ? std::int64_t{opt.batch} * R : opt.batch;
  // Replicas: data parallelism across threads inside this rank (K copies of the model, one
  // intra-op thread each). LibTorch's intra-op threading of this small LSTM scales poorly
  // (measured 1.21x with 2 threads), slices of a batch scale well (1.71x with 2 ranks).
  const int K = std::max(1, opt.replicas > 0 ? opt.replicas : opt.threads);
  std::optional<ThreadScope> replica_threads;
  if (K > 1) replica_threads.emplace(std::max(1, opt.threads / K));
  std::vector<model::SequenceClassifier> replicas;
  for (int j = 1; j < K; ++j) {
    replicas.emplace_back(to_options(spec));
    replicas.back()->to(dev);
    replicas.back()->train();
    torch::NoGradGuard ng;
    auto mp = net->parameters(), rp = replicas.back()->parameters();
    for (std::size_t q = 0; q < mp.size(); ++q) rp[q].copy_(mp[q]);
  }
  std::vector<float> losses(static_cast<std::size_t>(K));
  // The LSTM's gradients by hand (train/lstm_grad.hpp) on the CPU, unless autograd is asked for.
  const bool hand_lstm = !opt.autograd && spec.arch == "lstm" && dev.is_cpu();

  // Training rows, scaled once; labels as floats.
  std::vector<std::size_t> all(rows.size());
  std::iota(all.begin(), all.end(), 0);
  std::vector<float> xs(rows.size() * d);
  std::vector<float> ys(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(&x[rows[i] * d], d, &xs[i * d]);
    ys[i] = y[rows[i]] ? 1.0f : 0.0f;
  }
  c.impl_->scaler.transform(xs.data(), rows.size(), d);

  // The sample stream is a sequence of shuffled passes; a batch never spans two passes,
  // so a pass's last batch may be smaller (it is trained as such, not dropped or padded),
  // and the last batch of the budget takes exactly the samples that remain. Every rank
  // draws the same stream and trains on its slice of each batch.
  Rng rng(opt.seed, 0x747261696e);  // "train"
  TrainState ts;
  std::vector<std::size_t> order = all;
  std::size_t pos = order.size();
  const bool ckpt = !opt.checkpoint_dir.empty() && opt.checkpoint_every > 0;
  if (ckpt && opt.resume && load_train_checkpoint(opt.checkpoint_dir, opt.fingerprint, ts, *net, adam, opt.label)) {
    for (std::int64_t p = 0; p < ts.passes; ++p) shuffle(order, rng);  // replay the stream
    pos = static_cast<std::size_t>(ts.pos);
    log_info("[" + opt.label + "] resumed at " + std::to_string(ts.samples) + " samples from " + opt.checkpoint_dir);
  }
  TrainStats st;
  st.resumed_at = ts.samples;
  Progress progress(opt.label, "samples", static_cast<double>(opt.samples), opt.progress_interval);
  Stopwatch sw;
  double loss_acc = 0;
  std::int64_t loss_n = 0, next_ckpt = ckpt ? (ts.samples / opt.checkpoint_every + 1) * opt.checkpoint_every : 0;
  std::vector<float> extra(1);
  while (ts.samples < opt.samples) {
    if (pos >= order.size()) {
      shuffle(order, rng);
      ++ts.passes;
      pos = 0;
    }
    std::size_t take = std::min<std::size_t>({static_cast<std::size_t>(global_batch), order.size() - pos,
                                              static_cast<std::size_t>(opt.samples - ts.samples)});
    if (take < static_cast<std::size_t>(global_batch)) ++ts.partial;
    auto slice = dist::block_range(take, me, R);
    const std::size_t lo = pos + slice.begin, hi = pos + slice.end;
    // Replica j trains sub-slice j of this rank's slice; its loss is scaled by its share of
    // the global batch, so the summed gradients are the full-batch mean gradient.
    auto run_replica = [&](int j) {
      auto sub = dist::block_range(hi - lo, j, K);
      const std::size_t a = lo + sub.begin, b = lo + sub.end;
      auto& m = j == 0 ? net : replicas[static_cast<std::size_t>(j - 1)];
      m->zero_grad();
      losses[static_cast<std::size_t>(j)] = 0;
      if (b <= a) return;
      torch::Tensor xb = gather_rows(xs, d, order, a, b).to(dev);
      auto yb = torch::empty({static_cast<int64_t>(b - a)});
      float* yp = yb.data_ptr<float>();  // filled directly: tensor indexing costs ~1 us a write
      for (std::size_t i = a; i < b; ++i) yp[i - a] = ys[order[i]];
      const double share = static_cast<double>(b - a) / static_cast<double>(take);
      if (hand_lstm) {
        losses[static_cast<std::size_t>(j)] = lstm_loss_and_grad(*m, xb, yb, share);
        return;
      }
      auto loss = torch::binary_cross_entropy_with_logits(m->forward(xb), yb.to(dev)) * share;
      loss.backward();
      losses[static_cast<std::size_t>(j)] = loss.item<float>();
    };
    {
      std::vector<std::thread> pool;
      for (int j = 1; j < K; ++j) pool.emplace_back(run_replica, j);
      run_replica(0);
      for (auto& t : pool) t.join();
    }
    extra[0] = losses[0];
    if (K > 1) {  // sum the replicas' gradients into the master's, in a fixed order
      torch::NoGradGuard ng;
      auto mp = net->parameters();
      for (int j = 1; j < K; ++j) {
        auto rp = replicas[static_cast<std::size_t>(j - 1)]->parameters();
        for (std::size_t q = 0; q < mp.size(); ++q) {
          if (!rp[q].grad().defined()) continue;
          if (!mp[q].grad().defined()) mp[q].mutable_grad() = torch::zeros_like(mp[q]);
          mp[q].mutable_grad().add_(rp[q].grad());
        }
        extra[0] += losses[static_cast<std::size_t>(j)];
      }
    }
    sync.allreduce_grads(extra);
    adam.step();
    if (K > 1) {  // the replicas follow the master
      torch::NoGradGuard ng;
      auto mp = net->parameters();
      for (auto& r : replicas) {
        auto rp = r->parameters();
        for (std::size_t q = 0; q < mp.size(); ++q) rp[q].copy_(mp[q]);
      }
    }
    pos += take;
    ts.pos = static_cast<std::int64_t>(pos);
    ts.samples += static_cast<std::int64_t>(take);
    ++ts.steps;
    loss_acc += extra[0];
    ++loss_n;
    if (ts.steps % 50 == 0) {
      char detail[64];
      std::snprintf(detail, sizeof detail, "loss %.4f", loss_acc / static_cast<double>(loss_n));
      progress.update(static_cast<double>(ts.samples), detail);
      st.final_loss = loss_acc / static_cast<double>(loss_n);
      loss_acc = 0;
      loss_n = 0;
    }
    if (ckpt && ts.samples >= next_ckpt && ts.samples < opt.samples) {
      if (me == 0) save_train_checkpoint(opt.checkpoint_dir, opt.fingerprint, ts, *net, adam);
      if (opt.comm) opt.comm->barrier();  // the checkpoint exists before anyone moves on
      next_ckpt = (ts.samples / opt.checkpoint_every + 1) * opt.checkpoint_every;
    }
  }
  if (loss_n) st.final_loss = loss_acc / static_cast<double>(loss_n);
  st.samples = ts.samples - st.resumed_at;
  st.steps = ts.steps;
  st.partial_batches = ts.partial;
  st.seconds = sw.seconds();
  char detail[64];
  std::snprintf(detail, sizeof detail, "loss %.4f", st.final_loss);
  progress.finish(detail);
  net->to(torch::kCPU);  // prediction, the scoring kernel and checkpoints work on the CPU
  net->eval();
  if (stats) *stats = st;
  return c;
}

const score::LstmStack* Classifier::lstm_stack() const {
  if (impl_->spec.arch != "lstm") return nullptr;
  if (!impl_->stack) {
    // Fold the projection: W_ih (P s + b_p) + b_ih = (W_ih P) s + (W_ih b_p + b_ih); stack
    // [W_ih | W_hh] transposed per layer, biases summed.
    torch::NoGradGuard ng;
    auto& net = *impl_->net;
    auto params = net.lstm->named_parameters();
    auto st = std::make_unique<score::LstmStack>();
    st->in0 = impl_->spec.step_width;
    st->hidden = impl_->spec.hidden;
    st->layers = impl_->spec.layers;
    for (int l = 0; l < st->layers; ++l) {
      auto L = std::to_string(l);
      auto wih = params["weight_ih_l" + L], bih = params["bias_ih_l" + L];
      if (l == 0) {
        bih = bih + torch::matmul(wih, net.proj->bias);
        wih = torch::matmul(wih, net.proj->weight);
      }
      auto wcat = torch::cat({wih, params["weight_hh_l" + L]}, 1).t().contiguous();
      auto bsum = (bih + params["bias_hh_l" + L]).contiguous();
      st->w.emplace_back(wcat.data_ptr<float>(), wcat.data_ptr<float>() + wcat.numel());
      st->b.emplace_back(bsum.data_ptr<float>(), bsum.data_ptr<float>() + bsum.numel());
    }
    auto hw = net.head->weight.contiguous();
    st->head_w.assign(hw.data_ptr<float>(), hw.data_ptr<float>() + hw.numel());
    st->head_b = net.head->bias.item<float>();
    impl_->stack = std::move(st);
  }
  return impl_->stack.get();
}

std::vector<float> Classifier::predict(const float* x, std::size_t n, int threads) const {
  const score::LstmStack* st = lstm_stack();
  if (!st) return predict_torch(x, n, threads);
  const std::size_t d = static_cast<std::size_t>(impl_->spec.n_features);
  const int steps = (impl_->spec.n_features + impl_->spec.step_width - 1) / impl_->spec.step_width;
  const std::size_t width = static_cast<std::size_t>(steps) * static_cast<std::size_t>(impl_->spec.step_width);
  std::vector<float> out(n), zeros(static_cast<std::size_t>(st->layers * st->hidden), 0.0f);
  const int nt = std::max(1, std::min<int>(threads, static_cast<int>((n + 47) / 48)));
  std::vector<std::thread> pool;
  for (int k = 0; k < nt; ++k) {
    std::size_t lo = n * static_cast<std::size_t>(k) / static_cast<std::size_t>(nt);
    std::size_t hi = n * static_cast<std::size_t>(k + 1) / static_cast<std::size_t>(nt);
    pool.emplace_back([&, lo, hi] {
      const std::size_t chunk = 4096;
      std::vector<float> buf;
      for (std::size_t b = lo; b < hi; b += chunk) {
        std::size_t e = std::min(hi, b + chunk);
        buf.assign((e - b) * width, 0.0f);  // scaled rows, zero-padded to whole steps
        for (std::size_t i = b; i < e; ++i)
          for (std::size_t j = 0; j < d; ++j)
            buf[(i - b) * width + j] = (x[i * d + j] - impl_->scaler.center[j]) / impl_->scaler.scale[j];
        st->score(zeros.data(), zeros.data(), buf.data(), e - b, steps, out.data() + b);
      }
    });
  }
  for (auto& t : pool) t.join();
  return out;
}

std::vector<float> Classifier::predict_torch(const float* x, std::size_t n, int threads) const {
  ThreadScope scope(threads);
  torch::NoGradGuard no_grad;
  const std::size_t d = static_cast<std::size_t>(impl_->spec.n_features);
  std::vector<float> out(n);
  const std::size_t chunk = 8192;
  std::vector<float> buf;
  for (std::size_t b = 0; b < n; b += chunk) {
    std::size_t e = std::min(n, b + chunk);
    buf.assign(x + b * d, x + e * d);
    impl_->scaler.transform(buf.data(), e - b, d);
    auto t = torch::from_blob(buf.data(), {static_cast<int64_t>(e - b), static_cast<int64_t>(d)});
    auto p = torch::sigmoid(impl_->net->forward(t)).contiguous();
    std::copy_n(p.data_ptr<float>(), e - b, out.begin() + static_cast<long>(b));
  }
  return out;
}

// ============================================================================ Autoencoder

struct AutoencoderModel::Impl {
  AutoencoderSpec spec;
  Scaler minmax;
  model::Autoencoder net{nullptr};
};

AutoencoderModel::AutoencoderModel() : impl_(std::make_unique<Impl>()) {}
AutoencoderModel::~AutoencoderModel() = default;
AutoencoderModel::AutoencoderModel(AutoencoderModel&&) noexcept = default;
AutoencoderModel& AutoencoderModel::operator=(AutoencoderModel&&) noexcept = default;
const AutoencoderSpec& AutoencoderModel::spec() const { return impl_->spec; }
const Scaler& AutoencoderModel::minmax() const { return impl_->minmax; }
void* AutoencoderModel::module() const { return impl_->net.get(); }

namespace {
model::AutoencoderOptions ae_options(const AutoencoderSpec& s) {
  model::AutoencoderOptions o;
  o.input = s.input;
  o.hidden = s.hidden;
  o.latent = s.latent;
  return o;
}
}  // namespace

AutoencoderModel AutoencoderModel::train(const AutoencoderSpec& spec, const std::vector<float>& x,
                                         const std::vector<std::size_t>& rows, const AeOptions& opt,
                                         AeHistory* history) {
  ThreadScope threads(opt.threads);
  const std::size_t d = static_cast<std::size_t>(spec.input);
  // 9:1 split of the given rows (seeded); the scaler sees the training part only.
  std::vector<std::size_t> idx = rows;
  Rng rng(opt.seed, 0x6165);  // "ae"
  shuffle(idx, rng);
  std::size_t n_test = static_cast<std::size_t>(std::llround(opt.test_fraction * static_cast<double>(idx.size())));
  std::vector<std::size_t> test(idx.begin(), idx.begin() + static_cast<long>(n_test));
  std::vector<std::size_t> tr(idx.begin() + static_cast<long>(n_test), idx.end());
  AEMIGAP_CHECK(!tr.empty(), "autoencoder has no training rows");
  AutoencoderModel m;
  m.impl_->spec = spec;
  m.impl_->minmax = fit_minmax(x, d, tr);
  torch::manual_seed(opt.seed);
  m.impl_->net = model::Autoencoder(ae_options(spec));
  auto& net = m.impl_->net;
  const torch::Device dev = train_device(opt.device);
  net->to(dev);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(opt.lr));
  GradSync sync(net->parameters(), opt.comm);
  sync.broadcast_params();
  const int R = sync.size(), me = sync.rank();
  auto scaled = [&](const std::vector<std::size_t>& r) {
    std::vector<float> buf(r.size() * d);
    for (std::size_t i = 0; i < r.size(); ++i) std::copy_n(&x[r[i] * d], d, &buf[i * d]);
    m.impl_->minmax.transform(buf.data(), r.size(), d);
    for (auto& v : buf) v = std::min(1.0f, std::max(0.0f, v));  // test rows may fall outside [0, 1]
    return buf;
  };
  std::vector<float> xtr = scaled(tr), xte = scaled(test);
  AeHistory h;
  h.train_rows = tr.size();
  h.test_rows = test.size();
  Progress progress("train-ae", "epochs", opt.epochs, opt.progress_interval);
  Stopwatch sw;
  std::vector<std::size_t> order(tr.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<float> extra(1);
  for (int epoch = 0; epoch < opt.epochs; ++epoch) {
    net->train();
    shuffle(order, rng);  // the same order on every rank; each trains its slice of a batch
    double sum = 0;
    for (std::size_t b = 0; b < order.size(); b += static_cast<std::size_t>(opt.batch)) {
      std::size_t e = std::min(order.size(), b + static_cast<std::size_t>(opt.batch));
      auto slice = dist::block_range(e - b, me, R);
      adam.zero_grad();
      extra[0] = 0;
      if (slice.end > slice.begin) {
        auto xb = gather_rows(xtr, d, order, b + slice.begin, b + slice.end).to(dev);
        auto loss = torch::mse_loss(net->forward(xb), xb) *
                    (static_cast<double>(slice.end - slice.begin) / static_cast<double>(e - b));
        loss.backward();
        extra[0] = loss.item<float>();
      }
      sync.allreduce_grads(extra);
      adam.step();
      sum += static_cast<double>(extra[0]) * static_cast<double>(e - b);
    }
    h.train_loss.push_back(sum / static_cast<double>(order.size()));
    net->eval();
    double test_loss = 0;
    if (!test.empty()) {
      torch::NoGradGuard ng;
      auto t = torch::from_blob(xte.data(), {static_cast<int64_t>(test.size()), static_cast<int64_t>(d)}).to(dev);
      test_loss = torch::mse_loss(net->forward(t), t).item<double>();
    }
    h.test_loss.push_back(test_loss);
    char detail[96];
    std::snprintf(detail, sizeof detail, "epoch %d/%d train MSE %.5f test MSE %.5f", epoch + 1, opt.epochs,
                  h.train_loss.back(), test_loss);
    log_debug(std::string("[train-ae] ") + detail);
    progress.update(epoch + 1, detail);
  }
  net->to(torch::kCPU);
  net->eval();
  h.seconds = sw.seconds();
  progress.finish(h.train_loss.empty() ? "" : "final train MSE " + std::to_string(h.train_loss.back()) +
                                                  ", test MSE " + std::to_string(h.test_loss.back()));
  if (history) *history = h;
  return m;
}

std::vector<float> AutoencoderModel::encode(const float* x, std::size_t n) const {
  torch::NoGradGuard no_grad;
  const std::size_t d = static_cast<std::size_t>(impl_->spec.input);
  const std::size_t L = static_cast<std::size_t>(impl_->spec.latent);
  std::vector<float> out(n * L), buf;
  const std::size_t chunk = 16384;
  for (std::size_t b = 0; b < n; b += chunk) {
    std::size_t e = std::min(n, b + chunk);
    buf.assign(x + b * d, x + e * d);
    impl_->minmax.transform(buf.data(), e - b, d);
    for (auto& v : buf) v = std::min(1.0f, std::max(0.0f, v));
    auto t = torch::from_blob(buf.data(), {static_cast<int64_t>(e - b), static_cast<int64_t>(d)});
    auto z = impl_->net->encode(t).contiguous();
    std::copy_n(z.data_ptr<float>(), (e - b) * L, out.begin() + static_cast<long>(b * L));
  }
  return out;
}

AutoencoderModel AutoencoderModel::clone() const {
  AutoencoderModel m;
  m.impl_->spec = impl_->spec;
  m.impl_->minmax = impl_->minmax;
  m.impl_->net = model::Autoencoder(ae_options(impl_->spec));
  torch::NoGradGuard ng;
  auto src = impl_->net->named_parameters();
  for (auto& p : m.impl_->net->named_parameters()) p.value().copy_(src[p.key()]);
  m.impl_->net->eval();
  return m;
}

void AutoencoderModel::write(Store& s, const std::string& group) const {
  const auto& sp = impl_->spec;
  for (const auto& p : impl_->net->named_parameters()) {
    auto t = p.value().detach().contiguous();
    std::vector<float> v(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    std::vector<std::uint64_t> dims;
    for (auto k : t.sizes()) dims.push_back(static_cast<std::uint64_t>(k));
    s.write(group + "/params/" + p.key(), v, dims, false);
  }
  s.write(group + "/scaler_min", impl_->minmax.center, {impl_->minmax.center.size()}, false);
  s.write(group + "/scaler_range", impl_->minmax.scale, {impl_->minmax.scale.size()}, false);
  s.set_attr(group, "input", static_cast<std::int64_t>(sp.input));
  s.set_attr(group, "latent", static_cast<std::int64_t>(sp.latent));
  std::vector<double> hidden(sp.hidden.begin(), sp.hidden.end());
  s.set_attr(group, "hidden", hidden);
}

AutoencoderModel AutoencoderModel::read(const Store& s, const std::string& group) {
  if (!s.exists(group + "/scaler_min"))
    throw InputError(s.path(), 0, "store has no autoencoder (" + group + "): run `aemigap train-ae` first");
  AutoencoderModel m;
  auto& sp = m.impl_->spec;
  sp.input = static_cast<int>(s.attr_int(group, "input"));
  sp.latent = static_cast<int>(s.attr_int(group, "latent"));
  sp.hidden.clear();
  for (double h : s.attr_doubles(group, "hidden")) sp.hidden.push_back(static_cast<int>(h));
  m.impl_->minmax.center = s.read<float>(group + "/scaler_min");
  m.impl_->minmax.scale = s.read<float>(group + "/scaler_range");
  m.impl_->net = model::Autoencoder(ae_options(sp));
  torch::NoGradGuard ng;
  for (auto& p : m.impl_->net->named_parameters()) {
    std::vector<std::uint64_t> dims;
    auto v = s.read<float>(group + "/params/" + p.key(), &dims);
    AEMIGAP_CHECK(static_cast<int64_t>(v.size()) == p.value().numel(), "autoencoder parameter " << p.key() << " has the wrong size");
    p.value().copy_(torch::from_blob(v.data(), p.value().sizes()));
  }
  m.impl_->net->eval();
  return m;
}

std::uint64_t AutoencoderModel::fingerprint() const {
  std::uint64_t h = hash_bytes(impl_->minmax.center.data(), impl_->minmax.center.size() * 4);
  h = hash_bytes(impl_->minmax.scale.data(), impl_->minmax.scale.size() * 4, h);
  for (const auto& p : impl_->net->parameters()) {
    auto c = p.detach().contiguous();
    h = hash_bytes(c.data_ptr<float>(), static_cast<std::size_t>(c.numel()) * 4, h);
  }
  return h;
}

std::string resolve_device(const std::string& configured) {
  if (configured != "auto") return configured;
  return torch::cuda::is_available() ? "cuda" : "cpu";
}

// ============================================================================ features

int feature_width(const std::string& fs, int embed_dims, int latent) {
  if (fs == "pair") return 2 * embed_dims;
  if (fs == "latent") return latent;
  if (fs == "pair+latent") return 2 * embed_dims + latent;
  throw ConfigError("unknown feature set '" + fs + "' (pair | latent | pair+latent)");
}

std::vector<float> pair_features(const std::vector<float>& mirna, const std::vector<float>& gene, std::size_t dims,
                                 const std::vector<std::int32_t>& m, const std::vector<std::int32_t>& g,
                                 const std::string& fs, const AutoencoderModel* ae) {
  const std::size_t n = m.size(), pd = 2 * dims;
  std::vector<float> pair(n * pd);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(&mirna[static_cast<std::size_t>(m[i]) * dims], dims, &pair[i * pd]);
    std::copy_n(&gene[static_cast<std::size_t>(g[i]) * dims], dims, &pair[i * pd + dims]);
  }
  if (fs == "pair") return pair;
  AEMIGAP_CHECK(ae != nullptr, "feature set " << fs << " needs the autoencoder");
  auto z = ae->encode(pair.data(), n);
  if (fs == "latent") return z;
  const std::size_t L = static_cast<std::size_t>(ae->spec().latent), w = pd + L;
  std::vector<float> out(n * w);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(&pair[i * pd], pd, &out[i * w]);
    std::copy_n(&z[i * L], L, &out[i * w + pd]);
  }
  return out;
}

// ============================================================================ checkpoint

namespace {
torch::Tensor vec_tensor(const std::vector<float>& v) {
  return torch::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(v.size())}).clone();
}
std::vector<float> tensor_vec(const torch::Tensor& t) {
  auto c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}
}  // namespace

void Checkpoint::save(const std::string& path) const {
  torch::serialize::OutputArchive ar;
  to_archive(ar);
  std::string tmp = temp_path_for(path);
  ar.save_to(tmp);
  rename_into_place(tmp, path);
}

std::string Checkpoint::to_bytes() const {
  torch::serialize::OutputArchive ar;
  to_archive(ar);
  std::ostringstream o;
  ar.save_to(o);
  return o.str();
}

Checkpoint Checkpoint::from_bytes(const std::string& bytes, const std::string& where) {
  std::istringstream in(bytes);
  torch::serialize::InputArchive ar;
  try {
    ar.load_from(in);
  } catch (const c10::Error&) {
    throw InputError(where, 0, "cannot read the model checkpoint it holds");
  }
  return from_archive(ar, where);
}

void Checkpoint::to_archive(torch::serialize::OutputArchive& ar) const {
  const auto& sp = classifier.spec();
  ar.write("format", c10::IValue(std::string("aemigap-checkpoint-1")));
  ar.write("feature_set", c10::IValue(feature_set));
  ar.write("config", c10::IValue(config_ini));
  ar.write("protocol", c10::IValue(protocol));
  ar.write("auc", c10::IValue(auc));
  ar.write("arch", c10::IValue(sp.arch));
  ar.write("spec", c10::IValue(std::vector<int64_t>{sp.n_features, sp.step_width, sp.hidden, sp.layers, sp.heads, sp.ff,
                                                   sp.tf_layers}));
  ar.write("robust_center", vec_tensor(classifier.scaler().center));
  ar.write("robust_scale", vec_tensor(classifier.scaler().scale));
  torch::serialize::OutputArchive net;
  classifier.impl_->net->save(net);
  ar.write("classifier", net);
  ar.write("has_ae", c10::IValue(ae != nullptr));
  if (ae) {
    const auto& as = ae->spec();
    std::vector<int64_t> ae_spec{as.input, as.latent};
    ae_spec.insert(ae_spec.end(), as.hidden.begin(), as.hidden.end());
    ar.write("ae_spec", c10::IValue(ae_spec));
    ar.write("ae_min", vec_tensor(ae->impl_->minmax.center));
    ar.write("ae_range", vec_tensor(ae->impl_->minmax.scale));
    torch::serialize::OutputArchive a;
    ae->impl_->net->save(a);
    ar.write("ae", a);
  }
}

Checkpoint Checkpoint::load(const std::string& path) {
  torch::serialize::InputArchive ar;
  try {
    ar.load_from(path);
  } catch (const c10::Error& e) {
    throw InputError(path, 0, "cannot read the checkpoint (not written by aemigap cv?)");
  }
  return from_archive(ar, path);
}

Checkpoint Checkpoint::from_archive(torch::serialize::InputArchive& ar, const std::string& path) {
  Checkpoint c;
  c10::IValue v;
  ar.read("format", v);
  if (v.toStringRef() != "aemigap-checkpoint-1") throw InputError(path, 0, "unknown checkpoint format " + v.toStringRef());
  ar.read("feature_set", v);
  c.feature_set = v.toStringRef();
  ar.read("config", v);
  c.config_ini = v.toStringRef();
  ar.read("protocol", v);
  c.protocol = v.toStringRef();
  ar.read("auc", v);
  c.auc = v.toDouble();
  ClassifierSpec sp;
  ar.read("arch", v);
  sp.arch = v.toStringRef();
  ar.read("spec", v);
  auto s = v.toIntVector();
  sp.n_features = static_cast<int>(s[0]);
  sp.step_width = static_cast<int>(s[1]);
  sp.hidden = static_cast<int>(s[2]);
  sp.layers = static_cast<int>(s[3]);
  sp.heads = static_cast<int>(s[4]);
  sp.ff = static_cast<int>(s[5]);
  sp.tf_layers = static_cast<int>(s[6]);
  c.classifier.impl_->spec = sp;
  torch::Tensor t;
  ar.read("robust_center", t);
  c.classifier.impl_->scaler.center = tensor_vec(t);
  ar.read("robust_scale", t);
  c.classifier.impl_->scaler.scale = tensor_vec(t);
  c.classifier.impl_->net = model::SequenceClassifier(to_options(sp));
  torch::serialize::InputArchive net;
  ar.read("classifier", net);
  c.classifier.impl_->net->load(net);
  c.classifier.impl_->net->eval();
  ar.read("has_ae", v);
  if (v.toBool()) {
    c.ae = std::make_unique<AutoencoderModel>();
    ar.read("ae_spec", v);
    auto a = v.toIntVector();
    auto& as = c.ae->impl_->spec;
    as.input = static_cast<int>(a[0]);
    as.latent = static_cast<int>(a[1]);
    as.hidden.assign(a.begin() + 2, a.end());
    ar.read("ae_min", t);
    c.ae->impl_->minmax.center = tensor_vec(t);
    ar.read("ae_range", t);
    c.ae->impl_->minmax.scale = tensor_vec(t);
    c.ae->impl_->net = model::Autoencoder(ae_options(as));
    torch::serialize::InputArchive a2;
    ar.read("ae", a2);
    c.ae->impl_->net->load(a2);
    c.ae->impl_->net->eval();
  }
  return c;
}

}  // namespace aemigap::train

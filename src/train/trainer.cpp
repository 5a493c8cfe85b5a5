// The training loops of train/trainer.hpp (classifier and autoencoder) and the training
// checkpoints that --resume continues from.
#include "aemigap/train/trainer.hpp"

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
#include "aemigap/model/impl.hpp"
#include "grad_sync.hpp"
#include "lstm_grad.hpp"

#include <thread>

namespace aemigap::train {

TrainOptions TrainOptions::from(const Config& cfg, int threads, const std::string& label) {
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

AeOptions AeOptions::from(const Config& cfg, int threads) {
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

namespace {

// Copies rows idx[b..e) of x [n x d] into a contiguous tensor.
torch::Tensor gather_rows(const std::vector<float>& x, std::size_t d, const std::vector<std::size_t>& idx,
                          std::size_t b, std::size_t e) {
  auto t = torch::empty({static_cast<int64_t>(e - b), static_cast<int64_t>(d)});
  float* p = t.data_ptr<float>();
  for (std::size_t i = b; i < e; ++i) std::copy_n(&x[idx[i] * d], d, p + (i - b) * d);
  return t;
}

}  // namespace

namespace {

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

model::Classifier train_classifier(const model::ClassifierSpec& spec, const std::vector<float>& x,
                                   const std::vector<std::uint8_t>& y, const std::vector<std::size_t>& rows,
                                   const TrainOptions& opt, TrainStats* stats) {
  AEMIGAP_CHECK(!rows.empty(), "no training rows");
  AEMIGAP_CHECK(opt.samples > 0 && opt.batch > 0, "train-samples and batch must be positive");
  model::TorchThreads threads(opt.threads);
  const std::size_t d = static_cast<std::size_t>(spec.n_features);
  AEMIGAP_CHECK(x.size() == y.size() * d, "features are not [n x " << d << "]");
  const torch::Device dev = model::torch_device(opt.device);
  model::Scaler scaler = model::fit_robust(x, d, rows);
  torch::manual_seed(opt.seed);
  model::Classifier c = model::Classifier::create(spec, std::move(scaler));
  auto& net = c.impl().net;
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
  std::optional<model::TorchThreads> replica_threads;
  if (K > 1) replica_threads.emplace(std::max(1, opt.threads / K));
  std::vector<model::SequenceClassifier> replicas;
  for (int j = 1; j < K; ++j) {
    replicas.emplace_back(spec);
    replicas.back()->to(dev);
    replicas.back()->train();
    torch::NoGradGuard ng;
    auto mp = net->parameters(), rp = replicas.back()->parameters();
    for (std::size_t q = 0; q < mp.size(); ++q) rp[q].copy_(mp[q]);
  }
  std::vector<float> losses(static_cast<std::size_t>(K));
  // The LSTM's gradients by hand (train/lstm_grad.hpp) on the CPU, unless autograd is asked for.
  const bool hand_lstm = !opt.autograd && spec.arch == Arch::Lstm && dev.is_cpu();

  // Training rows, scaled once; labels as floats.
  std::vector<std::size_t> all(rows.size());
  std::iota(all.begin(), all.end(), 0);
  std::vector<float> xs(rows.size() * d);
  std::vector<float> ys(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(&x[rows[i] * d], d, &xs[i * d]);
    ys[i] = y[rows[i]] ? 1.0f : 0.0f;
  }
  c.scaler().transform(xs.data(), rows.size(), d);

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

model::AutoencoderModel train_autoencoder(const model::AutoencoderSpec& spec, const std::vector<float>& x,
                                          const std::vector<std::size_t>& rows, const AeOptions& opt,
                                          AeHistory* history) {
  model::TorchThreads threads(opt.threads);
  const std::size_t d = static_cast<std::size_t>(spec.input);
  // 9:1 split of the given rows (seeded); the scaler sees the training part only.
  std::vector<std::size_t> idx = rows;
  Rng rng(opt.seed, 0x6165);  // "ae"
  shuffle(idx, rng);
  std::size_t n_test = static_cast<std::size_t>(std::llround(opt.test_fraction * static_cast<double>(idx.size())));
  std::vector<std::size_t> test(idx.begin(), idx.begin() + static_cast<long>(n_test));
  std::vector<std::size_t> tr(idx.begin() + static_cast<long>(n_test), idx.end());
  AEMIGAP_CHECK(!tr.empty(), "autoencoder has no training rows");
  model::Scaler minmax = model::fit_minmax(x, d, tr);
  torch::manual_seed(opt.seed);
  model::AutoencoderModel m = model::AutoencoderModel::create(spec, std::move(minmax));
  auto& net = m.impl().net;
  const torch::Device dev = model::torch_device(opt.device);
  net->to(dev);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(opt.lr));
  GradSync sync(net->parameters(), opt.comm);
  sync.broadcast_params();
  const int R = sync.size(), me = sync.rank();
  auto scaled = [&](const std::vector<std::size_t>& r) {
    std::vector<float> buf(r.size() * d);
    for (std::size_t i = 0; i < r.size(); ++i) std::copy_n(&x[r[i] * d], d, &buf[i * d]);
    m.minmax().transform(buf.data(), r.size(), d);
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


}  // namespace aemigap::train

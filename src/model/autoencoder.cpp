// The autoencoder artifact: construction, encoding, its HDF5 form in the store.
#include "aemigap/model/autoencoder.hpp"

#include <torch/torch.h>

#include <algorithm>

#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/hash.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/model/impl.hpp"

namespace aemigap::model {

AutoencoderSpec AutoencoderSpec::from(const Config& cfg) {
  AutoencoderSpec s;
  s.input = 2 * cfg.embed_dims;
  s.hidden = cfg.ae_hidden;
  s.latent = cfg.ae_latent;
  return s;
}

AutoencoderModel::AutoencoderModel() : impl_(std::make_unique<Impl>()) {}
AutoencoderModel::~AutoencoderModel() = default;
AutoencoderModel::AutoencoderModel(AutoencoderModel&&) noexcept = default;
AutoencoderModel& AutoencoderModel::operator=(AutoencoderModel&&) noexcept = default;
const AutoencoderSpec& AutoencoderModel::spec() const { return impl_->spec; }
const Scaler& AutoencoderModel::minmax() const { return impl_->minmax; }

AutoencoderModel AutoencoderModel::create(const AutoencoderSpec& spec, Scaler minmax) {
  AutoencoderModel m;
  m.impl_->spec = spec;
  m.impl_->minmax = std::move(minmax);
  m.impl_->net = Autoencoder(spec);
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
  AutoencoderModel m = create(impl_->spec, impl_->minmax);
  torch::NoGradGuard ng;
  auto src = impl_->net->named_parameters();
  for (auto& p : m.impl_->net->named_parameters()) p.value().copy_(src[p.key()]);
  m.impl_->net->eval();
  return m;
}

void AutoencoderModel::write(Store& s, const std::string& group) const {
  namespace sc = schema;
  const auto& sp = impl_->spec;
  for (const auto& p : impl_->net->named_parameters()) {
    auto t = p.value().detach().contiguous();
    std::vector<float> v(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    std::vector<std::uint64_t> dims;
    for (auto k : t.sizes()) dims.push_back(static_cast<std::uint64_t>(k));
    s.write(group + sc::kAeParams + p.key(), v, dims, false);
  }
  s.write(group + sc::kAeScalerMin, impl_->minmax.center, {impl_->minmax.center.size()}, false);
  s.write(group + sc::kAeScalerRange, impl_->minmax.scale, {impl_->minmax.scale.size()}, false);
  s.set_attr(group, sc::kAttrAeInput, static_cast<std::int64_t>(sp.input));
  s.set_attr(group, sc::kAttrAeLatent, static_cast<std::int64_t>(sp.latent));
  std::vector<double> hidden(sp.hidden.begin(), sp.hidden.end());
  s.set_attr(group, sc::kAttrAeHidden, hidden);
}

AutoencoderModel AutoencoderModel::read(const Store& s, const std::string& group) {
  namespace sc = schema;
  if (!s.exists(group + sc::kAeScalerMin))
    throw InputError(s.path(), 0, "store has no autoencoder (" + group + "): run `aemigap train-ae` first");
  AutoencoderSpec sp;
  sp.input = static_cast<int>(s.attr_int(group, sc::kAttrAeInput));
  sp.latent = static_cast<int>(s.attr_int(group, sc::kAttrAeLatent));
  sp.hidden.clear();
  for (double h : s.attr_doubles(group, sc::kAttrAeHidden)) sp.hidden.push_back(static_cast<int>(h));
  Scaler mm;
  mm.center = s.read<float>(group + sc::kAeScalerMin);
  mm.scale = s.read<float>(group + sc::kAeScalerRange);
  AutoencoderModel m = create(sp, std::move(mm));
  torch::NoGradGuard ng;
  for (auto& p : m.impl_->net->named_parameters()) {
    std::vector<std::uint64_t> dims;
    auto v = s.read<float>(group + sc::kAeParams + p.key(), &dims);
    if (static_cast<int64_t>(v.size()) != p.value().numel())
      throw InputError(s.path(), 0, "autoencoder parameter " + group + sc::kAeParams + p.key() +
                                        " has the wrong size for its stored spec: run `aemigap train-ae` again");
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

}  // namespace aemigap::model

// Checkpoint files (LibTorch archives): the classifier, its scaler and spec, the feature set
// and, for latent features, the autoencoder that made them.
#include "aemigap/model/checkpoint.hpp"

#include <torch/torch.h>

#include <cstdio>
#include <sstream>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/model/impl.hpp"

namespace aemigap::model {

namespace {
torch::Tensor vec_tensor(const std::vector<float>& v) {
  return torch::from_blob(const_cast<float*>(v.data()), {static_cast<int64_t>(v.size())}).clone();
}
std::vector<float> tensor_vec(const torch::Tensor& t) {
  auto c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}
template <class E> E choice_from(const c10::IValue& v, const char* what, const std::string& where) {
  auto e = parse_choice<E>(v.toStringRef());
  if (!e) throw InputError(where, 0, std::string("checkpoint has an unknown ") + what + " '" + v.toStringRef() + "'");
  return *e;
}
}  // namespace

std::string checkpoint_path(const Config& cfg) {
  return cfg.checkpoint.empty() ? cfg.results_dir + "/model.pt" : cfg.checkpoint;
}

Device resolve_device(Device configured) {
  if (configured != Device::Auto) return configured;
  return torch::cuda::is_available() ? Device::Cuda : Device::Cpu;
}

std::string Checkpoint::describe(const std::string& shown_path) const {
  char b[512];
  std::snprintf(b, sizeof b, "%s on %s features (checkpoint %s: %s, CV AUC %.4f)", name_of(classifier.spec().arch),
                name_of(feature_set), shown_path.c_str(), protocol.c_str(), auc);
  return b;
}

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

Checkpoint Checkpoint::load(const std::string& path) {
  torch::serialize::InputArchive ar;
  try {
    ar.load_from(path);
  } catch (const c10::Error&) {
    throw InputError(path, 0, "cannot read the checkpoint (not written by aemigap cv?)");
  }
  return from_archive(ar, path);
}

void Checkpoint::to_archive(torch::serialize::OutputArchive& ar) const {
  const auto& sp = classifier.spec();
  ar.write("format", c10::IValue(std::string(kCheckpointFormat)));
  ar.write("feature_set", c10::IValue(std::string(name_of(feature_set))));
  ar.write("config", c10::IValue(config_ini));
  ar.write("protocol", c10::IValue(protocol));
  ar.write("auc", c10::IValue(auc));
  ar.write("arch", c10::IValue(std::string(name_of(sp.arch))));
  ar.write("spec", c10::IValue(std::vector<int64_t>{sp.n_features, sp.step_width, sp.hidden, sp.layers, sp.heads, sp.ff,
                                                   sp.tf_layers}));
  ar.write("robust_center", vec_tensor(classifier.scaler().center));
  ar.write("robust_scale", vec_tensor(classifier.scaler().scale));
  torch::serialize::OutputArchive net;
  classifier.impl().net->save(net);
  ar.write("classifier", net);
  ar.write("has_ae", c10::IValue(ae != nullptr));
  if (ae) {
    const auto& as = ae->spec();
    std::vector<int64_t> ae_spec{as.input, as.latent};
    ae_spec.insert(ae_spec.end(), as.hidden.begin(), as.hidden.end());
    ar.write("ae_spec", c10::IValue(ae_spec));
    ar.write("ae_min", vec_tensor(ae->minmax().center));
    ar.write("ae_range", vec_tensor(ae->minmax().scale));
    torch::serialize::OutputArchive a;
    ae->impl().net->save(a);
    ar.write("ae", a);
  }
}

Checkpoint Checkpoint::from_archive(torch::serialize::InputArchive& ar, const std::string& path) {
  Checkpoint c;
  c10::IValue v;
  ar.read("format", v);
  if (v.toStringRef() != kCheckpointFormat) throw InputError(path, 0, "unknown checkpoint format " + v.toStringRef());
  ar.read("feature_set", v);
  c.feature_set = choice_from<FeatureSet>(v, "feature set", path);
  ar.read("config", v);
  c.config_ini = v.toStringRef();
  ar.read("protocol", v);
  c.protocol = v.toStringRef();
  ar.read("auc", v);
  c.auc = v.toDouble();
  ClassifierSpec sp;
  ar.read("arch", v);
  sp.arch = choice_from<Arch>(v, "architecture", path);
  ar.read("spec", v);
  auto s = v.toIntVector();
  if (s.size() != 7) throw InputError(path, 0, "checkpoint spec has " + std::to_string(s.size()) + " sizes, not 7");
  sp.n_features = static_cast<int>(s[0]);
  sp.step_width = static_cast<int>(s[1]);
  sp.hidden = static_cast<int>(s[2]);
  sp.layers = static_cast<int>(s[3]);
  sp.heads = static_cast<int>(s[4]);
  sp.ff = static_cast<int>(s[5]);
  sp.tf_layers = static_cast<int>(s[6]);
  torch::Tensor t;
  Scaler robust;
  ar.read("robust_center", t);
  robust.center = tensor_vec(t);
  ar.read("robust_scale", t);
  robust.scale = tensor_vec(t);
  c.classifier = Classifier::create(sp, std::move(robust));
  torch::serialize::InputArchive net;
  ar.read("classifier", net);
  c.classifier.impl().net->load(net);
  c.classifier.impl().net->eval();
  ar.read("has_ae", v);
  if (v.toBool()) {
    ar.read("ae_spec", v);
    auto a = v.toIntVector();
    AutoencoderSpec as;
    as.input = static_cast<int>(a[0]);
    as.latent = static_cast<int>(a[1]);
    as.hidden.assign(a.begin() + 2, a.end());
    Scaler mm;
    ar.read("ae_min", t);
    mm.center = tensor_vec(t);
    ar.read("ae_range", t);
    mm.scale = tensor_vec(t);
    c.ae = std::make_unique<AutoencoderModel>(AutoencoderModel::create(as, std::move(mm)));
    torch::serialize::InputArchive a2;
    ar.read("ae", a2);
    c.ae->impl().net->load(a2);
    c.ae->impl().net->eval();
  }
  return c;
}

}  // namespace aemigap::model

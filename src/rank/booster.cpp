#include "aemigap/rank/booster.hpp"

#include <xgboost/c_api.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>

#include "aemigap/core/error.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/rank/forest.hpp"

#define AEMIGAP_XGB_CHECK(call)                                                                                \
  do {                                                                                                         \
    if ((call) != 0)                                                                                           \
      throw ::aemigap::Error(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": XGBoost call " #call \
                             " failed: " + XGBGetLastError());                                                \
  } while (0)

namespace aemigap::rank {

namespace {
// A DMatrix for one call.
struct Matrix {
  DMatrixHandle h = nullptr;
  Matrix(const float* x, std::size_t n, std::size_t d, int threads) {
    AEMIGAP_XGB_CHECK(XGDMatrixCreateFromMat_omp(x, static_cast<bst_ulong>(n), static_cast<bst_ulong>(d), NAN, &h, threads));
  }
  ~Matrix() {
    if (h) XGDMatrixFree(h);
  }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
};

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

void set(void* h, const char* k, const std::string& v) { AEMIGAP_XGB_CHECK(XGBoosterSetParam(h, k, v.c_str())); }
}  // namespace

Booster::Booster() = default;
Booster::~Booster() {
  if (handle_) XGBoosterFree(handle_);
}
Booster::Booster(Booster&& o) noexcept
    : handle_(o.handle_), forest_(std::move(o.forest_)), d_(o.d_), names_(std::move(o.names_)), threads_(o.threads_) {
  o.handle_ = nullptr;
}
Booster& Booster::operator=(Booster&& o) noexcept {
  if (this != &o) {
    if (handle_) XGBoosterFree(handle_);
    handle_ = o.handle_;
    forest_ = std::move(o.forest_);
    d_ = o.d_;
    names_ = std::move(o.names_);
    threads_ = o.threads_;
    o.handle_ = nullptr;
  }
  return *this;
}

Booster Booster::train(const std::vector<float>& x, std::size_t n, std::size_t d, const std::vector<float>& y,
                       const BoosterOptions& opt, const std::vector<std::string>& feature_names) {
  AEMIGAP_CHECK(x.size() == n * d && y.size() == n && feature_names.size() == d, "booster inputs are not [n x d]");
  AEMIGAP_CHECK(n > 0, "no rows to train the booster on");
  Matrix m(x.data(), n, d, opt.threads);
  AEMIGAP_XGB_CHECK(XGDMatrixSetFloatInfo(m.h, "label", y.data(), static_cast<bst_ulong>(n)));
  Booster b;
  b.d_ = d;
  b.names_ = feature_names;
  AEMIGAP_XGB_CHECK(XGBoosterCreate(&m.h, 1, &b.handle_));
  set(b.handle_, "objective", opt.objective);
  set(b.handle_, "tree_method", "hist");  // deterministic for a given thread count
  set(b.handle_, "max_depth", std::to_string(opt.max_depth));
  set(b.handle_, "eta", num(opt.eta));
  set(b.handle_, "subsample", num(opt.subsample));
  set(b.handle_, "colsample_bytree", num(opt.colsample));
  set(b.handle_, "min_child_weight", num(opt.min_child_weight));
  set(b.handle_, "lambda", num(opt.lambda));
  set(b.handle_, "nthread", "1");  // see predict: no OpenMP team
  b.threads_ = std::max(1, opt.threads);
  set(b.handle_, "seed", std::to_string(opt.seed % 2147483647));
  set(b.handle_, "verbosity", "0");
  for (int it = 0; it < opt.rounds; ++it) AEMIGAP_XGB_CHECK(XGBoosterUpdateOneIter(b.handle_, it, m.h));
  b.make_forest(x.data(), std::min<std::size_t>(n, 4096));
  return b;
}

std::vector<float> Booster::predict(const float* x, std::size_t n) const {
  AEMIGAP_CHECK(forest_, "predict on an empty booster");
  std::vector<float> out(n);
  forest_->predict(x, n, out.data(), threads_);
  return out;
}

std::vector<std::string> Booster::dump_json() const {
  bst_ulong len = 0;
  const char** trees = nullptr;
  AEMIGAP_XGB_CHECK(XGBoosterDumpModelEx(handle_, "", 0, "json", &len, &trees));
  return std::vector<std::string>(trees, trees + len);
}

double Booster::base_score() const {
  bst_ulong len = 0;
  const char* cfg = nullptr;
  AEMIGAP_XGB_CHECK(XGBoosterSaveJsonConfig(handle_, &len, &cfg));
  const auto j = nlohmann::json::parse(std::string(cfg, len));
  return std::stod(j.at("learner").at("learner_model_param").at("base_score").get<std::string>());
}

void Booster::make_forest(const float* check, std::size_t n_check) {
  forest_ = std::make_shared<const Forest>(Forest::from(*this, check, n_check));
}

std::vector<float> Booster::xgboost_predict(const float* x, std::size_t n) const {
  AEMIGAP_CHECK(handle_, "predict on an empty booster");
  std::vector<float> out(n);
  if (n == 0) return out;
  // In-place prediction (thread-safe in XGBoost) on slices, one std::thread each and one
  // XGBoost thread per call: no OpenMP team, so no spinning threads fighting for the cores
  // (measured: training 49 s instead of 1 s with OpenMP's default active wait on 2 busy cores).
  parallel_slices(n, threads_, [&](std::size_t lo, std::size_t hi) {
    char values[160];
    std::snprintf(values, sizeof values,
                  R"({"data": [%llu, true], "shape": [%zu, %zu], "typestr": "<f4", "version": 3})",
                  static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(x + lo * d_)), hi - lo, d_);
    const char* config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false, "missing": NaN, "cache_id": 0})";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* res = nullptr;
    AEMIGAP_XGB_CHECK(XGBoosterPredictFromDense(handle_, values, config, nullptr, &shape, &dim, &res));
    std::copy(res, res + (hi - lo), out.begin() + static_cast<long>(lo));
  }, 4096);
  return out;
}

std::vector<std::pair<std::string, double>> Booster::importance() const {
  bst_ulong nf = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  AEMIGAP_XGB_CHECK(XGBoosterFeatureScore(handle_, R"({"importance_type": "total_gain"})", &nf, &names, &dim, &shape,
                                          &scores));
  std::map<std::string, double> by_name;  // XGBoost names features f0, f1, ... and skips unused ones
  for (bst_ulong i = 0; i < nf; ++i) by_name[names[i]] = scores[i];
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t j = 0; j < names_.size(); ++j) {
    auto it = by_name.find("f" + std::to_string(j));
    out.emplace_back(names_[j], it == by_name.end() ? 0.0 : it->second);
  }
  return out;
}

std::vector<std::uint8_t> Booster::save() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  AEMIGAP_XGB_CHECK(XGBoosterSaveModelToBuffer(handle_, R"({"format": "ubj"})", &len, &data));
  return std::vector<std::uint8_t>(data, data + len);
}

Booster Booster::load(const std::vector<std::uint8_t>& bytes, const std::vector<std::string>& feature_names, int threads) {
  Booster b;
  b.d_ = feature_names.size();
  b.names_ = feature_names;
  AEMIGAP_XGB_CHECK(XGBoosterCreate(nullptr, 0, &b.handle_));
  AEMIGAP_XGB_CHECK(XGBoosterLoadModelFromBuffer(b.handle_, bytes.data(), static_cast<bst_ulong>(bytes.size())));
  set(b.handle_, "nthread", "1");
  b.threads_ = std::max(1, threads);
  bst_ulong nf = 0;
  AEMIGAP_XGB_CHECK(XGBoosterGetNumFeature(b.handle_, &nf));
  if (nf != b.d_)
    throw Error("the stored ensemble model has " + std::to_string(nf) + " features, its names list " +
                std::to_string(b.d_));
  // Rows to check the forest evaluator on: values of every scale the features take.
  std::vector<float> check(1024 * b.d_);
  std::uint64_t h = 0x9e3779b97f4a7c15ull;
  for (std::size_t i = 0; i < check.size(); ++i) {
    h ^= h << 13, h ^= h >> 7, h ^= h << 17;
    const double u = static_cast<double>(h >> 11) / 9007199254740992.0;
    check[i] = static_cast<float>(i % 3 == 0 ? u : i % 3 == 1 ? std::exp(12 * u) - 1 : 40 * u - 20);
  }
  b.make_forest(check.data(), 1024);
  return b;
}

}  // namespace aemigap::rank

// Gradient-boosted trees for the ensemble ranker: XGBoost through its C API (Debian
// libxgboost-dev), behind a small RAII class; no XGBoost header leaks from here. Errors of
// the library come back as aemigap::Error with XGBoost's own message (AEMIGAP_XGB_CHECK).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace aemigap::rank {

class Forest;

struct BoosterOptions {
  int rounds = 300;            // trees
  int max_depth = 6;
  double eta = 0.1;            // learning rate
  double subsample = 0.8;      // rows per tree
  double colsample = 0.8;      // features per tree
  double min_child_weight = 1;
  double lambda = 1;           // L2 on leaf weights
  std::string objective = "binary:logistic";
  int threads = 1;  // prediction threads (training runs on one: XGBoost's OpenMP team spins)
  std::uint64_t seed = 42;
};

class Booster {
 public:
  Booster();
  ~Booster();
  Booster(Booster&&) noexcept;
  Booster& operator=(Booster&&) noexcept;

  // x: n rows of d features, row-major (NaN = missing); y: labels in {0, 1}.
  static Booster train(const std::vector<float>& x, std::size_t n, std::size_t d, const std::vector<float>& y,
                       const BoosterOptions& opt, const std::vector<std::string>& feature_names);
  // Probabilities (binary:logistic) of n rows of the same d features, by the fast forest
  // evaluator (rank/forest.hpp), checked against XGBoost when the booster was made.
  std::vector<float> predict(const float* x, std::size_t n) const;
  // The same through XGBoost's own (in-place) predictor.
  std::vector<float> xgboost_predict(const float* x, std::size_t n) const;
  // Each tree as XGBoost's JSON dump, and the model's base_score (a probability).
  std::vector<std::string> dump_json() const;
  double base_score() const;
  std::size_t n_features() const { return d_; }
  const std::vector<std::string>& feature_names() const { return names_; }
  // (feature, total gain over every split on it), for every feature (0 when never split on).
  std::vector<std::pair<std::string, double>> importance() const;

  // The model as bytes (XGBoost's UBJSON) and back.
  std::vector<std::uint8_t> save() const;
  static Booster load(const std::vector<std::uint8_t>& bytes, const std::vector<std::string>& feature_names,
                      int threads);

 private:
  void make_forest(const float* check, std::size_t n_check);
  void* handle_ = nullptr;  // BoosterHandle
  std::shared_ptr<const Forest> forest_;
  std::size_t d_ = 0;
  std::vector<std::string> names_;
  int threads_ = 1;  // prediction threads
};

}  // namespace aemigap::rank

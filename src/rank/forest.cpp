#include "aemigap/rank/forest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "aemigap/core/error.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/rank/booster.hpp"

namespace aemigap::rank {

namespace {

int tree_depth(const nlohmann::json& node) {
  if (!node.contains("children")) return 0;
  int d = 0;
  for (const auto& c : node["children"]) d = std::max(d, tree_depth(c));
  return d + 1;
}

// Places `node` at heap position p of a complete tree of depth `depth` (level `level`).
void place(const nlohmann::json& node, std::size_t p, int level, int depth, int* feat, float* thr, float* leaf) {
  const std::size_t inner = (std::size_t{1} << depth) - 1;
  if (node.contains("leaf")) {
    // A leaf above the bottom: always go left (x < +inf) down to the bottom row.
    std::size_t q = p;
    for (int l = level; l < depth; ++l) {
      feat[q] = 0;
      thr[q] = std::numeric_limits<float>::infinity();
      q = 2 * q + 1;
    }
    leaf[q - inner] = node["leaf"].get<float>();
    return;
  }
  const std::string split = node["split"].get<std::string>();
  AEMIGAP_CHECK(split.size() > 1 && split[0] == 'f', "unexpected split name " << split);
  feat[p] = std::stoi(split.substr(1));
  thr[p] = node["split_condition"].get<float>();
  const int yes = node["yes"].get<int>(), no = node["no"].get<int>();
  for (const auto& c : node["children"]) {
    const int id = c["nodeid"].get<int>();
    AEMIGAP_CHECK(id == yes || id == no, "tree node " << id << " is neither branch of its parent");
    place(c, id == yes ? 2 * p + 1 : 2 * p + 2, level + 1, depth, feat, thr, leaf);  // yes: x < threshold
  }
}

}  // namespace

Forest Forest::from(const Booster& b, const float* check, std::size_t n_check) {
  Forest f;
  f.d_ = b.n_features();
  const auto dumps = b.dump_json();
  std::vector<nlohmann::json> trees;
  for (const auto& t : dumps) trees.push_back(nlohmann::json::parse(t));
  f.n_trees_ = trees.size();
  for (const auto& t : trees) f.depth_ = std::max(f.depth_, tree_depth(t));
  AEMIGAP_CHECK(f.depth_ <= 20, "trees of depth " << f.depth_ << " are too deep to pad");
  const std::size_t inner = (std::size_t{1} << f.depth_) - 1, leaves = std::size_t{1} << f.depth_;
  f.feature_.assign(f.n_trees_ * inner, 0);
  f.threshold_.assign(f.n_trees_ * inner, std::numeric_limits<float>::infinity());
  f.leaf_.assign(f.n_trees_ * leaves, 0.0f);
  for (std::size_t t = 0; t < f.n_trees_; ++t)
    place(trees[t], 0, 0, f.depth_, &f.feature_[t * inner], &f.threshold_[t * inner], &f.leaf_[t * leaves]);
  // The base margin: XGBoost's base_score as a logit (binary:logistic); then every check row
  // must agree with XGBoost's own prediction.
  const double base = b.base_score();
  AEMIGAP_CHECK(base > 0 && base < 1, "base_score " << base << " is not a probability");
  f.base_margin_ = static_cast<float>(std::log(base / (1 - base)));
  if (n_check > 0) {
    const auto want = b.xgboost_predict(check, n_check);
    std::vector<float> got(n_check);
    f.predict(check, n_check, got.data(), 1);
    double worst = 0;
    for (std::size_t i = 0; i < n_check; ++i) worst = std::max(worst, std::abs(static_cast<double>(got[i]) - want[i]));
    AEMIGAP_CHECK(worst <= 1e-5, "the forest evaluator disagrees with XGBoost by " << worst);
  }
  return f;
}

namespace {
// L rows walk one padded tree together; with L a constant the lanes stay in registers and
// their independent loads overlap.
template <int L>
inline void walk(const float* rows, std::size_t D, const int* feat, const float* thr, int depth, std::uint32_t* leaf) {
  std::uint32_t p[L] = {};
  for (int l = 0; l < depth; ++l)
    for (int j = 0; j < L; ++j) {
      const std::uint32_t q = p[j];
      p[j] = 2 * q + 1 + static_cast<std::uint32_t>(rows[static_cast<std::size_t>(j) * D + static_cast<std::size_t>(feat[q])] >= thr[q]);
    }
  for (int j = 0; j < L; ++j) leaf[j] = p[j];
}
}  // namespace

void Forest::predict(const float* x, std::size_t n, float* out, int threads) const {
  const std::size_t inner = (std::size_t{1} << depth_) - 1, leaves = std::size_t{1} << depth_, D = d_;
  constexpr int kLanes = 8;
  parallel_slices(n, threads, [&](std::size_t lo, std::size_t hi) {
    double margin[kLanes];
    std::uint32_t at[kLanes];
    for (std::size_t r0 = lo; r0 < hi; r0 += kLanes) {
      const std::size_t k = std::min<std::size_t>(kLanes, hi - r0);
      std::fill(margin, margin + kLanes, 0.0);
      const float* rows = x + r0 * D;
      for (std::size_t t = 0; t < n_trees_; ++t) {
        const int* feat = &feature_[t * inner];
        const float* thr = &threshold_[t * inner];
        const float* lv = &leaf_[t * leaves];
        if (k == kLanes) {
          walk<kLanes>(rows, D, feat, thr, depth_, at);
        } else {
          for (std::size_t j = 0; j < k; ++j) walk<1>(rows + j * D, D, feat, thr, depth_, at + j);
        }
        for (std::size_t j = 0; j < k; ++j) margin[j] += lv[at[j] - inner];
      }
      for (std::size_t j = 0; j < k; ++j)
        out[r0 + j] = static_cast<float>(1.0 / (1.0 + std::exp(-(margin[j] + base_margin_))));
    }
  }, 4096);
}

}  // namespace aemigap::rank

#include "aemigap/train/folds.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include "aemigap/core/error.hpp"
#include "aemigap/core/rng.hpp"

namespace aemigap::train {

std::vector<int> stratified_folds(const std::vector<std::uint8_t>& labels, int k, std::uint64_t seed) {
  AEMIGAP_CHECK(k >= 2, "need at least 2 folds");
  Rng rng(seed, 0x666f6c64);  // "fold"
  std::vector<int> fold(labels.size(), 0);
  for (std::uint8_t cls : {0, 1}) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < labels.size(); ++i)
      if ((labels[i] != 0) == (cls != 0)) idx.push_back(i);
    shuffle(idx, rng);
    for (std::size_t j = 0; j < idx.size(); ++j) fold[idx[j]] = static_cast<int>(j % static_cast<std::size_t>(k));
  }
  return fold;
}

std::vector<int> group_folds(const std::vector<std::int32_t>& groups, int k, std::uint64_t seed) {
  AEMIGAP_CHECK(k >= 2, "need at least 2 folds");
  std::map<std::int32_t, std::size_t> size;
  for (auto g : groups) ++size[g];
  AEMIGAP_CHECK(size.size() >= static_cast<std::size_t>(k), "fewer groups (" << size.size() << ") than folds");
  std::vector<std::pair<std::int32_t, std::size_t>> order(size.begin(), size.end());
  Rng rng(seed, 0x67726f7570);  // "group"
  shuffle(order, rng);
  // Largest groups first (stable: shuffled order breaks ties), each to the lightest fold.
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::size_t> load(static_cast<std::size_t>(k), 0);
  std::map<std::int32_t, int> fold_of;
  for (const auto& [g, n] : order) {
    auto f = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    fold_of[g] = static_cast<int>(f);
    load[f] += n;
  }
  std::vector<int> fold(groups.size());
  for (std::size_t i = 0; i < groups.size(); ++i) fold[i] = fold_of[groups[i]];
  return fold;
}

}  // namespace aemigap::train

#include "aemigap/embed/family_eval.hpp"

#include <algorithm>
#include <cmath>

#include "aemigap/core/text.hpp"
#include "aemigap/data/identifiers.hpp"

namespace aemigap::embed {


std::unordered_map<std::string, std::string> read_seed_families(const std::string& path) {
  std::unordered_map<std::string, std::string> seeds;
  for (const auto& r : read_mirna_family_table(path)) seeds.emplace(r.mirna, r.seed);  // first isoform kept
  return seeds;
}

FamilyPrecision seed_family_precision(const std::vector<float>& vectors, std::size_t dims,
                                      const std::vector<std::string>& seeds, int k) {
  const std::size_t n = seeds.size();
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < n; ++i)
    if (!seeds[i].empty()) idx.push_back(i);
  std::vector<double> norm(n, 0);
  for (std::size_t i : idx) {
    double s = 0;
    for (std::size_t d = 0; d < dims; ++d) s += static_cast<double>(vectors[i * dims + d]) * vectors[i * dims + d];
    norm[i] = std::sqrt(s);
  }
  FamilyPrecision r;
  r.evaluated = idx.size();
  double sum = 0;
  std::vector<std::pair<double, std::size_t>> sims;
  for (std::size_t i : idx) {
    bool has_partner = false;
    for (std::size_t j : idx)
      if (j != i && seeds[j] == seeds[i]) has_partner = true;
    if (!has_partner) continue;
    sims.clear();
    for (std::size_t j : idx) {
      if (j == i) continue;
      double s = 0;
      for (std::size_t d = 0; d < dims; ++d) s += static_cast<double>(vectors[i * dims + d]) * vectors[j * dims + d];
      double den = norm[i] * norm[j];
      sims.emplace_back(den > 0 ? s / den : -2.0, j);
    }
    std::size_t kk = std::min<std::size_t>(static_cast<std::size_t>(k), sims.size());
    std::partial_sort(sims.begin(), sims.begin() + kk, sims.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    std::size_t hits = 0;
    for (std::size_t t = 0; t < kk; ++t) hits += seeds[sims[t].second] == seeds[i];
    sum += static_cast<double>(hits) / static_cast<double>(k);
    ++r.queries;
  }
  r.precision = r.queries ? sum / static_cast<double>(r.queries) : 0;
  return r;
}

std::vector<float> kmer_count_vectors(const std::vector<std::string>& rna, int k, std::size_t* dims_out) {
  std::size_t dims = 1;
  for (int i = 0; i < k; ++i) dims *= 4;
  auto code = [](char c) {
    switch (c) {
      case 'A': return 0;
      case 'C': return 1;
      case 'G': return 2;
      case 'U': case 'T': return 3;
      default: return -1;
    }
  };
  std::vector<float> v(rna.size() * dims, 0.0f);
  for (std::size_t s = 0; s < rna.size(); ++s) {
    const std::string& q = rna[s];
    for (std::size_t i = 0; i + static_cast<std::size_t>(k) <= q.size(); ++i) {
      std::size_t c = 0;
      bool ok = true;
      for (int j = 0; j < k; ++j) {
        int x = code(q[i + static_cast<std::size_t>(j)]);
        if (x < 0) ok = false;
        c = c * 4 + static_cast<std::size_t>(x < 0 ? 0 : x);
      }
      if (ok) v[s * dims + c] += 1;
    }
  }
  if (dims_out) *dims_out = dims;
  return v;
}

}  // namespace aemigap::embed

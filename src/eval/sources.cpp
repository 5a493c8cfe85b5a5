#include "aemigap/eval/sources.hpp"

#include <cmath>

#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/rng.hpp"

namespace aemigap::eval {

namespace {

struct Degrees {
  std::vector<double> mirna, gene;
  explicit Degrees(const FitContext& c) : mirna(c.n_mirna, 0), gene(c.n_gene, 0) {
    for (const auto& p : *c.known) mirna[static_cast<std::size_t>(p[0])] += 1, gene[static_cast<std::size_t>(p[1])] += 1;
  }
};

class GenePopularity : public Source {
 public:
  explicit GenePopularity(const FitContext& c) : d_(c) {}
  std::vector<float> score(const std::vector<PairIndex>& pairs) const override {
    std::vector<float> s(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) s[i] = static_cast<float>(d_.gene[static_cast<std::size_t>(pairs[i][1])]);
    return s;
  }

 private:
  Degrees d_;
};

class DegreeProduct : public Source {
 public:
  explicit DegreeProduct(const FitContext& c) : d_(c) {}
  std::vector<float> score(const std::vector<PairIndex>& pairs) const override {
    std::vector<float> s(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i)
      s[i] = static_cast<float>(d_.mirna[static_cast<std::size_t>(pairs[i][0])] * d_.gene[static_cast<std::size_t>(pairs[i][1])]);
    return s;
  }

 private:
  Degrees d_;
};

class EmbeddingDistance : public Source {
 public:
  explicit EmbeddingDistance(const FitContext& c) : c_(c) {
    AEMIGAP_CHECK(c.mirna_emb && c.gene_emb && c.mirna_emb->size() == c.n_mirna * c.dims &&
                      c.gene_emb->size() == c.n_gene * c.dims,
                  "embedding-distance needs both embeddings");
  }
  std::vector<float> score(const std::vector<PairIndex>& pairs) const override {
    std::vector<float> s(pairs.size());
    const std::size_t dims = c_.dims;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const float* a = &(*c_.mirna_emb)[static_cast<std::size_t>(pairs[i][0]) * dims];
      const float* b = &(*c_.gene_emb)[static_cast<std::size_t>(pairs[i][1]) * dims];
      double d = 0;
      for (std::size_t k = 0; k < dims; ++k) d += (static_cast<double>(a[k]) - b[k]) * (static_cast<double>(a[k]) - b[k]);
      s[i] = static_cast<float>(-std::sqrt(d));
    }
    return s;
  }

 private:
  FitContext c_;
};

class RandomScores : public Source {
 public:
  explicit RandomScores(const FitContext& c) : seed_(c.seed) {}
  std::vector<float> score(const std::vector<PairIndex>& pairs) const override {
    std::vector<float> s(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      std::uint64_t x = seed_ ^ (static_cast<std::uint64_t>(pairs[i][0]) << 32) ^ static_cast<std::uint64_t>(pairs[i][1]);
      s[i] = static_cast<float>(splitmix64(x) >> 40) / 16777216.0f;
    }
    return s;
  }

 private:
  std::uint64_t seed_;
};

class AlsSource : public Source {
 public:
  explicit AlsSource(const FitContext& c) {
    als_.fit(*c.known, c.n_mirna, c.n_gene, c.als);
    char line[160];
    std::snprintf(line, sizeof line, "[als] %d factors, %d sweeps, loss %.1f -> %.1f", c.als.factors, c.als.iterations,
                  als_.loss_history.front(), als_.loss_history.back());
    log_info(line);
  }
  std::vector<float> score(const std::vector<PairIndex>& pairs) const override { return als_.scores(pairs); }

 private:
  ImplicitAls als_;
};

template <class S> std::unique_ptr<Source> make(const FitContext& c) { return std::make_unique<S>(c); }

}  // namespace

const std::vector<SourceRow>& graph_sources() {
  static const std::vector<SourceRow> rows = {
      {RecoveryModel::GenePopularity, make<GenePopularity>},
      {RecoveryModel::DegreeProduct, make<DegreeProduct>},
      {RecoveryModel::EmbeddingDistance, make<EmbeddingDistance>},
      {RecoveryModel::Random, make<RandomScores>},
      {RecoveryModel::Als, make<AlsSource>},
  };
  return rows;
}

const SourceRow* find_source(RecoveryModel id) {
  for (const auto& r : graph_sources())
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace aemigap::eval

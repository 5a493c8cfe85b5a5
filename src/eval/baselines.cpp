#include "aemigap/eval/baselines.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include "aemigap/core/error.hpp"
#include "aemigap/core/rng.hpp"

namespace aemigap::eval {

namespace {

// Solves A x = b for a symmetric positive definite A [f x f] (Cholesky, in place).
void solve_spd(std::vector<double>& A, std::vector<double>& b, int f) {
  for (int j = 0; j < f; ++j) {
    double d = A[j * f + j];
    for (int k = 0; k < j; ++k) d -= A[j * f + k] * A[j * f + k];
    AEMIGAP_CHECK(d > 0, "ALS normal equations not positive definite");
    d = std::sqrt(d);
    A[j * f + j] = d;
    for (int i = j + 1; i < f; ++i) {
      double v = A[i * f + j];
      for (int k = 0; k < j; ++k) v -= A[i * f + k] * A[j * f + k];
      A[i * f + j] = v / d;
    }
  }
  for (int i = 0; i < f; ++i) {  // L y = b
    double v = b[i];
    for (int k = 0; k < i; ++k) v -= A[i * f + k] * b[k];
    b[i] = v / A[i * f + i];
  }
  for (int i = f - 1; i >= 0; --i) {  // L^T x = y
    double v = b[i];
    for (int k = i + 1; k < f; ++k) v -= A[k * f + i] * b[k];
    b[i] = v / A[i * f + i];
  }
}

// Gram matrix Y^T Y [f x f] of the rows of Y [n x f].
std::vector<double> gram(const std::vector<float>& Y, int f) {
  std::vector<double> G(static_cast<std::size_t>(f) * f, 0);
  const std::size_t n = Y.size() / static_cast<std::size_t>(f);
  for (std::size_t r = 0; r < n; ++r) {
    const float* y = &Y[r * f];
    for (int a = 0; a < f; ++a)
      for (int b = 0; b <= a; ++b) G[a * f + b] += static_cast<double>(y[a]) * y[b];
  }
  for (int a = 0; a < f; ++a)
    for (int b = a + 1; b < f; ++b) G[a * f + b] = G[b * f + a];
  return G;
}

// One half-step: every row of X from the fixed Y and the rows' known partners (CSR).
void update_side(std::vector<float>& X, const std::vector<float>& Y, const std::vector<std::size_t>& start,
                 const std::vector<std::int32_t>& partner, int f, double alpha, double lambda, int threads) {
  const std::vector<double> G = gram(Y, f);
  const std::size_t n = start.size() - 1;
  auto work = [&](std::size_t lo, std::size_t hi) {
    std::vector<double> A(static_cast<std::size_t>(f) * f), b(static_cast<std::size_t>(f));
    for (std::size_t r = lo; r < hi; ++r) {
      float* x = &X[r * f];
      if (start[r] == start[r + 1]) {  // nothing known: the ridge keeps it at zero
        std::fill(x, x + f, 0.0f);
        continue;
      }
      A = G;
      for (int a = 0; a < f; ++a) A[a * f + a] += lambda;
      std::fill(b.begin(), b.end(), 0.0);
      for (std::size_t e = start[r]; e < start[r + 1]; ++e) {
        const float* y = &Y[static_cast<std::size_t>(partner[e]) * f];
        for (int a = 0; a < f; ++a) {
          const double ya = alpha * y[a];
          for (int c = 0; c <= a; ++c) A[a * f + c] += ya * y[c];
          b[a] += (1 + alpha) * y[a];
        }
      }
      for (int a = 0; a < f; ++a)
        for (int c = a + 1; c < f; ++c) A[a * f + c] = A[c * f + a];
      solve_spd(A, b, f);
      for (int a = 0; a < f; ++a) x[a] = static_cast<float>(b[a]);
    }
  };
  const int nt = std::max(1, threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < nt; ++t) pool.emplace_back(work, n * t / nt, n * (t + 1) / nt);
  for (auto& th : pool) th.join();
}

}  // namespace

AlsOptions AlsOptions::from(const Config& cfg, int threads) {
  AlsOptions o;
  o.factors = cfg.als_factors;
  o.iterations = cfg.als_iterations;
  o.alpha = cfg.als_alpha;
  o.lambda = cfg.als_lambda;
  o.seed = cfg.seed;
  o.threads = threads;
  return o;
}

void ImplicitAls::fit(const std::vector<PairIndex>& known, std::uint64_t n_mirna, std::uint64_t n_gene,
                      const AlsOptions& opt) {
  AEMIGAP_CHECK(opt.factors > 0 && opt.iterations > 0 && opt.alpha >= 0 && opt.lambda > 0, "bad ALS options");
  f_ = opt.factors;
  alpha_ = opt.alpha;
  lambda_ = opt.lambda;
  // Known partners of each miRNA and of each gene (CSR).
  auto csr = [&](std::uint64_t n, int side) {
    std::vector<std::size_t> start(n + 1, 0);
    for (const auto& p : known) ++start[static_cast<std::size_t>(p[side]) + 1];
    for (std::size_t i = 0; i < n; ++i) start[i + 1] += start[i];
    std::vector<std::int32_t> partner(known.size());
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (const auto& p : known) partner[fill[static_cast<std::size_t>(p[side])]++] = p[1 - side];
    return std::make_pair(start, partner);
  };
  auto [ms, mp] = csr(n_mirna, 0);
  auto [gs, gp] = csr(n_gene, 1);
  Rng rng(opt.seed, 0xa15);
  mirna_factors.assign(n_mirna * f_, 0.0f);
  gene_factors.assign(n_gene * f_, 0.0f);
  const float scale = 0.1f / std::sqrt(static_cast<float>(f_));
  for (auto& v : gene_factors) v = (rng.uniform_float() - 0.5f) * 2 * scale;
  loss_history.clear();
  for (int it = 0; it < opt.iterations; ++it) {
    update_side(mirna_factors, gene_factors, ms, mp, f_, alpha_, lambda_, opt.threads);
    update_side(gene_factors, mirna_factors, gs, gp, f_, alpha_, lambda_, opt.threads);
    loss_history.push_back(loss(known));
  }
}

ImplicitAls ImplicitAls::from_factors(std::vector<float> mirna, std::vector<float> gene, int factors) {
  AEMIGAP_CHECK(factors > 0 && mirna.size() % static_cast<std::size_t>(factors) == 0 &&
                    gene.size() % static_cast<std::size_t>(factors) == 0,
                "ALS factors are not [n x " << factors << "]");
  ImplicitAls a;
  a.f_ = factors;
  a.mirna_factors = std::move(mirna);
  a.gene_factors = std::move(gene);
  return a;
}

float ImplicitAls::score(std::int32_t m, std::int32_t g) const {
  const float* x = &mirna_factors[static_cast<std::size_t>(m) * f_];
  const float* y = &gene_factors[static_cast<std::size_t>(g) * f_];
  double s = 0;  // in double: most scores are tiny differences of larger terms, and ranks must not hinge on rounding
  for (int a = 0; a < f_; ++a) s += static_cast<double>(x[a]) * y[a];
  return static_cast<float>(s);
}

std::vector<float> ImplicitAls::scores(const std::vector<PairIndex>& pairs) const {
  std::vector<float> s(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) s[i] = score(pairs[i][0], pairs[i][1]);
  return s;
}

double ImplicitAls::loss(const std::vector<PairIndex>& known) const {
  // Sum over all pairs of (x.y)^2 = trace((X^T X)(Y^T Y)); known pairs replace their term
  // with (1 + alpha)(1 - s)^2.
  const auto GX = gram(mirna_factors, f_), GY = gram(gene_factors, f_);
  double total = 0;
  for (std::size_t i = 0; i < GX.size(); ++i) total += GX[i] * GY[i];
  for (const auto& p : known) {
    const double s = score(p[0], p[1]);
    total += (1 + alpha_) * (1 - s) * (1 - s) - s * s;
  }
  double ridge = 0;
  for (float v : mirna_factors) ridge += static_cast<double>(v) * v;
  for (float v : gene_factors) ridge += static_cast<double>(v) * v;
  return total + lambda_ * ridge;
}

}  // namespace aemigap::eval

#include "aemigap/negatives/distance.hpp"

#include <cmath>

#include "aemigap/core/error.hpp"

namespace aemigap::negatives {

namespace {
// In-place Cholesky of a symmetric positive-definite matrix (lower triangle); false if not PD.
bool cholesky(std::vector<double>& a, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
    for (std::size_t i = 0; i < j; ++i) a[i * n + j] = 0;
  }
  return true;
}
}  // namespace

Whitening fit_whitening(const std::vector<float>& a, const std::vector<float>& b, std::size_t dims) {
  Whitening w;
  w.dims = dims;
  const std::size_t n = (a.size() + b.size()) / dims;
  AEMIGAP_CHECK(n > dims, "need more vectors (" << n << ") than dimensions (" << dims << ") for a covariance");
  w.mean.assign(dims, 0);
  for (const auto* m : {&a, &b})
    for (std::size_t i = 0; i < m->size(); ++i) w.mean[i % dims] += (*m)[i];
  for (auto& x : w.mean) x /= static_cast<double>(n);
  std::vector<double> cov(dims * dims, 0), row(dims);
  for (const auto* m : {&a, &b})
    for (std::size_t r = 0; r < m->size() / dims; ++r) {
      for (std::size_t d = 0; d < dims; ++d) row[d] = (*m)[r * dims + d] - w.mean[d];
      for (std::size_t i = 0; i < dims; ++i)
        for (std::size_t j = 0; j <= i; ++j) cov[i * dims + j] += row[i] * row[j];
    }
  for (std::size_t i = 0; i < dims; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      cov[i * dims + j] /= static_cast<double>(n - 1);
      cov[j * dims + i] = cov[i * dims + j];
    }
  // A singular covariance (e.g. a constant dimension) gets a tiny ridge, recorded in w.ridge.
  std::vector<double> l = cov;
  double trace = 0;
  for (std::size_t i = 0; i < dims; ++i) trace += cov[i * dims + i];
  for (double ridge = 0; !cholesky(l, dims); ridge = ridge == 0 ? 1e-12 * trace : ridge * 10) {
    AEMIGAP_CHECK(ridge < trace, "covariance of the embeddings is not positive definite");
    l = cov;
    for (std::size_t i = 0; i < dims; ++i) l[i * dims + i] += ridge;
    w.ridge = ridge;
  }
  // L^-1 by forward substitution on the identity.
  w.linv.assign(dims * dims, 0);
  for (std::size_t c = 0; c < dims; ++c)
    for (std::size_t i = c; i < dims; ++i) {
      double s = i == c ? 1.0 : 0.0;
      for (std::size_t k = c; k < i; ++k) s -= l[i * dims + k] * w.linv[k * dims + c];
      w.linv[i * dims + c] = s / l[i * dims + i];
    }
  return w;
}

std::vector<double> whiten(const std::vector<float>& x, const Whitening& w) {
  const std::size_t dims = w.dims, n = x.size() / dims;
  std::vector<double> out(n * dims, 0), c(dims);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t d = 0; d < dims; ++d) c[d] = x[r * dims + d] - w.mean[d];
    for (std::size_t i = 0; i < dims; ++i) {
      double s = 0;
      for (std::size_t k = 0; k <= i; ++k) s += w.linv[i * dims + k] * c[k];
      out[r * dims + i] = s;
    }
  }
  return out;
}

Distances pair_distances(const float* u, const float* v, const double* wu, const double* wv, std::size_t dims) {
  double e = 0, uv = 0, uu = 0, vv = 0, m = 0;
  for (std::size_t d = 0; d < dims; ++d) {
    double a = u[d], b = v[d];
    e += (a - b) * (a - b);
    uv += a * b;
    uu += a * a;
    vv += b * b;
    m += (wu[d] - wv[d]) * (wu[d] - wv[d]);
  }
  double den = std::sqrt(uu * vv);
  return {std::sqrt(e), den > 0 ? 1.0 - uv / den : 1.0, std::sqrt(m)};
}

}  // namespace aemigap::negatives

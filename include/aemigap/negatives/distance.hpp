// Distances between a miRNA vector and a gene vector: Euclidean, cosine (1 - cosine
// similarity) and Mahalanobis with the pooled covariance of all embedding vectors.
//
// Mahalanobis uses a Cholesky whitening computed once: with the covariance S = L L^T,
// every vector x becomes w = L^-1 (x - mean), and d_M(u, v) = |w_u - w_v|. The scan then
// expands every squared distance into norms and one dot product (|a|^2 + |b|^2 - 2 a.b),
// so a pair costs two 64-d dot products and all pairs of a block come out of one small
// matrix product.
#pragma once

#include <cstddef>
#include <vector>

namespace aemigap::negatives {

struct Whitening {
  std::size_t dims = 0;
  std::vector<double> mean;  // [dims]
  std::vector<double> linv;  // [dims x dims] lower-triangular L^-1, row-major
  double ridge = 0;          // added to the diagonal when the covariance was singular
};

// Pooled covariance of the rows of a [na x dims] and b [nb x dims], then its whitening.
Whitening fit_whitening(const std::vector<float>& a, const std::vector<float>& b, std::size_t dims);
std::vector<double> whiten(const std::vector<float>& x, const Whitening& w);  // [n x dims]

struct Distances {
  double euclidean, cosine, mahalanobis;
};
// Direct computation for one pair (the reference the scan is tested against).
Distances pair_distances(const float* u, const float* v, const double* wu, const double* wv, std::size_t dims);

}  // namespace aemigap::negatives

// Per-feature scalers over row-major float matrices [n x d], fitted on training rows only.
//  - MinMax (the autoencoder's input): (x - min) / (max - min), a constant feature -> 0.
//  - Robust (the classifier's input, as scikit-learn's RobustScaler): (x - median) / IQR,
//    quantiles with linear interpolation; an IQR of 0 leaves the scale at 1.
#pragma once

#include <cstddef>
#include <vector>

namespace aemigap::model {

struct Scaler {
  std::vector<float> center, scale;  // x' = (x - center) / scale
  void transform(float* x, std::size_t n, std::size_t d) const;
  std::vector<float> transformed(const std::vector<float>& x, std::size_t d) const;
};

Scaler fit_minmax(const std::vector<float>& x, std::size_t d, const std::vector<std::size_t>& rows);
Scaler fit_robust(const std::vector<float>& x, std::size_t d, const std::vector<std::size_t>& rows);

// Quantile q in [0, 1] of values (sorted in place), linear interpolation (numpy's default).
double quantile(std::vector<float>& values, double q);

}  // namespace aemigap::model

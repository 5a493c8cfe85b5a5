#include "aemigap/model/scalers.hpp"

#include <algorithm>
#include <cmath>

#include "aemigap/core/error.hpp"

namespace aemigap::model {

void Scaler::transform(float* x, std::size_t n, std::size_t d) const {
  AEMIGAP_CHECK(center.size() == d && scale.size() == d, "scaler fitted on " << center.size() << " features, got " << d);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) x[i * d + j] = (x[i * d + j] - center[j]) / scale[j];
}

std::vector<float> Scaler::transformed(const std::vector<float>& x, std::size_t d) const {
  std::vector<float> out = x;
  transform(out.data(), out.size() / d, d);
  return out;
}

Scaler fit_minmax(const std::vector<float>& x, std::size_t d, const std::vector<std::size_t>& rows) {
  AEMIGAP_CHECK(!rows.empty(), "cannot fit a scaler on no rows");
  Scaler s;
  s.center.assign(d, INFINITY);
  std::vector<float> hi(d, -INFINITY);
  for (auto r : rows)
    for (std::size_t j = 0; j < d; ++j) {
      s.center[j] = std::min(s.center[j], x[r * d + j]);
      hi[j] = std::max(hi[j], x[r * d + j]);
    }
  s.scale.resize(d);
  for (std::size_t j = 0; j < d; ++j) s.scale[j] = hi[j] > s.center[j] ? hi[j] - s.center[j] : 1.0f;
  return s;
}

double quantile(std::vector<float>& v, double q) {
  AEMIGAP_CHECK(!v.empty(), "quantile of nothing");
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, v.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return v[lo] + (static_cast<double>(v[hi]) - v[lo]) * frac;
}

Scaler fit_robust(const std::vector<float>& x, std::size_t d, const std::vector<std::size_t>& rows) {
  AEMIGAP_CHECK(!rows.empty(), "cannot fit a scaler on no rows");
  Scaler s;
  s.center.resize(d);
  s.scale.resize(d);
  std::vector<float> col(rows.size());
  for (std::size_t j = 0; j < d; ++j) {
    for (std::size_t i = 0; i < rows.size(); ++i) col[i] = x[rows[i] * d + j];
    double med = quantile(col, 0.5), iqr = quantile(col, 0.75) - quantile(col, 0.25);
    s.center[j] = static_cast<float>(med);
    s.scale[j] = iqr > 0 ? static_cast<float>(iqr) : 1.0f;
  }
  return s;
}

}  // namespace aemigap::model

#include "aemigap/train/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "aemigap/core/error.hpp"

namespace aemigap::train {

namespace {
std::vector<std::size_t> order_by_score_desc(const std::vector<float>& s) {
  std::vector<std::size_t> idx(s.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return s[a] > s[b]; });
  return idx;
}
}  // namespace

double roc_auc(const std::vector<float>& scores, const std::vector<std::uint8_t>& labels) {
  AEMIGAP_CHECK(scores.size() == labels.size(), "scores and labels differ in length");
  // Average ranks (ties share the mean rank), then the Mann-Whitney U of the positives.
  std::vector<std::size_t> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double pos_rank_sum = 0;
  std::uint64_t n_pos = 0, n_neg = 0;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) ++j;
    double avg_rank = (static_cast<double>(i) + static_cast<double>(j - 1)) / 2.0 + 1.0;
    for (std::size_t k = i; k < j; ++k) {
      if (labels[idx[k]]) {
        pos_rank_sum += avg_rank;
        ++n_pos;
      } else {
        ++n_neg;
      }
    }
    i = j;
  }
  if (n_pos == 0 || n_neg == 0) return 0.5;
  double u = pos_rank_sum - static_cast<double>(n_pos) * (static_cast<double>(n_pos) + 1) / 2.0;
  return u / (static_cast<double>(n_pos) * static_cast<double>(n_neg));
}

std::vector<RocPoint> roc_curve(const std::vector<float>& scores, const std::vector<std::uint8_t>& labels) {
  auto idx = order_by_score_desc(scores);
  double P = 0, N = 0;
  for (auto l : labels) (l ? P : N) += 1;
  std::vector<RocPoint> out{{0.0, 0.0, INFINITY}};
  double tp = 0, fp = 0;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) {
      (labels[idx[j]] ? tp : fp) += 1;
      ++j;
    }
    out.push_back({N > 0 ? fp / N : 0.0, P > 0 ? tp / P : 0.0, scores[idx[i]]});
    i = j;
  }
  return out;
}

Metrics compute_metrics(const std::vector<float>& scores, const std::vector<std::uint8_t>& labels, double threshold) {
  AEMIGAP_CHECK(scores.size() == labels.size(), "scores and labels differ in length");
  Metrics m;
  m.n = scores.size();
  for (std::size_t i = 0; i < scores.size(); ++i) {
    bool pred = scores[i] >= threshold;
    if (labels[i]) (pred ? m.confusion.tp : m.confusion.fn)++;
    else (pred ? m.confusion.fp : m.confusion.tn)++;
  }
  const auto& c = m.confusion;
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  m.precision = ratio(static_cast<double>(c.tp), static_cast<double>(c.tp + c.fp));
  m.recall = ratio(static_cast<double>(c.tp), static_cast<double>(c.tp + c.fn));
  m.accuracy = ratio(static_cast<double>(c.tp + c.tn), static_cast<double>(m.n));
  m.f1 = ratio(2 * m.precision * m.recall, m.precision + m.recall);
  m.auc = roc_auc(scores, labels);
  return m;
}

MetricSummary summarize(const std::vector<Metrics>& folds) {
  MetricSummary s;
  const double n = static_cast<double>(folds.size());
  if (folds.empty()) return s;
  auto field = [](Metrics& m, int k) -> double& {
    switch (k) {
      case 0: return m.precision;
      case 1: return m.recall;
      case 2: return m.accuracy;
      case 3: return m.f1;
      default: return m.auc;
    }
  };
  for (int k = 0; k < 5; ++k) {
    double sum = 0;
    for (auto f : folds) sum += field(f, k);
    double mean = sum / n, var = 0;
    for (auto f : folds) var += (field(f, k) - mean) * (field(f, k) - mean);
    field(s.mean, k) = mean;
    field(s.sd, k) = n > 1 ? std::sqrt(var / (n - 1)) : 0.0;
  }
  for (const auto& f : folds) {
    s.mean.confusion.tp += f.confusion.tp;
    s.mean.confusion.fp += f.confusion.fp;
    s.mean.confusion.tn += f.confusion.tn;
    s.mean.confusion.fn += f.confusion.fn;
    s.mean.n += f.n;
  }
  return s;
}

}  // namespace aemigap::train

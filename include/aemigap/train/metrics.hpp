// Classification metrics of a scored set: threshold metrics at 0.5, the exact tie-aware
// AUC (Mann-Whitney: a tie between a positive and a negative counts one half), and the ROC
// curve with one point per distinct score.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aemigap::train {

struct Confusion {
  std::uint64_t tp = 0, fp = 0, tn = 0, fn = 0;
};

struct Metrics {
  double precision = 0, recall = 0, accuracy = 0, f1 = 0, auc = 0;
  Confusion confusion;  // at threshold 0.5 (score >= 0.5 is positive)
  std::uint64_t n = 0;
};

struct RocPoint {
  double fpr, tpr, threshold;
};

// labels: 1 positive, 0 negative. Empty classes give AUC 0.5 by convention (no ordering).
Metrics compute_metrics(const std::vector<float>& scores, const std::vector<std::uint8_t>& labels,
                        double threshold = 0.5);
double roc_auc(const std::vector<float>& scores, const std::vector<std::uint8_t>& labels);
std::vector<RocPoint> roc_curve(const std::vector<float>& scores, const std::vector<std::uint8_t>& labels);

// Mean and sample standard deviation of each metric over folds.
struct MetricSummary {
  Metrics mean, sd;
};
MetricSummary summarize(const std::vector<Metrics>& folds);

}  // namespace aemigap::train

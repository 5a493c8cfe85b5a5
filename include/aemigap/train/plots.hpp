// Small self-contained SVG plots (no plotting library on a compute node).
#pragma once

#include <string>
#include <vector>

#include "aemigap/train/metrics.hpp"

namespace aemigap::train {

struct Curve {
  std::string label;
  std::vector<RocPoint> points;
};
std::string roc_svg(const std::string& title, const std::vector<Curve>& curves);
std::string confusion_svg(const std::string& title, const Confusion& c);
// Histogram of values in [lo, hi] with `bins` bins.
std::string histogram_svg(const std::string& title, const std::vector<double>& counts, double lo, double hi,
                          const std::string& xlabel);

}  // namespace aemigap::train

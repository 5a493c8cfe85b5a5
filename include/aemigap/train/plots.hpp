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

// Lines over a log10 x axis (a budget curve): y in [0, 1] with grid lines every 0.2; each
// series' points in x order, marked; a dashed line at y = 0.5 (random for an AUC).
struct Series {
  std::string label;
  std::vector<double> x, y;
};
std::string log_x_lines_svg(const std::string& title, const std::vector<Series>& series, const std::string& xlabel,
                            const std::string& ylabel);

}  // namespace aemigap::train

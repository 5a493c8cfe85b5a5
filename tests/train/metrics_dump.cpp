// Writes seeded random scores (with ties) and labels, then our metrics, for the
// scikit-learn comparison in tests/cli/metrics_sklearn.sh.
#include <cstdio>

#include "aemigap/core/rng.hpp"
#include "aemigap/train/metrics.hpp"

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  aemigap::Rng rng(7);
  std::vector<float> s;
  std::vector<std::uint8_t> y;
  for (int i = 0; i < 5000; ++i) {
    y.push_back(rng.uniform_below(3) == 0);
    // scores rounded to 2 decimals: many ties; positives shifted up
    double v = rng.uniform_double() * 0.8 + (y.back() ? 0.2 : 0.0);
    s.push_back(static_cast<float>(static_cast<int>(v * 100) / 100.0));
  }
  auto m = aemigap::train::compute_metrics(s, y);
  std::FILE* f = std::fopen(argv[1], "w");
  for (std::size_t i = 0; i < s.size(); ++i) std::fprintf(f, "%.9g\t%d\n", s[i], y[i]);
  std::fclose(f);
  f = std::fopen(argv[2], "w");
  std::fprintf(f, "precision\t%.12f\nrecall\t%.12f\naccuracy\t%.12f\nf1\t%.12f\nauc\t%.12f\n", m.precision, m.recall,
               m.accuracy, m.f1, m.auc);
  std::fclose(f);
  return 0;
}

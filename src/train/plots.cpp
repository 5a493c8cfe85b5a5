#include "aemigap/train/plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace aemigap::train {

namespace {
const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}

// A square plot area with axes from 0 to 1 and grid lines every 0.2.
void axes(std::ostringstream& o, double x0, double y0, double w, double h, const char* xl, const char* yl) {
  for (int i = 0; i <= 5; ++i) {
    double f = i / 5.0;
    o << "<line x1='" << x0 + f * w << "' y1='" << y0 << "' x2='" << x0 + f * w << "' y2='" << y0 + h
      << "' stroke='#ddd'/>\n<line x1='" << x0 << "' y1='" << y0 + h - f * h << "' x2='" << x0 + w << "' y2='"
      << y0 + h - f * h << "' stroke='#ddd'/>\n";
    char lab[16];
    std::snprintf(lab, sizeof lab, "%.1f", f);
    o << "<text x='" << x0 + f * w << "' y='" << y0 + h + 16 << "' font-size='11' text-anchor='middle'>" << lab
      << "</text>\n<text x='" << x0 - 6 << "' y='" << y0 + h - f * h + 4 << "' font-size='11' text-anchor='end'>"
      << lab << "</text>\n";
  }
  o << "<rect x='" << x0 << "' y='" << y0 << "' width='" << w << "' height='" << h
    << "' fill='none' stroke='#333'/>\n<text x='" << x0 + w / 2 << "' y='" << y0 + h + 34
    << "' font-size='13' text-anchor='middle'>" << xl << "</text>\n<text x='" << x0 - 36 << "' y='" << y0 + h / 2
    << "' font-size='13' text-anchor='middle' transform='rotate(-90 " << x0 - 36 << " " << y0 + h / 2 << ")'>" << yl
    << "</text>\n";
}
}  // namespace

std::string roc_svg(const std::string& title, const std::vector<Curve>& curves) {
  std::ostringstream o;
  const double x0 = 60, y0 = 40, w = 400, h = 400;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='680' height='500' font-family='sans-serif'>\n"
    << "<rect width='100%' height='100%' fill='white'/>\n<text x='" << x0 + w / 2
    << "' y='24' font-size='15' text-anchor='middle'>" << esc(title) << "</text>\n";
  axes(o, x0, y0, w, h, "false positive rate", "true positive rate");
  o << "<line x1='" << x0 << "' y1='" << y0 + h << "' x2='" << x0 + w << "' y2='" << y0
    << "' stroke='#999' stroke-dasharray='4 4'/>\n";
  for (std::size_t c = 0; c < curves.size(); ++c) {
    o << "<polyline fill='none' stroke='" << kColors[c % 8] << "' stroke-width='1.5' points='";
    for (const auto& p : curves[c].points) o << x0 + p.fpr * w << "," << y0 + h - p.tpr * h << " ";
    o << "'/>\n<rect x='" << x0 + w + 20 << "' y='" << y0 + 20 * c << "' width='12' height='12' fill='"
      << kColors[c % 8] << "'/>\n<text x='" << x0 + w + 38 << "' y='" << y0 + 20 * c + 11 << "' font-size='12'>"
      << esc(curves[c].label) << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

std::string confusion_svg(const std::string& title, const Confusion& c) {
  std::ostringstream o;
  const double x0 = 120, y0 = 70, cell = 130;
  const double total = static_cast<double>(c.tp + c.fp + c.tn + c.fn);
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='420' height='380' font-family='sans-serif'>\n"
    << "<rect width='100%' height='100%' fill='white'/>\n<text x='210' y='24' font-size='15' text-anchor='middle'>"
    << esc(title) << "</text>\n<text x='" << x0 + cell << "' y='52' font-size='13' text-anchor='middle'>predicted</text>\n"
    << "<text x='40' y='" << y0 + cell << "' font-size='13' text-anchor='middle' transform='rotate(-90 40 " << y0 + cell
    << ")'>actual</text>\n";
  const char* names[2] = {"positive", "negative"};
  std::uint64_t v[2][2] = {{c.tp, c.fn}, {c.fp, c.tn}};
  for (int r = 0; r < 2; ++r) {
    o << "<text x='" << x0 - 8 << "' y='" << y0 + cell * r + cell / 2 << "' font-size='12' text-anchor='end'>"
      << names[r] << "</text>\n<text x='" << x0 + cell * r + cell / 2 << "' y='" << y0 - 4
      << "' font-size='12' text-anchor='middle'>" << names[r] << "</text>\n";
    for (int k = 0; k < 2; ++k) {
      double share = total > 0 ? static_cast<double>(v[r][k]) / total : 0;
      int shade = static_cast<int>(255 - 200 * std::min(1.0, share * 2));
      char fill[16];
      std::snprintf(fill, sizeof fill, "#%02x%02xff", shade, shade);
      o << "<rect x='" << x0 + cell * k << "' y='" << y0 + cell * r << "' width='" << cell << "' height='" << cell
        << "' fill='" << fill << "' stroke='#333'/>\n<text x='" << x0 + cell * k + cell / 2 << "' y='"
        << y0 + cell * r + cell / 2 << "' font-size='16' text-anchor='middle'>" << v[r][k] << "</text>\n";
      // The rate within the actual class (recall, miss rate; false-positive rate, specificity).
      const double of_actual = static_cast<double>(v[r][0] + v[r][1]);
      char rate[32];
      std::snprintf(rate, sizeof rate, "%.1f %%", of_actual > 0 ? 100.0 * static_cast<double>(v[r][k]) / of_actual : 0.0);
      o << "<text x='" << x0 + cell * k + cell / 2 << "' y='" << y0 + cell * r + cell / 2 + 20
        << "' font-size='12' text-anchor='middle' fill='#333'>" << rate << " of actual</text>\n";
    }
  }
  o << "</svg>\n";
  return o.str();
}

std::string histogram_svg(const std::string& title, const std::vector<double>& counts, double lo, double hi,
                          const std::string& xlabel) {
  std::ostringstream o;
  const double x0 = 70, y0 = 40, w = 560, h = 300;
  double mx = 0;
  for (double c : counts) mx = std::max(mx, c);
  const double top = mx > 0 ? std::log10(mx + 1) : 1;  // log scale: pools are skewed
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='680' height='400' font-family='sans-serif'>\n"
    << "<rect width='100%' height='100%' fill='white'/>\n<text x='" << x0 + w / 2
    << "' y='24' font-size='15' text-anchor='middle'>" << esc(title) << "</text>\n";
  const double bw = w / static_cast<double>(std::max<std::size_t>(1, counts.size()));
  for (std::size_t i = 0; i < counts.size(); ++i) {
    double bh = counts[i] > 0 ? std::log10(counts[i] + 1) / top * h : 0;
    o << "<rect x='" << x0 + bw * i << "' y='" << y0 + h - bh << "' width='" << bw * 0.9 << "' height='" << bh
      << "' fill='#1f77b4'/>\n";
  }
  o << "<rect x='" << x0 << "' y='" << y0 << "' width='" << w << "' height='" << h << "' fill='none' stroke='#333'/>\n";
  for (int i = 0; i <= 4; ++i) {
    char lab[32];
    std::snprintf(lab, sizeof lab, "%.2f", lo + (hi - lo) * i / 4.0);
    o << "<text x='" << x0 + w * i / 4.0 << "' y='" << y0 + h + 16 << "' font-size='11' text-anchor='middle'>" << lab
      << "</text>\n";
  }
  for (int e = 0; std::pow(10.0, e) <= mx; ++e)
    o << "<text x='" << x0 - 6 << "' y='" << y0 + h - e / top * h + 4 << "' font-size='11' text-anchor='end'>1e" << e
      << "</text>\n";
  o << "<text x='" << x0 + w / 2 << "' y='" << y0 + h + 36 << "' font-size='13' text-anchor='middle'>" << esc(xlabel)
    << "</text>\n<text x='20' y='" << y0 + h / 2 << "' font-size='13' text-anchor='middle' transform='rotate(-90 20 "
    << y0 + h / 2 << ")'>pairs (log scale)</text>\n</svg>\n";
  return o.str();
}

std::string log_x_lines_svg(const std::string& title, const std::vector<Series>& series, const std::string& xlabel,
                            const std::string& ylabel) {
  std::ostringstream o;
  const double x0 = 60, y0 = 40, w = 400, h = 400;
  double lo = 1e300, hi = -1e300;
  for (const auto& s : series)
    for (double v : s.x)
      if (v > 0) lo = std::min(lo, std::log10(v)), hi = std::max(hi, std::log10(v));
  if (!(lo <= hi)) lo = 0, hi = 1;
  lo = std::floor(lo), hi = std::max(std::ceil(hi), lo + 1);
  auto px = [&](double v) { return x0 + (std::log10(v) - lo) / (hi - lo) * w; };
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='720' height='500' font-family='sans-serif'>\n"
    << "<rect width='100%' height='100%' fill='white'/>\n<text x='" << x0 + w / 2
    << "' y='24' font-size='15' text-anchor='middle'>" << esc(title) << "</text>\n";
  for (int i = 0; i <= 5; ++i) {  // y grid
    const double f = i / 5.0;
    char lab[16];
    std::snprintf(lab, sizeof lab, "%.1f", f);
    o << "<line x1='" << x0 << "' y1='" << y0 + h - f * h << "' x2='" << x0 + w << "' y2='" << y0 + h - f * h
      << "' stroke='#ddd'/>\n<text x='" << x0 - 6 << "' y='" << y0 + h - f * h + 4
      << "' font-size='11' text-anchor='end'>" << lab << "</text>\n";
  }
  for (int d = static_cast<int>(lo); d <= static_cast<int>(hi); ++d) {  // x decades
    const double x = x0 + (d - lo) / (hi - lo) * w;
    o << "<line x1='" << x << "' y1='" << y0 << "' x2='" << x << "' y2='" << y0 + h << "' stroke='#ddd'/>\n<text x='"
      << x << "' y='" << y0 + h + 16 << "' font-size='11' text-anchor='middle'>1e" << d << "</text>\n";
  }
  o << "<rect x='" << x0 << "' y='" << y0 << "' width='" << w << "' height='" << h
    << "' fill='none' stroke='#333'/>\n<line x1='" << x0 << "' y1='" << y0 + h / 2 << "' x2='" << x0 + w << "' y2='"
    << y0 + h / 2 << "' stroke='#999' stroke-dasharray='4 4'/>\n<text x='" << x0 + w / 2 << "' y='" << y0 + h + 34
    << "' font-size='13' text-anchor='middle'>" << esc(xlabel) << "</text>\n<text x='" << x0 - 36 << "' y='"
    << y0 + h / 2 << "' font-size='13' text-anchor='middle' transform='rotate(-90 " << x0 - 36 << " " << y0 + h / 2
    << ")'>" << esc(ylabel) << "</text>\n";
  for (std::size_t c = 0; c < series.size(); ++c) {
    const auto& s = series[c];
    const char* col = kColors[c % 8];
    o << "<polyline fill='none' stroke='" << col << "' stroke-width='1.5' points='";
    for (std::size_t i = 0; i < s.x.size(); ++i) o << px(s.x[i]) << "," << y0 + h - s.y[i] * h << " ";
    o << "'/>\n";
    for (std::size_t i = 0; i < s.x.size(); ++i)
      o << "<circle cx='" << px(s.x[i]) << "' cy='" << y0 + h - s.y[i] * h << "' r='3' fill='" << col << "'/>\n";
    o << "<rect x='" << x0 + w + 20 << "' y='" << y0 + 20 * c << "' width='12' height='12' fill='" << col
      << "'/>\n<text x='" << x0 + w + 38 << "' y='" << y0 + 20 * c + 11 << "' font-size='12'>" << esc(s.label)
      << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace aemigap::train

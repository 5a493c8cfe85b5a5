#include "aemigap/core/log.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace aemigap {

namespace {
LogLevel g_level = LogLevel::info;
int g_rank = 0;
std::mutex g_mutex;

void emit(const char* tag, const std::string& msg) {
  std::time_t t = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%H:%M:%S", std::localtime(&t));
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fprintf(stderr, "%s %s%s\n", stamp, tag, msg.c_str());
  std::fflush(stderr);
}
}  // namespace

void set_log_level(LogLevel level) { g_level = level; }
void set_log_rank(int rank) { g_rank = rank; }
bool log_enabled(LogLevel level) { return g_rank == 0 && g_level >= level; }

void log_info(const std::string& msg) {
  if (log_enabled(LogLevel::info)) emit("", msg);
}
void log_debug(const std::string& msg) {
  if (log_enabled(LogLevel::debug)) emit("debug: ", msg);
}
void log_warn(const std::string& msg) {
  emit(g_rank == 0 ? "WARNING: " : ("WARNING (rank " + std::to_string(g_rank) + "): ").c_str(), msg);
}

std::string human_count(double n) {
  char buf[32];
  double a = std::fabs(n);
  if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.2f G", n / 1e9);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M", n / 1e6);
  else if (a >= 1e4) std::snprintf(buf, sizeof buf, "%.1f k", n / 1e3);
  else if (a >= 100 || a == std::floor(a)) std::snprintf(buf, sizeof buf, "%.0f", n);
  else std::snprintf(buf, sizeof buf, "%.2f", n);
  return buf;
}

std::string human_seconds(double s) {
  char buf[32];
  if (!std::isfinite(s)) return "?";
  if (s < 90) std::snprintf(buf, sizeof buf, "%.0f s", s);
  else if (s < 5400) std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  else std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  return buf;
}

Progress::Progress(std::string stage, std::string unit, double total, double interval_s)
    : stage_(std::move(stage)),
      unit_(std::move(unit)),
      total_(total),
      interval_s_(interval_s),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

double Progress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(double done, const std::string& detail) {
  auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_print_).count() < interval_s_) return;
  last_print_ = now;
  print(done, detail, false);
}

void Progress::finish(const std::string& detail) { print(total_, detail, true); }

void Progress::print(double done, const std::string& detail, bool final) {
  if (!log_enabled(LogLevel::info)) return;
  double el = elapsed_s();
  double rate = el > 0 ? done / el : 0;
  std::string line = "[" + stage_ + "] ";
  if (!detail.empty()) line += detail + "  ";
  char pct[32];
  std::snprintf(pct, sizeof pct, "%5.1f%%  ", total_ > 0 ? 100.0 * done / total_ : 100.0);
  line += pct + human_count(done) + "/" + human_count(total_) + " " + unit_ + "  " +
          human_count(rate) + " " + unit_ + "/s  ";
  if (final) line += "done in " + human_seconds(el);
  else line += "ETA " + human_seconds(rate > 0 ? (total_ - done) / rate : NAN);
  emit("", line);
  last_done_ = done;
}

}  // namespace aemigap

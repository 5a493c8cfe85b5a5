// Logging and progress for long work.
//
// Only the reporting rank prints (rank 0 by default; set_log_rank() is called once MPI is
// up), so an N-rank job prints one progress line, not N. Progress lines carry rate and ETA.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace aemigap {

enum class LogLevel { quiet = 0, info = 1, debug = 2 };

void set_log_level(LogLevel level);
void set_log_rank(int rank);  // messages print only where rank == 0
bool log_enabled(LogLevel level);

void log_info(const std::string& msg);
void log_debug(const std::string& msg);
void log_warn(const std::string& msg);  // printed on every rank: warnings must not be lost

// "1.23 M", "850.1 k": short human numbers for progress lines.
std::string human_count(double n);
std::string human_seconds(double s);

// Progress of a job with a known amount of work:
//   [embed] epoch 3/25  41.2%  4.24 M/10.29 M words  1.02 M words/s  ETA 6 s
// update() is cheap; it prints at most once per interval (and finish() always prints).
class Progress {
 public:
  Progress(std::string stage, std::string unit, double total, double interval_s = 5.0);
  void update(double done, const std::string& detail = "");
  void finish(const std::string& detail = "");
  double elapsed_s() const;

 private:
  void print(double done, const std::string& detail, bool final);
  std::string stage_, unit_;
  double total_, interval_s_;
  std::chrono::steady_clock::time_point start_, last_print_;
  double last_done_ = 0;
};

// Wall time of a scope, for the per-stage summary.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace aemigap

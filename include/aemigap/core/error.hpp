// Errors and the CHECK macro of the project.
//
// Every error that reaches the user says where it came from: an InputError names the
// input file, line and problem ("pairs.tsv:17: expected 2 tab-separated columns, found 3");
// AEMIGAP_CHECK reports the source file:line of a broken invariant. Library-specific
// checks (HDF5, MPI, NCCL, CUDA) live beside their wrappers and add the library's message.
#pragma once

#include <cstddef>
#include <sstream>
#include <stdexcept>
#include <string>

namespace aemigap {

// Base of every error this project throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Malformed or missing input. line == 0 means "the file as a whole".
class InputError : public Error {
 public:
  InputError(std::string file, std::size_t line, std::string problem);
  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  std::size_t line_;
  std::string problem_;
};

// Bad configuration value (names the option).
class ConfigError : public Error {
 public:
  using Error::Error;
};

namespace detail {
[[noreturn]] void check_failed(const char* file, int line, const char* expr, const std::string& msg);
}  // namespace detail

}  // namespace aemigap

// AEMIGAP_CHECK(cond, streamed message): throws aemigap::Error("src/x.cpp:12: check `cond` failed: msg").
#define AEMIGAP_CHECK(cond, ...)                                                     \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::ostringstream aemigap_check_os_;                                          \
      aemigap_check_os_ << __VA_ARGS__;                                              \
      ::aemigap::detail::check_failed(__FILE__, __LINE__, #cond, aemigap_check_os_.str()); \
    }                                                                                \
  } while (0)

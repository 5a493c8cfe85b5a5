#include "aemigap/core/error.hpp"

namespace aemigap {

namespace {
std::string input_message(const std::string& file, std::size_t line, const std::string& problem) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  return where + ": " + problem;
}
}  // namespace

InputError::InputError(std::string file, std::size_t line, std::string problem)
    : Error(input_message(file, line, problem)),
      file_(std::move(file)),
      line_(line),
      problem_(std::move(problem)) {}

namespace detail {
void check_failed(const char* file, int line, const char* expr, const std::string& msg) {
  std::ostringstream os;
  os << file << ":" << line << ": check `" << expr << "` failed";
  if (!msg.empty()) os << ": " << msg;
  throw Error(os.str());
}
}  // namespace detail

}  // namespace aemigap

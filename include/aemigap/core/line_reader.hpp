// Line-by-line reading of text inputs, plain or gzip-compressed (detected from content).
//
// Every line is checked for UTF-8 and NUL bytes, a truncated or corrupt gzip stream is an
// error, and fail() throws an InputError naming the file and the current line, so every
// parser reports "file:line: problem" without tracking lines itself.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace aemigap {

class LineReader {
 public:
  explicit LineReader(std::string path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Next line without its "\n" (and a trailing "\r"); false at the end of the file.
  // The view stays valid until the next call.
  bool next(std::string_view& line);

  std::size_t line_number() const { return line_no_; }
  const std::string& path() const { return path_; }

  // Throws InputError(path, current line, problem).
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  bool fill();
  std::string path_;
  void* gz_ = nullptr;  // gzFile; void* keeps zlib.h out of this header
  std::string buf_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  std::size_t line_no_ = 0;
  std::string line_;
};

}  // namespace aemigap

#include "aemigap/core/line_reader.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "aemigap/core/error.hpp"
#include "aemigap/core/text.hpp"

namespace aemigap {

LineReader::LineReader(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) throw InputError(path_, 0, "file not found");
  if (std::filesystem::is_directory(path_, ec)) throw InputError(path_, 0, "is a directory, not a file");
  errno = 0;
  gzFile f = gzopen(path_.c_str(), "rb");
  if (!f) throw InputError(path_, 0, std::string("cannot open: ") + (errno ? std::strerror(errno) : "out of memory"));
  gzbuffer(f, 1 << 18);
  gz_ = f;
}

LineReader::~LineReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

void LineReader::fail(const std::string& problem) const { throw InputError(path_, line_no_, problem); }

bool LineReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  const std::size_t chunk = 1 << 18;
  std::size_t old = buf_.size();
  buf_.resize(old + chunk);
  int n = gzread(static_cast<gzFile>(gz_), &buf_[old], static_cast<unsigned>(chunk));
  if (n < 0) {
    int err = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &err);
    buf_.resize(old);
    throw InputError(path_, line_no_ + 1, std::string("corrupt or truncated gzip data: ") + msg);
  }
  buf_.resize(old + static_cast<std::size_t>(n));
  if (n == 0) {
    // zlib reports a gzip stream cut short only through gzerror at the end.
    int err = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &err);
    if (err != Z_OK && err != Z_STREAM_END)
      throw InputError(path_, line_no_ + 1, std::string("corrupt or truncated gzip data: ") + msg);
    eof_ = true;
  }
  return n > 0;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    std::size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      line_.assign(buf_, pos_, nl - pos_);
      pos_ = nl + 1;
      break;
    }
    if (!fill()) {
      if (pos_ >= buf_.size()) return false;
      line_.assign(buf_, pos_, std::string::npos);  // last line without "\n"
      pos_ = buf_.size();
      break;
    }
  }
  ++line_no_;
  // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first line's text.
  if (line_no_ == 1 && line_.compare(0, 3, "\xEF\xBB\xBF") == 0) line_.erase(0, 3);
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_.find('\0') != std::string::npos) fail("binary data (NUL byte): not a text file");
  std::size_t valid = utf8_valid_prefix(line_);
  if (valid != line_.size()) fail("not valid UTF-8 (byte " + std::to_string(valid + 1) + " of the line)");
  line = line_;
  return true;
}

}  // namespace aemigap

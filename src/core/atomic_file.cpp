#include "aemigap/core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "aemigap/core/error.hpp"

namespace fs = std::filesystem;

namespace aemigap {

std::string this_host() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0 || !host[0]) return "localhost";
  std::string h(host);
  for (char& c : h)
    if (c == '/' || c == '-') c = '_';  // '-' separates host and pid in temp names
  return h;
}

std::string temp_path_for(const std::string& path) {
  fs::path p(path);
  fs::path dir = p.parent_path();
  std::string name = "." + p.filename().string() + ".tmp-" + this_host() + "-" + std::to_string(::getpid());
  return (dir.empty() ? fs::path(name) : dir / name).string();
}

void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;  // best effort: some file systems refuse directories
  ::fsync(fd);
  ::close(fd);
}

namespace {
// The data must be on disk before the rename makes it the store: a failed fsync or close
// (a full disk or quota on a network file system reports here, not at write) fails the stage.
void fsync_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error("cannot reopen " + path + " to sync it: " + std::strerror(errno));
  const bool synced = ::fsync(fd) == 0;
  const int err = errno;
  if (::close(fd) != 0 || !synced)
    throw Error("cannot sync " + path + " to disk (disk full?): " + std::strerror(synced ? errno : err));
}
}  // namespace

void rename_into_place(const std::string& tmp, const std::string& path) {
  fsync_file(tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw Error("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  fs::path dir = fs::path(path).parent_path();
  fsync_path(dir.empty() ? "." : dir.string());
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), tmp_(temp_path_for(path_)) {
  fs::path dir = fs::path(path_).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
  }
  out_.open(tmp_, std::ios::binary | std::ios::trunc);
  if (!out_) throw Error("cannot write " + tmp_ + ": " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::remove(tmp_.c_str());
  }
}

void AtomicFile::commit() {
  out_.flush();
  if (!out_) throw Error("write failed for " + tmp_ + " (disk full?)");
  out_.close();
  if (out_.fail()) throw Error("write failed for " + tmp_ + " at close (disk full?)");
  rename_into_place(tmp_, path_);
  committed_ = true;
}

}  // namespace aemigap

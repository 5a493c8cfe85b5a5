#include "aemigap/core/store_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "aemigap/core/error.hpp"

namespace aemigap {

namespace {

std::string holder_text(int fd) {
  char buf[256] = {0};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string s = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "another aemigap process" : s;
}

}  // namespace

StoreLock StoreLock::take(const std::string& store, Mode mode, const std::string& stage) {
  // One lock per file, however it is reached (a symbolic link, a relative path).
  std::error_code ec;
  const auto real = std::filesystem::weakly_canonical(store, ec);
  const std::string path = path_for(ec ? store : real.string());
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && mode == Mode::Exclusive) std::filesystem::create_directories(dir, ec);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  StoreLock lock;
  if (fd < 0) {
    // A reader of a store on a read-only file system cannot create the lock file: nothing
    // can write that store either, so reading it unlocked is safe.
    if (mode == Mode::Shared && (errno == EROFS || errno == EACCES)) return lock;
    throw Error("cannot open the store's lock file " + path + ": " + std::strerror(errno));
  }
  lock.fd_ = fd;
  if (::flock(fd, (mode == Mode::Exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) {
    if (mode == Mode::Exclusive) {
      lock.exclusive_ = true;
      char host[128] = {0};
      gethostname(host, sizeof host - 1);
      const std::string text = "pid " + std::to_string(getpid()) + " (stage " + stage + ") on " + host + "\n";
      if (ftruncate(fd, 0) == 0 && pwrite(fd, text.data(), text.size(), 0) < 0) { /* the name is only a courtesy */ }
    }
    return lock;
  }
  if (errno != EWOULDBLOCK) throw Error("cannot lock " + path + ": " + std::strerror(errno));
  // Who holds it: a shared lock succeeds when only readers do.
  const bool readers_only = mode == Mode::Exclusive && ::flock(fd, LOCK_SH | LOCK_NB) == 0;
  if (readers_only) {
    ::flock(fd, LOCK_UN);
    throw Error("store " + store + " is being read by another aemigap process (report, query, a cv task or an "
                "experiment); run " + stage + " again when it ends");
  }
  const std::string who = holder_text(fd);
  throw Error("store " + store + " is being written by " + who + "; " +
              (mode == Mode::Exclusive ? "wait for it to end (or stop it) and run " + stage + " again"
                                       : "what it holds may be incomplete: run " + stage + " again when it ends"));
}

StoreLock::StoreLock(StoreLock&& o) noexcept : fd_(o.fd_), exclusive_(o.exclusive_) { o.fd_ = -1; }

StoreLock& StoreLock::operator=(StoreLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    exclusive_ = o.exclusive_;
    o.fd_ = -1;
  }
  return *this;
}

StoreLock::~StoreLock() {
  if (fd_ < 0) return;
  if (exclusive_ && ftruncate(fd_, 0) != 0) { /* the name is only a courtesy */ }
  ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace aemigap

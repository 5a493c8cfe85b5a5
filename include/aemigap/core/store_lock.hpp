// An advisory lock beside the store (<store>.lock, flock(2)): a command that writes the store
// holds it exclusively for its whole run, a command that only reads it holds it shared. A
// writer never starts while another aemigap process uses the store, and a reader never
// answers from a store being written. The kernel drops the lock when its process dies, so a
// killed run leaves no stale lock behind; the file's text (pid, stage, host) only names the
// holder in the error. Advisory: other programs (h5py, h5dump) do not take it.
#pragma once

#include <string>

namespace aemigap {

class StoreLock {
 public:
  enum class Mode { Shared, Exclusive };
  // Takes the lock at once or throws an Error naming the store and its holder.
  static StoreLock take(const std::string& store, Mode mode, const std::string& stage);
  StoreLock() = default;
  StoreLock(StoreLock&& o) noexcept;
  StoreLock& operator=(StoreLock&& o) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();
  bool held() const { return fd_ >= 0; }
  static std::string path_for(const std::string& store) { return store + ".lock"; }

 private:
  int fd_ = -1;
  bool exclusive_ = false;  // a writer clears its name from the file when it lets go
};

}  // namespace aemigap

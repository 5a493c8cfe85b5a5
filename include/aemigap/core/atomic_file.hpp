// Output files that appear complete or not at all.
//
// AtomicFile writes under a temporary name in the destination's folder; commit() flushes,
// fsyncs and renames it into place. Destroyed without commit() (an exception, a failed
// stage), the temporary is removed and the previous file, if any, is untouched.
#pragma once

#include <fstream>
#include <string>

namespace aemigap {

// "<dir>/.<name>.tmp-<host>-<pid>": hidden, same file system as the target (rename is
// atomic); the host and pid say whose it is (a killed writer's copy is removed by the next).
std::string temp_path_for(const std::string& path);
std::string this_host();  // the host name as it appears in temp names ('-' and '/' become '_')

// fsync a file (or, given a folder, the folder entry) so a rename survives a crash.
void fsync_path(const std::string& path);

// Renames tmp over path after fsync-ing it; throws Error with the OS message on failure.
void rename_into_place(const std::string& tmp, const std::string& path);

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  void commit();

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace aemigap

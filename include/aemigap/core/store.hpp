// The HDF5 store (aemigap.h5): HDF5's C API behind small RAII wrappers.
//
// Layout (docs/store.md): /mirna/{name,sequence}, /gene/{name,symbols,sequence},
// /pairs/positive, and what later stages add. Names and sequences are variable-length
// UTF-8 strings; numeric data are chunked and deflate-compressed where it pays.
//
// Crash safety: a stage never edits the store in place. StoreUpdate copies it to a temporary
// file beside it, the stage writes there, and commit() renames the copy into place; a
// failed or killed stage leaves the previous store untouched (and no half-written dataset).
// Stages too large to copy (pool scores) open the store read-write and record progress
// explicitly (see their docs).
//
// Parallel: open_parallel() opens one file on all ranks of an MPI communicator (MPI-IO);
// create_dataset() then write_rows(..., collective) writes row blocks from every rank.
// The file is an ordinary HDF5 file, read alike whether serial or parallel code wrote it.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace aemigap {

using h5id = std::int64_t;  // hid_t, without pulling hdf5.h into every file

// Throws aemigap::Error with file:line, the failing call and HDF5's own error stack.
namespace detail {
[[noreturn]] void h5_failed(const char* file, int line, const char* call);
}
#define AEMIGAP_H5_CHECK(call)                                                   \
  ([&]() {                                                                       \
    auto aemigap_h5_rc_ = (call);                                                \
    if (aemigap_h5_rc_ < 0) ::aemigap::detail::h5_failed(__FILE__, __LINE__, #call); \
    return aemigap_h5_rc_;                                                       \
  }())

// True once closing an HDF5 file failed in this process (see Store::close): main() then
// exits without HDF5's own shutdown, which would crash on the file left half-closed.
bool store_close_failed();

class Store {
 public:
  enum class Mode { ReadOnly, ReadWrite };

  static Store create(const std::string& path);  // new file (truncates)
  static Store open(const std::string& path, Mode mode = Mode::ReadOnly);
  // Collective over comm: every rank must call it, and every later metadata call.
  static Store open_parallel(const std::string& path, MPI_Comm comm, Mode mode = Mode::ReadWrite);

  Store(Store&& other) noexcept;
  Store& operator=(Store&& other) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store();

  const std::string& path() const { return path_; }
  bool exists(const std::string& name) const;  // any object at this path ("/a/b")
  void remove(const std::string& name);         // unlink an object (space is reused on copy)
  void move(const std::string& from, const std::string& to);
  void create_group(const std::string& name);  // with its parents; nothing if it exists
  void flush();
  void close();

  // Variable-length UTF-8 strings, 1-D.
  void write_strings(const std::string& name, const std::vector<std::string>& values);
  std::vector<std::string> read_strings(const std::string& name) const;
  void write_string(const std::string& name, const std::string& value);  // a scalar string dataset

  // Numeric arrays of any rank; T in {float, double, int32, int64, uint8, uint64}.
  template <class T>
  void write(const std::string& name, const std::vector<T>& data, const std::vector<std::uint64_t>& dims,
             bool compress = true);
  template <class T>
  std::vector<T> read(const std::string& name, std::vector<std::uint64_t>* dims = nullptr) const;
  std::vector<std::uint64_t> dims(const std::string& name) const;
  // A 64-bit hash of a dataset's shape and values, or of every dataset under a group (by
  // name), chained from h; for lineage (core/lineage.hpp). Attributes are not included.
  std::uint64_t content_hash(const std::string& name, std::uint64_t h = 0xcbf29ce484222325ull) const;

  // Row-block I/O on 2-D datasets (rows × cols), serial or collective.
  template <class T>
  void create_dataset(const std::string& name, std::uint64_t rows, std::uint64_t cols, std::uint64_t chunk_rows,
                      bool compress);
  template <class T>
  void write_rows(const std::string& name, std::uint64_t first_row, std::uint64_t nrows, const T* data,
                  bool collective = false);
  template <class T>
  void read_rows(const std::string& name, std::uint64_t first_row, std::uint64_t nrows, T* data) const;

  // Attributes on any object ("/" for the file).
  void set_attr(const std::string& obj, const std::string& name, const std::string& value);
  void set_attr(const std::string& obj, const std::string& name, std::int64_t value);
  void set_attr(const std::string& obj, const std::string& name, double value);
  void set_attr(const std::string& obj, const std::string& name, const std::vector<double>& values);
  void set_attr(const std::string& obj, const std::string& name, const std::vector<std::string>& values);
  bool has_attr(const std::string& obj, const std::string& name) const;
  std::string attr_string(const std::string& obj, const std::string& name) const;
  std::int64_t attr_int(const std::string& obj, const std::string& name) const;
  double attr_double(const std::string& obj, const std::string& name) const;
  std::vector<double> attr_doubles(const std::string& obj, const std::string& name) const;

  // Root attributes every writer sets: tool version, git commit, full config, UTC time.
  void stamp(const std::string& stage, const std::string& config_ini);

 private:
  Store(std::string path, h5id file, bool parallel) : path_(std::move(path)), file_(file), parallel_(parallel) {}
  std::string path_;
  h5id file_ = -1;
  bool parallel_ = false;
};

// One stage's change to the store, applied all at once (see the top of this file).
class StoreUpdate {
 public:
  // fresh = true starts an empty store (ingest); otherwise the stage needs `path` to exist.
  StoreUpdate(std::string path, bool fresh);
  ~StoreUpdate();
  StoreUpdate(const StoreUpdate&) = delete;
  StoreUpdate& operator=(const StoreUpdate&) = delete;

  Store& store() { return store_; }
  void commit();  // close, fsync, rename into place

 private:
  std::string path_, tmp_;
  Store store_;
  bool committed_ = false;
};

}  // namespace aemigap

#include "aemigap/core/store.hpp"

#include <hdf5.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <type_traits>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/hash.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/version.hpp"

static_assert(std::is_same<hid_t, aemigap::h5id>::value, "hid_t must be int64 (HDF5 >= 1.10)");

namespace fs = std::filesystem;

namespace aemigap {

namespace detail {
namespace {
herr_t collect_error(unsigned n, const H5E_error2_t* e, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (n < 4 && e->desc && *e->desc) *out += std::string(n ? "; " : "") + e->desc;
  return 0;
}
}  // namespace

// HDF5's error stack as one line (then cleared), led by "disk full" when a write found no
// space: the one failure a user can act on without reading HDF5's internals.
std::string take_error_stack() {
  const int err = errno;  // first: of the failing write, before anything else can set it
  std::string stack;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_error, &stack);
  H5Eclear2(H5E_DEFAULT);
  // HDF5's own text when it has one; some failures (a dataset's allocation) leave no stack,
  // and then the errno of the failed write says it.
  const bool full = stack.find("No space left") != std::string::npos || stack.find("errno = 28") != std::string::npos ||
                    stack.find("Disk quota exceeded") != std::string::npos || err == ENOSPC || err == EDQUOT;
  return full ? "disk full (no space left on device)" + (stack.empty() ? "" : ": " + stack) : stack;
}

void h5_failed(const char* file, int line, const char* call) {
  const std::string stack = take_error_stack();
  throw Error(std::string(file) + ":" + std::to_string(line) + ": HDF5 call " + call + " failed" +
              (stack.empty() ? "" : ": " + stack));
}
}  // namespace detail

namespace {
bool close_failed = false;
}
bool store_close_failed() { return close_failed; }

namespace {

// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void quiet_hdf5() {
  static bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors come back as exceptions
    return true;
  }();
  (void)done;
}

template <class T> hid_t native_type();
template <> hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <> hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> hid_t native_type<std::int32_t>() { return H5T_NATIVE_INT32; }
template <> hid_t native_type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <> hid_t native_type<std::uint8_t>() { return H5T_NATIVE_UINT8; }
template <> hid_t native_type<std::uint64_t>() { return H5T_NATIVE_UINT64; }

Handle string_type() {
  Handle t(AEMIGAP_H5_CHECK(H5Tcopy(H5T_C_S1)), H5Tclose);
  AEMIGAP_H5_CHECK(H5Tset_size(t, H5T_VARIABLE));
  AEMIGAP_H5_CHECK(H5Tset_cset(t, H5T_CSET_UTF8));
  return t;
}

// Link-creation properties that make missing parent groups ("/mirna" for "/mirna/name").
Handle link_props() {
  Handle p(AEMIGAP_H5_CHECK(H5Pcreate(H5P_LINK_CREATE)), H5Pclose);
  AEMIGAP_H5_CHECK(H5Pset_create_intermediate_group(p, 1));
  return p;
}

// Chunked + shuffle + deflate dataset creation properties; chunks of about 1 MiB.
Handle dataset_props(const std::vector<hsize_t>& dims, std::size_t elem_size, bool compress, hsize_t chunk_rows = 0) {
  Handle p(AEMIGAP_H5_CHECK(H5Pcreate(H5P_DATASET_CREATE)), H5Pclose);
  bool empty = std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; });
  if (empty || dims.empty() || (!compress && chunk_rows == 0)) return p;  // contiguous
  std::vector<hsize_t> chunk(dims);
  hsize_t row_elems = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) row_elems *= dims[i];
  if (chunk_rows == 0) chunk_rows = std::max<hsize_t>(1, (1u << 20) / (row_elems * elem_size));
  chunk[0] = std::min(dims[0], chunk_rows);
  AEMIGAP_H5_CHECK(H5Pset_chunk(p, static_cast<int>(chunk.size()), chunk.data()));
  if (compress) {
    AEMIGAP_H5_CHECK(H5Pset_shuffle(p));
    AEMIGAP_H5_CHECK(H5Pset_deflate(p, 4));
  }
  return p;
}

hid_t open_object(hid_t file, const std::string& obj) {
  return AEMIGAP_H5_CHECK(H5Oopen(file, obj.c_str(), H5P_DEFAULT));
}

Handle open_attr_for_write(hid_t file, const std::string& obj, const std::string& name, hid_t type, hid_t space) {
  Handle o(open_object(file, obj), H5Oclose);
  if (AEMIGAP_H5_CHECK(H5Aexists(o, name.c_str())) > 0) AEMIGAP_H5_CHECK(H5Adelete(o, name.c_str()));
  return Handle(AEMIGAP_H5_CHECK(H5Acreate2(o, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT)), H5Aclose);
}

Handle open_attr(hid_t file, const std::string& obj, const std::string& name) {
  Handle o(open_object(file, obj), H5Oclose);
  if (AEMIGAP_H5_CHECK(H5Aexists(o, name.c_str())) <= 0)
    throw Error("store has no attribute '" + name + "' on " + obj);
  return Handle(AEMIGAP_H5_CHECK(H5Aopen(o, name.c_str(), H5P_DEFAULT)), H5Aclose);
}

}  // namespace

// ----------------------------------------------------------------------------- open/close

Store Store::create(const std::string& path) {
  quiet_hdf5();
  Handle fcpl(AEMIGAP_H5_CHECK(H5Pcreate(H5P_FILE_CREATE)), H5Pclose);
  // Track creation order so h5py lists groups in the order stages wrote them.
  AEMIGAP_H5_CHECK(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED));
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  if (f < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw Error("cannot create HDF5 store " + path + " (folder missing or not writable?)");
  }
  return Store(path, f, false);
}

Store Store::open(const std::string& path, Mode mode) {
  quiet_hdf5();
  if (!fs::exists(path))
    throw InputError(path, 0, "store not found (run `aemigap ingest` first, or pass --store)");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw InputError(path, 0, "not an HDF5 file");
  }
  errno = 0;
  hid_t f = H5Fopen(path.c_str(), mode == Mode::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) {
    const std::string stack = detail::take_error_stack();
    if (stack.rfind("disk full", 0) == 0) throw Error(path + ": cannot open the HDF5 store to write: " + stack);
    throw InputError(path, 0, "cannot open HDF5 store (locked by another process? set HDF5_USE_FILE_LOCKING=FALSE on shared file systems)");
  }
  return Store(path, f, false);
}

Store Store::open_parallel(const std::string& path, MPI_Comm comm, Mode mode) {
  quiet_hdf5();
  Handle fapl(AEMIGAP_H5_CHECK(H5Pcreate(H5P_FILE_ACCESS)), H5Pclose);
  AEMIGAP_H5_CHECK(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
  AEMIGAP_H5_CHECK(H5Pset_all_coll_metadata_ops(fapl, true));
  AEMIGAP_H5_CHECK(H5Pset_coll_metadata_write(fapl, true));
  hid_t f = H5Fopen(path.c_str(), mode == Mode::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR, fapl);
  if (f < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw InputError(path, 0, "cannot open HDF5 store for parallel access");
  }
  return Store(path, f, true);
}

Store::Store(Store&& o) noexcept : path_(std::move(o.path_)), file_(o.file_), parallel_(o.parallel_) { o.file_ = -1; }

Store& Store::operator=(Store&& o) noexcept {
  if (this != &o) {
    close();
    path_ = std::move(o.path_);
    file_ = o.file_;
    parallel_ = o.parallel_;
    o.file_ = -1;
  }
  return *this;
}

// A close that fails (a full disk while HDF5 flushes its caches) leaves, in HDF5 1.10, an
// identifier behind that the library's own shutdown at MPI_Finalize then crashes on; main()
// asks store_close_failed() and exits without that shutdown (see there).
Store::~Store() {
  if (file_ >= 0 && H5Fclose(file_) < 0) {
    close_failed = true;
    H5Eclear2(H5E_DEFAULT);
  }
}

void Store::close() {
  if (file_ >= 0) {
    hid_t f = file_;
    file_ = -1;
    if (H5Fclose(f) < 0) {
      close_failed = true;
      detail::h5_failed(__FILE__, __LINE__, "H5Fclose(f)");
    }
  }
}

void Store::flush() { AEMIGAP_H5_CHECK(H5Fflush(file_, H5F_SCOPE_GLOBAL)); }

// ----------------------------------------------------------------------------- content hash

namespace {
// One dataset's name, shape and values (in the file's order, native byte order), hashed.
void hash_dataset(hid_t d, const std::string& name, std::uint64_t& h) {
  h = hash_string(name, h);
  Handle space(AEMIGAP_H5_CHECK(H5Dget_space(d)), H5Sclose);
  const int rank = AEMIGAP_H5_CHECK(H5Sget_simple_extent_ndims(space));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) AEMIGAP_H5_CHECK(H5Sget_simple_extent_dims(space, dims.data(), nullptr));
  h = hash_bytes(dims.data(), dims.size() * sizeof(hsize_t), h);
  const auto n = static_cast<std::size_t>(AEMIGAP_H5_CHECK(H5Sget_simple_extent_npoints(space)));
  if (n == 0) return;
  Handle ftype(AEMIGAP_H5_CHECK(H5Dget_type(d)), H5Tclose);
  if (AEMIGAP_H5_CHECK(H5Tis_variable_str(ftype)) > 0) {
    std::vector<char*> ptrs(n, nullptr);
    Handle type = string_type();
    AEMIGAP_H5_CHECK(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()));
    for (char* p : ptrs) h = hash_string(p ? std::string(p) + '\0' : std::string(1, '\0'), h);
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, ptrs.data());
    return;
  }
  Handle mtype(AEMIGAP_H5_CHECK(H5Tget_native_type(ftype, H5T_DIR_ASCEND)), H5Tclose);
  std::vector<unsigned char> buf(n * H5Tget_size(mtype));
  AEMIGAP_H5_CHECK(H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()));
  h = hash_bytes(buf.data(), buf.size(), h);
}

struct VisitState {
  std::uint64_t h;
  std::exception_ptr error;
};
herr_t hash_visited(hid_t obj, const char* name, const H5O_info_t* info, void* data) {
  auto* st = static_cast<VisitState*>(data);
  if (info->type != H5O_TYPE_DATASET) return 0;
  try {
    Handle d(AEMIGAP_H5_CHECK(H5Dopen2(obj, name, H5P_DEFAULT)), H5Dclose);
    hash_dataset(d, name, st->h);
  } catch (...) {
    st->error = std::current_exception();
    return -1;
  }
  return 0;
}
}  // namespace

std::uint64_t Store::content_hash(const std::string& name, std::uint64_t h) const {
  if (!exists(name)) return hash_string(name + " absent", h);
  Handle o(open_object(file_, name), H5Oclose);
  H5O_info_t info;
  AEMIGAP_H5_CHECK(H5Oget_info2(o, &info, H5O_INFO_BASIC));
  if (info.type == H5O_TYPE_DATASET) {
    Handle d(AEMIGAP_H5_CHECK(H5Dopen2(file_, name.c_str(), H5P_DEFAULT)), H5Dclose);
    hash_dataset(d, name, h);
    return h;
  }
  VisitState st{hash_string(name, h), nullptr};  // a group: every dataset under it, by name
  if (H5Ovisit2(o, H5_INDEX_NAME, H5_ITER_INC, hash_visited, &st, H5O_INFO_BASIC) < 0) {
    if (st.error) std::rethrow_exception(st.error);
    detail::h5_failed(__FILE__, __LINE__, "H5Ovisit2");
  }
  return st.h;
}

bool Store::exists(const std::string& name) const {
  // H5Lexists needs each parent to exist: walk the path.
  std::string partial;
  std::size_t start = name[0] == '/' ? 1 : 0;
  while (start <= name.size()) {
    std::size_t slash = name.find('/', start);
    partial = name.substr(0, slash);
    if (AEMIGAP_H5_CHECK(H5Lexists(file_, partial.c_str(), H5P_DEFAULT)) <= 0) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

void Store::remove(const std::string& name) {
  if (exists(name)) AEMIGAP_H5_CHECK(H5Ldelete(file_, name.c_str(), H5P_DEFAULT));
}

void Store::create_group(const std::string& name) {
  if (exists(name)) return;
  Handle g(AEMIGAP_H5_CHECK(H5Gcreate2(file_, name.c_str(), link_props(), H5P_DEFAULT, H5P_DEFAULT)), H5Gclose);
}

void Store::move(const std::string& from, const std::string& to) {
  remove(to);
  AEMIGAP_H5_CHECK(H5Lmove(file_, from.c_str(), file_, to.c_str(), link_props(), H5P_DEFAULT));
}

// ----------------------------------------------------------------------------- strings

void Store::write_strings(const std::string& name, const std::vector<std::string>& values) {
  remove(name);
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  hsize_t n = values.size();
  Handle type = string_type();
  Handle space(AEMIGAP_H5_CHECK(H5Screate_simple(1, &n, nullptr)), H5Sclose);
  Handle dcpl(AEMIGAP_H5_CHECK(H5Pcreate(H5P_DATASET_CREATE)), H5Pclose);
  Handle d(AEMIGAP_H5_CHECK(H5Dcreate2(file_, name.c_str(), type, space, link_props(), dcpl, H5P_DEFAULT)), H5Dclose);
  if (n > 0) AEMIGAP_H5_CHECK(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()));
}

void Store::write_string(const std::string& name, const std::string& value) {
  remove(name);
  Handle type = string_type();
  Handle space(AEMIGAP_H5_CHECK(H5Screate(H5S_SCALAR)), H5Sclose);
  Handle d(AEMIGAP_H5_CHECK(H5Dcreate2(file_, name.c_str(), type, space, link_props(), H5P_DEFAULT, H5P_DEFAULT)),
           H5Dclose);
  const char* p = value.c_str();
  AEMIGAP_H5_CHECK(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p));
}

std::vector<std::string> Store::read_strings(const std::string& name) const {
  if (!exists(name)) throw InputError(path_, 0, "store has no dataset " + name);
  Handle d(AEMIGAP_H5_CHECK(H5Dopen2(file_, name.c_str(), H5P_DEFAULT)), H5Dclose);
  Handle space(AEMIGAP_H5_CHECK(H5Dget_space(d)), H5Sclose);
  hssize_t n = AEMIGAP_H5_CHECK(H5Sget_simple_extent_npoints(space));
  std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
  Handle type = string_type();
  if (n > 0) AEMIGAP_H5_CHECK(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()));
  std::vector<std::string> out;
  out.reserve(ptrs.size());
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  if (n > 0) H5Dvlen_reclaim(type, space, H5P_DEFAULT, ptrs.data());
  return out;
}

// ----------------------------------------------------------------------------- numeric

template <class T>
void Store::write(const std::string& name, const std::vector<T>& data, const std::vector<std::uint64_t>& dims,
                  bool compress) {
  std::vector<hsize_t> hd(dims.begin(), dims.end());
  hsize_t total = 1;
  for (hsize_t d : hd) total *= d;
  AEMIGAP_CHECK(total == data.size(), "dataset " << name << ": " << data.size() << " values for shape of " << total);
  remove(name);
  Handle space(AEMIGAP_H5_CHECK(H5Screate_simple(static_cast<int>(hd.size()), hd.data(), nullptr)), H5Sclose);
  Handle dcpl = dataset_props(hd, sizeof(T), compress);
  Handle d(AEMIGAP_H5_CHECK(H5Dcreate2(file_, name.c_str(), native_type<T>(), space, link_props(), dcpl, H5P_DEFAULT)),
           H5Dclose);
  if (total > 0) AEMIGAP_H5_CHECK(H5Dwrite(d, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()));
}

std::vector<std::uint64_t> Store::dims(const std::string& name) const {
  if (!exists(name)) throw InputError(path_, 0, "store has no dataset " + name);
  Handle d(AEMIGAP_H5_CHECK(H5Dopen2(file_, name.c_str(), H5P_DEFAULT)), H5Dclose);
  Handle space(AEMIGAP_H5_CHECK(H5Dget_space(d)), H5Sclose);
  int rank = AEMIGAP_H5_CHECK(H5Sget_simple_extent_ndims(space));
  std::vector<hsize_t> hd(static_cast<std::size_t>(rank));
  AEMIGAP_H5_CHECK(H5Sget_simple_extent_dims(space, hd.data(), nullptr));
  return std::vector<std::uint64_t>(hd.begin(), hd.end());
}

template <class T>
std::vector<T> Store::read(const std::string& name, std::vector<std::uint64_t>* out_dims) const {
  auto shape = dims(name);
  std::uint64_t total = 1;
  for (auto d : shape) total *= d;
  std::vector<T> data(total);
  Handle d(AEMIGAP_H5_CHECK(H5Dopen2(file_, name.c_str(), H5P_DEFAULT)), H5Dclose);
  if (total > 0) AEMIGAP_H5_CHECK(H5Dread(d, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()));
  if (out_dims) *out_dims = shape;
  return data;
}

template <class T>
void Store::create_dataset(const std::string& name, std::uint64_t rows, std::uint64_t cols, std::uint64_t chunk_rows,
                           bool compress) {
  remove(name);
  std::vector<hsize_t> hd{rows, cols};
  Handle space(AEMIGAP_H5_CHECK(H5Screate_simple(2, hd.data(), nullptr)), H5Sclose);
  Handle dcpl = dataset_props(hd, sizeof(T), compress, chunk_rows);
  // Early allocation: later raw writes never change the file's metadata, so a process
  // killed while writing rows cannot corrupt the file (pool scoring relies on this).
  if (parallel_ || !compress) AEMIGAP_H5_CHECK(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY));
  Handle d(AEMIGAP_H5_CHECK(H5Dcreate2(file_, name.c_str(), native_type<T>(), space, link_props(), dcpl, H5P_DEFAULT)),
           H5Dclose);
}

template <class T>
void Store::write_rows(const std::string& name, std::uint64_t first_row, std::uint64_t nrows, const T* data,
                       bool collective) {
  Handle d(AEMIGAP_H5_CHECK(H5Dopen2(file_, name.c_str(), H5P_DEFAULT)), H5Dclose);
  Handle fspace(AEMIGAP_H5_CHECK(H5Dget_space(d)), H5Sclose);
  hsize_t fd[2];
  AEMIGAP_H5_CHECK(H5Sget_simple_extent_dims(fspace, fd, nullptr));
  AEMIGAP_CHECK(first_row + nrows <= fd[0], "rows " << first_row << "+" << nrows << " beyond " << name << " (" << fd[0] << ")");
  hsize_t start[2] = {first_row, 0}, count[2] = {nrows, fd[1]};
  if (nrows > 0) AEMIGAP_H5_CHECK(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr));
  else AEMIGAP_H5_CHECK(H5Sselect_none(fspace));
  Handle mspace(AEMIGAP_H5_CHECK(H5Screate_simple(2, count, nullptr)), H5Sclose);
  if (nrows == 0) AEMIGAP_H5_CHECK(H5Sselect_none(mspace));
  Handle dxpl(AEMIGAP_H5_CHECK(H5Pcreate(H5P_DATASET_XFER)), H5Pclose);
  if (parallel_) AEMIGAP_H5_CHECK(H5Pset_dxpl_mpio(dxpl, collective ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT));
  AEMIGAP_H5_CHECK(H5Dwrite(d, native_type<T>(), mspace, fspace, dxpl, data));
}

template <class T>
void Store::read_rows(const std::string& name, std::uint64_t first_row, std::uint64_t nrows, T* data) const {
  Handle d(AEMIGAP_H5_CHECK(H5Dopen2(file_, name.c_str(), H5P_DEFAULT)), H5Dclose);
  Handle fspace(AEMIGAP_H5_CHECK(H5Dget_space(d)), H5Sclose);
  hsize_t fd[2];
  AEMIGAP_H5_CHECK(H5Sget_simple_extent_dims(fspace, fd, nullptr));
  AEMIGAP_CHECK(first_row + nrows <= fd[0], "rows " << first_row << "+" << nrows << " beyond " << name);
  if (nrows == 0) return;
  hsize_t start[2] = {first_row, 0}, count[2] = {nrows, fd[1]};
  AEMIGAP_H5_CHECK(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr));
  Handle mspace(AEMIGAP_H5_CHECK(H5Screate_simple(2, count, nullptr)), H5Sclose);
  AEMIGAP_H5_CHECK(H5Dread(d, native_type<T>(), mspace, fspace, H5P_DEFAULT, data));
}

#define AEMIGAP_STORE_INSTANTIATE(T)                                                                            \
  template void Store::write<T>(const std::string&, const std::vector<T>&, const std::vector<std::uint64_t>&, bool); \
  template std::vector<T> Store::read<T>(const std::string&, std::vector<std::uint64_t>*) const;               \
  template void Store::create_dataset<T>(const std::string&, std::uint64_t, std::uint64_t, std::uint64_t, bool); \
  template void Store::write_rows<T>(const std::string&, std::uint64_t, std::uint64_t, const T*, bool);        \
  template void Store::read_rows<T>(const std::string&, std::uint64_t, std::uint64_t, T*) const;
AEMIGAP_STORE_INSTANTIATE(float)
AEMIGAP_STORE_INSTANTIATE(double)
AEMIGAP_STORE_INSTANTIATE(std::int32_t)
AEMIGAP_STORE_INSTANTIATE(std::int64_t)
AEMIGAP_STORE_INSTANTIATE(std::uint8_t)
AEMIGAP_STORE_INSTANTIATE(std::uint64_t)
#undef AEMIGAP_STORE_INSTANTIATE

// ----------------------------------------------------------------------------- attributes

void Store::set_attr(const std::string& obj, const std::string& name, const std::string& value) {
  Handle type = string_type();
  Handle space(AEMIGAP_H5_CHECK(H5Screate(H5S_SCALAR)), H5Sclose);
  Handle a = open_attr_for_write(file_, obj, name, type, space);
  const char* p = value.c_str();
  AEMIGAP_H5_CHECK(H5Awrite(a, type, &p));
}

void Store::set_attr(const std::string& obj, const std::string& name, const std::vector<std::string>& values) {
  Handle type = string_type();
  hsize_t n = values.size();
  Handle space(AEMIGAP_H5_CHECK(H5Screate_simple(1, &n, nullptr)), H5Sclose);
  Handle a = open_attr_for_write(file_, obj, name, type, space);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n > 0) AEMIGAP_H5_CHECK(H5Awrite(a, type, ptrs.data()));
}

void Store::set_attr(const std::string& obj, const std::string& name, std::int64_t value) {
  Handle space(AEMIGAP_H5_CHECK(H5Screate(H5S_SCALAR)), H5Sclose);
  Handle a = open_attr_for_write(file_, obj, name, H5T_NATIVE_INT64, space);
  AEMIGAP_H5_CHECK(H5Awrite(a, H5T_NATIVE_INT64, &value));
}

void Store::set_attr(const std::string& obj, const std::string& name, double value) {
  Handle space(AEMIGAP_H5_CHECK(H5Screate(H5S_SCALAR)), H5Sclose);
  Handle a = open_attr_for_write(file_, obj, name, H5T_NATIVE_DOUBLE, space);
  AEMIGAP_H5_CHECK(H5Awrite(a, H5T_NATIVE_DOUBLE, &value));
}

void Store::set_attr(const std::string& obj, const std::string& name, const std::vector<double>& values) {
  hsize_t n = values.size();
  Handle space(AEMIGAP_H5_CHECK(H5Screate_simple(1, &n, nullptr)), H5Sclose);
  Handle a = open_attr_for_write(file_, obj, name, H5T_NATIVE_DOUBLE, space);
  if (n) AEMIGAP_H5_CHECK(H5Awrite(a, H5T_NATIVE_DOUBLE, values.data()));
}

bool Store::has_attr(const std::string& obj, const std::string& name) const {
  if (!exists(obj) && obj != "/") return false;
  Handle o(open_object(file_, obj), H5Oclose);
  return AEMIGAP_H5_CHECK(H5Aexists(o, name.c_str())) > 0;
}

std::string Store::attr_string(const std::string& obj, const std::string& name) const {
  Handle a = open_attr(file_, obj, name);
  Handle type = string_type();
  char* p = nullptr;
  AEMIGAP_H5_CHECK(H5Aread(a, type, &p));
  std::string out = p ? p : "";
  H5free_memory(p);
  return out;
}

std::int64_t Store::attr_int(const std::string& obj, const std::string& name) const {
  Handle a = open_attr(file_, obj, name);
  std::int64_t v = 0;
  AEMIGAP_H5_CHECK(H5Aread(a, H5T_NATIVE_INT64, &v));
  return v;
}

double Store::attr_double(const std::string& obj, const std::string& name) const {
  Handle a = open_attr(file_, obj, name);
  double v = 0;
  AEMIGAP_H5_CHECK(H5Aread(a, H5T_NATIVE_DOUBLE, &v));
  return v;
}

std::vector<double> Store::attr_doubles(const std::string& obj, const std::string& name) const {
  Handle a = open_attr(file_, obj, name);
  Handle space(AEMIGAP_H5_CHECK(H5Aget_space(a)), H5Sclose);
  hssize_t n = AEMIGAP_H5_CHECK(H5Sget_simple_extent_npoints(space));
  std::vector<double> v(static_cast<std::size_t>(n));
  if (n) AEMIGAP_H5_CHECK(H5Aread(a, H5T_NATIVE_DOUBLE, v.data()));
  return v;
}

void Store::stamp(const std::string& stage, const std::string& config_ini) {
  char when[32];
  std::time_t t = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  set_attr("/", "aemigap_version", std::string(version()));
  set_attr("/", "git_commit", std::string(git_commit()));
  set_attr("/", "config", config_ini);
  set_attr("/", "last_stage", stage);
  set_attr("/", "last_written_utc", std::string(when));
  set_attr("/", "format", std::string("aemigap-store-1"));
}

// ----------------------------------------------------------------------------- StoreUpdate

namespace {
// A stage killed (kill -9, a lost node) while it wrote its copy leaves ".<store>.tmp-<host>-<pid>"
// behind. Writers hold the store's exclusive lock, so a copy of this host whose process is
// gone is garbage: the next writer removes it. Copies of live processes, and of other hosts
// (whose pids say nothing here), are left alone.
void remove_dead_copies(const std::string& path) {
  const fs::path p(path);
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  const std::string prefix = "." + p.filename().string() + ".tmp-" + this_host() + "-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    errno = 0;
    const long pid = std::strtol(digits.c_str(), nullptr, 10);
    if (errno == ERANGE || pid <= 0 || pid == static_cast<long>(::getpid())) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    if (fs::remove(e.path(), ec))
      log_info("[store] removed " + e.path().string() + ": the copy of a stage that was killed (pid " + digits + ")");
  }
}

Store open_update_copy(const std::string& path, const std::string& tmp, bool fresh) {
  remove_dead_copies(path);
  std::remove(tmp.c_str());
  if (fresh) {
    fs::path dir = fs::path(path).parent_path();
    if (!dir.empty()) fs::create_directories(dir);
    return Store::create(tmp);
  }
  Store::open(path, Store::Mode::ReadOnly).close();  // clear error if missing or not HDF5
  try {
    fs::copy_file(path, tmp, fs::copy_options::overwrite_existing);
  } catch (const fs::filesystem_error& e) {
    std::remove(tmp.c_str());  // a disk that filled up mid-copy keeps no partial copy
    throw Error("cannot copy the store " + path + " to " + tmp + " before changing it (disk full?): " + e.code().message() +
                "; the store is unchanged");
  }
  try {
    return Store::open(tmp, Store::Mode::ReadWrite);  // writes its superblock: a full disk fails here too
  } catch (const std::exception& e) {
    std::remove(tmp.c_str());
    throw Error(std::string(e.what()) + "; the store " + path + " is unchanged");
  }
}

// A store reached through a symbolic link is updated where it lies: renaming the copy over
// the link would replace the link by a regular file.
std::string follow_link(const std::string& path) {
  std::error_code ec;
  if (!fs::is_symlink(path, ec)) return path;
  const auto target = fs::canonical(path, ec);
  return ec ? path : target.string();
}
}  // namespace

StoreUpdate::StoreUpdate(std::string path, bool fresh)
    : path_(follow_link(path)), tmp_(temp_path_for(path_)), store_(open_update_copy(path_, tmp_, fresh)) {}

StoreUpdate::~StoreUpdate() {
  if (!committed_) {
    try {
      store_.close();
    } catch (...) {
    }
    std::remove(tmp_.c_str());
    if (std::uncaught_exceptions() > 0) log_info("[store] stage failed: " + path_ + " is unchanged (its copy was discarded)");
  }
}

void StoreUpdate::commit() {
  store_.close();
  rename_into_place(tmp_, path_);
  committed_ = true;
}

}  // namespace aemigap

// A disk that fills up at a chosen byte: LD_PRELOAD this library and writes to files whose
// path contains $AEMIGAP_FAULT_PATH fail with ENOSPC once $AEMIGAP_FAULT_WRITE_LIMIT bytes have
// been written to them (in this process, all such files together; a trailing '$' in the
// pattern matches the end of the path). Lets the fault suite put the failure at every point
// of a stage's writes through write/pwrite (dataset create, row writes, the metadata flush
// at close) without root or a tmpfs; fsync and copy_file_range are not intercepted. With AEMIGAP_FAULT_ACTION=kill the process is
// killed (SIGKILL) at that byte instead; AEMIGAP_FAULT_DELAY_MS makes each watched write slow.
// Test-only; never linked into aemigap.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long written = 0;

static int watched(int fd) {
  const char* want = getenv("AEMIGAP_FAULT_PATH");
  if (!want || !*want) return 0;
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return 0;
  path[n] = 0;
  size_t w = strlen(want);
  if (want[w - 1] == '$') {  // "name$": the path ends with name
    --w;
    return (size_t)n >= w && strncmp(path + n - w, want, w) == 0;
  }
  return strstr(path, want) != NULL;
}

// Whether fd is watched (1) or not (0), with *n cut to what may still be written; -1 with
// errno = ENOSPC when nothing may (or the process is killed there).
static int allow(int fd, size_t* n) {
  if (!watched(fd)) return 0;
  const char* delay = getenv("AEMIGAP_FAULT_DELAY_MS");  // a slow disk: time to act mid-run
  if (delay) usleep((useconds_t)(atoi(delay) * 1000));
  const char* lim = getenv("AEMIGAP_FAULT_WRITE_LIMIT");
  long long limit = lim ? atoll(lim) : -1;
  if (limit < 0) return 1;
  long long left = limit - written;
  if (left <= 0) {
    const char* action = getenv("AEMIGAP_FAULT_ACTION");
    if (action && strcmp(action, "kill") == 0) raise(SIGKILL);  // kill -9 mid-write, at a chosen byte
    errno = ENOSPC;
    return -1;
  }
  if ((long long)*n > left) *n = (size_t)left;
  return 1;
}

// The result of a real write, counted when its file is watched.
static ssize_t counted(int w, ssize_t r) {
  if (r > 0 && w) written += r;
  return r;
}

typedef ssize_t (*write_fn)(int, const void*, size_t);
typedef ssize_t (*pwrite_fn)(int, const void*, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec*, int);
#define NEXT(name, type) \
  static type real_##name; \
  if (!real_##name) real_##name = (type)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void* buf, size_t n) {
  NEXT(write, write_fn);
  int w = allow(fd, &n);
  return w < 0 ? -1 : counted(w, real_write(fd, buf, n));
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  NEXT(pwrite, pwrite_fn);
  int w = allow(fd, &n);
  return w < 0 ? -1 : counted(w, real_pwrite(fd, buf, n, off));
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) {
  NEXT(pwrite64, pwrite_fn);
  int w = allow(fd, &n);
  return w < 0 ? -1 : counted(w, real_pwrite64(fd, buf, n, off));
}

ssize_t writev(int fd, const struct iovec* iov, int cnt) {
  NEXT(writev, writev_fn);
  size_t total = 0;
  for (int i = 0; i < cnt; ++i) total += iov[i].iov_len;
  size_t n = total;
  int w = allow(fd, &n);
  if (w < 0) return -1;
  if (n == total) return counted(w, real_writev(fd, iov, cnt));
  NEXT(write, write_fn);  // partial: what fits, from the first buffers
  ssize_t done = 0;
  for (int i = 0; i < cnt && (size_t)done < n; ++i) {
    size_t take = iov[i].iov_len < n - (size_t)done ? iov[i].iov_len : n - (size_t)done;
    ssize_t r = real_write(fd, iov[i].iov_base, take);
    if (r <= 0) break;
    done += r;
  }
  return counted(w, done);
}

// With $AEMIGAP_FAULT_REPORT set, the bytes written to watched files are saved there at exit,
// so a test can measure a stage's writes once and then place the failure inside them.
__attribute__((destructor)) static void report_written(void) {
  const char* out = getenv("AEMIGAP_FAULT_REPORT");
  if (!out || !*out) return;
  FILE* f = fopen(out, "w");
  if (!f) return;
  fprintf(f, "%lld\n", written);
  fclose(f);
}

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

// How many of n bytes may still be written; -1 with errno = ENOSPC when none.
static ssize_t allowance(int fd, size_t n) {
  if (!watched(fd)) return (ssize_t)n;
  const char* delay = getenv("AEMIGAP_FAULT_DELAY_MS");  // a slow disk: time to act mid-run
  if (delay) usleep((useconds_t)(atoi(delay) * 1000));
  const char* lim = getenv("AEMIGAP_FAULT_WRITE_LIMIT");
  long long limit = lim ? atoll(lim) : -1;
  if (limit < 0) return (ssize_t)n;
  long long left = limit - written;
  if (left <= 0) {
    const char* action = getenv("AEMIGAP_FAULT_ACTION");
    if (action && strcmp(action, "kill") == 0) raise(SIGKILL);  // kill -9 mid-write, at a chosen byte
    errno = ENOSPC;
    return -1;
  }
  return (ssize_t)((long long)n < left ? (long long)n : left);
}

typedef ssize_t (*write_fn)(int, const void*, size_t);
typedef ssize_t (*pwrite_fn)(int, const void*, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec*, int);
#define NEXT(name, type) \
  static type real_##name; \
  if (!real_##name) real_##name = (type)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void* buf, size_t n) {
  NEXT(write, write_fn);
  ssize_t a = allowance(fd, n);
  if (a < 0) return -1;
  ssize_t r = real_write(fd, buf, (size_t)a);
  if (r > 0 && watched(fd)) written += r;
  return r;
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  NEXT(pwrite, pwrite_fn);
  ssize_t a = allowance(fd, n);
  if (a < 0) return -1;
  ssize_t r = real_pwrite(fd, buf, (size_t)a, off);
  if (r > 0 && watched(fd)) written += r;
  return r;
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) {
  NEXT(pwrite64, pwrite_fn);
  ssize_t a = allowance(fd, n);
  if (a < 0) return -1;
  ssize_t r = real_pwrite64(fd, buf, (size_t)a, off);
  if (r > 0 && watched(fd)) written += r;
  return r;
}

ssize_t writev(int fd, const struct iovec* iov, int cnt) {
  NEXT(writev, writev_fn);
  size_t n = 0;
  for (int i = 0; i < cnt; ++i) n += iov[i].iov_len;
  ssize_t a = allowance(fd, n);
  if (a < 0) return -1;
  if ((size_t)a < n) {  // partial: write what fits from the first buffers
    NEXT(write, write_fn);
    ssize_t done = 0;
    for (int i = 0; i < cnt && done < a; ++i) {
      size_t take = iov[i].iov_len < (size_t)(a - done) ? iov[i].iov_len : (size_t)(a - done);
      ssize_t r = real_write(fd, iov[i].iov_base, take);
      if (r <= 0) break;
      done += r;
    }
    written += done;
    return done;
  }
  ssize_t r = real_writev(fd, iov, cnt);
  if (r > 0 && watched(fd)) written += r;
  return r;
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

/*
 * What Lua's standard library needs from libc that WASI cannot provide.
 * Each fails the way a C library without the feature does, so Lua returns
 * its normal failure values (nil, message, errno) instead of aborting.
 */
#include <errno.h>
#include <stdio.h>

/* io.tmpfile: WASI has no temporary directory. */
FILE *tmpfile(void) {
  errno = ENOTSUP;
  return NULL;
}

/* os.clock: wasi-libc's emulated clock() counts from a start time its
 * constructor reads, and constructors run once, in the Wizer snapshot's
 * process, so a run that reached os.clock() sooner than that process
 * reached the constructor saw a negative time. Here it counts from
 * pweval_clock_start(), which main calls in the running process, as the
 * CPU time of a process that just started. */
#include <time.h>
#include <wasi/api.h>

static __wasi_timestamp_t clock_start;

void pweval_clock_start(void) {
  __wasi_timestamp_t now = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &now) == 0) clock_start = now;
}

clock_t clock(void) {
  __wasi_timestamp_t now = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &now) != 0) return (clock_t)-1;
  if (now < clock_start) return 0;
  return (clock_t)((now - clock_start) / (1000000000u / CLOCKS_PER_SEC));
}

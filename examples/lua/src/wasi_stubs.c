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

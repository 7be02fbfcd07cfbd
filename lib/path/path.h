/*
 * Safe relative paths: the one rule for every path that comes from data
 * (vault archives, signed manifests), so that none can leave the directory
 * it is resolved against.
 */
#ifndef LIB_PATH_PATH_H
#define LIB_PATH_PATH_H

#include <stddef.h>

#define PATH_MAX_LEN		4095
#define PATH_MAX_COMPONENT	255

/*
 * Whether p[0..len) is a safe relative path: 1 <= len <= PATH_MAX_LEN, no
 * NUL byte, not absolute, components separated by single '/', none empty,
 * "." or "..", each at most PATH_MAX_COMPONENT bytes. Returns 1 or 0.
 */
int path_is_safe(const char *p, size_t len);

#endif

/*
 * Replacing a file without losing it: the new contents go to a new file
 * beside the old one, which takes the old one's place (one rename, atomic
 * in ramfs) only once it is complete. A write that fails half-way (the
 * file system full, a stream cut) or a copy of a file onto itself leaves
 * the old file as it was.
 */
#ifndef USER_SHELL_REPLACE_H
#define USER_SHELL_REPLACE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ramfs/ramfs.h"

struct replace {
	int64_t h;			/* the new file, open for writing */
	const char *path;		/* the file it is to replace */
	char tmp[RAMFS_PATH_MAX + 1];	/* the new file's path, beside path */
};

/* Creates the new file for path, open in r->h: 0, or an error. */
int64_t replace_open(struct replace *r, const char *path);
/*
 * Closes the new file. When err (the writing's outcome) is 0, puts it in
 * path's place and returns 0 or the rename's error; otherwise, or when
 * the rename fails, removes it. Returns the first error.
 */
int64_t replace_end(struct replace *r, int64_t err);
/* Writes all n bytes to handle h: 0, or an error (ENOSPC for no progress). */
int64_t write_all(int64_t h, const void *p, size_t n);

#endif

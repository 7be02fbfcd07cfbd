/*
 * File helpers shared by the host tools: reading small files whole,
 * writing files atomically (temporary file, fsync, rename), and a
 * vault_src over an open file.
 */
#ifndef TOOLS_COMMON_FILEIO_H
#define TOOLS_COMMON_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/vault/vault.h"

/*
 * Reads all of path (at most max bytes) into a malloc'd *buf. Returns 0,
 * or -1 with errno set (EFBIG when the file is larger than max).
 */
int read_small_file(const char *path, size_t max, uint8_t **buf, size_t *len);

/* A file being written under a temporary name beside its final path. */
struct atomic_file {
	char final[4096];
	char tmp[4096 + 16];
	int fd;
};

/* Creates the temporary file with the given mode. 0, or -1 and errno. */
int atomic_open(struct atomic_file *f, const char *path, mode_t mode);
int atomic_write(struct atomic_file *f, const void *buf, size_t len);
/*
 * fsyncs and renames the file into place (replacing any old one; with
 * noreplace, failing with EEXIST instead), then fsyncs the directory.
 */
int atomic_commit(struct atomic_file *f, int noreplace);
/* Closes and removes the temporary file. */
void atomic_abort(struct atomic_file *f);
/* All of a file at once: open, write, commit. 0, or -1 and errno. */
int write_file_atomic(const char *path, const void *buf, size_t len,
    mode_t mode, int noreplace);

/* A vault_sink writing to f. */
void atomic_sink(struct vault_sink *sink, struct atomic_file *f);

/* A vault_src over fd (pread); fd must stay open. 0, or -1 and errno. */
int fd_src(struct vault_src *src, int fd);

/* The directory part of path ("." if none) into dir. */
void dir_of(char *dir, size_t cap, const char *path);

#endif

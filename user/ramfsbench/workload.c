/*
 * The workload and checks of workload.h. Everything here is plain POSIX:
 * on NØNOS the declarations come from user/lib/file.h, on Linux from the
 * C library; nothing else may differ.
 */
#ifdef __linux__
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define errno_text(e)	strerror(e)
#else
#include "user/lib/file.h"
#include "user/lib/nonos.h"
#endif

#include "user/ramfsbench/workload.h"

#define SMALL_FILES	400
#define SMALL_SIZE	4096
#define LARGE_FILES	4
#define LARGE_SIZE	(8u << 20)
#define CHUNK		65536		/* bytes per read or write of a large file */

static uint8_t chunk[CHUNK];
static uint8_t back[CHUNK];

/* The byte at offset off of file number f: data that shows misplaced blocks. */
static uint8_t
pattern(unsigned f, uint64_t off)
{
	return (uint8_t)((off * 131 + f * 7 + (off >> 12)) & 0xff);
}

static void
fill(unsigned f, uint64_t off, uint8_t *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		buf[i] = pattern(f, off + i);
}

static void
name_of(char *out, const char *dir, const char *kind, unsigned i)
{
	/* "dir/kind" then four decimal digits: no printf family needed. */
	size_t n = strlen(dir), k = strlen(kind);

	memcpy(out, dir, n);
	out[n] = '/';
	memcpy(out + n + 1, kind, k);
	n += 1 + k;
	out[n++] = (char)('0' + i / 1000 % 10);
	out[n++] = (char)('0' + i / 100 % 10);
	out[n++] = (char)('0' + i / 10 % 10);
	out[n++] = (char)('0' + i % 10);
	out[n] = 0;
}

static void
report(const char *tag, const char *phase, uint64_t ops, uint64_t bytes, uint64_t cycles)
{
	printf("%s: %s ops=%llu bytes=%llu cycles=%llu\n", tag, phase,
	    (unsigned long long)ops, (unsigned long long)bytes, (unsigned long long)cycles);
}

static int
broke(const char *tag, const char *what, const char *path)
{
	printf("%s: error: %s %s: %s\n", tag, what, path, errno_text(errno));
	return -1;
}

/* Writes size bytes of file f's pattern to path in pieces of piece bytes. */
static int
write_file(const char *tag, const char *path, unsigned f, uint64_t size, unsigned piece)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return broke(tag, "create", path);
	for (uint64_t off = 0; off < size; off += piece) {
		unsigned n = size - off < piece ? (unsigned)(size - off) : piece;

		fill(f, off, chunk, n);
		if (write(fd, chunk, n) != (ssize_t)n) {
			close(fd);
			return broke(tag, "write", path);
		}
	}
	return close(fd) < 0 ? broke(tag, "close", path) : 0;
}

/* Reads path back and compares it with file f's pattern. */
static int
read_file(const char *tag, const char *path, unsigned f, uint64_t size, unsigned piece)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return broke(tag, "open", path);
	for (uint64_t off = 0; off < size; off += piece) {
		unsigned n = size - off < piece ? (unsigned)(size - off) : piece;

		fill(f, off, chunk, n);
		if (read(fd, back, n) != (ssize_t)n || memcmp(chunk, back, n) != 0) {
			close(fd);
			printf("%s: error: %s differs near byte %llu\n", tag, path,
			    (unsigned long long)off);
			return -1;
		}
	}
	if (read(fd, back, 1) != 0) {
		close(fd);
		printf("%s: error: %s is longer than written\n", tag, path);
		return -1;
	}
	return close(fd) < 0 ? broke(tag, "close", path) : 0;
}

/* One phase over count files: op(i) for each, timed as a whole. */
static int
phase(const char *tag, const char *name, const char *dir, const char *kind,
    unsigned count, uint64_t size, int op)
{
	char path[128];
	uint64_t t0 = bench_cycles(), t1;

	for (unsigned i = 0; i < count; i++) {
		int err = 0;

		name_of(path, dir, kind, i);
		if (op == 0)
			err = write_file(tag, path, i, size, size < CHUNK ? (unsigned)size : CHUNK);
		else if (op == 1)
			err = read_file(tag, path, i, size, size < CHUNK ? (unsigned)size : CHUNK);
		else if (unlink(path) < 0)
			err = broke(tag, "unlink", path);
		if (err < 0)
			return -1;
	}
	t1 = bench_cycles();
	report(tag, name, count, op == 2 ? 0 : count * size, t1 - t0);
	return 0;
}

int
ramfs_workload(const char *tag, const char *dir, int rounds)
{
	for (int r = 0; r < rounds; r++) {
		if (phase(tag, "small_create", dir, "s", SMALL_FILES, SMALL_SIZE, 0) < 0 ||
		    phase(tag, "small_read", dir, "s", SMALL_FILES, SMALL_SIZE, 1) < 0 ||
		    phase(tag, "small_delete", dir, "s", SMALL_FILES, SMALL_SIZE, 2) < 0 ||
		    phase(tag, "large_write", dir, "l", LARGE_FILES, LARGE_SIZE, 0) < 0 ||
		    phase(tag, "large_read", dir, "l", LARGE_FILES, LARGE_SIZE, 1) < 0 ||
		    phase(tag, "large_delete", dir, "l", LARGE_FILES, LARGE_SIZE, 2) < 0)
			return -1;
	}
	return 0;
}

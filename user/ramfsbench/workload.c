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
#define file_requests()	0	/* Linux: system calls, not counted here */
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
#define DIR_ENTRIES	1000		/* entries of the listed directory */
#define LISTINGS	20		/* listings of it per round */
#define RANDOM_SIZE	(64u << 20)	/* the file of the random reads */
#define RANDOM_READ	4096		/* bytes per random read */
#define RANDOM_READS	2048		/* random reads per round */

static uint8_t chunk[CHUNK];
static uint8_t back[CHUNK];

/* The byte at offset off of file number f: data that shows misplaced blocks. */
static uint8_t
pattern(unsigned f, uint64_t off)
{
	return (uint8_t)((off * 131 + f * 7 + (off >> 12)) & 0xff);
}

/*
 * 1 when a and b differ in their n bytes. The workload's own compare, not
 * the C library's memcmp: what the two sides compare with is not what is
 * measured, so both run this same code.
 */
static int
differs(const uint8_t *a, const uint8_t *b, unsigned n)
{
	uint8_t acc = 0;

	for (unsigned i = 0; i < n; i++)
		acc |= (uint8_t)(a[i] ^ b[i]);
	return acc != 0;
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

/* One phase's figures; requests: round trips to the file service (NØNOS). */
static void
report(const char *tag, const char *phase, uint64_t ops, uint64_t bytes, uint64_t cycles,
    uint64_t requests)
{
	printf("%s: %s ops=%llu bytes=%llu cycles=%llu requests=%llu\n", tag, phase,
	    (unsigned long long)ops, (unsigned long long)bytes, (unsigned long long)cycles,
	    (unsigned long long)requests);
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
		if (read(fd, back, n) != (ssize_t)n || differs(chunk, back, n)) {
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
	uint64_t r0 = file_requests(), t0 = bench_cycles(), t1;

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
	report(tag, name, count, op == 2 ? 0 : count * size, t1 - t0, file_requests() - r0);
	return 0;
}

/* Creates (op 0) or removes (op 2) DIR_ENTRIES empty files in dir/e (untimed). */
static int
dir_fill(const char *tag, const char *dir, int op)
{
	char path[128];

	for (unsigned i = 0; i < DIR_ENTRIES; i++) {
		int fd;

		name_of(path, dir, "e/", i);
		if (op == 2) {
			if (unlink(path) < 0)
				return broke(tag, "unlink", path);
			continue;
		}
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
			return broke(tag, "create", path);
		close(fd);
	}
	return 0;
}

/* Lists dir/e LISTINGS times, each opendir, every entry, closedir. */
static int
dir_phase(const char *tag, const char *dir)
{
	char path[128];
	uint64_t r0, t0, t1;
	size_t n = strlen(dir);

	memcpy(path, dir, n);
	memcpy(path + n, "/e", 3);
	if (mkdir(path, 0700) < 0 || dir_fill(tag, dir, 0) < 0)
		return broke(tag, "mkdir", path);
	r0 = file_requests();
	t0 = bench_cycles();
	for (unsigned k = 0; k < LISTINGS; k++) {
		DIR *d = opendir(path);
		struct dirent *e;
		unsigned seen = 0;

		if (d == NULL)
			return broke(tag, "opendir", path);
		while ((e = readdir(d)) != NULL)
			seen += e->d_name[0] != '.';	/* Linux lists . and .. */
		closedir(d);
		if (seen != DIR_ENTRIES) {
			printf("%s: error: %s lists %u entries, not %u\n", tag, path, seen,
			    DIR_ENTRIES);
			return -1;
		}
	}
	t1 = bench_cycles();
	report(tag, "dir_list", (uint64_t)LISTINGS * DIR_ENTRIES, 0, t1 - t0,
	    file_requests() - r0);
	if (dir_fill(tag, dir, 2) < 0 || rmdir(path) < 0)
		return broke(tag, "rmdir", path);
	return 0;
}

/* RANDOM_READS reads of RANDOM_READ bytes at random aligned offsets of a RANDOM_SIZE file. */
static int
random_phase(const char *tag, const char *dir)
{
	char path[128];
	uint64_t x = 0x9e3779b97f4a7c15ull, r0, t0, t1;
	int fd;

	name_of(path, dir, "r", 0);
	if (write_file(tag, path, 99, RANDOM_SIZE, CHUNK) < 0)
		return -1;
	if ((fd = open(path, O_RDONLY)) < 0)
		return broke(tag, "open", path);
	r0 = file_requests();
	t0 = bench_cycles();
	for (unsigned i = 0; i < RANDOM_READS; i++) {
		uint64_t off;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		off = x % (RANDOM_SIZE / RANDOM_READ) * RANDOM_READ;
		fill(99, off, chunk, RANDOM_READ);
		if (lseek(fd, (off_t)off, SEEK_SET) != (off_t)off ||
		    read(fd, back, RANDOM_READ) != RANDOM_READ ||
		    differs(chunk, back, RANDOM_READ)) {
			close(fd);
			printf("%s: error: %s differs at byte %llu\n", tag, path,
			    (unsigned long long)off);
			return -1;
		}
	}
	t1 = bench_cycles();
	report(tag, "random_read", RANDOM_READS, (uint64_t)RANDOM_READS * RANDOM_READ, t1 - t0,
	    file_requests() - r0);
	close(fd);
	return unlink(path) < 0 ? broke(tag, "unlink", path) : 0;
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
		    phase(tag, "large_delete", dir, "l", LARGE_FILES, LARGE_SIZE, 2) < 0 ||
		    dir_phase(tag, dir) < 0 || random_phase(tag, dir) < 0)
			return -1;
	}
	return 0;
}

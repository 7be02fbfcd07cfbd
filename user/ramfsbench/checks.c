/*
 * posix_checks (workload.h): what a POSIX program may rely on, errors
 * included, checked the same way in NØNOS and on Linux. Each check is
 * one call (or a short sequence) and the result or errno it must give.
 */
#ifdef __linux__
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#else
#include "user/lib/file.h"
#include "user/lib/nonos.h"
#endif

#include "user/ramfsbench/workload.h"

static const char *tag;
static int failures;
static char base[64];

static void
check(const char *name, int ok)
{
	printf("%s: check %s %s\n", tag, name, ok ? "ok" : "FAIL");
	if (!ok) {
		printf("%s:   errno %d\n", tag, errno);
		failures++;
	}
}

/* 1 when call gave -1 with errno want. */
static int
fails_with(long call, int want)
{
	return call == -1 && errno == want;
}

/* dir + "/" + name, in a static buffer per slot. */
static const char *
at(int slot, const char *name)
{
	static char buf[4][160];
	size_t n = strlen(base), k = strlen(name);

	memcpy(buf[slot], base, n);
	buf[slot][n] = '/';
	memcpy(buf[slot] + n + 1, name, k + 1);
	return buf[slot];
}

static void
file_checks(void)
{
	char got[16];
	struct stat st;
	int fd;

	check("open missing", fails_with(open(at(0, "none"), O_RDONLY), ENOENT));
	fd = open(at(0, "f"), O_RDWR | O_CREAT | O_EXCL, 0600);
	check("create exclusive", fd >= 0);
	check("create exclusive again",
	    fails_with(open(at(0, "f"), O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST));
	check("write", write(fd, "hello world", 11) == 11);
	check("offset after write", lseek(fd, 0, SEEK_CUR) == 11);
	check("seek to start", lseek(fd, 0, SEEK_SET) == 0);
	check("read", read(fd, got, 5) == 5 && memcmp(got, "hello", 5) == 0);
	check("seek from end", lseek(fd, -5, SEEK_END) == 6);
	check("read the tail", read(fd, got, 16) == 5 && memcmp(got, "world", 5) == 0);
	check("read at end of file", read(fd, got, 16) == 0);
	check("seek before the start", fails_with(lseek(fd, -1, SEEK_SET), EINVAL));
	check("truncate shorter", ftruncate(fd, 5) == 0 && stat(at(0, "f"), &st) == 0 &&
	    st.st_size == 5);
	check("truncate longer", ftruncate(fd, 10) == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	    read(fd, got, 16) == 10 && memcmp(got, "hello\0\0\0\0\0", 10) == 0);
	check("close", close(fd) == 0);
	check("close again", fails_with(close(fd), EBADF));
	check("read a closed descriptor", fails_with(read(fd, got, 1), EBADF));
	fd = open(at(0, "f"), O_WRONLY | O_APPEND);
	check("append", fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "!", 1) == 1 &&
	    stat(at(0, "f"), &st) == 0 && st.st_size == 11);
	check("read a write-only descriptor", fails_with(read(fd, got, 1), EBADF));
	close(fd);
	fd = open(at(0, "f"), O_RDONLY);
	check("write a read-only descriptor", fails_with(write(fd, "x", 1), EBADF));
	close(fd);
	fd = open(at(0, "f"), O_WRONLY | O_TRUNC);
	check("open truncating", fd >= 0 && stat(at(0, "f"), &st) == 0 && st.st_size == 0);
	close(fd);
	check("stat a file", stat(at(0, "f"), &st) == 0 && S_ISREG(st.st_mode));
	check("a file as a directory", fails_with(stat(at(0, "f/x"), &st), ENOTDIR));
}

/*
 * Deleted data never shows through: a file full of a pattern is deleted,
 * then a new file gets one byte in every KiB (so every block it takes is
 * one only partly written) and must read as zeros everywhere else.
 */
static void
deleted_data_checks(void)
{
	static char secret[16384], back[16384];
	int fd, ok;

	for (size_t i = 0; i < sizeof(secret); i++)
		secret[i] = (char)(0x80 | (i * 37 % 127));
	fd = open(at(0, "secret"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok = fd >= 0 && write(fd, secret, sizeof(secret)) == (ssize_t)sizeof(secret) &&
	    close(fd) == 0 && unlink(at(0, "secret")) == 0;
	check("write and delete a secret", ok);
	fd = open(at(0, "later"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	ok = fd >= 0;
	for (off_t b = 0; ok && b < 16; b++)
		ok = lseek(fd, b * 1024 + 7, SEEK_SET) == b * 1024 + 7 && write(fd, "x", 1) == 1;
	ok = ok && lseek(fd, 0, SEEK_SET) == 0 && read(fd, back, sizeof(back)) == 15 * 1024 + 8;
	for (size_t i = 0; ok && i < 15 * 1024 + 8; i++)
		ok = back[i] == (i % 1024 == 7 ? 'x' : 0);
	check("deleted data reads as zeros in a later file", ok);
	if (fd >= 0)
		close(fd);
	unlink(at(0, "later"));
}

/*
 * Long reads and writes (NØNOS lends the caller's buffer to the server
 * for them): exact bytes across a hole, at an odd offset, past the end; a
 * read into memory that is not writable fails with EFAULT and leaves the
 * offset; a write from read-only memory works, one from unmapped memory
 * fails with EFAULT and leaves the file as it was.
 */
static void
long_read_checks(void)
{
	static char data[300000], back[300000];
	static const char readonly[65536] = { 1 };
	int fd, ok;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + i / 4096 + 1);
	memset(data + 100000, 0, 50000);
	fd = open(at(0, "long"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	ok = fd >= 0 && write(fd, data, 100000) == 100000 &&
	    lseek(fd, 150000, SEEK_SET) == 150000 &&
	    write(fd, data + 150000, 150000) == 150000;
	check("write a file with a hole", ok);
	ok = ok && lseek(fd, 0, SEEK_SET) == 0 &&
	    read(fd, back, sizeof(back)) == (ssize_t)sizeof(back) &&
	    memcmp(back, data, sizeof(back)) == 0;
	check("one long read, hole and all", ok);
	ok = fd >= 0 && lseek(fd, 12345, SEEK_SET) == 12345 &&
	    read(fd, back, 200001) == 200001 && memcmp(back, data + 12345, 200001) == 0;
	check("a long read at an odd offset", ok);
	ok = fd >= 0 && lseek(fd, 290000, SEEK_SET) == 290000 &&
	    read(fd, back, 65536) == 10000 && memcmp(back, data + 290000, 10000) == 0;
	check("a long read past the end", ok);
	ok = fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	    fails_with(read(fd, (void *)(uintptr_t)readonly, sizeof(readonly)), EFAULT) &&
	    lseek(fd, 0, SEEK_CUR) == 0 && readonly[0] == 1;
	check("a long read into read-only memory", ok);
	ok = fd >= 0 && lseek(fd, 1000, SEEK_SET) == 1000 &&
	    write(fd, readonly, sizeof(readonly)) == (ssize_t)sizeof(readonly) &&
	    lseek(fd, 1000, SEEK_SET) == 1000 &&
	    read(fd, back, sizeof(readonly)) == (ssize_t)sizeof(readonly) &&
	    memcmp(back, readonly, sizeof(readonly)) == 0;
	check("a long write from read-only memory", ok);
	ok = fd >= 0 && lseek(fd, 299000, SEEK_SET) == 299000 &&
	    fails_with(write(fd, (const void *)(uintptr_t)16, 65536), EFAULT) &&
	    lseek(fd, 0, SEEK_END) == 300000;
	check("a long write from unmapped memory", ok);
	if (fd >= 0)
		close(fd);
	unlink(at(0, "long"));
}

static void
dir_checks(void)
{
	char longname[301];
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd, n = 0, seen = 0;

	check("mkdir", mkdir(at(0, "d"), 0700) == 0);
	check("mkdir again", fails_with(mkdir(at(0, "d"), 0700), EEXIST));
	check("mkdir in a missing directory", fails_with(mkdir(at(0, "no/d"), 0700), ENOENT));
	check("stat a directory", stat(at(0, "d"), &st) == 0 && S_ISDIR(st.st_mode));
	check("open a directory for writing", fails_with(open(at(0, "d"), O_WRONLY), EISDIR));
	check("unlink a directory", fails_with(unlink(at(0, "d")), EISDIR));
	check("rmdir a file", fails_with(rmdir(at(0, "f")), ENOTDIR));
	fd = open(at(0, "d/x"), O_WRONLY | O_CREAT, 0600);
	check("create inside", fd >= 0 && write(fd, "abc", 3) == 3 && close(fd) == 0);
	check("rmdir a full directory", fails_with(rmdir(at(0, "d")), ENOTEMPTY));
	check("rename", rename(at(0, "d/x"), at(1, "d/y")) == 0);
	check("the old name is gone", fails_with(stat(at(0, "d/x"), &st), ENOENT));
	check("the new name has the data", stat(at(0, "d/y"), &st) == 0 && st.st_size == 3);
	check("rename over a file", rename(at(0, "f"), at(1, "d/y")) == 0 &&
	    stat(at(0, "d/y"), &st) == 0 && st.st_size == 0);
	d = opendir(at(0, "d"));
	check("opendir", d != NULL);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;	/* Linux lists . and .. */
		n++;
		seen |= strcmp(e->d_name, "y") == 0 && e->d_type == DT_REG;
	}
	check("readdir lists the one file", n == 1 && seen);
	check("closedir", d != NULL && closedir(d) == 0);
	check("opendir a file", opendir(at(0, "d/y")) == NULL && errno == ENOTDIR);
	memset(longname, 'n', 300);
	longname[300] = 0;
	check("a name too long", fails_with(open(at(0, longname), O_WRONLY | O_CREAT, 0600),
	    ENAMETOOLONG));
	check("unlink", unlink(at(0, "d/y")) == 0);
	check("unlink again", fails_with(unlink(at(0, "d/y")), ENOENT));
	check("rmdir", rmdir(at(0, "d")) == 0);
}

int
posix_checks(const char *t, const char *dir)
{
	size_t n = strlen(dir);

	tag = t;
	failures = 0;
	if (n + 1 > sizeof(base))
		return 1;
	memcpy(base, dir, n + 1);
	file_checks();
	deleted_data_checks();
	long_read_checks();
	dir_checks();
	return failures;
}

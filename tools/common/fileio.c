/* File helpers for the host tools: whole small files, atomic writes, pread. */
#define _GNU_SOURCE	/* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/common/fileio.h"
#include "tools/common/progress.h"

int
read_small_file(const char *path, size_t max, uint8_t **bufp, size_t *lenp)
{
	struct stat st;
	uint8_t *buf;
	size_t len = 0;
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		goto fail;
	}
	/* One spare byte shows a file that grew since fstat. */
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while ((n = read(fd, buf + len, (size_t)st.st_size + 1 - len)) > 0 &&
	    len + (size_t)n <= (size_t)st.st_size)
		len += (size_t)n;
	if (n != 0) {
		saved = n < 0 ? errno : EFBIG;
		free(buf);
		errno = saved;
		goto fail;
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

void
dir_of(char *dir, size_t cap, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, cap, ".");
	else if (slash == path)
		snprintf(dir, cap, "/");
	else
		snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

int
atomic_open(struct atomic_file *f, const char *path, mode_t mode)
{
	if (strlen(path) >= sizeof f->final) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(f->final, sizeof f->final, "%s", path);
	snprintf(f->tmp, sizeof f->tmp, "%s.tmpXXXXXX", path);
	if ((f->fd = mkostemp(f->tmp, O_CLOEXEC)) < 0)
		return -1;
	if (fchmod(f->fd, mode) < 0) {
		atomic_abort(f);
		return -1;
	}
	return 0;
}

int
atomic_write(struct atomic_file *f, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(f->fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
atomic_commit(struct atomic_file *f, int noreplace)
{
	char dir[4096];
	int dfd, saved;

	if (fsync(f->fd) < 0 || close(f->fd) < 0) {
		saved = errno;
		f->fd = -1;
		atomic_abort(f);
		errno = saved;
		return -1;
	}
	f->fd = -1;
	if (renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->final,
	    noreplace ? RENAME_NOREPLACE : 0) < 0) {
		saved = errno;
		atomic_abort(f);
		errno = saved;
		return -1;
	}
	/* The rename itself must reach the disk. */
	dir_of(dir, sizeof dir, f->final);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

void
atomic_abort(struct atomic_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	unlink(f->tmp);
}

int
write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode,
    int noreplace)
{
	struct atomic_file f;
	int saved;

	if (atomic_open(&f, path, mode) < 0)
		return -1;
	if (atomic_write(&f, buf, len) < 0) {
		saved = errno;
		atomic_abort(&f);
		errno = saved;
		return -1;
	}
	return atomic_commit(&f, noreplace);
}

static int
sink_write(void *ctx, const void *buf, size_t len)
{
	if (interrupted)
		return VAULT_EIO;
	return atomic_write(ctx, buf, len) == 0 ? 0 : VAULT_EIO;
}

void
atomic_sink(struct vault_sink *sink, struct atomic_file *f)
{
	sink->write = sink_write;
	sink->ctx = f;
}

static int
src_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	int fd = (int)(intptr_t)ctx;
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return VAULT_EIO;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int
fd_src(struct vault_src *src, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	src->read = src_read;
	src->ctx = (void *)(intptr_t)fd;
	src->size = (uint64_t)st.st_size;
	return 0;
}

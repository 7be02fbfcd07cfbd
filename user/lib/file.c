/*
 * The POSIX-flavoured file API (file.h) over one rfs connection: a small
 * table maps descriptors to the service's handles, and each call becomes
 * one or more rfs requests (reads and writes in RFS_BUF pieces).
 */
#include "lib/ramfs/ramfs.h"
#include "user/lib/file.h"
#include "user/lib/nonos.h"
#include "user/lib/rfs.h"

#define DIR_MAX		4	/* open directory streams */

struct dir {
	int used;
	uint64_t cookie;	/* the next entry; 0 once the end was seen */
	int done;
	char path[RAMFS_PATH_MAX + 1];
	struct dirent ent;
};

int errno;

static struct rfs fs;
static int attached;
static int64_t handles[FILE_MAX_OPEN];	/* rfs handle + 1; 0: free */
static struct dir dirs[DIR_MAX];

/* Sets errno from an rfs or lib/ramfs error; returns -1. */
static int
fail(int64_t err)
{
	switch (err) {
	case RAMFS_ENOENT:	errno = ENOENT; break;
	case RAMFS_EEXIST:	errno = EEXIST; break;
	case RAMFS_ENOTDIR:	errno = ENOTDIR; break;
	case RAMFS_EISDIR:	errno = EISDIR; break;
	case RAMFS_ENOTEMPTY:	errno = ENOTEMPTY; break;
	case RAMFS_ENOSPC:	errno = ENOSPC; break;
	case RAMFS_ENAMETOOLONG: errno = ENAMETOOLONG; break;
	case RAMFS_EDEPTH:	errno = ENAMETOOLONG; break;
	case RAMFS_EINVAL:	errno = EINVAL; break;
	case RAMFS_EBADF:	errno = EBADF; break;
	case RAMFS_ESTALE:	errno = ESTALE; break;
	case RAMFS_EFBIG:	errno = EFBIG; break;
	case RAMFS_EBUSY:	errno = EBUSY; break;
	case RFS_ETABLE:	errno = EMFILE; break;
	default:		errno = EIO; break;
	}
	return -1;
}

/* The rfs handle of fd, or -1 with errno EBADF. */
static int64_t
handle_of(int fd)
{
	if (!attached || fd < FILE_FIRST_FD || fd >= FILE_MAX_OPEN || handles[fd] == 0) {
		errno = EBADF;
		return -1;
	}
	return handles[fd] - 1;
}

int
file_attach(uint64_t slot, uint64_t frame_slot, uint64_t va)
{
	int64_t err = rfs_attach(&fs, slot, frame_slot, va);

	if (err < 0)
		return fail(err);
	attached = 1;
	return 0;
}

static uint32_t
ramfs_flags(int flags)
{
	uint32_t f = 0;

	switch (flags & O_ACCMODE) {
	case O_RDONLY:	f = RAMFS_O_READ; break;
	case O_WRONLY:	f = RAMFS_O_WRITE; break;
	default:	f = RAMFS_O_READ | RAMFS_O_WRITE; break;
	}
	if (flags & O_CREAT)
		f |= RAMFS_O_CREATE;
	if (flags & O_EXCL)
		f |= RAMFS_O_EXCL;
	if (flags & O_TRUNC)
		f |= RAMFS_O_TRUNC;
	if (flags & O_APPEND)
		f |= RAMFS_O_APPEND;
	if (flags & O_DIRECTORY)
		f = RAMFS_O_DIR;	/* directories open for stat only */
	return f;
}

int
open(const char *path, int flags, ...)
{
	int64_t h;
	int fd;

	if (!attached)
		return fail(RFS_EIPC);
	if ((flags & O_ACCMODE) == O_ACCMODE ||
	    (flags & ~(O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY))) {
		errno = EINVAL;
		return -1;
	}
	for (fd = FILE_FIRST_FD; fd < FILE_MAX_OPEN && handles[fd] != 0; fd++)
		continue;
	if (fd == FILE_MAX_OPEN) {
		errno = EMFILE;
		return -1;
	}
	if ((h = rfs_open(&fs, path, ramfs_flags(flags))) < 0)
		return fail(h);
	handles[fd] = h + 1;
	return fd;
}

int
close(int fd)
{
	int64_t h = handle_of(fd), err;

	if (h < 0)
		return -1;
	handles[fd] = 0;
	if ((err = rfs_close(&fs, h)) < 0)
		return fail(err);
	return 0;
}

ssize_t
read(int fd, void *buf, size_t n)
{
	int64_t h = handle_of(fd), got;
	size_t done = 0;

	if (h < 0)
		return -1;
	while (done < n) {
		if ((got = rfs_read(&fs, h, (uint8_t *)buf + done, n - done)) < 0)
			return done > 0 ? (ssize_t)done : fail(got);
		if (got == 0)
			break;		/* end of file */
		done += (size_t)got;
	}
	return (ssize_t)done;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	int64_t h = handle_of(fd), put;
	size_t done = 0;

	if (h < 0)
		return -1;
	while (done < n) {
		if ((put = rfs_write(&fs, h, (const uint8_t *)buf + done, n - done)) < 0)
			return done > 0 ? (ssize_t)done : fail(put);
		if (put == 0)
			break;
		done += (size_t)put;
	}
	if (done < n && done == 0)
		return fail(RAMFS_ENOSPC);	/* nothing fitted */
	return (ssize_t)done;
}

off_t
lseek(int fd, off_t off, int whence)
{
	int64_t h = handle_of(fd), v;

	if (h < 0)
		return -1;
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
		errno = EINVAL;
		return -1;
	}
	if ((v = rfs_seek(&fs, h, off, whence)) < 0)
		return fail(v);
	return v;
}

int
ftruncate(int fd, off_t size)
{
	int64_t h = handle_of(fd), err;

	if (h < 0)
		return -1;
	if (size < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((err = rfs_truncate(&fs, h, (uint64_t)size)) < 0)
		return fail(err);
	return 0;
}

int
stat(const char *path, struct stat *st)
{
	uint64_t out[3];
	int64_t err;

	if (!attached)
		return fail(RFS_EIPC);
	if ((err = rfs_stat(&fs, path, out)) < 0)
		return fail(err);
	st->st_mode = out[0] == RAMFS_DIR ? S_IFDIR : S_IFREG;
	st->st_size = (int64_t)out[1];
	st->st_blocks = (int64_t)(out[2] * (RAMFS_BLOCK / 512));
	return 0;
}

int
mkdir(const char *path, int mode)
{
	int64_t err;

	(void)mode;
	if (!attached)
		return fail(RFS_EIPC);
	if ((err = rfs_mkdir(&fs, path)) < 0)
		return fail(err);
	return 0;
}

static int
remove_typed(const char *path, uint64_t type)
{
	int64_t err;

	if (!attached)
		return fail(RFS_EIPC);
	if ((err = rfs_unlink(&fs, path, type)) < 0)
		return fail(err);
	return 0;
}

int
unlink(const char *path)
{
	return remove_typed(path, RAMFS_FILE);
}

int
rmdir(const char *path)
{
	return remove_typed(path, RAMFS_DIR);
}

int
rename(const char *from, const char *to)
{
	int64_t err;

	if (!attached)
		return fail(RFS_EIPC);
	if ((err = rfs_rename(&fs, from, to)) < 0)
		return fail(err);
	return 0;
}

DIR *
opendir(const char *path)
{
	size_t n = strnlen(path, RAMFS_PATH_MAX + 1);
	struct stat st;
	struct dir *d;

	if (n > RAMFS_PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (stat(path, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	for (d = dirs; d < dirs + DIR_MAX && d->used; d++)
		continue;
	if (d == dirs + DIR_MAX) {
		errno = EMFILE;
		return NULL;
	}
	memset(d, 0, sizeof(*d));
	memcpy(d->path, path, n);
	d->used = 1;
	return d;
}

struct dirent *
readdir(DIR *d)
{
	uint64_t type;
	int64_t next;

	if (d == NULL || !d->used || d->done)
		return NULL;
	if ((next = rfs_readdir(&fs, d->path, d->cookie, d->ent.d_name, &type)) <= 0) {
		d->done = 1;
		if (next < 0)
			fail(next);
		return NULL;
	}
	d->cookie = (uint64_t)next;
	d->ent.d_type = type == RAMFS_DIR ? DT_DIR : DT_REG;
	return &d->ent;
}

int
closedir(DIR *d)
{
	if (d == NULL || d < dirs || d >= dirs + DIR_MAX || !d->used) {
		errno = EBADF;
		return -1;
	}
	d->used = 0;
	return 0;
}

const char *
errno_text(int err)
{
	switch (err) {
	case 0:			return "Success";
	case EPERM:		return "Operation not permitted";
	case ENOENT:		return "No such file or directory";
	case EIO:		return "Input/output error";
	case EBADF:		return "Bad file descriptor";
	case EBUSY:		return "Device or resource busy";
	case EEXIST:		return "File exists";
	case ENOTDIR:		return "Not a directory";
	case EISDIR:		return "Is a directory";
	case EINVAL:		return "Invalid argument";
	case EMFILE:		return "Too many open files";
	case EFBIG:		return "File too large";
	case ENOSPC:		return "No space left on device";
	case ENAMETOOLONG:	return "File name too long";
	case ENOTEMPTY:		return "Directory not empty";
	case ESTALE:		return "Stale file handle";
	default:		return "Unknown error";
	}
}

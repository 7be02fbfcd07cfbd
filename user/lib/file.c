/*
 * The POSIX-flavoured file API (file.h) over one rfs connection: a small
 * table maps descriptors to the service's handles and offsets, and each
 * call becomes as few rfs requests as it can (reads and writes in RFS_BUF
 * pieces). The short paths: the offset lives here, so lseek costs no
 * request but for SEEK_END; a small file opened read-only arrives with
 * its open, and reads are served from the shared buffer as long as no
 * other request has reused it; closes ride on the next request; a
 * directory comes in batches as large as the buffer holds (over a
 * thousand entries), its first with opendir.
 */
#include "lib/ramfs/ramfs.h"
#include "user/lib/file.h"
#include "user/lib/nonos.h"
#include "user/lib/rfs.h"

#define DIR_MAX		4	/* open directory streams */

struct dir {
	int used;
	uint64_t cookie;	/* the next entry's */
	uint64_t batch;		/* fs.calls when its batch arrived in the buffer */
	uint64_t pos;		/* the next record's offset in the buffer */
	uint64_t left;		/* records of the batch not yet returned */
	int last;		/* the batch ends the directory */
	char path[RAMFS_PATH_MAX + 1];
	struct dirent ent;
};

struct fd {
	int64_t h;		/* rfs handle + 1; 0: free */
	uint64_t off;		/* the file offset */
	uint64_t snap;		/* fs.calls when the buffer held the whole file; 0: never */
	uint64_t snap_len;	/* its size then */
};

int errno;

static struct rfs fs;
static int attached;
static struct fd fds[FILE_MAX_OPEN];
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
	case RFS_EFAULT:	errno = EFAULT; break;
	default:		errno = EIO; break;
	}
	return -1;
}

/* The rfs handle of fd, or -1 with errno EBADF. */
static int64_t
handle_of(int fd)
{
	if (!attached || fd < FILE_FIRST_FD || fd >= FILE_MAX_OPEN || fds[fd].h == 0) {
		errno = EBADF;
		return -1;
	}
	return fds[fd].h - 1;
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
	uint64_t info[2];
	int64_t h;
	int fd;

	if (!attached)
		return fail(RFS_EIPC);
	if ((flags & O_ACCMODE) == O_ACCMODE ||
	    (flags & ~(O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY))) {
		errno = EINVAL;
		return -1;
	}
	for (fd = FILE_FIRST_FD; fd < FILE_MAX_OPEN && fds[fd].h != 0; fd++)
		continue;
	if (fd == FILE_MAX_OPEN) {
		errno = EMFILE;
		return -1;
	}
	if ((h = rfs_open_info(&fs, path, ramfs_flags(flags), info)) < 0)
		return fail(h);
	memset(&fds[fd], 0, sizeof(fds[fd]));
	fds[fd].h = h + 1;
	/* The whole file came with the open: reads need no request while it stays. */
	if ((flags & O_ACCMODE) == O_RDONLY && info[1] == info[0] && info[0] <= RFS_BUF) {
		fds[fd].snap = fs.calls;
		fds[fd].snap_len = info[1];
	}
	return fd;
}

int
close(int fd)
{
	int64_t h = handle_of(fd), err;

	if (h < 0)
		return -1;
	fds[fd].h = 0;
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
	if (fds[fd].snap != 0 && fds[fd].snap == fs.calls) {
		struct fd *f = &fds[fd];

		if (f->off >= f->snap_len)
			return 0;
		done = f->snap_len - f->off < n ? (size_t)(f->snap_len - f->off) : n;
		memcpy(buf, fs.buf + f->off, done);
		f->off += done;
		return (ssize_t)done;
	}
	while (done < n) {
		got = rfs_pread(&fs, h, (uint8_t *)buf + done, n - done, fds[fd].off);
		if (got < 0)
			return done > 0 ? (ssize_t)done : fail(got);
		if (got == 0)
			break;		/* end of file */
		done += (size_t)got;
		fds[fd].off += (uint64_t)got;
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
		put = rfs_pwrite(&fs, h, (const uint8_t *)buf + done, n - done, fds[fd].off,
		    &fds[fd].off);
		if (put < 0)
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
	if (whence == SEEK_END) {
		/* Only the service knows the size now. */
		if ((v = rfs_seek(&fs, h, off, whence)) < 0)
			return fail(v);
		fds[fd].off = (uint64_t)v;
		return v;
	}
	/* The service's checks (ramfs_seek), here: the offset is ours to keep. */
	v = whence == SEEK_SET ? 0 : (int64_t)fds[fd].off;
	if (off > (int64_t)RAMFS_FILE_MAX || off < -(int64_t)RAMFS_FILE_MAX ||
	    v + off > (int64_t)RAMFS_FILE_MAX)
		return fail(RAMFS_EFBIG);
	if (v + off < 0)
		return fail(RAMFS_EINVAL);
	fds[fd].off = (uint64_t)(v + off);
	return v + off;
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

/* Fetches d's next batch of entries into the buffer; 0, or -1 and errno. */
static int
fetch(struct dir *d)
{
	uint64_t count;
	int64_t next;

	next = rfs_readdir_batch(&fs, d->path, d->cookie, RFS_BUF / RFS_DIRENT_MAX, &count);
	if (next < 0)
		return fail(next);
	d->batch = fs.calls;
	d->pos = 0;
	d->left = count;
	d->last = next == 0;
	return 0;
}

DIR *
opendir(const char *path)
{
	size_t n = strnlen(path, RAMFS_PATH_MAX + 1);
	struct dir *d;

	if (!attached) {
		fail(RFS_EIPC);
		return NULL;
	}
	if (n > RAMFS_PATH_MAX) {
		errno = ENAMETOOLONG;
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
	/* The first batch says whether path is a directory at all. */
	if (fetch(d) < 0)
		return NULL;
	d->used = 1;
	return d;
}

struct dirent *
readdir(DIR *d)
{
	uint64_t len;

	if (d == NULL || !d->used)
		return NULL;
	if (d->left == 0 && d->last)
		return NULL;
	/* An empty batch, or the buffer went to another request since: ask again. */
	if ((d->left == 0 || d->batch != fs.calls) && fetch(d) < 0) {
		d->left = 0;
		d->last = 1;
		return NULL;
	}
	if (d->left == 0)
		return NULL;
	len = d->pos + 2 <= RFS_BUF ? fs.buf[d->pos + 1] : 0;
	if (len == 0 || len >= sizeof(d->ent.d_name) || d->pos + 2 + len > RFS_BUF) {
		fail(RFS_EBADOP);	/* not a record of ours */
		d->left = 0;
		d->last = 1;
		return NULL;
	}
	d->ent.d_type = fs.buf[d->pos] == RAMFS_DIR ? DT_DIR : DT_REG;
	memcpy(d->ent.d_name, fs.buf + d->pos + 2, (size_t)len);
	d->ent.d_name[len] = 0;
	d->pos += 2 + len;
	d->left--;
	d->cookie++;
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

uint64_t
file_requests(void)
{
	return fs.calls;
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

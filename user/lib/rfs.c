/*
 * Client side of the RAM file system protocol (rfs.h): each call copies
 * its path or data through the shared buffer and makes one SYS_CALL,
 * which also carries the closes queued since the last one. A server that
 * lost the buffer (it was restarted) gets it again once.
 */
#include "user/lib/nonos.h"
#include "user/lib/rfs.h"

#define ENAMETOOLONG	(-7)	/* lib/ramfs's code */

static int64_t
setbuf(struct rfs *c)
{
	struct msg r;

	if (ipc_call(c->slot, RFS_SETBUF | TAG_CAP | (c->frame << 40), 0, 0, &r) < 0)
		return RFS_EIPC;
	return (int64_t)r.w[0];
}

static int64_t
call(struct rfs *c, uint64_t op, uint64_t a, uint64_t b, uint64_t d, struct msg *r)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int64_t v;

		c->calls++;
		if (ipc_call4(c->slot, op, a, b, d, c->closing, r) < 0)
			return RFS_EIPC;
		c->closing = 0;		/* the server closed them (or never had them) */
		v = (int64_t)r->w[0];
		if (v != RFS_ENOBUF || attempt == 1)
			return v;
		if ((v = setbuf(c)) < 0)
			return v;
	}
	return RFS_EIPC;
}

int64_t
rfs_attach(struct rfs *c, uint64_t slot, uint64_t frame, uint64_t va)
{
	int64_t err;

	c->slot = slot;
	c->frame = frame;
	c->buf = (uint8_t *)(uintptr_t)va;
	c->closing = 0;
	c->calls = 0;
	if ((err = frame_create(SLOT_MEMORY, frame, RFS_BUF / USER_PAGE)) < 0 ||
	    (err = map(frame, va, RIGHT_READ | RIGHT_WRITE)) < 0)
		return RFS_EIPC;
	return setbuf(c);
}

/* Copies path into the buffer at off; its length, or an error. */
static int64_t
put_path(struct rfs *c, uint64_t off, const char *path)
{
	uint64_t n = strnlen(path, RFS_BUF + 1);

	if (n > RFS_BUF - off)
		return ENAMETOOLONG;
	memcpy(c->buf + off, path, n);
	return (int64_t)n;
}

static int64_t
path_op(struct rfs *c, uint64_t op, const char *path, uint64_t b, struct msg *r)
{
	int64_t n = put_path(c, 0, path);

	if (n < 0)
		return n;
	return call(c, op, (uint64_t)n, b, 0, r);
}

int64_t
rfs_open_info(struct rfs *c, const char *path, uint32_t flags, uint64_t info[2])
{
	struct msg r;
	int64_t n = put_path(c, 0, path);

	if (n < 0)
		return n;
	if ((n = call(c, RFS_OPEN, flags, (uint64_t)n, 0, &r)) >= 0) {
		info[0] = r.w[1];
		info[1] = r.w[2] <= RFS_BUF && r.w[2] <= r.w[1] ? r.w[2] : 0;
	}
	return n;
}

int64_t
rfs_open(struct rfs *c, const char *path, uint32_t flags)
{
	uint64_t info[2];

	return rfs_open_info(c, path, flags, info);
}

int64_t
rfs_close(struct rfs *c, int64_t h)
{
	struct msg r;

	if (h < 0 || h >= 0xff)
		return RFS_EBADOP;
	for (int i = 0; i < RFS_CLOSING; i++) {
		if (((c->closing >> (8 * i)) & 0xff) == 0) {
			c->closing |= (uint64_t)(h + 1) << (8 * i);
			return 0;
		}
	}
	return call(c, RFS_CLOSE, (uint64_t)h, 0, 0, &r);
}

/*
 * A long read lends buf (WRITE) to the server for this one call: the
 * server copies the file's bytes straight into it, one copy instead of
 * two through the shared buffer. Short reads and writes keep the buffer,
 * which costs no extra system call.
 */
static int64_t
pread_window(struct rfs *c, int64_t h, void *buf, uint64_t n, uint64_t off)
{
	struct msg r;
	int64_t got;

	if (n > RFS_WINDOW_MAX)
		n = RFS_WINDOW_MAX;
	if (ipc_window((uint64_t)(uintptr_t)buf, n, RIGHT_WRITE) != E_OK)
		return RFS_EFAULT;
	got = call(c, RFS_READW, (uint64_t)h, n, off, &r);
	if (got > (int64_t)n)
		got = RFS_EBADOP;	/* more than asked for: not a server of ours */
	return got;
}

int64_t
rfs_pread(struct rfs *c, int64_t h, void *buf, uint64_t n, uint64_t off)
{
	struct msg r;
	int64_t got;

	if (n >= RFS_WINDOW_MIN)
		return pread_window(c, h, buf, n, off);
	if (n > RFS_BUF)
		n = RFS_BUF;
	got = call(c, RFS_READ, (uint64_t)h, n, off, &r);
	if (got > 0 && (uint64_t)got <= n)
		memcpy(buf, c->buf, (size_t)got);
	else if (got > 0)
		got = RFS_EBADOP;	/* more than asked for: not a server of ours */
	return got;
}

/* A long write lends buf (READ) for one call: the server copies it straight into the file. */
static int64_t
pwrite_window(struct rfs *c, int64_t h, const void *buf, uint64_t n, uint64_t off,
    uint64_t *after)
{
	struct msg r;
	int64_t put;

	if (n > RFS_WINDOW_MAX)
		n = RFS_WINDOW_MAX;
	if (ipc_window((uint64_t)(uintptr_t)buf, n, RIGHT_READ) != E_OK)
		return RFS_EFAULT;
	put = call(c, RFS_WRITEW, (uint64_t)h, n, off, &r);
	if (put > (int64_t)n)
		put = RFS_EBADOP;
	if (put >= 0 && after != NULL)
		*after = r.w[1];
	return put;
}

int64_t
rfs_pwrite(struct rfs *c, int64_t h, const void *buf, uint64_t n, uint64_t off,
    uint64_t *after)
{
	struct msg r;
	int64_t put;

	if (n >= RFS_WINDOW_MIN)
		return pwrite_window(c, h, buf, n, off, after);
	if (n > RFS_BUF)
		n = RFS_BUF;
	memcpy(c->buf, buf, (size_t)n);
	put = call(c, RFS_WRITE, (uint64_t)h, n, off, &r);
	if (put > (int64_t)n)
		put = RFS_EBADOP;
	if (put >= 0 && after != NULL)
		*after = r.w[1];
	return put;
}

int64_t
rfs_read(struct rfs *c, int64_t h, void *buf, uint64_t n)
{
	return rfs_pread(c, h, buf, n, RFS_HERE);
}

int64_t
rfs_write(struct rfs *c, int64_t h, const void *buf, uint64_t n)
{
	return rfs_pwrite(c, h, buf, n, RFS_HERE, NULL);
}

int64_t
rfs_seek(struct rfs *c, int64_t h, int64_t off, int whence)
{
	struct msg r;

	return call(c, RFS_SEEK, (uint64_t)h, (uint64_t)off, (uint64_t)whence, &r);
}

int64_t
rfs_mkdir(struct rfs *c, const char *path)
{
	struct msg r;

	return path_op(c, RFS_MKDIR, path, 0, &r);
}

int64_t
rfs_unlink(struct rfs *c, const char *path, uint64_t type)
{
	struct msg r;

	return path_op(c, RFS_UNLINK, path, type, &r);
}

int64_t
rfs_truncate(struct rfs *c, int64_t h, uint64_t size)
{
	struct msg r;

	return call(c, RFS_TRUNC, (uint64_t)h, size, 0, &r);
}

int64_t
rfs_rename(struct rfs *c, const char *from, const char *to)
{
	struct msg r;
	int64_t a = put_path(c, 0, from), b;

	if (a < 0)
		return a;
	if ((b = put_path(c, (uint64_t)a, to)) < 0)
		return b;
	return call(c, RFS_RENAME, (uint64_t)a, (uint64_t)b, 0, &r);
}

int64_t
rfs_stat(struct rfs *c, const char *path, uint64_t out[3])
{
	struct msg r;
	int64_t v = path_op(c, RFS_STAT, path, 0, &r);

	if (v >= 0) {
		out[0] = r.w[1];
		out[1] = r.w[2];
		out[2] = r.w[3];
	}
	return v;
}

int64_t
rfs_readdir_batch(struct rfs *c, const char *path, uint64_t cookie, uint64_t max,
    uint64_t *count)
{
	struct msg r;
	int64_t n = put_path(c, 0, path);

	if (n < 0)
		return n;
	if ((n = call(c, RFS_READDIR, (uint64_t)n, cookie, max, &r)) >= 0)
		*count = r.w[1] <= max ? r.w[1] : 0;
	return n;
}

int64_t
rfs_readdir(struct rfs *c, const char *path, uint64_t cookie, char *name, uint64_t *type)
{
	uint64_t count, len;
	int64_t v = rfs_readdir_batch(c, path, cookie, 1, &count);

	if (v < 0)
		return v;
	if (count == 0)
		return 0;
	len = c->buf[1] < 56 ? c->buf[1] : 55;
	memcpy(name, c->buf + 2, (size_t)len);
	name[len] = 0;
	*type = c->buf[0];
	return v == 0 ? (int64_t)cookie + 1 : v;
}

int64_t
rfs_usage(struct rfs *c, uint64_t out[2])
{
	struct msg r;
	int64_t v = call(c, RFS_USAGE, 0, 0, 0, &r);

	if (v >= 0) {
		out[0] = r.w[1];
		out[1] = r.w[2];
	}
	return v;
}

int64_t
rfs_grant(struct rfs *c, const char *path, uint64_t dst)
{
	struct msg r;
	int64_t n = put_path(c, 0, path);

	if (n < 0)
		return n;
	n = call(c, RFS_GRANT | ((uint64_t)dst << 48), (uint64_t)n, 0, 0, &r);
	if (n >= 0 && !(r.tag & TAG_CAP))
		return RFS_EIPC;
	return n;
}

const char *
rfs_strerror(int64_t err)
{
	static const char *const names[] = {
		"OK", "no such file or directory", "file exists", "not a directory",
		"is a directory", "directory not empty", "no space left (quota)",
		"name too long", "invalid argument", "bad file handle",
		"stale (removed)", "too deep", "file too big", "busy",
	};

	if (err >= 0)
		return "OK";
	if (-err < (int64_t)(sizeof(names) / sizeof(names[0])))
		return names[-err];
	if (err == RFS_ENOBUF)
		return "no buffer";
	if (err == RFS_EBADOP)
		return "bad request";
	if (err == RFS_ETABLE)
		return "server tables full";
	if (err == RFS_EIPC)
		return "file service unreachable";
	return "unknown error";
}

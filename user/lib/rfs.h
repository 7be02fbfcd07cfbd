/*
 * The RAM file system protocol (docs/userspace.md): operations sent with
 * SYS_CALL on a badged endpoint capability whose badge names the
 * client's root directory, bulk bytes in a shared 64 KiB frame. The client
 * side wrappers return a byte count or value >= 0, or -RFS error.
 *
 * Round trips are what a call costs, so the protocol lets one do more:
 * an open for reading brings a small file's bytes with it, a read or
 * write names its offset (seeking costs nothing), a directory comes in
 * batches, and closes ride on the next request (word 3 of every request
 * lists handles to close before it is served).
 */
#ifndef USER_LIB_RFS_H
#define USER_LIB_RFS_H

#include <stdint.h>

#define RFS_BUF		65536	/* bytes in the shared buffer: one frame of 16 pages */
#define RFS_HERE	UINT64_MAX	/* offset word: the handle's own offset */
#define RFS_CLOSING	8	/* handles word 3 can carry: one per byte, handle + 1 */
#define RFS_WINDOW_MAX	(1u << 20)	/* bytes per RFS_READW, RFS_WRITEW: bounds one request's work */
#define RFS_WINDOW_MIN	16384	/* reads and writes this long go through a window, not the buffer */
#define RFS_DIRENT_MAX	(2 + 55)	/* a directory record: type, name length, name */

enum rfs_op {
	RFS_SETBUF = 1,		/* TAG_CAP: a frame to share as this directory cap's buffer */
	RFS_OPEN,		/* (flags, path len) -> handle; w1 size, w2 bytes of the
				   file in the buffer (a read-only open of a file of at
				   most RFS_BUF bytes brings all of it, else none) */
	RFS_CLOSE,		/* (handle) */
	RFS_READ,		/* (handle, n <= RFS_BUF, offset or RFS_HERE) -> bytes,
				   in the buffer */
	RFS_WRITE,		/* (handle, n <= RFS_BUF, offset or RFS_HERE) bytes from the
				   buffer -> written; w1 the handle's offset after it */
	RFS_SEEK,		/* (handle, offset, whence) -> new offset */
	RFS_TRUNC,		/* (handle, size) */
	RFS_MKDIR,		/* (path len) */
	RFS_UNLINK,		/* (path len, type: 0 any, else only a file (1) or a
				   directory (2)) */
	RFS_RENAME,		/* (from len, to len): both paths, one after the other */
	RFS_STAT,		/* (path len) -> type, size, blocks */
	RFS_READDIR,		/* (path len, cookie, most entries) -> next cookie (0: end);
				   w1 entries, as records in the buffer: type byte, name
				   length byte, name */
	RFS_USAGE,		/* () -> used, quota */
	RFS_GRANT,		/* (path len) -> TAG_CAP: a directory capability for
				   that subtree */
	RFS_READW,		/* (handle, n <= RFS_WINDOW_MAX, offset or RFS_HERE) ->
				   bytes, copied by the server straight into the
				   window the call lends (SYS_WINDOW, WRITE) */
	RFS_WRITEW,		/* (handle, n <= RFS_WINDOW_MAX, offset or RFS_HERE) ->
				   written, copied by the server straight from the
				   window the call lends (READ); w1 the offset after */
	RFS_OPS
};

/*
 * Badges 1..RFS_ROOTS each name the whole tree, with a buffer of its own:
 * init gives the holder of fs:S that is service i badge i + 1, so no two
 * programs ever share a grant (a shared buffer would carry one program's
 * paths and file bytes into the other's memory). RFS_GRANT mints badges
 * above RFS_ROOTS.
 */
#define RFS_ROOTS	16

/* Errors beyond lib/ramfs's (which rfs passes through unchanged). */
#define RFS_ENOBUF	(-20)	/* no buffer was set for this capability */
#define RFS_EBADOP	(-21)	/* unknown operation or malformed message */
#define RFS_ETABLE	(-22)	/* server tables full (handles, grants) */
#define RFS_EIPC	(-23)	/* the call itself failed (server gone) */
#define RFS_EFAULT	(-24)	/* a reader's buffer is not writable, a writer's not readable */

/* The client side: one directory capability (slot) and its mapped buffer. */
struct rfs {
	uint64_t slot;		/* badged endpoint capability */
	uint64_t frame;		/* slot of the buffer's frame */
	uint8_t *buf;		/* where the frame is mapped */
	uint64_t closing;	/* handles to close with the next request (word 3) */
	uint64_t calls;		/* requests made: the buffer holds the last one's bytes */
};

/* Creates and maps the buffer (frame in slot frame at va) and hands it over. */
int64_t rfs_attach(struct rfs *c, uint64_t slot, uint64_t frame, uint64_t va);
int64_t rfs_open(struct rfs *c, const char *path, uint32_t flags);
/* Like rfs_open; info[0] the size, info[1] the bytes of the file now in c->buf. */
int64_t rfs_open_info(struct rfs *c, const char *path, uint32_t flags, uint64_t info[2]);
/* Queues h's close for the next request (a request of its own when the queue is full). */
int64_t rfs_close(struct rfs *c, int64_t h);
int64_t rfs_read(struct rfs *c, int64_t h, void *buf, uint64_t n);
int64_t rfs_write(struct rfs *c, int64_t h, const void *buf, uint64_t n);
/* At offset off (RFS_HERE: the handle's); *after (may be NULL) the handle's offset after. */
int64_t rfs_pread(struct rfs *c, int64_t h, void *buf, uint64_t n, uint64_t off);
int64_t rfs_pwrite(struct rfs *c, int64_t h, const void *buf, uint64_t n, uint64_t off,
    uint64_t *after);
int64_t rfs_seek(struct rfs *c, int64_t h, int64_t off, int whence);
int64_t rfs_mkdir(struct rfs *c, const char *path);
/* Removes a file or an empty directory; only one of type (RAMFS_FILE, _DIR) unless 0. */
int64_t rfs_unlink(struct rfs *c, const char *path, uint64_t type);
int64_t rfs_truncate(struct rfs *c, int64_t h, uint64_t size);
int64_t rfs_rename(struct rfs *c, const char *from, const char *to);
/* out[0] type, out[1] size, out[2] blocks. */
int64_t rfs_stat(struct rfs *c, const char *path, uint64_t out[3]);
/* Next cookie (0: end), *type and name (at least 56 bytes). */
int64_t rfs_readdir(struct rfs *c, const char *path, uint64_t cookie, char *name,
    uint64_t *type);
/*
 * Up to max entries from cookie on, as records in c->buf (RFS_READDIR);
 * the next cookie (0: end) and *count, or an error.
 */
int64_t rfs_readdir_batch(struct rfs *c, const char *path, uint64_t cookie, uint64_t max,
    uint64_t *count);
int64_t rfs_usage(struct rfs *c, uint64_t out[2]);
/* A capability for the subtree at path, into slot dst. */
int64_t rfs_grant(struct rfs *c, const char *path, uint64_t dst);
const char *rfs_strerror(int64_t err);

#endif

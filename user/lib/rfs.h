/*
 * The RAM file system protocol (docs/userspace.md): operations sent with
 * SYS_CALL on a badged endpoint capability whose badge names the
 * client's root directory, bulk bytes in a shared 64 KiB frame. The client
 * side wrappers return a byte count or value >= 0, or -RFS error.
 */
#ifndef USER_LIB_RFS_H
#define USER_LIB_RFS_H

#include <stdint.h>

#define RFS_BUF		65536	/* bytes in the shared buffer: one frame of 16 pages */

enum rfs_op {
	RFS_SETBUF = 1,		/* TAG_CAP: a frame to share as this directory cap's buffer */
	RFS_OPEN,		/* (flags, path len) -> handle */
	RFS_CLOSE,		/* (handle) */
	RFS_READ,		/* (handle, n <= RFS_BUF) -> bytes, in the buffer */
	RFS_WRITE,		/* (handle, n <= RFS_BUF) bytes from the buffer -> written */
	RFS_SEEK,		/* (handle, offset, whence) -> new offset */
	RFS_TRUNC,		/* (handle, size) */
	RFS_MKDIR,		/* (path len) */
	RFS_UNLINK,		/* (path len, type: 0 any, else only a file (1) or a directory (2)) */
	RFS_RENAME,		/* (from len, to len): both paths, one after the other */
	RFS_STAT,		/* (path len) -> type, size, blocks */
	RFS_READDIR,		/* (path len, cookie) -> next cookie (0: end), type; name in the buffer */
	RFS_USAGE,		/* () -> used, quota */
	RFS_GRANT,		/* (path len) -> TAG_CAP: a directory capability for that subtree */
	RFS_OPS
};

/* Errors beyond lib/ramfs's (which rfs passes through unchanged). */
#define RFS_ENOBUF	(-20)	/* no buffer was set for this capability */
#define RFS_EBADOP	(-21)	/* unknown operation or malformed message */
#define RFS_ETABLE	(-22)	/* server tables full (handles, grants) */
#define RFS_EIPC	(-23)	/* the call itself failed (server gone) */

/* The client side: one directory capability (slot) and its mapped buffer. */
struct rfs {
	uint64_t slot;		/* badged endpoint capability */
	uint64_t frame;		/* slot of the buffer's frame */
	uint8_t *buf;		/* where the frame is mapped */
};

/* Creates and maps the buffer (frame in slot frame at va) and hands it over. */
int64_t rfs_attach(struct rfs *c, uint64_t slot, uint64_t frame, uint64_t va);
int64_t rfs_open(struct rfs *c, const char *path, uint32_t flags);
int64_t rfs_close(struct rfs *c, int64_t h);
int64_t rfs_read(struct rfs *c, int64_t h, void *buf, uint64_t n);
int64_t rfs_write(struct rfs *c, int64_t h, const void *buf, uint64_t n);
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
int64_t rfs_usage(struct rfs *c, uint64_t out[2]);
/* A capability for the subtree at path, into slot dst. */
int64_t rfs_grant(struct rfs *c, const char *path, uint64_t dst);
const char *rfs_strerror(int64_t err);

#endif

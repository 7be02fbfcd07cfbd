/*
 * An in-memory hierarchical file system over one caller-supplied arena:
 * no allocator, no I/O. Every operation names a root directory and
 * resolves paths inside it only, so a reference to a subtree reaches
 * nothing outside it. One tree has one byte quota. Freed blocks are
 * zeroed before anyone can see them again: they wait in a zeroing queue
 * that the owner drains when idle (ramfs_zero_queued), and a block taken
 * from it is zeroed first unless the write that takes it overwrites all
 * of it.
 */
#ifndef LIB_RAMFS_RAMFS_H
#define LIB_RAMFS_RAMFS_H

#include <stddef.h>
#include <stdint.h>

#define RAMFS_BLOCK		1024	/* bytes per data block */
#define RAMFS_NAME_MAX		55	/* bytes per name, no NUL */
#define RAMFS_PATH_MAX		1024	/* bytes per path */
#define RAMFS_DEPTH_MAX		32	/* directories below the tree's root */
#define RAMFS_NDIRECT		10
#define RAMFS_NINDIRECT		(RAMFS_BLOCK / 4)
#define RAMFS_FILE_BLOCKS	(RAMFS_NDIRECT + RAMFS_NINDIRECT + \
				 RAMFS_NINDIRECT * RAMFS_NINDIRECT)
#define RAMFS_FILE_MAX		((uint64_t)RAMFS_FILE_BLOCKS * RAMFS_BLOCK)
#define RAMFS_NODE_COST		128	/* quota bytes charged per file or directory */

/* Errors: every call returns 0 (or a count) or one of these. */
enum ramfs_error {
	RAMFS_OK = 0,
	RAMFS_ENOENT = -1,	/* no such file or directory */
	RAMFS_EEXIST = -2,	/* already exists */
	RAMFS_ENOTDIR = -3,	/* a path component is not a directory */
	RAMFS_EISDIR = -4,	/* is a directory */
	RAMFS_ENOTEMPTY = -5,	/* directory not empty */
	RAMFS_ENOSPC = -6,	/* quota or arena exhausted */
	RAMFS_ENAMETOOLONG = -7, /* name or path too long */
	RAMFS_EINVAL = -8,	/* malformed argument or name */
	RAMFS_EBADF = -9,	/* file not open for that */
	RAMFS_ESTALE = -10,	/* the file or directory was removed */
	RAMFS_EDEPTH = -11,	/* too deep */
	RAMFS_EFBIG = -12,	/* offset or size beyond RAMFS_FILE_MAX */
	RAMFS_EBUSY = -13,	/* the reference's own root cannot be removed or moved */
	RAMFS_ERRORS = 14
};

enum ramfs_type { RAMFS_FREE = 0, RAMFS_FILE = 1, RAMFS_DIR = 2 };

/* Open flags. */
#define RAMFS_O_READ		0x01
#define RAMFS_O_WRITE		0x02
#define RAMFS_O_CREATE		0x04
#define RAMFS_O_EXCL		0x08	/* with CREATE: fail if it exists */
#define RAMFS_O_TRUNC		0x10
#define RAMFS_O_APPEND		0x20	/* every write goes to the end */
#define RAMFS_O_DIR		0x40	/* open a directory (for readdir, stat) */
#define RAMFS_O_ALL		0x7f

#define RAMFS_SEEK_SET		0
#define RAMFS_SEEK_CUR		1
#define RAMFS_SEEK_END		2

/* A node and the generation it had when referenced: stale once removed. */
struct ramfs_ref {
	uint32_t ino;
	uint32_t gen;
};

/* An open file or directory; the caller keeps it. */
struct ramfs_file {
	struct ramfs_ref ref;
	uint64_t offset;
	uint32_t flags;
};

struct ramfs_stat {
	uint32_t ino;
	uint32_t type;		/* enum ramfs_type */
	uint64_t size;		/* bytes (files) or entries (directories) */
	uint64_t blocks;	/* data and index blocks held */
};

struct ramfs_dirent {
	uint32_t ino;
	uint32_t type;
	char name[RAMFS_NAME_MAX + 1];	/* NUL-terminated */
};

struct ramfs_node;

struct ramfs {
	struct ramfs_node *nodes;
	uint32_t nnodes;
	uint32_t free_nodes;	/* the first free node, chained through them */
	uint32_t *names;	/* name table: chains of nodes by hash of (parent, name) */
	uint32_t nnames;	/* chains (a power of two) */
	uint8_t *bitmap;	/* one bit per block, set when in use or queued */
	uint32_t *queue;	/* freed blocks not yet zeroed (block numbers) */
	uint32_t nqueued;
	uint8_t *blocks;
	uint32_t nblocks;
	uint32_t nready;	/* blocks handed out: those below it (ramfs_set_ready) */
	uint32_t block_hint;	/* where the next block search starts */
	uint64_t quota;		/* bytes the tree may hold */
	uint64_t used;		/* bytes charged: blocks and nodes */
};

/*
 * Lays a tree out in mem[0..len) (which must stay valid and be zeroed
 * by the caller: only the tables at its start are cleared here, so that
 * a large arena of fresh pages is not written twice) with a quota of
 * quota bytes. RAMFS_EINVAL when mem is too small for a root directory
 * and one block.
 */
int ramfs_init(struct ramfs *fs, void *mem, size_t len, uint64_t quota);
/*
 * The bytes at the start of mem[0..len) that ramfs_init clears (its
 * tables), or 0 when len is too small: an owner that maps its arena as
 * it fills maps these first.
 */
size_t ramfs_tables_len(void *mem, size_t len);
/*
 * Only blocks lying inside mem[0..mapped) are handed out from now on (all
 * of them after ramfs_init). The owner raises it as it maps more, zeroed,
 * and never lowers it below a block in use. A tree that runs out of
 * ready blocks says RAMFS_ENOSPC, as one out of quota does.
 */
void ramfs_set_ready(struct ramfs *fs, size_t mapped);

/* The tree's root directory. */
struct ramfs_ref ramfs_root(const struct ramfs *fs);

/*
 * Path arguments are (path, len) byte strings, resolved inside root:
 * '/' separates components (repeats ignored), "." is the current
 * directory and ".." its parent, except at root where it stays. A
 * leading '/' means root. Names are 1..RAMFS_NAME_MAX bytes without '/',
 * NUL or control characters.
 */
int ramfs_walk(struct ramfs *fs, struct ramfs_ref root, const char *path,
    size_t len, struct ramfs_ref *out);
int ramfs_open(struct ramfs *fs, struct ramfs_ref root, const char *path,
    size_t len, uint32_t flags, struct ramfs_file *f);
int ramfs_mkdir(struct ramfs *fs, struct ramfs_ref root, const char *path,
    size_t len);
/* Removes a file or an empty directory. */
int ramfs_unlink(struct ramfs *fs, struct ramfs_ref root, const char *path,
    size_t len);
/* The same, only if it is of type want (RAMFS_FILE, RAMFS_DIR): else EISDIR or ENOTDIR. */
int ramfs_unlink_type(struct ramfs *fs, struct ramfs_ref root, const char *path,
    size_t len, uint32_t want);
/* Moves from to to (both inside root); replaces a file or empty directory of the same type. */
int ramfs_rename(struct ramfs *fs, struct ramfs_ref root, const char *from,
    size_t flen, const char *to, size_t tlen);
int ramfs_stat(struct ramfs *fs, struct ramfs_ref root, const char *path,
    size_t len, struct ramfs_stat *st);

/* Bytes read or written (short only at end of file / when full), or an error. */
int64_t ramfs_read(struct ramfs *fs, struct ramfs_file *f, void *buf, size_t n);
int64_t ramfs_write(struct ramfs *fs, struct ramfs_file *f, const void *buf, size_t n);
/*
 * Where the next n bytes of an open file lie, without copying them: up to
 * max extents of the arena, runs of consecutive blocks merged, a hole (p
 * NULL) at most one block long and read as zeros. Returns the bytes the
 * *count extents cover (short at end of file, or when max runs out), 0 at
 * end of file, or an error. The offset does not move; the pointers are
 * good until the next call that changes fs.
 */
struct ramfs_extent {
	uint8_t *p;
	uint64_t len;
	int fresh;		/* writes: whole blocks allocated unzeroed for this write */
};
int64_t ramfs_extents(struct ramfs *fs, const struct ramfs_file *f, size_t n,
    struct ramfs_extent *out, size_t max, size_t *count);
/*
 * The same for a write of n bytes at the offset (the end, with
 * RAMFS_O_APPEND): allocates the blocks the write needs and describes
 * them, without writing a byte or moving the offset or the size. The
 * caller fills every extent, then calls ramfs_write_done with the bytes
 * the extents cover; or, if it wrote none of them, ramfs_write_undo,
 * which zeroes the fresh ones and frees the blocks beyond the end of the
 * file, so the file reads exactly as before. Returns the bytes covered (short
 * when max runs out or the quota does), or an error when none are.
 */
int64_t ramfs_write_extents(struct ramfs *fs, struct ramfs_file *f, size_t n,
    struct ramfs_extent *out, size_t max, size_t *count);
void ramfs_write_done(struct ramfs *fs, struct ramfs_file *f, uint64_t n);
void ramfs_write_undo(struct ramfs *fs, struct ramfs_file *f,
    const struct ramfs_extent *ext, size_t count);
/* The new offset, or an error. */
int64_t ramfs_seek(struct ramfs *fs, struct ramfs_file *f, int64_t off, int whence);
int ramfs_truncate(struct ramfs *fs, struct ramfs_file *f, uint64_t size);
int ramfs_fstat(struct ramfs *fs, const struct ramfs_file *f, struct ramfs_stat *st);
int ramfs_refstat(struct ramfs *fs, struct ramfs_ref ref, struct ramfs_stat *st);

/*
 * The entry at *cookie (start at 0) of directory dir, advancing *cookie:
 * 1 with *out filled, 0 at the end, or an error.
 */
int ramfs_readdir(struct ramfs *fs, struct ramfs_ref dir, uint32_t *cookie,
    struct ramfs_dirent *out);
/* Up to max entries from *cookie on in one pass (advancing *cookie): the count, 0 at the end. */
int ramfs_readdir_many(struct ramfs *fs, struct ramfs_ref dir, uint32_t *cookie,
    struct ramfs_dirent *out, uint32_t max);

void ramfs_usage(const struct ramfs *fs, uint64_t *used, uint64_t *quota);

/* Zeroes up to max freed blocks of the zeroing queue; the blocks still queued. */
uint32_t ramfs_zero_queued(struct ramfs *fs, uint32_t max);

/* A short name for an error ("ENOSPC"). */
const char *ramfs_strerror(int err);

#endif

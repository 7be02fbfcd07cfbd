/*
 * ramfs: the RAM file system service. It serves lib/ramfs over the
 * protocol of user/lib/rfs.h on the endpoint in slot 16. A badge names a
 * grant: a root directory and a shared buffer; every request is checked
 * against its grant's subtree, and every length and handle against its
 * bounds, before lib/ramfs sees it. Nothing is ever written to a disk.
 *
 * The tree's size is set by whoever starts us: the arena takes all of our
 * memory quota but what the kernel charges us for mapping it and a little
 * for serving (init's manifest, a benchmark's spawn). It is mapped as it
 * fills, as tmpfs takes pages only when written: the tables and a first
 * GROW_FIRST of blocks before we serve, then GROW before any request that
 * finds fewer than ROOM bytes of mapped blocks free. The quota stays ours
 * either way. Mapping half the machine's memory at once (the kernel
 * zeroes every page, under its one lock) held every other service's
 * start up for a second or more under emulation.
 */
#include "lib/ramfs/ramfs.h"
#include "user/lib/nonos.h"
#include "user/lib/rfs.h"

#define SLOT_SERVE	16		/* the endpoint we receive on (with GRANT) */
#define SLOT_RECV	17		/* where a client's frame arrives */
#define SLOT_MINT	18		/* a new directory capability on its way out */
#define SLOT_BUF0	64		/* grant g's frame lives in SLOT_BUF0 + g */
#define GRANTS		64
#define HANDLES		64
#define BUF_VA		0x0000100000000000ULL
#define ARENA_VA	0x0000200000000000ULL
#define PAGE_COST	(USER_PAGE + 128)	/* a page, its frame and mapping records */
#define SERVE_COST	(64u * 1024)		/* client buffers' mappings, our thread */
#define ZERO_BATCH	64			/* blocks zeroed between looks for requests */
#define GROW_FIRST	(4u << 20)		/* blocks mapped before we serve */
#define GROW		(4u << 20)		/* mapped before a request when short */
#define ROOM		(1u << 20)		/* more than one request can fill */

struct grant {
	int live;
	struct ramfs_ref root;
	uint8_t *buf;		/* NULL until RFS_SETBUF */
};

struct handle {
	uint64_t owner;		/* grant index; 0: free */
	struct ramfs_file f;
};

static struct ramfs fs;
static struct grant grants[GRANTS];	/* index = badge; 0 is never used */
static struct handle handles[HANDLES];
static char path[2][RAMFS_PATH_MAX + 1];	/* private copies of client paths */

/* Copies a path of n bytes at off from the client's buffer. */
static int
get_path(struct grant *g, uint64_t off, uint64_t n, int which)
{
	if (n > RAMFS_PATH_MAX)
		return RAMFS_ENAMETOOLONG;
	if (off > RFS_BUF || n > RFS_BUF - off)
		return RFS_EBADOP;
	memcpy(path[which], g->buf + off, (size_t)n);
	return 0;
}

static struct handle *
handle(uint64_t badge, uint64_t h)
{
	if (h >= HANDLES || handles[h].owner != badge)
		return NULL;
	return &handles[h];
}

static int64_t
do_setbuf(uint64_t badge, struct grant *g, const struct msg *m)
{
	struct cap_info ci;
	uint64_t va = BUF_VA + badge * RFS_BUF;

	if (!(m->tag & TAG_CAP) || (m->tag & TAG_CAP_DROPPED) ||
	    cap_info(SLOT_RECV, &ci) != E_OK || ci.type != CAP_FRAME || ci.size != RFS_BUF) {
		cap_delete(SLOT_RECV);
		return RFS_EBADOP;
	}
	if (g->buf != NULL) {
		unmap(SLOT_BUF0 + badge, va);
		cap_delete(SLOT_BUF0 + badge);
		g->buf = NULL;
	}
	if (cap_move(SLOT_RECV, SLOT_BUF0 + badge) != E_OK ||
	    map(SLOT_BUF0 + badge, va, RIGHT_READ | RIGHT_WRITE) != E_OK) {
		cap_delete(SLOT_RECV);
		cap_delete(SLOT_BUF0 + badge);
		return RFS_EBADOP;
	}
	g->buf = (uint8_t *)(uintptr_t)va;
	return 0;
}

/*
 * Opens a file: the handle, its size in r->w[1] and, for a read-only
 * open of a file no bigger than the buffer, the whole file in the buffer
 * (r->w[2] bytes) so that reading it takes no further request.
 */
static int64_t
do_open(uint64_t badge, struct grant *g, const struct msg *m, struct msg *r)
{
	struct ramfs_stat st;
	struct handle *h;
	int64_t err, got;

	if ((err = get_path(g, 0, m->w[1], 0)) != 0)
		return err;
	if (m->w[0] > RAMFS_O_ALL)
		return RAMFS_EINVAL;
	for (h = handles; h < handles + HANDLES && h->owner != 0; h++)
		continue;
	if (h == handles + HANDLES)
		return RFS_ETABLE;
	err = ramfs_open(&fs, g->root, path[0], (size_t)m->w[1], (uint32_t)m->w[0], &h->f);
	if (err != 0)
		return err;
	h->owner = badge;
	if (ramfs_fstat(&fs, &h->f, &st) == 0 && st.type == RAMFS_FILE) {
		r->w[1] = st.size;
		if (m->w[0] == RAMFS_O_READ && st.size <= RFS_BUF &&
		    (got = ramfs_read(&fs, &h->f, g->buf, (size_t)st.size)) >= 0) {
			r->w[2] = (uint64_t)got;
			h->f.offset = 0;
		}
	}
	return h - handles;
}

/* Up to m->w[2] entries of a directory as records in the buffer (rfs.h). */
static int64_t
do_readdir(struct grant *g, const struct msg *m, struct msg *r)
{
	static struct ramfs_dirent de[RFS_BUF / RFS_DIRENT_MAX];
	struct ramfs_ref dir;
	uint32_t cookie, max = RFS_BUF / RFS_DIRENT_MAX;
	uint64_t at = 0;
	int64_t n;

	if ((n = get_path(g, 0, m->w[0], 0)) != 0)
		return n;
	if ((n = ramfs_walk(&fs, g->root, path[0], (size_t)m->w[0], &dir)) != 0)
		return n;
	if (m->w[1] > 0xffffffffu)
		return 0;
	cookie = (uint32_t)m->w[1];
	if (m->w[2] < max)
		max = (uint32_t)m->w[2];
	if ((n = ramfs_readdir_many(&fs, dir, &cookie, de, max)) < 0)
		return n;
	for (int64_t i = 0; i < n; i++) {
		uint64_t len = strnlen(de[i].name, sizeof(de[i].name));

		g->buf[at] = (uint8_t)de[i].type;
		g->buf[at + 1] = (uint8_t)len;
		memcpy(g->buf + at + 2, de[i].name, (size_t)len);
		at += 2 + len;
	}
	r->w[1] = (uint64_t)n;
	/* A short batch (or an empty one) was the end. */
	return n < max || n == 0 ? 0 : cookie;
}

/*
 * Checks a read or write request of m->w[1] bytes (at most max) at offset
 * m->w[2] and moves the handle there (RFS_HERE: where it is) -> 0 or an error.
 */
static int64_t
io_start(struct handle *h, const struct msg *m, uint64_t max)
{
	int64_t v;

	if (m->w[1] > max)
		return RFS_EBADOP;
	if (m->w[2] == RFS_HERE)
		return 0;
	if (m->w[2] > INT64_MAX)
		return RAMFS_EINVAL;
	if ((v = ramfs_seek(&fs, &h->f, (int64_t)m->w[2], RAMFS_SEEK_SET)) < 0)
		return v;
	return 0;
}

/* Reads or writes (op) m->w[1] bytes at offset m->w[2] (RFS_HERE: the handle's). */
static int64_t
do_io(struct grant *g, struct handle *h, uint64_t op, const struct msg *m, struct msg *r)
{
	int64_t v;

	if ((v = io_start(h, m, RFS_BUF)) < 0)
		return v;
	if (op == RFS_READ)
		return ramfs_read(&fs, &h->f, g->buf, (size_t)m->w[1]);
	/* Straight from the shared buffer: a client changing it meanwhile tears its own data. */
	v = ramfs_write(&fs, &h->f, g->buf, (size_t)m->w[1]);
	r->w[1] = h->f.offset;
	return v;
}

/*
 * Reads m->w[1] bytes at offset m->w[2] (RFS_HERE: the handle's) straight
 * into the window the caller lent with this call: the kernel copies each
 * run of blocks from our arena to the caller's buffer, one copy in all.
 * The offset moves past what was copied; a window that is missing or not
 * writable gives RFS_EFAULT if nothing was.
 */
static int64_t
do_readw(struct handle *h, const struct msg *m)
{
	static const uint8_t zeros[RAMFS_BLOCK];
	static struct ramfs_extent ext[WINDOW_IOV_MAX];
	static struct window_iov iov[WINDOW_IOV_MAX];
	uint64_t done = 0;
	size_t count;
	int64_t v = 0;

	if ((v = io_start(h, m, RFS_WINDOW_MAX)) < 0)
		return v;
	while (done < m->w[1]) {
		uint64_t want = m->w[1] - done;

		if (want > WINDOW_COPY_MAX)
			want = WINDOW_COPY_MAX;
		v = ramfs_extents(&fs, &h->f, (size_t)want, ext, WINDOW_IOV_MAX, &count);
		if (v <= 0)
			break;
		for (size_t i = 0; i < count; i++) {
			iov[i].va = (uint64_t)(uintptr_t)(ext[i].p != NULL ? ext[i].p : zeros);
			iov[i].len = ext[i].len;
		}
		if ((v = window_copy(WINDOW_TO_CALLER, done, iov, count)) < 0) {
			v = RFS_EFAULT;
			break;
		}
		h->f.offset += (uint64_t)v;
		done += (uint64_t)v;
	}
	return done > 0 || v >= 0 ? (int64_t)done : v;
}

/*
 * Writes m->w[1] bytes at offset m->w[2] (RFS_HERE: the handle's; the end
 * with O_APPEND) straight from the window the caller lent (READ): the
 * kernel copies from the caller's buffer into the file's blocks, one copy
 * in all. It checks every page of the window before it moves a byte, so a
 * copy that fails wrote nothing, and the blocks taken for it are given
 * back with the file as it was (ramfs_write_undo). r->w[1]: the offset after.
 */
static int64_t
do_writew(struct handle *h, const struct msg *m, struct msg *r)
{
	static struct ramfs_extent ext[WINDOW_IOV_MAX];
	static struct window_iov iov[WINDOW_IOV_MAX];
	uint64_t done = 0;
	size_t count;
	int64_t v = 0;

	if ((v = io_start(h, m, RFS_WINDOW_MAX)) < 0)
		return v;
	while (done < m->w[1]) {
		uint64_t want = m->w[1] - done;

		if (want > WINDOW_COPY_MAX)
			want = WINDOW_COPY_MAX;
		v = ramfs_write_extents(&fs, &h->f, (size_t)want, ext, WINDOW_IOV_MAX, &count);
		if (v <= 0)
			break;
		for (size_t i = 0; i < count; i++) {
			iov[i].va = (uint64_t)(uintptr_t)ext[i].p;
			iov[i].len = ext[i].len;
		}
		if (window_copy(WINDOW_FROM_CALLER, done, iov, count) != v) {
			ramfs_write_undo(&fs, &h->f, ext, count);
			v = RFS_EFAULT;
			break;
		}
		ramfs_write_done(&fs, &h->f, (uint64_t)v);
		done += (uint64_t)v;
	}
	r->w[1] = h->f.offset;
	return done > 0 || v >= 0 ? (int64_t)done : v;
}

/* Closes the handles packed into word 3 of a request (rfs.h), those badge owns. */
static void
close_queued(uint64_t badge, uint64_t list)
{
	struct handle *h;

	for (; list != 0; list >>= 8) {
		if ((list & 0xff) != 0 && (h = handle(badge, (list & 0xff) - 1)) != NULL)
			h->owner = 0;
	}
}

/* Mints a capability for a subtree: a new grant, a badged endpoint cap. */
static int64_t
do_grant(struct grant *g, const struct msg *m, struct msg *r)
{
	struct ramfs_ref dir;
	struct ramfs_stat st;
	int64_t err;

	if ((err = get_path(g, 0, m->w[0], 0)) != 0)
		return err;
	if ((err = ramfs_walk(&fs, g->root, path[0], (size_t)m->w[0], &dir)) != 0)
		return err;
	if ((err = ramfs_refstat(&fs, dir, &st)) != 0)
		return err;
	if (st.type != RAMFS_DIR)
		return RAMFS_ENOTDIR;
	for (uint64_t i = RFS_ROOTS + 1; i < GRANTS; i++) {
		if (grants[i].live)
			continue;
		cap_delete(SLOT_MINT);
		if (cap_derive(SLOT_SERVE, SLOT_MINT, RIGHT_WRITE | RIGHT_GRANT, i) != E_OK)
			return RFS_ETABLE;
		grants[i].live = 1;
		grants[i].root = dir;
		grants[i].buf = NULL;
		r->tag |= TAG_CAP | ((uint64_t)SLOT_MINT << 40);
		return 0;
	}
	return RFS_ETABLE;
}

/* Serves one request; the reply goes into *r. */
static void
serve(const struct msg *m, struct msg *r)
{
	uint64_t badge = m->badge, op = TAG_LABEL(m->tag);
	struct grant *g;
	struct handle *h;
	struct ramfs_stat st;
	int64_t v = RFS_EBADOP;

	memset(r, 0, sizeof(*r));
	if (badge == 0 || badge >= GRANTS || !grants[badge].live) {
		r->w[0] = (uint64_t)RFS_EBADOP;
		return;
	}
	g = &grants[badge];
	close_queued(badge, m->w[3]);
	/* Windowed I/O needs no buffer: a retry after SETBUF would have lost its window. */
	if (op != RFS_SETBUF && op != RFS_READW && op != RFS_WRITEW && g->buf == NULL) {
		r->w[0] = (uint64_t)RFS_ENOBUF;
		return;
	}
	switch (op) {
	case RFS_SETBUF:
		v = do_setbuf(badge, g, m);
		break;
	case RFS_OPEN:
		v = do_open(badge, g, m, r);
		break;
	case RFS_CLOSE:
		if ((h = handle(badge, m->w[0])) != NULL) {
			h->owner = 0;
			v = 0;
		}
		break;
	case RFS_READ:
	case RFS_WRITE:
		if ((h = handle(badge, m->w[0])) != NULL)
			v = do_io(g, h, op, m, r);
		break;
	case RFS_READW:
		if ((h = handle(badge, m->w[0])) != NULL)
			v = do_readw(h, m);
		break;
	case RFS_WRITEW:
		if ((h = handle(badge, m->w[0])) != NULL)
			v = do_writew(h, m, r);
		break;
	case RFS_SEEK:
		if ((h = handle(badge, m->w[0])) != NULL)
			v = ramfs_seek(&fs, &h->f, (int64_t)m->w[1], (int)(m->w[2] & 0xff));
		break;
	case RFS_TRUNC:
		if ((h = handle(badge, m->w[0])) != NULL)
			v = ramfs_truncate(&fs, &h->f, m->w[1]);
		break;
	case RFS_MKDIR:
		if ((v = get_path(g, 0, m->w[0], 0)) == 0)
			v = ramfs_mkdir(&fs, g->root, path[0], (size_t)m->w[0]);
		break;
	case RFS_UNLINK:
		if ((v = get_path(g, 0, m->w[0], 0)) == 0)
			v = m->w[1] > RAMFS_DIR ? RAMFS_EINVAL :
			    ramfs_unlink_type(&fs, g->root, path[0], (size_t)m->w[0],
			    (uint32_t)m->w[1]);
		break;
	case RFS_RENAME:
		if ((v = get_path(g, 0, m->w[0], 0)) == 0 &&
		    (v = get_path(g, m->w[0], m->w[1], 1)) == 0)
			v = ramfs_rename(&fs, g->root, path[0], (size_t)m->w[0], path[1],
			    (size_t)m->w[1]);
		break;
	case RFS_STAT:
		if ((v = get_path(g, 0, m->w[0], 0)) == 0 &&
		    (v = ramfs_stat(&fs, g->root, path[0], (size_t)m->w[0], &st)) == 0) {
			r->w[1] = st.type;
			r->w[2] = st.size;
			r->w[3] = st.blocks;
		}
		break;
	case RFS_READDIR:
		v = do_readdir(g, m, r);
		break;
	case RFS_USAGE:
		ramfs_usage(&fs, &r->w[1], &r->w[2]);
		v = 0;
		break;
	case RFS_GRANT:
		v = do_grant(g, m, r);
		break;
	default:
		break;
	}
	/* A capability offered with anything but SETBUF is not kept. */
	if (op != RFS_SETBUF && (m->tag & TAG_CAP))
		cap_delete(SLOT_RECV);
	r->w[0] = (uint64_t)v;
}

static uint64_t arena_len;	/* the arena our quota pays for */
static uint64_t mapped;		/* its first bytes, mapped */

/* The largest arena our quota pays for, in bytes; 0 after a message. */
static uint64_t
arena_size(void)
{
	uint64_t info[2], avail;
	int64_t err;

	if ((err = memory_info(SLOT_MEMORY, info)) < 0) {
		printf("ramfs: no memory quota: %s\n", err_name(err));
		return 0;
	}
	avail = info[0] - info[1];
	if (avail <= SERVE_COST + PAGE_COST)
		return 0;
	return (avail - SERVE_COST) / PAGE_COST * USER_PAGE;
}

/*
 * Maps up to n more bytes of the arena (fresh pages come zeroed) and lets
 * lib/ramfs hand out the blocks inside them. 0, or -1 (said once) when
 * the kernel refuses: the tree then stays the size it has.
 */
static int
grow(uint64_t n)
{
	uint64_t pages;
	int64_t err;

	if (n > arena_len - mapped)
		n = arena_len - mapped;
	pages = (n + USER_PAGE - 1) / USER_PAGE;
	if (pages == 0)
		return 0;
	if ((err = map_anon(SLOT_MEMORY, ARENA_VA + mapped, pages,
	    RIGHT_READ | RIGHT_WRITE)) < 0) {
		printf("ramfs: cannot map %llu KiB more: %s; the tree stays at %llu KiB\n",
		    (unsigned long long)pages * (USER_PAGE / 1024), err_name(err),
		    (unsigned long long)mapped / 1024);
		arena_len = mapped;
		return -1;
	}
	mapped += pages * USER_PAGE;
	ramfs_set_ready(&fs, mapped);
	return 0;
}

/* Before a request: at least ROOM bytes of mapped blocks free, if the arena has them. */
static void
keep_room(void)
{
	uint64_t ready = (uint64_t)fs.nready * RAMFS_BLOCK;

	if (mapped < arena_len && fs.used + ROOM > ready)
		(void)grow(GROW);
}

/*
 * Freed blocks are zeroed here, off the callers' path: a batch at a time
 * while no request waits, after letting everyone else run first. Then
 * the next request; a block reused before its turn is zeroed when taken
 * (lib/ramfs), and power off wipes all of RAM anyway.
 */
static int64_t
zero_while_idle(struct msg *m)
{
	int64_t err;

	for (;;) {
		yield();
		if ((err = ipc_nbrecv(SLOT_SERVE, SLOT_RECV, m)) != E_AGAIN)
			return err;
		if (ramfs_zero_queued(&fs, ZERO_BATCH) == 0)
			return ipc_recv(SLOT_SERVE, SLOT_RECV, m);
	}
}

int
main(uint64_t arg)
{
	struct msg m, r;
	uint64_t tables;
	int64_t err;

	(void)arg;
	if ((arena_len = arena_size()) == 0)
		return 1;
	tables = ramfs_tables_len((void *)(uintptr_t)ARENA_VA, arena_len);
	if (tables == 0 || grow(tables + GROW_FIRST) != 0)
		return 1;
	/* ramfs_init clears only the tables, which are mapped now. */
	if ((err = ramfs_init(&fs, (void *)(uintptr_t)ARENA_VA, arena_len,
	    arena_len)) != 0) {
		printf("ramfs: cannot lay out the tree: %s\n", ramfs_strerror((int)err));
		return 1;
	}
	ramfs_set_ready(&fs, mapped);
	for (int i = 1; i <= RFS_ROOTS; i++) {	/* rfs.h: the whole tree */
		grants[i].live = 1;
		grants[i].root = ramfs_root(&fs);
	}
	printf("ramfs: serving %llu KiB\n", (unsigned long long)arena_len / 1024);
	err = ipc_recv(SLOT_SERVE, SLOT_RECV, &m);
	for (;;) {
		if (err < 0) {
			printf("ramfs: receive failed: %s\n", err_name(err));
			return 1;
		}
		keep_room();
		serve(&m, &r);
		if (fs.nqueued == 0) {
			err = ipc_reply_recv4(SLOT_SERVE, r.tag | ((uint64_t)SLOT_RECV << 48),
			    r.w[0], r.w[1], r.w[2], r.w[3], &m);
			continue;
		}
		ipc_reply4(r.tag, r.w[0], r.w[1], r.w[2], r.w[3]);
		err = zero_while_idle(&m);
	}
}
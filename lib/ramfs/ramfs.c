/*
 * The RAM file system (see ramfs.h): a node table, a block bitmap and
 * blocks in one arena. Files map their blocks like xv6 inodes (direct,
 * indirect, double indirect; holes read as zeros). Paths are resolved
 * from a root reference downwards and never climb above it. A name table
 * (hash of parent and name, chained through the nodes) finds an entry
 * without walking its directory, and free nodes form a list, so that
 * lookups, creates and removes cost the same in a directory of thousands.
 */
#include "lib/ramfs/ramfs.h"
#include "lib/libc/string.h"

struct ramfs_node {
	char name[RAMFS_NAME_MAX + 1];
	uint32_t type;		/* enum ramfs_type */
	uint32_t gen;		/* bumped when the node is freed */
	uint32_t parent;	/* the root is its own parent */
	uint32_t child;		/* first entry (directories), NONE if empty */
	uint32_t last;		/* last entry (directories), NONE if empty */
	uint32_t sibling;	/* next entry of the parent, NONE at the end; free: next free */
	uint32_t prev;		/* previous entry of the parent, NONE at the start */
	uint32_t hash;		/* of (parent, name): the name table's key */
	uint32_t hnext;		/* next node in its name table chain */
	uint32_t nentries;	/* entries (directories) */
	uint64_t size;		/* bytes (files) */
	uint32_t direct[RAMFS_NDIRECT];	/* block number + 1; 0: a hole */
	uint32_t ind;
	uint32_t dind;
};

#define NONE		0xffffffffu
#define ROOT		0u
#define ALLOC_WHOLE	2	/* bmap's alloc: the caller overwrites the whole data block */

/* --- Blocks --------------------------------------------------------------- */

static uint8_t *
block(struct ramfs *fs, uint32_t bno)
{
	return fs->blocks + (size_t)(bno - 1) * RAMFS_BLOCK;
}

/*
 * A block for the caller, or 0 when the quota or the arena is spent. It
 * is zeroed, unless whole is set: then the caller overwrites all of it
 * before anyone can read it, and a freed block needs no zeroing first.
 * Freed blocks (the zeroing queue) are reused first, most recent first.
 */
static uint32_t
block_alloc(struct ramfs *fs, int whole)
{
	if (fs->used + RAMFS_BLOCK > fs->quota)
		return 0;
	if (fs->nqueued > 0) {
		uint32_t bno = fs->queue[--fs->nqueued];

		if (!whole)
			explicit_bzero(block(fs, bno), RAMFS_BLOCK);
		fs->used += RAMFS_BLOCK;
		return bno;
	}
	for (uint32_t n = 0; n < fs->nready; n++) {
		uint32_t i = (fs->block_hint + n) % fs->nready;

		if (!(fs->bitmap[i / 8] & (1u << (i % 8)))) {
			fs->bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
			fs->block_hint = i + 1;
			fs->used += RAMFS_BLOCK;
			return i + 1;
		}
	}
	return 0;
}

/*
 * Frees a block into the zeroing queue (its bit stays set until it is
 * zeroed: no one gets it unzeroed); the entry pointing at it is cleared.
 */
static void
block_free(struct ramfs *fs, uint32_t *entry)
{
	if (*entry == 0)
		return;
	fs->queue[fs->nqueued++] = *entry;
	fs->used -= RAMFS_BLOCK;
	*entry = 0;
}

uint32_t
ramfs_zero_queued(struct ramfs *fs, uint32_t max)
{
	for (; max > 0 && fs->nqueued > 0; max--) {
		uint32_t i = fs->queue[--fs->nqueued] - 1;

		explicit_bzero(block(fs, i + 1), RAMFS_BLOCK);
		fs->bitmap[i / 8] &= (uint8_t)~(1u << (i % 8));
	}
	return fs->nqueued;
}

static uint32_t *
index_entries(struct ramfs *fs, uint32_t bno)
{
	return (uint32_t *)(void *)block(fs, bno);
}

/* Allocates *entry when it is a hole and alloc is set (ALLOC_WHOLE: see block_alloc). */
static int
fill(struct ramfs *fs, uint32_t *entry, int alloc)
{
	if (*entry != 0 || !alloc)
		return 0;
	if ((*entry = block_alloc(fs, alloc == ALLOC_WHOLE)) == 0)
		return RAMFS_ENOSPC;
	return 0;
}

/*
 * The block holding file block fbn of node n: *bno is 0 for a hole (and
 * alloc unset). With alloc, missing index and data blocks are made; with
 * ALLOC_WHOLE the data block is left as it was (the caller fills it).
 */
static int
bmap(struct ramfs *fs, struct ramfs_node *n, uint64_t fbn, int alloc, uint32_t *bno)
{
	int index_alloc = alloc != 0;

	uint32_t *e;
	int err;

	*bno = 0;
	if (fbn < RAMFS_NDIRECT) {
		e = &n->direct[fbn];
	} else if ((fbn -= RAMFS_NDIRECT) < RAMFS_NINDIRECT) {
		if ((err = fill(fs, &n->ind, index_alloc)) != 0 || n->ind == 0)
			return err;
		e = &index_entries(fs, n->ind)[fbn];
	} else {
		fbn -= RAMFS_NINDIRECT;
		if (fbn >= (uint64_t)RAMFS_NINDIRECT * RAMFS_NINDIRECT)
			return RAMFS_EFBIG;
		if ((err = fill(fs, &n->dind, index_alloc)) != 0 || n->dind == 0)
			return err;
		e = &index_entries(fs, n->dind)[fbn / RAMFS_NINDIRECT];
		if ((err = fill(fs, e, index_alloc)) != 0 || *e == 0)
			return err;
		e = &index_entries(fs, *e)[fbn % RAMFS_NINDIRECT];
	}
	if ((err = fill(fs, e, alloc)) != 0)
		return err;
	*bno = *e;
	return 0;
}

/* Frees every entry of index block *ind that maps file block >= first (base: its first). */
static void
free_index(struct ramfs *fs, uint32_t *ind, uint64_t base, uint64_t first)
{
	uint32_t *e;

	if (*ind == 0)
		return;
	e = index_entries(fs, *ind);
	for (uint32_t k = 0; k < RAMFS_NINDIRECT; k++) {
		if (base + k >= first)
			block_free(fs, &e[k]);
	}
	if (base >= first)
		block_free(fs, ind);
}

/* Frees the blocks of n from file block first on, and index blocks left empty. */
static void
free_blocks(struct ramfs *fs, struct ramfs_node *n, uint64_t first)
{
	uint64_t base = RAMFS_NDIRECT + RAMFS_NINDIRECT;

	for (uint32_t i = 0; i < RAMFS_NDIRECT; i++) {
		if (i >= first)
			block_free(fs, &n->direct[i]);
	}
	free_index(fs, &n->ind, RAMFS_NDIRECT, first);
	if (n->dind == 0)
		return;
	for (uint32_t j = 0; j < RAMFS_NINDIRECT; j++) {
		free_index(fs, &index_entries(fs, n->dind)[j],
		    base + (uint64_t)j * RAMFS_NINDIRECT, first);
	}
	if (base >= first)
		block_free(fs, &n->dind);
}

/* --- Nodes ---------------------------------------------------------------- */

static struct ramfs_node *
node(struct ramfs *fs, uint32_t ino)
{
	return &fs->nodes[ino];
}

/* The live node a reference names, or NULL (removed, or never valid). */
static struct ramfs_node *
deref(struct ramfs *fs, struct ramfs_ref r)
{
	if (r.ino >= fs->nnodes || fs->nodes[r.ino].type == RAMFS_FREE ||
	    fs->nodes[r.ino].gen != r.gen)
		return NULL;
	return &fs->nodes[r.ino];
}

static struct ramfs_ref
ref_of(struct ramfs *fs, uint32_t ino)
{
	struct ramfs_ref r = { ino, fs->nodes[ino].gen };

	return r;
}

/* Edges from the tree's root to ino. */
static uint32_t
depth(struct ramfs *fs, uint32_t ino)
{
	uint32_t d = 0;

	while (ino != ROOT && d <= fs->nnodes) {
		ino = node(fs, ino)->parent;
		d++;
	}
	return d;
}

/* Edges from ino to its deepest descendant. */
static uint32_t
height(struct ramfs *fs, uint32_t top)
{
	uint32_t n = top, d = 0, h = 0;

	for (;;) {
		if (node(fs, n)->type == RAMFS_DIR && node(fs, n)->child != NONE) {
			n = node(fs, n)->child;
			if (++d > h)
				h = d;
			continue;
		}
		while (n != top && node(fs, n)->sibling == NONE) {
			n = node(fs, n)->parent;
			d--;
		}
		if (n == top)
			return h;
		n = node(fs, n)->sibling;
	}
}

static int
node_alloc(struct ramfs *fs, uint32_t type, uint32_t *ino)
{
	struct ramfs_node *n;
	uint32_t gen;

	if (fs->used + RAMFS_NODE_COST > fs->quota || fs->free_nodes == NONE)
		return RAMFS_ENOSPC;
	*ino = fs->free_nodes;
	n = node(fs, *ino);
	fs->free_nodes = n->sibling;
	gen = n->gen;
	memset(n, 0, sizeof(*n));
	n->gen = gen;
	n->type = type;
	n->child = n->last = n->sibling = n->prev = n->hnext = NONE;
	fs->used += RAMFS_NODE_COST;
	return 0;
}

/* Frees a file's blocks or an empty directory; old references go stale. */
static void
node_free(struct ramfs *fs, uint32_t ino)
{
	struct ramfs_node *n = node(fs, ino);
	uint32_t gen = n->gen + 1;

	free_blocks(fs, n, 0);
	explicit_bzero(n, sizeof(*n));
	n->gen = gen == 0 ? 1 : gen;
	n->type = RAMFS_FREE;
	n->sibling = fs->free_nodes;
	fs->free_nodes = ino;
	fs->used -= RAMFS_NODE_COST;
}

/* FNV-1a over the parent's number and the name. */
static uint32_t
name_hash(uint32_t dir, const char *name, size_t n)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 4; i++)
		h = (h ^ ((dir >> (8 * i)) & 0xff)) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/* Appends ino (named already) to directory dir and to the name table. */
static void
link_entry(struct ramfs *fs, uint32_t dir, uint32_t ino)
{
	struct ramfs_node *d = node(fs, dir), *e = node(fs, ino);
	uint32_t *head;

	e->parent = dir;
	e->sibling = NONE;
	e->prev = d->last;
	if (d->last == NONE)
		d->child = ino;
	else
		node(fs, d->last)->sibling = ino;
	d->last = ino;
	d->nentries++;
	e->hash = name_hash(dir, e->name, strnlen(e->name, RAMFS_NAME_MAX + 1));
	head = &fs->names[e->hash & (fs->nnames - 1)];
	e->hnext = *head;
	*head = ino;
}

/* Takes ino out of its directory and the name table. */
static void
unlink_entry(struct ramfs *fs, uint32_t ino)
{
	struct ramfs_node *e = node(fs, ino), *d = node(fs, e->parent);
	uint32_t *p = &fs->names[e->hash & (fs->nnames - 1)];

	if (e->prev == NONE)
		d->child = e->sibling;
	else
		node(fs, e->prev)->sibling = e->sibling;
	if (e->sibling == NONE)
		d->last = e->prev;
	else
		node(fs, e->sibling)->prev = e->prev;
	d->nentries--;
	e->sibling = e->prev = NONE;
	while (*p != NONE && *p != ino)
		p = &node(fs, *p)->hnext;
	if (*p == ino)
		*p = e->hnext;
	e->hnext = NONE;
}

/* --- Paths ---------------------------------------------------------------- */

/* Checks one component: 1..NAME_MAX bytes, no NUL, '/' or control character. */
static int
name_ok(const char *s, size_t n)
{
	if (n == 0)
		return RAMFS_EINVAL;
	if (n > RAMFS_NAME_MAX)
		return RAMFS_ENAMETOOLONG;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '/')
			return RAMFS_EINVAL;
	}
	return 0;
}

static int
is_dot(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

static uint32_t
lookup(struct ramfs *fs, uint32_t dir, const char *name, size_t n)
{
	uint32_t h = name_hash(dir, name, n);

	for (uint32_t c = fs->names[h & (fs->nnames - 1)]; c != NONE; c = node(fs, c)->hnext) {
		const struct ramfs_node *e = node(fs, c);

		/* Names are NUL-terminated in name[RAMFS_NAME_MAX + 1]; n <= RAMFS_NAME_MAX. */
		if (e->hash == h && e->parent == dir && memcmp(e->name, name, n) == 0 &&
		    e->name[n] == 0)
			return c;
	}
	return NONE;
}

/* The live directory root names, or an error. */
static int
root_dir(struct ramfs *fs, struct ramfs_ref root, uint32_t *ino)
{
	struct ramfs_node *r = deref(fs, root);

	if (r == NULL)
		return RAMFS_ESTALE;
	if (r->type != RAMFS_DIR)
		return RAMFS_ENOTDIR;
	*ino = root.ino;
	return 0;
}

/*
 * Resolves path[0..len) from root. The walk only goes up from a node it
 * reached by going down from root, so it never leaves root's subtree.
 */
static int
walk(struct ramfs *fs, struct ramfs_ref root, const char *path, size_t len,
    uint32_t *out)
{
	uint32_t cur;
	size_t i = 0;
	int err;

	if (len > RAMFS_PATH_MAX)
		return RAMFS_ENAMETOOLONG;
	if ((err = root_dir(fs, root, &cur)) != 0)
		return err;
	while (i < len) {
		size_t start, n;

		while (i < len && path[i] == '/')
			i++;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		if ((n = i - start) == 0)
			break;
		if (node(fs, cur)->type != RAMFS_DIR)
			return RAMFS_ENOTDIR;
		if (n == 1 && path[start] == '.')
			continue;
		if (n == 2 && path[start] == '.' && path[start + 1] == '.') {
			if (cur != root.ino)
				cur = node(fs, cur)->parent;
			continue;
		}
		if ((err = name_ok(path + start, n)) != 0)
			return err;
		if ((cur = lookup(fs, cur, path + start, n)) == NONE)
			return RAMFS_ENOENT;
	}
	*out = cur;
	return 0;
}

/*
 * Splits path into its directory (resolved to *dir) and last component
 * (*name, *nlen; *nlen is 0 when the path names root itself).
 */
static int
walk_parent(struct ramfs *fs, struct ramfs_ref root, const char *path, size_t len,
    uint32_t *dir, const char **name, size_t *nlen)
{
	size_t end = len, start;
	int err;

	if (len > RAMFS_PATH_MAX)
		return RAMFS_ENAMETOOLONG;
	while (end > 0 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if ((err = walk(fs, root, path, start, dir)) != 0)
		return err;
	if (node(fs, *dir)->type != RAMFS_DIR)
		return RAMFS_ENOTDIR;
	*name = path + start;
	*nlen = end - start;
	if (*nlen != 0 && !is_dot(*name, *nlen) && (err = name_ok(*name, *nlen)) != 0)
		return err;
	return 0;
}

/* Makes an entry name of type in dir. */
static int
create(struct ramfs *fs, uint32_t dir, const char *name, size_t n, uint32_t type,
    uint32_t *ino)
{
	int err;

	if (depth(fs, dir) + 1 > RAMFS_DEPTH_MAX)
		return RAMFS_EDEPTH;
	if ((err = node_alloc(fs, type, ino)) != 0)
		return err;
	memcpy(node(fs, *ino)->name, name, n);
	link_entry(fs, dir, *ino);
	return 0;
}

/* --- The interface ---------------------------------------------------------- */

/* Where the tables and blocks of a tree in mem[0..len) go; no byte is touched. */
static int
layout(struct ramfs *fs, void *mem, size_t len)
{
	uint8_t *p = mem, *end = p + len;
	uint64_t nnodes, nblocks;
	size_t bitmap_bytes;

	memset(fs, 0, sizeof(*fs));
	if (((uintptr_t)mem & 7) != 0)
		return RAMFS_EINVAL;
	nnodes = len / (sizeof(struct ramfs_node) + 8 + 2 * RAMFS_BLOCK);
	if (nnodes > 65536)
		nnodes = 65536;
	if (nnodes < 2)
		return RAMFS_EINVAL;
	fs->nodes = mem;
	fs->nnodes = (uint32_t)nnodes;
	p += nnodes * sizeof(struct ramfs_node);
	/* The name table: a power of two of chains, at least one per two nodes. */
	for (fs->nnames = 1; fs->nnames * 2 < nnodes; fs->nnames *= 2)
		continue;
	fs->names = (uint32_t *)(void *)p;
	p += (size_t)fs->nnames * 4;
	if (p >= end)
		return RAMFS_EINVAL;
	/* Each block costs itself, a bitmap bit and a zeroing-queue entry. */
	nblocks = (uint64_t)(end - p) * 8 / (8 * RAMFS_BLOCK + 1 + 8 * 4);
	if (nblocks > 0x7fffffff)
		nblocks = 0x7fffffff;
	for (;;) {
		bitmap_bytes = (size_t)(nblocks + 7) / 8;
		if (nblocks == 0)
			return RAMFS_EINVAL;
		if ((uint64_t)(end - p) >= bitmap_bytes + 4 + nblocks * 4 + 16 +
		    nblocks * RAMFS_BLOCK)
			break;
		nblocks--;
	}
	fs->bitmap = p;
	fs->queue = (uint32_t *)(((uintptr_t)(p + bitmap_bytes) + 3) & ~(uintptr_t)3);
	fs->blocks = (uint8_t *)(((uintptr_t)(fs->queue + nblocks) + 15) & ~(uintptr_t)15);
	fs->nblocks = fs->nready = (uint32_t)nblocks;
	return 0;
}

size_t
ramfs_tables_len(void *mem, size_t len)
{
	struct ramfs fs;

	if (layout(&fs, mem, len) != 0)
		return 0;
	return (size_t)(fs.blocks - (uint8_t *)mem);
}

void
ramfs_set_ready(struct ramfs *fs, size_t mapped)
{
	size_t tables = (size_t)(fs->blocks - (uint8_t *)fs->nodes);
	uint64_t n = mapped > tables ? (mapped - tables) / RAMFS_BLOCK : 0;

	fs->nready = n < fs->nblocks ? (uint32_t)n : fs->nblocks;
}

int
ramfs_init(struct ramfs *fs, void *mem, size_t len, uint64_t quota)
{
	int err;

	if (quota < RAMFS_NODE_COST + RAMFS_BLOCK) {
		memset(fs, 0, sizeof(*fs));
		return RAMFS_EINVAL;
	}
	if ((err = layout(fs, mem, len)) != 0)
		return err;
	fs->quota = quota;
	/* The tables only: the blocks are the caller's to give zeroed (fresh pages are). */
	memset(mem, 0, (size_t)(fs->blocks - (uint8_t *)mem));
	memset(fs->names, 0xff, (size_t)fs->nnames * 4);
	fs->free_nodes = NONE;
	for (uint32_t i = fs->nnodes; i-- > 0;) {
		fs->nodes[i].gen = 1;
		if (i != ROOT) {
			fs->nodes[i].sibling = fs->free_nodes;
			fs->free_nodes = i;
		}
	}
	fs->nodes[ROOT].type = RAMFS_DIR;
	fs->nodes[ROOT].parent = ROOT;
	fs->nodes[ROOT].child = fs->nodes[ROOT].last = NONE;
	fs->nodes[ROOT].sibling = fs->nodes[ROOT].prev = fs->nodes[ROOT].hnext = NONE;
	fs->used = RAMFS_NODE_COST;
	return 0;
}

struct ramfs_ref
ramfs_root(const struct ramfs *fs)
{
	struct ramfs_ref r = { ROOT, fs->nodes[ROOT].gen };

	return r;
}

int
ramfs_walk(struct ramfs *fs, struct ramfs_ref root, const char *path, size_t len,
    struct ramfs_ref *out)
{
	uint32_t ino;
	int err;

	if ((err = walk(fs, root, path, len, &ino)) != 0)
		return err;
	*out = ref_of(fs, ino);
	return 0;
}

int
ramfs_open(struct ramfs *fs, struct ramfs_ref root, const char *path, size_t len,
    uint32_t flags, struct ramfs_file *f)
{
	const char *name;
	size_t n;
	uint32_t dir, ino;
	int err;

	if ((flags & ~RAMFS_O_ALL) || !(flags & (RAMFS_O_READ | RAMFS_O_WRITE)) ||
	    ((flags & (RAMFS_O_TRUNC | RAMFS_O_APPEND)) && !(flags & RAMFS_O_WRITE)) ||
	    ((flags & RAMFS_O_EXCL) && !(flags & RAMFS_O_CREATE)) ||
	    ((flags & RAMFS_O_DIR) && (flags & ~(RAMFS_O_DIR | RAMFS_O_READ))))
		return RAMFS_EINVAL;
	if ((err = walk_parent(fs, root, path, len, &dir, &name, &n)) != 0)
		return err;
	if (n == 0 || is_dot(name, n)) {
		if ((err = walk(fs, root, path, len, &ino)) != 0)
			return err;
		if (flags & RAMFS_O_EXCL)
			return RAMFS_EEXIST;
	} else if ((ino = lookup(fs, dir, name, n)) == NONE) {
		if (!(flags & RAMFS_O_CREATE))
			return RAMFS_ENOENT;
		if ((err = create(fs, dir, name, n, RAMFS_FILE, &ino)) != 0)
			return err;
	} else if (flags & RAMFS_O_EXCL) {
		return RAMFS_EEXIST;
	}
	if (node(fs, ino)->type == RAMFS_DIR && !(flags & RAMFS_O_DIR))
		return RAMFS_EISDIR;
	if (node(fs, ino)->type != RAMFS_DIR && (flags & RAMFS_O_DIR))
		return RAMFS_ENOTDIR;
	if (flags & RAMFS_O_TRUNC) {
		free_blocks(fs, node(fs, ino), 0);
		node(fs, ino)->size = 0;
	}
	f->ref = ref_of(fs, ino);
	f->offset = 0;
	f->flags = flags;
	return 0;
}

int
ramfs_mkdir(struct ramfs *fs, struct ramfs_ref root, const char *path, size_t len)
{
	const char *name;
	size_t n;
	uint32_t dir, ino;
	int err;

	if ((err = walk_parent(fs, root, path, len, &dir, &name, &n)) != 0)
		return err;
	if (n == 0 || is_dot(name, n) || lookup(fs, dir, name, n) != NONE)
		return RAMFS_EEXIST;
	return create(fs, dir, name, n, RAMFS_DIR, &ino);
}

/* EISDIR or ENOTDIR when node ino is not of type want (0: any type will do). */
static int
type_is(struct ramfs *fs, uint32_t ino, uint32_t want)
{
	if (want == 0 || node(fs, ino)->type == want)
		return 0;
	return want == RAMFS_DIR ? RAMFS_ENOTDIR : RAMFS_EISDIR;
}

int
ramfs_unlink_type(struct ramfs *fs, struct ramfs_ref root, const char *path, size_t len,
    uint32_t want)
{
	const char *name;
	size_t n;
	uint32_t dir, ino;
	int err;

	if ((err = walk_parent(fs, root, path, len, &dir, &name, &n)) != 0)
		return err;
	if (n == 0 || is_dot(name, n)) {
		/* Root, "." or "..": never removed, but the type is checked first. */
		if ((err = walk(fs, root, path, len, &ino)) != 0 ||
		    (err = type_is(fs, ino, want)) != 0)
			return err;
		return n == 0 ? RAMFS_EBUSY : RAMFS_EINVAL;
	}
	if ((ino = lookup(fs, dir, name, n)) == NONE)
		return RAMFS_ENOENT;
	if ((err = type_is(fs, ino, want)) != 0)
		return err;
	if (node(fs, ino)->type == RAMFS_DIR && node(fs, ino)->nentries != 0)
		return RAMFS_ENOTEMPTY;
	unlink_entry(fs, ino);
	node_free(fs, ino);
	return 0;
}

int
ramfs_unlink(struct ramfs *fs, struct ramfs_ref root, const char *path, size_t len)
{
	return ramfs_unlink_type(fs, root, path, len, 0);
}

int
ramfs_rename(struct ramfs *fs, struct ramfs_ref root, const char *from, size_t flen,
    const char *to, size_t tlen)
{
	const char *fname, *tname;
	size_t fn, tn;
	uint32_t fdir, tdir, src, dst;
	struct ramfs_node *s;
	int err;

	if ((err = walk_parent(fs, root, from, flen, &fdir, &fname, &fn)) != 0 ||
	    (err = walk_parent(fs, root, to, tlen, &tdir, &tname, &tn)) != 0)
		return err;
	if (fn == 0 || tn == 0)
		return RAMFS_EBUSY;
	if (is_dot(fname, fn) || is_dot(tname, tn))
		return RAMFS_EINVAL;
	if ((src = lookup(fs, fdir, fname, fn)) == NONE)
		return RAMFS_ENOENT;
	s = node(fs, src);
	dst = lookup(fs, tdir, tname, tn);
	if (dst == src)
		return 0;
	/* A directory may not move into itself or below itself. */
	for (uint32_t a = tdir;; a = node(fs, a)->parent) {
		if (a == src)
			return RAMFS_EINVAL;
		if (a == ROOT)
			break;
	}
	if (depth(fs, tdir) + 1 + height(fs, src) > RAMFS_DEPTH_MAX)
		return RAMFS_EDEPTH;
	if (dst != NONE) {
		struct ramfs_node *d = node(fs, dst);

		if (d->type == RAMFS_DIR && s->type != RAMFS_DIR)
			return RAMFS_EISDIR;
		if (d->type != RAMFS_DIR && s->type == RAMFS_DIR)
			return RAMFS_ENOTDIR;
		if (d->type == RAMFS_DIR && d->nentries != 0)
			return RAMFS_ENOTEMPTY;
		unlink_entry(fs, dst);
		node_free(fs, dst);
	}
	unlink_entry(fs, src);
	memset(s->name, 0, sizeof(s->name));
	memcpy(s->name, tname, tn);
	link_entry(fs, tdir, src);
	return 0;
}

int
ramfs_refstat(struct ramfs *fs, struct ramfs_ref ref, struct ramfs_stat *st)
{
	struct ramfs_node *n = deref(fs, ref);
	uint64_t blocks = 0;

	if (n == NULL)
		return RAMFS_ESTALE;
	memset(st, 0, sizeof(*st));
	st->ino = ref.ino;
	st->type = n->type;
	st->size = n->type == RAMFS_DIR ? n->nentries : n->size;
	if (n->type == RAMFS_FILE) {
		for (uint32_t i = 0; i < RAMFS_NDIRECT; i++)
			blocks += n->direct[i] != 0;
		if (n->ind) {
			blocks++;
			for (uint32_t k = 0; k < RAMFS_NINDIRECT; k++)
				blocks += index_entries(fs, n->ind)[k] != 0;
		}
		if (n->dind) {
			blocks++;
			for (uint32_t j = 0; j < RAMFS_NINDIRECT; j++) {
				uint32_t b = index_entries(fs, n->dind)[j];

				if (b == 0)
					continue;
				blocks++;
				for (uint32_t k = 0; k < RAMFS_NINDIRECT; k++)
					blocks += index_entries(fs, b)[k] != 0;
			}
		}
	}
	st->blocks = blocks;
	return 0;
}

int
ramfs_stat(struct ramfs *fs, struct ramfs_ref root, const char *path, size_t len,
    struct ramfs_stat *st)
{
	uint32_t ino;
	int err;

	if ((err = walk(fs, root, path, len, &ino)) != 0)
		return err;
	return ramfs_refstat(fs, ref_of(fs, ino), st);
}

int
ramfs_fstat(struct ramfs *fs, const struct ramfs_file *f, struct ramfs_stat *st)
{
	return ramfs_refstat(fs, f->ref, st);
}

/* The open file's node if it is a live file opened with need. */
static int
file_node(struct ramfs *fs, const struct ramfs_file *f, uint32_t need,
    struct ramfs_node **out)
{
	struct ramfs_node *n = deref(fs, f->ref);

	if (n == NULL)
		return RAMFS_ESTALE;
	if (n->type == RAMFS_DIR)
		return RAMFS_EISDIR;
	if ((f->flags & need) != need)
		return RAMFS_EBADF;
	*out = n;
	return 0;
}

int64_t
ramfs_read(struct ramfs *fs, struct ramfs_file *f, void *buf, size_t len)
{
	struct ramfs_node *n;
	uint8_t *dst = buf;
	uint64_t done = 0;
	int err;

	if ((err = file_node(fs, f, RAMFS_O_READ, &n)) != 0)
		return err;
	if (f->offset >= n->size)
		return 0;
	if (len > n->size - f->offset)
		len = (size_t)(n->size - f->offset);
	if (len > INT64_MAX)
		len = INT64_MAX;
	while (done < len) {
		uint64_t off = f->offset + done, in = off % RAMFS_BLOCK;
		uint64_t chunk = RAMFS_BLOCK - in;
		uint32_t bno;

		if (chunk > len - done)
			chunk = len - done;
		if ((err = bmap(fs, n, off / RAMFS_BLOCK, 0, &bno)) != 0)
			return err;
		if (bno == 0)
			memset(dst + done, 0, (size_t)chunk);
		else
			memcpy(dst + done, block(fs, bno) + in, (size_t)chunk);
		done += chunk;
	}
	f->offset += done;
	return (int64_t)done;
}

/*
 * Adds the chunk at p (NULL: a hole) to out, merging it into the last
 * extent if it follows it and is as fresh.
 */
static int
extent_add(struct ramfs_extent *out, size_t max, size_t *count, uint8_t *p,
    uint64_t len, int fresh)
{
	struct ramfs_extent *last = *count > 0 ? &out[*count - 1] : NULL;

	if (last != NULL && p != NULL && last->p != NULL && last->p + last->len == p &&
	    last->fresh == fresh) {
		last->len += len;
		return 1;
	}
	if (*count == max)
		return 0;
	out[*count].p = p;
	out[*count].len = len;
	out[*count].fresh = fresh;
	(*count)++;
	return 1;
}

int64_t
ramfs_extents(struct ramfs *fs, const struct ramfs_file *f, size_t len,
    struct ramfs_extent *out, size_t max, size_t *count)
{
	struct ramfs_node *n;
	uint64_t done = 0;
	int err;

	*count = 0;
	if ((err = file_node(fs, f, RAMFS_O_READ, &n)) != 0)
		return err;
	if (f->offset >= n->size)
		return 0;
	if (len > n->size - f->offset)
		len = (size_t)(n->size - f->offset);
	if (len > INT64_MAX)
		len = INT64_MAX;
	while (done < len) {
		uint64_t off = f->offset + done, in = off % RAMFS_BLOCK;
		uint64_t chunk = RAMFS_BLOCK - in;
		uint32_t bno;

		if (chunk > len - done)
			chunk = len - done;
		if ((err = bmap(fs, n, off / RAMFS_BLOCK, 0, &bno)) != 0)
			return err;
		if (!extent_add(out, max, count, bno == 0 ? NULL : block(fs, bno) + in, chunk, 0))
			break;
		done += chunk;
	}
	return (int64_t)done;
}

int64_t
ramfs_write_extents(struct ramfs *fs, struct ramfs_file *f, size_t len,
    struct ramfs_extent *out, size_t max, size_t *count)
{
	struct ramfs_node *n;
	uint64_t done = 0;
	int err = 0;

	*count = 0;
	if ((err = file_node(fs, f, RAMFS_O_WRITE, &n)) != 0)
		return err;
	if (f->flags & RAMFS_O_APPEND)
		f->offset = n->size;
	if (len == 0)
		return 0;
	if (f->offset >= RAMFS_FILE_MAX)
		return RAMFS_EFBIG;
	if (len > RAMFS_FILE_MAX - f->offset)
		len = (size_t)(RAMFS_FILE_MAX - f->offset);
	while (done < len && *count < max) {
		uint64_t off = f->offset + done, in = off % RAMFS_BLOCK;
		uint64_t chunk = RAMFS_BLOCK - in;
		uint32_t had, bno;

		if (chunk > len - done)
			chunk = len - done;
		if ((err = bmap(fs, n, off / RAMFS_BLOCK, 0, &had)) != 0 ||
		    (err = bmap(fs, n, off / RAMFS_BLOCK, chunk == RAMFS_BLOCK ? ALLOC_WHOLE : 1,
		    &bno)) != 0)
			break;
		/* A chunk that cannot join the last extent, with max reached, waits. */
		if (!extent_add(out, max, count, block(fs, bno) + in, chunk,
		    had == 0 && chunk == RAMFS_BLOCK))
			break;
		done += chunk;
	}
	if (done == 0 && err != 0)
		return err;
	return (int64_t)done;
}

void
ramfs_write_done(struct ramfs *fs, struct ramfs_file *f, uint64_t len)
{
	struct ramfs_node *n;

	if (file_node(fs, f, RAMFS_O_WRITE, &n) != 0)
		return;
	f->offset += len;
	if (f->offset > n->size)
		n->size = f->offset;
}

void
ramfs_write_undo(struct ramfs *fs, struct ramfs_file *f, const struct ramfs_extent *ext,
    size_t count)
{
	struct ramfs_node *n;

	for (size_t i = 0; i < count; i++) {
		if (ext[i].fresh)
			explicit_bzero(ext[i].p, (size_t)ext[i].len);
	}
	if (file_node(fs, f, RAMFS_O_WRITE, &n) == 0)
		free_blocks(fs, n, (n->size + RAMFS_BLOCK - 1) / RAMFS_BLOCK);
}

int64_t
ramfs_write(struct ramfs *fs, struct ramfs_file *f, const void *buf, size_t len)
{
	struct ramfs_node *n;
	const uint8_t *src = buf;
	uint64_t done = 0;
	int err = 0;

	if ((err = file_node(fs, f, RAMFS_O_WRITE, &n)) != 0)
		return err;
	if (f->flags & RAMFS_O_APPEND)
		f->offset = n->size;
	if (len == 0)
		return 0;
	if (f->offset >= RAMFS_FILE_MAX)
		return RAMFS_EFBIG;
	if (len > RAMFS_FILE_MAX - f->offset)
		len = (size_t)(RAMFS_FILE_MAX - f->offset);
	while (done < len) {
		uint64_t off = f->offset + done, in = off % RAMFS_BLOCK;
		uint64_t chunk = RAMFS_BLOCK - in;
		uint32_t bno;

		if (chunk > len - done)
			chunk = len - done;
		err = bmap(fs, n, off / RAMFS_BLOCK, chunk == RAMFS_BLOCK ? ALLOC_WHOLE : 1, &bno);
		if (err != 0)
			break;
		memcpy(block(fs, bno) + in, src + done, (size_t)chunk);
		done += chunk;
	}
	f->offset += done;
	if (f->offset > n->size)
		n->size = f->offset;
	if (done == 0 && err != 0)
		return err;
	return (int64_t)done;
}

int64_t
ramfs_seek(struct ramfs *fs, struct ramfs_file *f, int64_t off, int whence)
{
	struct ramfs_node *n = deref(fs, f->ref);
	int64_t base;

	if (n == NULL)
		return RAMFS_ESTALE;
	if (whence == RAMFS_SEEK_SET)
		base = 0;
	else if (whence == RAMFS_SEEK_CUR)
		base = (int64_t)f->offset;
	else if (whence == RAMFS_SEEK_END)
		base = n->type == RAMFS_DIR ? 0 : (int64_t)n->size;
	else
		return RAMFS_EINVAL;
	/* base <= RAMFS_FILE_MAX, so these bounds keep the sum from overflowing. */
	if (off > (int64_t)RAMFS_FILE_MAX || off < -(int64_t)RAMFS_FILE_MAX ||
	    base + off > (int64_t)RAMFS_FILE_MAX)
		return RAMFS_EFBIG;
	if (base + off < 0)
		return RAMFS_EINVAL;
	f->offset = (uint64_t)(base + off);
	return (int64_t)f->offset;
}

int
ramfs_truncate(struct ramfs *fs, struct ramfs_file *f, uint64_t size)
{
	struct ramfs_node *n;
	uint32_t bno;
	int err;

	if ((err = file_node(fs, f, RAMFS_O_WRITE, &n)) != 0)
		return err;
	if (size > RAMFS_FILE_MAX)
		return RAMFS_EFBIG;
	if (size < n->size) {
		free_blocks(fs, n, (size + RAMFS_BLOCK - 1) / RAMFS_BLOCK);
		/* The tail of the last block must read as zeros if the file grows again. */
		if (size % RAMFS_BLOCK != 0 &&
		    bmap(fs, n, size / RAMFS_BLOCK, 0, &bno) == 0 && bno != 0)
			memset(block(fs, bno) + size % RAMFS_BLOCK, 0,
			    RAMFS_BLOCK - size % RAMFS_BLOCK);
	}
	n->size = size;
	return 0;
}

int
ramfs_readdir_many(struct ramfs *fs, struct ramfs_ref dir, uint32_t *cookie,
    struct ramfs_dirent *out, uint32_t max)
{
	struct ramfs_node *d = deref(fs, dir);
	uint32_t c, n = 0;

	if (d == NULL)
		return RAMFS_ESTALE;
	if (d->type != RAMFS_DIR)
		return RAMFS_ENOTDIR;
	if (*cookie >= d->nentries)
		return 0;
	c = d->child;
	for (uint32_t i = 0; i < *cookie && c != NONE; i++)
		c = node(fs, c)->sibling;
	for (; n < max && c != NONE; n++, c = node(fs, c)->sibling) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].ino = c;
		out[n].type = node(fs, c)->type;
		memcpy(out[n].name, node(fs, c)->name, RAMFS_NAME_MAX);
	}
	*cookie += n;
	return (int)n;
}

int
ramfs_readdir(struct ramfs *fs, struct ramfs_ref dir, uint32_t *cookie,
    struct ramfs_dirent *out)
{
	return ramfs_readdir_many(fs, dir, cookie, out, 1);
}

void
ramfs_usage(const struct ramfs *fs, uint64_t *used, uint64_t *quota)
{
	*used = fs->used;
	*quota = fs->quota;
}

const char *
ramfs_strerror(int err)
{
	static const char *const names[RAMFS_ERRORS] = {
		"OK", "ENOENT", "EEXIST", "ENOTDIR", "EISDIR", "ENOTEMPTY",
		"ENOSPC", "ENAMETOOLONG", "EINVAL", "EBADF", "ESTALE", "EDEPTH",
		"EFBIG", "EBUSY",
	};

	if (err > 0)
		return "OK";
	if (-err < RAMFS_ERRORS)
		return names[-err];
	return "EUNKNOWN";
}

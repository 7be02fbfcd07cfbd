/*
 * libFuzzer target for lib/ramfs: random operations on random paths in a
 * small tree with a small quota. Nothing may crash, the quota must hold,
 * a reference to /box must never resolve to a node outside it, and
 * removing everything must return every block, zeroed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ramfs/ramfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t arena[(256 * 1024) / 8];

static void
check(int ok)
{
	if (!ok)
		abort();
}

/* Removes everything below r. */
static void
remove_all(struct ramfs *fs, struct ramfs_ref r, int depth)
{
	struct ramfs_dirent de;
	uint32_t cookie = 0;

	check(depth <= RAMFS_DEPTH_MAX + 1);
	while (ramfs_readdir(fs, r, &cookie, &de) == 1) {
		struct ramfs_ref c;

		if (de.type == RAMFS_DIR) {
			check(ramfs_walk(fs, r, de.name, strlen(de.name), &c) == 0);
			remove_all(fs, c, depth + 1);
		}
		check(ramfs_unlink(fs, r, de.name, strlen(de.name)) == 0);
		cookie = 0;
	}
}

/* Whether r, resolved from /box, is a node known to lie outside it. */
static int
escaped(struct ramfs *fs, struct ramfs_ref root, struct ramfs_ref outside,
    struct ramfs_ref r)
{
	struct ramfs_ref now;

	if (r.ino == root.ino)
		return 1;
	/* /out counts only while it is still the same node at the same place. */
	return ramfs_walk(fs, root, "out", 3, &now) == 0 && now.ino == outside.ino &&
	    now.gen == outside.gen && r.ino == outside.ino && r.gen == outside.gen;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[6000];
	struct ramfs fs;
	struct ramfs_ref root, box, outside, r;
	struct ramfs_file files[3], f;
	uint64_t used, quota;
	size_t i = 0;

	memset(arena, 0, sizeof(arena));	/* ramfs_init wants it zeroed */
	if (ramfs_init(&fs, arena, sizeof(arena), 64 * 1024) != 0)
		abort();
	root = ramfs_root(&fs);
	check(ramfs_mkdir(&fs, root, "box", 3) == 0);
	check(ramfs_open(&fs, root, "out", 3, RAMFS_O_WRITE | RAMFS_O_CREATE, &f) == 0);
	outside = f.ref;
	check(ramfs_walk(&fs, root, "box", 3, &box) == 0);
	memset(files, 0, sizeof(files));
	while (i + 4 <= size) {
		uint8_t op = data[i], which = data[i + 1] % 2, fi = data[i + 2] % 3;
		size_t plen = data[i + 3] % 24, p2len;
		struct ramfs_ref base = which ? box : root;
		const char *p, *p2;
		struct ramfs_stat st;

		i += 4;
		if (plen > size - i)
			plen = size - i;
		p = (const char *)data + i;
		i += plen;
		p2len = i < size ? data[i++] % 16 : 0;
		if (p2len > size - i)
			p2len = size - i;
		p2 = (const char *)data + i;
		i += p2len;
		switch (op % 10) {
		case 0: ramfs_mkdir(&fs, base, p, plen); break;
		case 1:
			if (ramfs_open(&fs, base, p, plen, op >> 4 | (uint32_t)(op & 1) << 6,
			    &files[fi]) == 0 && which)
				check(!escaped(&fs, root, outside, files[fi].ref));
			break;
		case 2: ramfs_write(&fs, &files[fi], buf, (size_t)op * 23); break;
		case 3: ramfs_read(&fs, &files[fi], buf, (size_t)op * 23); break;
		case 4: ramfs_seek(&fs, &files[fi], (int64_t)op * 977 - 3000, op % 3); break;
		case 5: ramfs_truncate(&fs, &files[fi], (uint64_t)op * 311); break;
		case 6: ramfs_unlink(&fs, base, p, plen); break;
		case 7: ramfs_rename(&fs, base, p, plen, p2, p2len); break;
		case 8:
			if (ramfs_walk(&fs, base, p, plen, &r) == 0 && which)
				check(!escaped(&fs, root, outside, r));
			break;
		default: ramfs_stat(&fs, base, p, plen, &st); break;
		}
		ramfs_usage(&fs, &used, &quota);
		check(used <= quota);
	}
	remove_all(&fs, root, 0);
	ramfs_usage(&fs, &used, &quota);
	check(used == RAMFS_NODE_COST);
	for (uint32_t b = 0; b < (fs.nblocks + 7) / 8; b++)
		check(fs.bitmap[b] == 0);
	for (uint64_t b = 0; b < (uint64_t)fs.nblocks * RAMFS_BLOCK; b++)
		check(fs.blocks[b] == 0);
	return 0;
}

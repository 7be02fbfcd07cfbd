/* Replacing a file only once its new contents are complete (replace.h). */
#include "user/shell/replace.h"
#include "user/shell/shell.h"

#define TRIES	10	/* names .partial-0 to .partial-9 */

/* "DIR/.partial-K" for path "DIR/NAME" (".partial-K" for a bare NAME). */
static int
tmp_name(char *out, const char *path, int k)
{
	size_t dir = 0;

	for (size_t i = 0; path[i] != 0; i++)
		if (path[i] == '/')
			dir = i + 1;

	if (dir + sizeof(".partial-0") > RAMFS_PATH_MAX + 1)
		return RAMFS_ENAMETOOLONG;
	memcpy(out, path, dir);
	memcpy(out + dir, ".partial-0", sizeof(".partial-0"));
	out[dir + sizeof(".partial-0") - 2] = (char)('0' + k);
	return 0;
}

int64_t
replace_open(struct replace *r, const char *path)
{
	int64_t h = RAMFS_EEXIST;
	uint64_t st[3];

	r->path = path;
	/* A directory cannot be replaced by a file: say so before making one. */
	if (rfs_stat(&fs, path, st) == 0 && st[0] == RAMFS_DIR)
		return RAMFS_EISDIR;
	for (int k = 0; k < TRIES && h == RAMFS_EEXIST; k++) {
		if ((h = tmp_name(r->tmp, path, k)) < 0)
			return h;
		h = rfs_open(&fs, r->tmp, RAMFS_O_WRITE | RAMFS_O_CREATE | RAMFS_O_EXCL);
	}
	r->h = h;
	return h < 0 ? h : 0;
}

int64_t
replace_end(struct replace *r, int64_t err)
{
	rfs_close(&fs, r->h);
	if (err == 0 && (err = rfs_rename(&fs, r->tmp, r->path)) == 0)
		return 0;
	rfs_unlink(&fs, r->tmp, RAMFS_FILE);
	return err;
}

int64_t
write_all(int64_t h, const void *p, size_t n)
{
	const char *b = p;
	int64_t w;

	for (size_t done = 0; done < n; done += (size_t)w) {
		if ((w = rfs_write(&fs, h, b + done, n - done)) <= 0)
			return w < 0 ? w : RAMFS_ENOSPC;
	}
	return 0;
}

/*
 * nonos-vault --image: the persistence partition of a disk image or a
 * block device (image.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/gpt/gpt.h"
#include "tools/nonos-vault/cli.h"
#include "tools/nonos-vault/image.h"

static int
disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct image *im = ctx;

	return pread(im->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

/* Offsets within the partition, for lib/store. */
static int
part_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct image *im = ctx;

	if (off > im->dev.size || len > im->dev.size - off)
		return -1;
	return pread(im->fd, buf, len, (off_t)(im->base + off)) == (ssize_t)len ?
	    0 : -1;
}

static int
part_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	const struct image *im = ctx;

	if (off > im->dev.size || len > im->dev.size - off)
		return -1;
	return pwrite(im->fd, buf, len, (off_t)(im->base + off)) == (ssize_t)len ?
	    0 : -1;
}

static int
part_flush(void *ctx)
{
	const struct image *im = ctx;

	return fdatasync(im->fd);
}

/* The disk's size and logical sector size. */
static int
disk_geometry(int fd, uint64_t *size, uint32_t *sector)
{
	struct stat st;
	int ss;

	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, size) < 0 || ioctl(fd, BLKSSZGET, &ss) < 0)
			return -1;
		*sector = (uint32_t)ss;
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	*size = (uint64_t)st.st_size;
	*sector = 512;
	return 0;
}

int
image_open(struct image *im, const char *path, int writable)
{
	static struct gpt g;
	struct gpt_disk d;
	const struct gpt_part *p;
	const char *err;
	int r;

	memset(im, 0, sizeof *im);
	if ((im->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)) < 0 ||
	    disk_geometry(im->fd, &d.size, &d.sector) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		goto fail;
	}
	d.read = disk_read;
	d.ctx = im;
	if ((err = gpt_read(&d, &g)) != NULL) {
		warnx_("%s: %s", path, err);
		goto fail;
	}
	if ((p = gpt_find(&g, gpt_type_nonos_persist)) == NULL) {
		warnx_("%s: no NONOS PERSIST partition", path);
		goto fail;
	}
	im->base = p->first * g.sector;
	im->dev = (struct store_dev){ part_read, part_write, part_flush, im,
	    (p->last - p->first + 1) * g.sector };
	if ((r = store_scan(&im->dev, &im->scan)) != STORE_OK) {
		warnx_("%s: %s", path, store_strerror(r));
		goto fail;
	}
	return 0;
fail:
	if (im->fd >= 0)
		close(im->fd);
	im->fd = -1;
	return -1;
}

static int
vault_bytes(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct image *im = ctx;

	if (store_read_vault(&im->dev, &im->scan.best, off, buf, len) != STORE_OK)
		return VAULT_EIO;
	return VAULT_OK;
}

int
image_src(struct image *im, const char *path, struct vault_src *src)
{
	if (im->scan.best.generation == 0) {
		warnx_("%s: no vault in the persistence partition%s", path,
		    im->scan.damaged ? " (the saved copies are damaged)" : "");
		return -1;
	}
	src->read = vault_bytes;
	src->ctx = im;
	src->size = im->scan.best.length;
	return 0;
}

static int
store_sink_write(void *ctx, const void *buf, size_t len)
{
	/* The store error stays in the writer, for image_commit's message. */
	return store_write(ctx, buf, len) == STORE_OK ? VAULT_OK : VAULT_EIO;
}

void
image_sink(struct image *im, struct store_writer *w, struct vault_sink *sink)
{
	/* The host knows no rollback counter: the next generation on the disk. */
	store_begin(w, &im->dev, &im->scan, 0);
	sink->write = store_sink_write;
	sink->ctx = w;
}

int
image_commit(struct image *im, struct store_writer *w, const char *path)
{
	int r;

	(void)im;
	if ((r = store_finish(w)) != STORE_OK) {
		warnx_("%s: %s", path, store_strerror(r));
		return -1;
	}
	printf("%s: saved as generation %llu\n", path,
	    (unsigned long long)w->head.generation);
	return 0;
}

void
image_close(struct image *im)
{
	if (im->fd >= 0)
		close(im->fd);
	im->fd = -1;
}

static void
describe(const char *what, const struct store_head *h)
{
	if (h->generation == 0)
		printf("%-14snone\n", what);
	else
		printf("%-14sgeneration %llu, slot %u, %llu bytes\n", what,
		    (unsigned long long)h->generation, h->slot,
		    (unsigned long long)h->length);
}

void
image_describe(const struct image *im)
{
	printf("partition:    %llu bytes at byte %llu, %llu per slot\n",
	    (unsigned long long)im->dev.size, (unsigned long long)im->base,
	    (unsigned long long)store_slot_bytes(im->dev.size));
	describe("newest:", &im->scan.best);
	describe("older:", &im->scan.older);
	if (im->scan.damaged)
		printf("damaged:      head%s%s%s\n",
		    im->scan.damaged == 3 ? "s " : " ",
		    im->scan.damaged & 1 ? "0" : "",
		    im->scan.damaged == 3 ? " and 1" : im->scan.damaged & 2 ? "1" : "");
}

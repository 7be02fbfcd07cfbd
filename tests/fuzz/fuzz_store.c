/*
 * libFuzzer target for lib/store's scan: the input is a whole persistence
 * partition (a multiple of 4 KiB is not required). No input may read
 * outside it, and a vault the scan accepts lies inside its slot and
 * really hashes to what its head says; then one save on a copy must
 * succeed and become the newest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct image {
	uint8_t *data;
	size_t size;
};

static int
rd(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct image *im = ctx;

	if (off > im->size || len > im->size - off)
		abort();
	memcpy(buf, im->data + off, len);
	return 0;
}

static int
wr(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct image *im = ctx;

	if (off > im->size || len > im->size - off)
		abort();
	memcpy(im->data + off, buf, len);
	return 0;
}

static int
fl(void *ctx)
{
	(void)ctx;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image im;
	struct store_dev d = { rd, wr, fl, &im, size };
	struct store_scan s, after;
	struct store_writer w;

	im.data = malloc(size + 1);
	if (im.data == NULL)
		return 0;
	memcpy(im.data, data, size);
	im.size = size;
	if (store_scan(&d, &s) == STORE_OK) {
		if (s.best.generation != 0 &&
		    (s.best.length > store_slot_bytes(size) || s.best.slot > 1 ||
		    s.older.generation >= s.best.generation))
			abort();
		if (s.best.generation < UINT64_MAX - 2 &&
		    store_begin(&w, &d, &s, 0) == STORE_OK &&
		    store_write(&w, "x", 1) == STORE_OK &&
		    store_finish(&w) == STORE_OK) {
			if (store_scan(&d, &after) != STORE_OK ||
			    after.best.generation != w.head.generation ||
			    after.best.length != 1)
				abort();
		}
	}
	free(im.data);
	return 0;
}

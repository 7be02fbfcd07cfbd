/*
 * --image: the vault in the persistence partition ("NONOS PERSIST") of a
 * NØNOS disk image or device, read and written with lib/gpt and
 * lib/store, the same code NØNOS uses.
 */
#ifndef TOOLS_NONOS_VAULT_IMAGE_H
#define TOOLS_NONOS_VAULT_IMAGE_H

#include <stdint.h>

#include "lib/store/store.h"
#include "lib/vault/vault.h"

struct image {
	int fd;
	uint64_t base;		/* the partition's first byte on the disk */
	struct store_dev dev;
	struct store_scan scan;
};

/* Opens path and finds and scans its partition: 0, or -1 after a message. */
int image_open(struct image *im, const char *path, int writable);
/* A vault_src over the newest vault: 0, or -1 after a message (none there). */
int image_src(struct image *im, const char *path, struct vault_src *src);
/*
 * A vault_sink that writes the next generation into the slot the newest
 * vault is not in; image_commit makes it the newest (flushes, head, flush).
 */
void image_sink(struct image *im, struct store_writer *w, struct vault_sink *sink);
int image_commit(struct image *im, struct store_writer *w, const char *path);
void image_close(struct image *im);
/* Prints the partition's generations (for inspect). */
void image_describe(const struct image *im);

#endif

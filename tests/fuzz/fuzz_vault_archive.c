/*
 * lib/vault's payload parsers: the input goes through the LZ4 block
 * unpacker into the archive parser (and straight into the archive parser
 * too), fed in pieces of a size the first byte chooses. Every entry that
 * is reported must obey the archive's rules, and data must add up.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/path/path.h"
#include "lib/vault/archive.h"
#include "lib/vault/pack.h"
#include "lib/vault/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	uint64_t left; /* data still owed to the last entry */
	int ended;
};

static int
on_entry(void *ctx, const struct archive_entry *e)
{
	struct seen *s = ctx;

	if (s->left != 0 || s->ended || !path_is_safe(e->path, e->pathlen) ||
	    strlen(e->path) != e->pathlen || e->mode > ARCHIVE_MODE_MAX ||
	    (e->type != ARCHIVE_FILE && e->type != ARCHIVE_DIR) ||
	    (e->type == ARCHIVE_DIR && e->size != 0))
		abort();
	s->left = e->size;
	return 0;
}

static int
on_data(void *ctx, const uint8_t *buf, size_t len)
{
	struct seen *s = ctx;

	(void)buf;
	if (len == 0 || len > s->left)
		abort();
	s->left -= len;
	return 0;
}

static int
on_end(void *ctx)
{
	struct seen *s = ctx;

	if (s->left != 0 || s->ended)
		abort();
	s->ended = 1;
	return 0;
}

static int
to_parser(void *ctx, const uint8_t *buf, size_t len)
{
	return archive_feed(ctx, buf, len);
}

static void
run(const uint8_t *data, size_t size, size_t step, int unpack)
{
	static struct vault_unpacker u;
	struct seen s = { 0 };
	struct archive_ops ops = { on_entry, on_data, on_end, &s };
	struct archive_parser p;
	int err = VAULT_OK;

	archive_parser_init(&p, &ops);
	vault_unpack_init(&u, VAULT_COMP_LZ4, to_parser, &p);
	for (size_t off = 0; off < size && err == VAULT_OK; off += step) {
		size_t n = size - off < step ? size - off : step;
		err = unpack ? vault_unpack_feed(&u, data + off, n) :
		    archive_feed(&p, data + off, n);
	}
	if (err == VAULT_OK && unpack)
		err = vault_unpack_finish(&u);
	if (err == VAULT_OK)
		err = archive_finish(&p);
	/* Success means the end marker came, with every entry complete. */
	if (err == VAULT_OK && !(s.ended && s.left == 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step;

	if (size < 1)
		return 0;
	step = 1 + data[0] % 64;
	run(data + 1, size - 1, step, 0);
	run(data + 1, size - 1, step, 1);
	return 0;
}

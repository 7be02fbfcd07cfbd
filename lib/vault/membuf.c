/* In-memory vault sources and sinks. */
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/vault/membuf.h"

static int
mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct vault_membuf *m = ctx;

	if (off > m->len || len > m->len - off)
		return VAULT_EIO;
	if (len > 0)
		memcpy(buf, m->buf + off, len);
	return 0;
}

void
vault_mem_src(struct vault_src *src, const struct vault_membuf *m)
{
	src->read = mem_read;
	src->ctx = (void *)(uintptr_t)m;
	src->size = m->len;
}

/* Grows m to hold need bytes: doubling, bounded by m->max. */
static int
grow(struct vault_membuf *m, size_t need)
{
	size_t cap = m->cap > 0 ? m->cap : 4096;
	uint8_t *p;

	if (need > m->max)
		return VAULT_ENOMEM;
	while (cap < need)
		cap = cap > m->max / 2 ? m->max : cap * 2;
	/* No realloc: the freestanding environment has malloc and free only. */
	if ((p = malloc(cap)) == NULL)
		return VAULT_ENOMEM;
	if (m->len > 0)
		memcpy(p, m->buf, m->len);
	if (m->buf != NULL) {
		nc_wipe(m->buf, m->cap);
		free(m->buf);
	}
	m->buf = p;
	m->cap = cap;
	return VAULT_OK;
}

static int
mem_write(void *ctx, const void *buf, size_t len)
{
	struct vault_membuf *m = ctx;
	int r;

	if (len > m->max - m->len)
		return VAULT_ENOMEM;
	if (m->len + len > m->cap && (r = grow(m, m->len + len)) != VAULT_OK)
		return r;
	if (len > 0)
		memcpy(m->buf + m->len, buf, len);
	m->len += len;
	return 0;
}

void
vault_mem_sink(struct vault_sink *sink, struct vault_membuf *m, size_t max)
{
	memset(m, 0, sizeof *m);
	m->max = max;
	sink->write = mem_write;
	sink->ctx = m;
}

void
vault_membuf_free(struct vault_membuf *m)
{
	if (m->buf != NULL) {
		nc_wipe(m->buf, m->cap);
		free(m->buf);
	}
	memset(m, 0, sizeof *m);
}

/*
 * Vaults in memory: a vault_src over a byte array and a growing vault_sink
 * (for tests, fuzzers, and the kernel, which holds vaults in RAM).
 */
#ifndef LIB_VAULT_MEMBUF_H
#define LIB_VAULT_MEMBUF_H

#include <stddef.h>
#include <stdint.h>

#include "lib/vault/vault.h"

struct vault_membuf {
	uint8_t *buf;
	size_t len, cap;
	size_t max; /* writes past this fail: VAULT_ENOMEM */
};

/* A source reading m->buf[0..m->len); m must outlive it. */
void vault_mem_src(struct vault_src *src, const struct vault_membuf *m);
/* A sink appending to m, which starts empty and may grow to max bytes. */
void vault_mem_sink(
    struct vault_sink *sink, struct vault_membuf *m, size_t max);
/* Wipes and frees m's buffer. */
void vault_membuf_free(struct vault_membuf *m);

#endif

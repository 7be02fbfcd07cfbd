/*
 * lib/vault's reader on hostile vaults: the first byte chooses whether the
 * input is a whole vault, or a list of byte edits to a valid signed vault
 * (passphrase, hybrid and generation stanzas) made at start-up, which reaches the
 * unlocking, MAC, chunk and signature paths. Nothing may crash or leak,
 * and an edited vault may only open if the edits changed nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/vault/membuf.h"
#include "lib/vault/vault.h"

#define PASS		"fuzz"
/* Passphrase stanzas are tried only when this cheap (t passes, KiB). */
#define CHEAP_T		2
#define CHEAP_M		64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vault_seckey id;
static uint8_t sign_pk[32];
static struct vault_membuf good;

static void
init(void)
{
	static const uint8_t xseed[32] = { 1 }, kseed[64] = { 2 };
	uint8_t sk[64];
	struct vault_pubkey rcpt;
	struct vault_lock lock = { .pass = PASS, .passlen = 4, .kdf_t = 1,
	    .kdf_m = 8, .rcpt = &rcpt, .nrcpt = 1, .sign_sk = sk,
	    .compress = VAULT_COMP_LZ4, .generation = 7 };
	struct vault_sink sink;
	struct vault_writer *w;
	/* One file "a" (mode 0644) holding "abc", then the end marker. */
	static const uint8_t payload[] = { 1, 0x01, 0xa4, 0, 1, 'a',
	    0, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c', 0 };

	if (vault_seckey_derive(&id, xseed, kseed) != VAULT_OK ||
	    nc_sign_ed25519_keypair(sign_pk, sk) != NC_OK)
		abort();
	rcpt = id.pub;
	vault_mem_sink(&sink, &good, 1 << 20);
	if (vault_create(&w, &lock, &sink) != VAULT_OK ||
	    vault_write(w, payload, sizeof payload) != VAULT_OK ||
	    vault_finish(w) != VAULT_OK)
		abort();
	vault_writer_free(w);
}

static int
discard(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return 0;
}

/* Opens with u and reads everything; returns the error. */
static int
try_open(const struct vault_membuf *m, const struct vault_unlock *u)
{
	struct vault_src src;
	struct vault_sink sink = { discard, NULL };
	struct vault_reader *r;
	int err;

	vault_mem_src(&src, m);
	if ((err = vault_open(&r, &src, u)) != VAULT_OK)
		return err;
	err = vault_read(r, &sink, NULL, NULL);
	vault_close(r);
	return err;
}

static int
cheap(const struct vault_header *h)
{
	for (size_t i = 0; i < h->nstanzas; i++)
		if (h->stanza[i].type == VAULT_STANZA_PASS &&
		    (h->stanza[i].kdf_t > CHEAP_T ||
		    h->stanza[i].kdf_m > CHEAP_M))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_unlock byid = { .id = &id };
	struct vault_unlock bypass = { .pass = PASS, .passlen = 4 };
	struct vault_header h;
	struct vault_src src;
	struct vault_membuf m;
	int changed = 0, err1, err2;

	if (good.buf == NULL)
		init();
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		/* Edits: (offset hi, offset lo, xor) triples. */
		m.len = m.cap = good.len;
		if ((m.buf = malloc(m.len)) == NULL)
			abort();
		memcpy(m.buf, good.buf, m.len);
		for (size_t i = 1; i + 3 <= size; i += 3) {
			size_t off =
			    ((size_t)data[i] << 8 | data[i + 1]) % m.len;
			m.buf[off] ^= data[i + 2];
		}
		changed = memcmp(m.buf, good.buf, m.len) != 0;
		/* Cut the file short too, when asked. */
		if ((data[0] & 2) && size >= 3) {
			m.len -=
			    ((size_t)data[size - 2] << 8 | data[size - 1]) %
			    m.len;
			changed |= m.len != good.len;
		}
	} else {
		m.len = m.cap = size - 1;
		if ((m.buf = malloc(m.len + 1)) == NULL)
			abort();
		memcpy(m.buf, data + 1, m.len);
		changed = 1;
	}
	vault_mem_src(&src, &m);
	if (vault_inspect(&src, &h) == VAULT_OK && cheap(&h)) {
		err1 = try_open(&m, &byid);
		err2 = try_open(&m, &bypass);
		/* No bit of a vault is ignored: an edited one never opens. */
		if (changed && (data[0] & 1) &&
		    (err1 == VAULT_OK || err2 == VAULT_OK))
			abort();
		if (!changed && (err1 != VAULT_OK || err2 != VAULT_OK))
			abort();
	}
	free(m.buf);
	return 0;
}

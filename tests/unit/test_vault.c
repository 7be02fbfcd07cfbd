/*
 * Tests of lib/vault: round trips (passphrase, hybrid recipients, signed,
 * compressed or not, chunk-boundary sizes), rekey, and every kind of bad
 * input getting its own error: wrong passphrase or key, each byte
 * flipped, every truncation, reordered, duplicated, dropped and appended
 * chunks, unknown version and algorithm, absurd KDF parameters, bad
 * signatures and signers. Argon2id runs with t=1, m=8 KiB for speed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/crypto.h"
#include "lib/vault/bytes.h"
#include "lib/vault/header.h"
#include "lib/vault/membuf.h"
#include "lib/vault/stream.h"
#include "lib/vault/vault.h"

#define PASS	"correct horse battery staple"
#define MAXOUT	((size_t)64 << 20)

static struct vault_seckey alice, bob;
static uint8_t sign_pk[32], sign_sk[64], other_pk[32], other_sk[64];

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(vault_keygen(&alice), VAULT_OK);
	assert_int_equal(vault_keygen(&bob), VAULT_OK);
	assert_int_equal(nc_sign_ed25519_keypair(sign_pk, sign_sk), NC_OK);
	assert_int_equal(nc_sign_ed25519_keypair(other_pk, other_sk), NC_OK);
	return 0;
}

/* Deterministic filler: half pseudo-random, half text, so LZ4 has work. */
static uint8_t *
payload(size_t len, uint32_t seed)
{
	uint8_t *p = malloc(len > 0 ? len : 1);
	static const char text[] =
	    "the quick brown fox jumps over the lazy dog ";

	assert_non_null(p);
	for (size_t i = 0; i < len; i++) {
		seed = seed * 1664525u + 1013904223u;
		p[i] = (i / 4096) % 2 ? (uint8_t)(seed >> 24) :
		    (uint8_t)text[i % (sizeof text - 1)];
	}
	return p;
}

static struct vault_lock
pass_lock(int compress, const uint8_t *sk)
{
	struct vault_lock l = {
		.pass = PASS, .passlen = strlen(PASS), .kdf_t = 1, .kdf_m = 8,
		.sign_sk = sk, .compress = compress,
	};
	return l;
}

static void
make(struct vault_membuf *m, const struct vault_lock *lock, const uint8_t *data,
    size_t len)
{
	struct vault_sink sink;
	struct vault_writer *w;

	vault_mem_sink(&sink, m, MAXOUT);
	assert_int_equal(vault_create(&w, lock, &sink), VAULT_OK);
	/* Odd-sized writes cross block and chunk boundaries. */
	for (size_t off = 0; off < len; off += 7777) {
		size_t n = len - off < 7777 ? len - off : 7777;
		assert_int_equal(vault_write(w, data + off, n), VAULT_OK);
	}
	assert_int_equal(vault_finish(w), VAULT_OK);
	vault_writer_free(w);
}

/* Opens and reads m; returns the error, and the payload in *out. */
static int
readback(const struct vault_membuf *m, const struct vault_unlock *u,
    const uint8_t *signer, struct vault_membuf *out)
{
	struct vault_src src;
	struct vault_sink sink;
	struct vault_reader *r;
	int err;

	vault_mem_src(&src, m);
	vault_mem_sink(&sink, out, MAXOUT);
	if ((err = vault_open(&r, &src, u)) != VAULT_OK)
		return err;
	err = vault_read(r, &sink, signer, NULL);
	vault_close(r);
	return err;
}

static int
try_pass(const struct vault_membuf *m, const char *pass, const uint8_t *signer)
{
	struct vault_unlock u = { .pass = pass, .passlen = strlen(pass) };
	struct vault_membuf out;
	int err = readback(m, &u, signer, &out);

	vault_membuf_free(&out);
	return err;
}

static void
round_trip(size_t len, int compress, const uint8_t *sk)
{
	struct vault_lock lock = pass_lock(compress, sk);
	struct vault_unlock u = { .pass = PASS, .passlen = strlen(PASS) };
	struct vault_membuf m, out;
	uint8_t *data = payload(len, (uint32_t)len);

	make(&m, &lock, data, len);
	assert_int_equal(readback(&m, &u, sk != NULL ? sign_pk : NULL, &out),
	    VAULT_OK);
	assert_int_equal(out.len, len);
	if (len > 0)
		assert_memory_equal(out.buf, data, len);
	vault_membuf_free(&out);
	vault_membuf_free(&m);
	free(data);
}

static void
test_round_trip_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, 65535, 65536, 65537,
	    3 * 65536, 200001 };

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		round_trip(sizes[i], VAULT_COMP_NONE, NULL);
		round_trip(sizes[i], VAULT_COMP_LZ4, NULL);
		round_trip(sizes[i], VAULT_COMP_LZ4, sign_sk);
	}
}

static void
test_compression_shrinks(void **state)
{
	struct vault_lock lock = pass_lock(VAULT_COMP_LZ4, NULL);
	struct vault_membuf m;
	uint8_t *text = malloc(300000);

	(void)state;
	for (size_t i = 0; i < 300000; i++)
		text[i] = "abcabcabd\n"[i % 10];
	make(&m, &lock, text, 300000);
	assert_true(m.len < 30000);
	vault_membuf_free(&m);
	free(text);
}

static void
test_recipients(void **state)
{
	struct vault_pubkey rcpt[2] = { alice.pub, bob.pub };
	struct vault_lock lock = { .rcpt = rcpt, .nrcpt = 2,
	    .compress = VAULT_COMP_LZ4 };
	struct vault_unlock ua = { .id = &alice }, ub = { .id = &bob };
	struct vault_seckey eve;
	struct vault_unlock ue = { .id = &eve };
	struct vault_membuf m, out;
	uint8_t *data = payload(70000, 5);

	(void)state;
	assert_int_equal(vault_keygen(&eve), VAULT_OK);
	make(&m, &lock, data, 70000);
	assert_int_equal(readback(&m, &ua, NULL, &out), VAULT_OK);
	assert_memory_equal(out.buf, data, 70000);
	vault_membuf_free(&out);
	assert_int_equal(readback(&m, &ub, NULL, &out), VAULT_OK);
	vault_membuf_free(&out);
	assert_int_equal(readback(&m, &ue, NULL, &out), VAULT_ENOKEY);
	vault_membuf_free(&out);
	/* No passphrase stanza at all. */
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_ENOPASS);
	vault_seckey_wipe(&eve);
	vault_membuf_free(&m);
	free(data);
}

static void
test_wrong_passphrase(void **state)
{
	struct vault_pubkey rcpt[1] = { alice.pub };
	struct vault_lock lock = pass_lock(VAULT_COMP_LZ4, NULL);
	struct vault_unlock both = { .pass = "nope", .passlen = 4, .id = &bob };
	struct vault_unlock id = { .id = &alice };
	struct vault_membuf m, out;

	(void)state;
	lock.rcpt = rcpt;
	lock.nrcpt = 1;
	make(&m, &lock, (const uint8_t *)"x", 1);
	assert_int_equal(try_pass(&m, "Correct horse battery staple", NULL),
	    VAULT_EPASS);
	assert_int_equal(try_pass(&m, "", NULL), VAULT_EPASS);
	/* Both offered, both wrong: the passphrase's error is reported. */
	assert_int_equal(readback(&m, &both, NULL, &out), VAULT_EPASS);
	vault_membuf_free(&out);
	/* Either credential alone opens a mixed vault. */
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_OK);
	assert_int_equal(readback(&m, &id, NULL, &out), VAULT_OK);
	vault_membuf_free(&out);
	vault_membuf_free(&m);
}

static void
test_signatures(void **state)
{
	struct vault_lock signed_lock = pass_lock(VAULT_COMP_LZ4, sign_sk);
	struct vault_lock plain_lock = pass_lock(VAULT_COMP_LZ4, NULL);
	struct vault_membuf s, p;
	struct vault_src src;

	(void)state;
	make(&s, &signed_lock, (const uint8_t *)"hello", 5);
	make(&p, &plain_lock, (const uint8_t *)"hello", 5);
	assert_int_equal(try_pass(&s, PASS, sign_pk), VAULT_OK);
	assert_int_equal(try_pass(&s, PASS, NULL), VAULT_OK);
	assert_int_equal(try_pass(&s, PASS, other_pk), VAULT_ESIGNER);
	assert_int_equal(try_pass(&p, PASS, sign_pk), VAULT_EUNSIGNED);
	assert_int_equal(try_pass(&p, PASS, NULL), VAULT_OK);
	vault_mem_src(&src, &s);
	assert_int_equal(vault_check_signature(&src, sign_pk, NULL), VAULT_OK);
	assert_int_equal(vault_check_signature(&src, NULL, NULL), VAULT_OK);
	assert_int_equal(vault_check_signature(&src, other_pk, NULL),
	    VAULT_ESIGNER);
	s.buf[s.len - 1] ^= 0x20;
	assert_int_equal(vault_check_signature(&src, sign_pk, NULL),
	    VAULT_ESIG);
	assert_int_equal(try_pass(&s, PASS, sign_pk), VAULT_ESIG);
	vault_mem_src(&src, &p);
	assert_int_equal(vault_check_signature(&src, NULL, NULL),
	    VAULT_EUNSIGNED);
	vault_membuf_free(&s);
	vault_membuf_free(&p);
}

/*
 * Every byte of a small signed vault, flipped in turn: never accepted, and
 * each region gives its own error.
 */
static void
test_flip_every_byte(void **state)
{
	struct vault_lock lock = pass_lock(VAULT_COMP_LZ4, sign_sk);
	struct vault_header h;
	struct vault_src src;
	struct vault_membuf m;
	uint8_t data[300];
	size_t body, trailer;
	int err;

	(void)state;
	memset(data, 'z', sizeof data);
	make(&m, &lock, data, sizeof data);
	vault_mem_src(&src, &m);
	assert_int_equal(vault_inspect(&src, &h), VAULT_OK);
	body = h.len;
	trailer = h.len + h.body_len;
	for (size_t i = 0; i < m.len; i++) {
		m.buf[i] ^= 1u << (i % 8);
		err = try_pass(&m, PASS, sign_pk);
		m.buf[i] ^= 1u << (i % 8);
		assert_int_not_equal(err, VAULT_OK);
		if (i < 8)
			assert_int_equal(err, VAULT_EMAGIC);
		else if (i == 8)
			assert_int_equal(err, VAULT_EVERSION);
		else if (i >= 9 && i < 12)
			assert_true(err == VAULT_EALG ||
			    err == VAULT_EUNSIGNED || err == VAULT_EHEADER ||
			    err == VAULT_ETRUNC);
		else if (i >= h.len - 32 && i < body)
			assert_int_equal(err, VAULT_EHMAC);
		else if (i >= body && i < trailer)
			assert_int_equal(err, VAULT_ECHUNK);
		else if (i >= trailer && i < trailer + 8)
			assert_int_equal(err, VAULT_ETRUNC);
		else if (i >= trailer + 8)
			assert_int_equal(err, VAULT_ESIG);
	}
	vault_membuf_free(&m);
}

/*
 * The same over a vault with two hybrid recipient stanzas: every byte
 * outside the stanzas, every 7th inside them (ML-KEM decapsulation under
 * the sanitizers is what makes this test slow).
 */
static void
test_flip_every_byte_hybrid(void **state)
{
	struct vault_pubkey rcpt[2] = { bob.pub, alice.pub };
	struct vault_lock lock = { .rcpt = rcpt, .nrcpt = 2, .sign_sk = sign_sk,
	    .compress = VAULT_COMP_LZ4 };
	struct vault_unlock u = { .id = &alice };
	struct vault_membuf m, out;
	int err;

	(void)state;
	make(&m, &lock, (const uint8_t *)"payload", 7);
	assert_int_equal(readback(&m, &u, sign_pk, &out), VAULT_OK);
	vault_membuf_free(&out);
	for (size_t i = 0; i < m.len;
	     i += (i >= 49 && i < 49 + 2 * 1651) ? 7 : 1) {
		m.buf[i] ^= 0x80u >> (i % 8);
		err = readback(&m, &u, sign_pk, &out);
		vault_membuf_free(&out);
		m.buf[i] ^= 0x80u >> (i % 8);
		assert_int_not_equal(err, VAULT_OK);
	}
	vault_membuf_free(&m);
}

static void
test_truncate_every_length(void **state)
{
	struct vault_lock lock = pass_lock(VAULT_COMP_LZ4, sign_sk);
	struct vault_membuf m;
	size_t full;
	uint8_t data[1000];

	(void)state;
	memset(data, 'q', sizeof data);
	make(&m, &lock, data, sizeof data);
	full = m.len;
	for (size_t len = 0; len < full; len++) {
		m.len = len;
		assert_int_equal(try_pass(&m, PASS, NULL), VAULT_ETRUNC);
	}
	m.len = full;
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_OK);
	vault_membuf_free(&m);
}

/* A 4-chunk unsigned, uncompressed vault and its geometry. */
struct chunked {
	struct vault_membuf m;
	size_t hlen;
	uint8_t *chunk[5];		/* copies of each full chunk */
};

static void
make_chunked(struct chunked *c)
{
	struct vault_lock lock = pass_lock(VAULT_COMP_NONE, NULL);
	uint8_t *data = payload(4 * VAULT_CHUNK, 9);
	struct vault_header h;
	struct vault_src src;

	make(&c->m, &lock, data, 4 * VAULT_CHUNK);
	free(data);
	vault_mem_src(&src, &c->m);
	assert_int_equal(vault_inspect(&src, &h), VAULT_OK);
	assert_int_equal(h.nchunks, 4);
	c->hlen = h.len;
	for (int i = 0; i < 4; i++) {
		c->chunk[i] = malloc(VAULT_CT_CHUNK);
		memcpy(c->chunk[i],
		    c->m.buf + c->hlen + (size_t)i * VAULT_CT_CHUNK,
		    VAULT_CT_CHUNK);
	}
}

/* Rebuilds the vault's body from the chunk indices in order[], n of them. */
static int
try_order(struct chunked *c, const int *order, size_t n)
{
	struct vault_membuf v;
	int err;

	v.len = c->hlen + n * VAULT_CT_CHUNK + 8;
	v.buf = malloc(v.len);
	v.cap = v.len;
	memcpy(v.buf, c->m.buf, c->hlen);
	for (size_t i = 0; i < n; i++)
		memcpy(v.buf + c->hlen + i * VAULT_CT_CHUNK, c->chunk[order[i]],
		    VAULT_CT_CHUNK);
	put64(v.buf + v.len - 8, (uint64_t)n * VAULT_CT_CHUNK);
	err = try_pass(&v, PASS, NULL);
	vault_membuf_free(&v);
	return err;
}

static void
test_chunk_order(void **state)
{
	struct chunked c;
	static const int same[] = { 0, 1, 2, 3 }, swap[] = { 0, 2, 1, 3 };
	static const int dup[] = {0, 1, 1, 2, 3}, dropped_last[] = {0, 1, 2};
	static const int dropped_mid[] = {0, 2, 3},
			 appended[] = {0, 1, 2, 3, 3};
	static const int first_twice[] = { 0, 0, 1, 2, 3 };

	(void)state;
	make_chunked(&c);
	assert_int_equal(try_order(&c, same, 4), VAULT_OK);
	assert_int_equal(try_order(&c, swap, 4), VAULT_EREORDER);
	assert_int_equal(try_order(&c, dup, 5), VAULT_EDUP);
	assert_int_equal(try_order(&c, first_twice, 5), VAULT_EDUP);
	assert_int_equal(try_order(&c, dropped_last, 3), VAULT_ETRUNC);
	assert_int_equal(try_order(&c, dropped_mid, 3), VAULT_EREORDER);
	assert_int_equal(try_order(&c, appended, 5), VAULT_EEXTEND);
	for (int i = 0; i < 4; i++)
		free(c.chunk[i]);
	vault_membuf_free(&c.m);
}

static void
test_version_and_algorithms(void **state)
{
	struct vault_lock lock = pass_lock(VAULT_COMP_LZ4, NULL);
	struct vault_membuf m;

	(void)state;
	make(&m, &lock, (const uint8_t *)"abc", 3);
	m.buf[8] = 2;
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_EVERSION);
	m.buf[8] = 1;
	m.buf[9] = 7;
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_EALG);
	m.buf[9] = 1;
	m.buf[10] = 9;
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_EALG);
	m.buf[10] = 1;
	memcpy(m.buf, "NONOSVLX", 8);
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_EMAGIC);
	vault_membuf_free(&m);
}

/* Passphrase stanza's t and m: after magic..nonce, count, type, len, salt. */
#define KDF_T_OFF	(16 + 32 + 1 + 3 + 16)

static void
test_absurd_kdf(void **state)
{
	struct vault_lock lock = pass_lock(VAULT_COMP_LZ4, NULL);
	struct vault_membuf m;
	uint8_t save[9];

	(void)state;
	make(&m, &lock, (const uint8_t *)"abc", 3);
	assert_int_equal(be32(m.buf + KDF_T_OFF), 1);
	assert_int_equal(be32(m.buf + KDF_T_OFF + 4), 8);
	memcpy(save, m.buf + KDF_T_OFF, sizeof save);
	put32(m.buf + KDF_T_OFF + 4, 0x7fffffff);	/* 2 TiB */
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_EKDF);
	put32(m.buf + KDF_T_OFF + 4, VAULT_KDF_M_MAX + 1);
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_EKDF);
	memcpy(m.buf + KDF_T_OFF, save, sizeof save);
	put32(m.buf + KDF_T_OFF, 1000000);
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_EKDF);
	put32(m.buf + KDF_T_OFF, 0);
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_EKDF);
	memcpy(m.buf + KDF_T_OFF, save, sizeof save);
	m.buf[KDF_T_OFF + 8] = 4;			/* lanes */
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_EKDF);
	memcpy(m.buf + KDF_T_OFF, save, sizeof save);
	assert_int_equal(try_pass(&m, PASS, NULL), VAULT_OK);
	vault_membuf_free(&m);
}

static void
test_rekey(void **state)
{
	struct vault_lock lock = pass_lock(VAULT_COMP_LZ4, sign_sk);
	struct vault_pubkey rcpt[1] = { bob.pub };
	struct vault_lock newlock = { .pass = "new pass", .passlen = 8,
	    .kdf_t = 1, .kdf_m = 16, .rcpt = rcpt, .nrcpt = 1,
	    .sign_sk = other_sk };
	struct vault_unlock u = { .pass = PASS, .passlen = strlen(PASS) };
	struct vault_unlock ub = { .id = &bob };
	struct vault_membuf m, re, out;
	struct vault_header h1, h2;
	struct vault_src src;
	struct vault_sink sink;
	uint8_t *data = payload(150000, 3);

	(void)state;
	make(&m, &lock, data, 150000);
	vault_mem_src(&src, &m);
	vault_mem_sink(&sink, &re, MAXOUT);
	assert_int_equal(vault_rekey(&src, &u, &newlock, &sink, NULL),
	    VAULT_OK);
	assert_int_equal(try_pass(&re, PASS, NULL), VAULT_EPASS);
	assert_int_equal(try_pass(&re, "new pass", other_pk), VAULT_OK);
	assert_int_equal(try_pass(&re, "new pass", sign_pk), VAULT_ESIGNER);
	assert_int_equal(readback(&re, &ub, NULL, &out), VAULT_OK);
	assert_int_equal(out.len, 150000);
	assert_memory_equal(out.buf, data, 150000);
	vault_membuf_free(&out);
	/* The body is byte for byte the same. */
	assert_int_equal(vault_inspect(&src, &h1), VAULT_OK);
	vault_mem_src(&src, &re);
	assert_int_equal(vault_inspect(&src, &h2), VAULT_OK);
	assert_int_equal(h1.body_len, h2.body_len);
	assert_memory_equal(m.buf + h1.len, re.buf + h2.len, h1.body_len);
	assert_int_equal(h2.nstanzas, 2);
	assert_int_equal(h2.stanza[0].kdf_m, 16);
	/* A damaged body is refused, not re-signed. */
	vault_membuf_free(&re);
	m.buf[h1.len + 100] ^= 1;
	vault_mem_src(&src, &m);
	vault_mem_sink(&sink, &re, MAXOUT);
	assert_int_equal(vault_rekey(&src, &u, &newlock, &sink, NULL),
	    VAULT_ECHUNK);
	/* Wrong old passphrase. */
	u.pass = "bad";
	u.passlen = 3;
	assert_int_equal(vault_rekey(&src, &u, &newlock, &sink, NULL),
	    VAULT_EPASS);
	vault_membuf_free(&re);
	vault_membuf_free(&m);
	free(data);
}

/*
 * The generation stanza: written when the lock names a generation, read
 * by vault_inspect and, authenticated, by vault_generation; the header
 * MAC covers it (a changed number does not open); a wrong length, a zero
 * and a second one are malformed; rekey keeps it.
 */
static int
open_generation(const struct vault_membuf *m, uint64_t *gen)
{
	struct vault_unlock u = { .pass = PASS, .passlen = strlen(PASS) };
	struct vault_reader *r;
	struct vault_src src;
	int err;

	vault_mem_src(&src, m);
	if ((err = vault_open(&r, &src, &u)) != VAULT_OK)
		return err;
	*gen = vault_generation(r);
	vault_close(r);
	return VAULT_OK;
}

static void
test_generation(void **state)
{
	struct vault_lock lock = pass_lock(VAULT_COMP_NONE, NULL);
	struct vault_lock newlock = { .pass = "new pass", .passlen = 8,
	    .kdf_t = 1, .kdf_m = 8 };
	struct vault_unlock u = { .pass = PASS, .passlen = strlen(PASS) };
	struct vault_membuf m, plain, re;
	struct vault_header h;
	struct vault_src src;
	struct vault_sink sink;
	uint8_t data[100];
	uint64_t gen = 0;
	size_t at;

	(void)state;
	memset(data, 'g', sizeof data);
	make(&plain, &lock, data, sizeof data);
	lock.generation = 0x0102030405060708ULL;
	make(&m, &lock, data, sizeof data);
	vault_mem_src(&src, &m);
	assert_int_equal(vault_inspect(&src, &h), VAULT_OK);
	assert_int_equal(h.nstanzas, 2);
	assert_int_equal(h.stanza[1].type, VAULT_STANZA_GENERATION);
	assert_int_equal(h.stanza[1].len, 8);
	assert_int_equal(h.generation, lock.generation);
	assert_int_equal(m.len, plain.len + 3 + 8);
	assert_int_equal(open_generation(&m, &gen), VAULT_OK);
	assert_int_equal(gen, lock.generation);
	assert_int_equal(open_generation(&plain, &gen), VAULT_OK);
	assert_int_equal(gen, 0);
	/* Every byte of the number is under the header MAC. */
	at = h.stanza[1].off;
	for (size_t i = 0; i < 8; i++) {
		m.buf[at + i] ^= 0x10;
		assert_int_equal(open_generation(&m, &gen), VAULT_EHMAC);
		m.buf[at + i] ^= 0x10;
	}
	/* Zero is not a generation. */
	memset(m.buf + at, 0, 8);
	assert_int_equal(vault_inspect(&src, &h), VAULT_EHEADER);
	put64(m.buf + at, lock.generation);
	/* Another length for the type. */
	m.buf[at - 1] = 7;
	assert_int_equal(vault_inspect(&src, &h), VAULT_EHEADER);
	m.buf[at - 1] = 8;
	assert_int_equal(vault_inspect(&src, &h), VAULT_OK);
	/* A second generation stanza: the header with the stanza twice. */
	{
		uint8_t raw[512];
		size_t n = h.len, st = at - 3;
		size_t pos_count = 16 + VAULT_NONCEBYTES;

		assert_true(n + 11 <= sizeof raw);
		memcpy(raw, m.buf, st + 11);
		memcpy(raw + st + 11, m.buf + st, n - st);
		raw[pos_count]++;
		put32(raw + 12, (uint32_t)(n + 11));
		assert_int_equal(vault_header_parse(&h, raw, n + 11), VAULT_EHEADER);
		/* The control: the same bytes with an unknown type parse. */
		raw[st + 11] = 99;
		assert_int_equal(vault_header_parse(&h, raw, n + 11), VAULT_OK);
		assert_int_equal(vault_header_parse(&h, m.buf, n), VAULT_OK);
	}
	/* rekey keeps it, or takes the lock's. */
	vault_mem_sink(&sink, &re, MAXOUT);
	assert_int_equal(vault_rekey(&src, &u, &newlock, &sink, NULL), VAULT_OK);
	vault_mem_src(&src, &re);
	assert_int_equal(vault_inspect(&src, &h), VAULT_OK);
	assert_int_equal(h.generation, lock.generation);
	vault_membuf_free(&re);
	vault_mem_src(&src, &m);
	vault_mem_sink(&sink, &re, MAXOUT);
	newlock.generation = 9;
	assert_int_equal(vault_rekey(&src, &u, &newlock, &sink, NULL), VAULT_OK);
	vault_mem_src(&src, &re);
	assert_int_equal(vault_inspect(&src, &h), VAULT_OK);
	assert_int_equal(h.generation, 9);
	vault_membuf_free(&re);
	/* 16 stanzas in all: 15 that open it and the generation's. */
	{
		struct vault_pubkey rcpt[15];
		struct vault_lock many = { .rcpt = rcpt, .nrcpt = 15, .generation = 1 };
		struct vault_writer *w;

		for (int i = 0; i < 15; i++)
			rcpt[i] = bob.pub;
		vault_mem_sink(&sink, &re, MAXOUT);
		assert_int_equal(vault_create(&w, &many, &sink), VAULT_OK);
		vault_writer_free(w);
		vault_membuf_free(&re);
		many.pass = PASS;
		many.passlen = strlen(PASS);
		many.kdf_t = 1;
		many.kdf_m = 8;
		vault_mem_sink(&sink, &re, MAXOUT);
		assert_int_equal(vault_create(&w, &many, &sink), VAULT_EINVAL);
		vault_membuf_free(&re);
	}
	vault_membuf_free(&m);
	vault_membuf_free(&plain);
}

static void
test_keyfiles(void **state)
{
	uint8_t pub[VAULT_PUBFILE_BYTES], sec[VAULT_SECFILE_BYTES];
	struct vault_pubkey pk;
	struct vault_seckey sk;

	(void)state;
	vault_pubkey_encode(pub, &alice.pub);
	vault_seckey_encode(sec, &alice);
	assert_int_equal(vault_pubkey_parse(&pk, pub, sizeof pub), VAULT_OK);
	assert_memory_equal(&pk, &alice.pub, sizeof pk);
	assert_int_equal(vault_seckey_parse(&sk, sec, sizeof sec), VAULT_OK);
	assert_memory_equal(&sk, &alice, sizeof sk);
	assert_int_equal(vault_pubkey_parse(&pk, pub, sizeof pub - 1),
	    VAULT_EKEYFILE);
	assert_int_equal(vault_seckey_parse(&sk, sec, sizeof sec + 1 - 1 - 1),
	    VAULT_EKEYFILE);
	pub[0] ^= 1;
	assert_int_equal(vault_pubkey_parse(&pk, pub, sizeof pub),
	    VAULT_EKEYFILE);
	pub[0] ^= 1;
	/* An ML-KEM key with a coefficient >= q fails FIPS 203's check. */
	memset(pub + 8 + 32, 0xff, 3);
	assert_int_equal(vault_pubkey_parse(&pk, pub, sizeof pub),
	    VAULT_EKEYFILE);
	sec[3] ^= 1;
	assert_int_equal(vault_seckey_parse(&sk, sec, sizeof sec),
	    VAULT_EKEYFILE);
	vault_seckey_wipe(&sk);
}

static void
test_errors_have_messages(void **state)
{
	(void)state;
	for (int e = 0; e >= VAULT_EKEYFILE; e--)
		assert_string_not_equal(vault_strerror(e), "unknown error");
	assert_string_equal(vault_strerror(-99), "unknown error");
	assert_string_equal(vault_strerror(VAULT_EPASS), "wrong passphrase");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_sizes),
		cmocka_unit_test(test_compression_shrinks),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_flip_every_byte),
		cmocka_unit_test(test_flip_every_byte_hybrid),
		cmocka_unit_test(test_truncate_every_length),
		cmocka_unit_test(test_chunk_order),
		cmocka_unit_test(test_version_and_algorithms),
		cmocka_unit_test(test_absurd_kdf),
		cmocka_unit_test(test_rekey),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_keyfiles),
		cmocka_unit_test(test_errors_have_messages),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

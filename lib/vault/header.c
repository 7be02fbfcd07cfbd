/*
 * The vault header: strict parsing (every length checked against the bytes
 * present, exact sizes for known stanza types, KDF bounds), building a
 * header from a lock, and the header MAC.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/vault/bytes.h"
#include "lib/vault/header.h"
#include "lib/vault/stanza.h"

#define MAC_CONTEXT	"NONOS vault v1 header"
/* 24 bytes, then a NUL, then the hash. */
#define SIG_PREFIX	"NONOS vault v1 signature"

/* VAULT_MAGIC as bytes (WP does not model string constants). */
static const uint8_t magic[] = VAULT_MAGIC;

/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid(hlen) && \separated(hlen, buf + (0 .. len - 1));
    assigns *hlen;
    ensures \result == VAULT_OK || \result == VAULT_EMAGIC ||
      \result == VAULT_ETRUNC || \result == VAULT_EVERSION ||
      \result == VAULT_EALG || \result == VAULT_EHEADER;
    ensures \result == VAULT_OK ==> len >= VAULT_FIXED_BYTES &&
      buf[8] == VAULT_VERSION && buf[9] == VAULT_SUITE_STREAM &&
      buf[10] <= VAULT_COMP_LZ4 && buf[11] <= VAULT_SIGALG_ED25519 &&
      *hlen == be32_at(buf + 12) &&
      VAULT_HEADER_MIN <= *hlen <= VAULT_HEADER_MAX; */
int
vault_header_peek(const uint8_t *buf, size_t len, uint32_t *hlen)
{
	size_t n = len < 8 ? len : 8;

	/*@ loop invariant 0 <= i <= n;
	    loop assigns i;
	    loop variant n - i; */
	for (size_t i = 0; i < n; i++)
		if (buf[i] != magic[i])
			return VAULT_EMAGIC;
	if (len < 9)
		return VAULT_ETRUNC;
	if (buf[8] != VAULT_VERSION)
		return VAULT_EVERSION;
	if (len < VAULT_FIXED_BYTES)
		return VAULT_ETRUNC;
	if (buf[9] != VAULT_SUITE_STREAM || buf[10] > VAULT_COMP_LZ4 ||
	    buf[11] > VAULT_SIGALG_ED25519)
		return VAULT_EALG;
	*hlen = be32(buf + 12);
	if (*hlen < VAULT_HEADER_MIN || *hlen > VAULT_HEADER_MAX)
		return VAULT_EHEADER;
	return VAULT_OK;
}

size_t
vault_sig_len(const struct vault_header *h)
{
	return h->sigalg == VAULT_SIGALG_ED25519 ? VAULT_SIG_BYTES : 0;
}

/* Checks one stanza's length for its type, and its parameters. */
/*@ requires \valid(generation) && \valid(s);
    requires \separated(generation, s);
    requires \valid_read(body + (0 .. s->len - 1));
    assigns *generation, s->kdf_t, s->kdf_m;
    ensures \result == VAULT_OK || \result == VAULT_EHEADER ||
      \result == VAULT_EKDF;
    ensures \result == VAULT_OK ==>
      (s->type == VAULT_STANZA_GENERATION ==>
        s->len == VAULT_GENERATION_BODY && *generation != 0) &&
      (s->type == VAULT_STANZA_PASS ==> s->len == VAULT_PASS_BODY &&
        VAULT_KDF_T_MIN <= s->kdf_t <= VAULT_KDF_T_MAX &&
        VAULT_KDF_M_MIN <= s->kdf_m <= VAULT_KDF_M_MAX) &&
      (s->type == VAULT_STANZA_HYBRID ==> s->len == VAULT_HYBRID_BODY); */
static int
parse_stanza(uint64_t *generation, struct vault_stanza *s,
    const uint8_t *body)
{
	switch (s->type) {
	case VAULT_STANZA_GENERATION:
		/* At most one, of 8 bytes, never 0 (0 means "none"). */
		if (s->len != VAULT_GENERATION_BODY || *generation != 0)
			return VAULT_EHEADER;
		*generation = be64(body);
		return *generation != 0 ? VAULT_OK : VAULT_EHEADER;
	case VAULT_STANZA_PASS:
		if (s->len != VAULT_PASS_BODY)
			return VAULT_EHEADER;
		return vault_stanza_pass_params(body, &s->kdf_t, &s->kdf_m);
	case VAULT_STANZA_HYBRID:
		return s->len == VAULT_HYBRID_BODY ? VAULT_OK : VAULT_EHEADER;
	default:
		return VAULT_OK;	/* a later kind: skipped */
	}
}

/* Copies n bytes: a plain loop rather than memcpy, for the proof. */
/*@ requires \valid(dst + (0 .. n - 1)) && \valid_read(src + (0 .. n - 1));
    requires \separated(dst + (0 .. n - 1), src + (0 .. n - 1));
    assigns dst[0 .. n - 1];
    ensures \forall integer j; 0 <= j < n ==> dst[j] == src[j]; */
static void
copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	/*@ loop invariant 0 <= i <= n;
	    loop invariant \forall integer j; 0 <= j < i ==> dst[j] == src[j];
	    loop assigns i, dst[0 .. n - 1];
	    loop variant n - i; */
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/*
 * Where the stanzas start: after the fixed part, the nonce, the signer's
 * key if signed, and the count.
 */
/*@ logic integer stanzas_at(integer sigalg) =
      VAULT_FIXED_BYTES + VAULT_NONCEBYTES +
      (sigalg == VAULT_SIGALG_ED25519 ? VAULT_SIGNER_BYTES : 0) + 1;

    predicate stanza_fits(struct vault_stanza s, integer end) =
      s.off >= VAULT_STANZA_HEAD && s.off + s.len <= end;

    // b's head comes right after a's body.
    predicate stanza_next(struct vault_stanza a, struct vault_stanza b) =
      b.off == a.off + a.len + VAULT_STANZA_HEAD;

    predicate stanza_ok(struct vault_stanza s) =
      (s.type == VAULT_STANZA_GENERATION ==>
        s.len == VAULT_GENERATION_BODY) &&
      (s.type == VAULT_STANZA_PASS ==> s.len == VAULT_PASS_BODY &&
        VAULT_KDF_T_MIN <= s.kdf_t <= VAULT_KDF_T_MAX &&
        VAULT_KDF_M_MIN <= s.kdf_m <= VAULT_KDF_M_MAX) &&
      (s.type == VAULT_STANZA_HYBRID ==> s.len == VAULT_HYBRID_BODY);
 */

/*
 * Reads the stanza whose head is at raw[pos] into h->stanza[i] (and a
 * generation stanza's value into h->generation); it must end by end.
 * The stanza is built in a local and stored whole once it is checked, so
 * that the proof sees one store to stanza i and no other.
 */
/*@ requires \valid(h) && i < VAULT_MAX_STANZAS;
    requires \valid_read(raw + (0 .. end - 1));
    requires \separated(h, raw + (0 .. end - 1));
    requires pos <= end <= VAULT_HEADER_MAX - VAULT_MAC_BYTES;
    assigns h->stanza[i], h->generation;
    ensures \result == VAULT_OK || \result == VAULT_EHEADER ||
      \result == VAULT_EKDF;
    ensures \forall integer j; 0 <= j < VAULT_MAX_STANZAS && j != i ==>
      h->stanza[j] == \old(h->stanza[j]);
    ensures \result == VAULT_OK ==>
      h->stanza[i].off == pos + VAULT_STANZA_HEAD &&
      h->stanza[i].off + h->stanza[i].len <= end &&
      h->stanza[i].type == raw[pos] &&
      h->stanza[i].len == be16_at(raw + pos + 1) &&
      stanza_ok(h->stanza[i]); */
static int
read_stanza(struct vault_header *h, size_t i, const uint8_t *raw, size_t pos,
    size_t end)
{
	struct vault_stanza s = { 0 };
	int r;

	if (end - pos < VAULT_STANZA_HEAD)
		return VAULT_EHEADER;
	s.type = raw[pos];
	s.len = be16(raw + pos + 1);
	pos += VAULT_STANZA_HEAD;
	if (end - pos < s.len)
		return VAULT_EHEADER;
	s.off = (uint16_t)pos;
	if ((r = parse_stanza(&h->generation, &s, raw + pos)) != VAULT_OK)
		return r;
	h->stanza[i] = s;
	return VAULT_OK;
}

/*
 * Reads the n stanzas whose heads start at raw[pos]; together they must
 * fill raw exactly up to end, with at most one passphrase stanza.
 */
/*@ requires \valid(h) && 1 <= n <= VAULT_MAX_STANZAS;
    requires \valid_read(raw + (0 .. end - 1));
    requires \separated(h, raw + (0 .. end - 1));
    requires pos <= end <= VAULT_HEADER_MAX - VAULT_MAC_BYTES;
    assigns h->stanza[0 .. n - 1], h->generation;
    ensures h->len == \old(h->len) && h->sigalg == \old(h->sigalg) &&
      h->nstanzas == \old(h->nstanzas);
    ensures \result <= 0;
    ensures \result == VAULT_OK ==>
      h->stanza[0].off == pos + VAULT_STANZA_HEAD &&
      h->stanza[n - 1].off + h->stanza[n - 1].len == end &&
      (\forall integer j; 0 <= j < n - 1 ==>
        stanza_next(h->stanza[j], h->stanza[j + 1])) &&
      (\forall integer j; 0 <= j < n ==>
        stanza_fits(h->stanza[j], end) && stanza_ok(h->stanza[j])); */
static int
read_stanzas(struct vault_header *h, size_t n, const uint8_t *raw, size_t pos,
    size_t end)
{
	size_t i;
	int npass = 0, r;

	/*@ loop invariant 0 <= i <= n;
	    loop invariant \at(pos, Pre) <= pos <= end;
	    loop invariant 0 <= npass <= i;
	    loop invariant i == 0 ==> pos == \at(pos, Pre);
	    loop invariant i > 0 ==>
	      pos == h->stanza[i - 1].off + h->stanza[i - 1].len;
	    loop invariant i > 0 ==>
	      h->stanza[0].off == \at(pos, Pre) + VAULT_STANZA_HEAD;
	    loop invariant chain: \forall integer j; 0 <= j < i - 1 ==>
	      stanza_next(h->stanza[j], h->stanza[j + 1]);
	    loop invariant each: \forall integer j; 0 <= j < i ==>
	      stanza_fits(h->stanza[j], end) && stanza_ok(h->stanza[j]);
	    loop assigns i, pos, npass, r, h->stanza[0 .. n - 1],
	      h->generation;
	    loop variant n - i; */
	for (i = 0; i < n; i++) {
		if ((r = read_stanza(h, i, raw, pos, end)) != VAULT_OK)
			return r;
		npass += h->stanza[i].type == VAULT_STANZA_PASS;
		pos = (size_t)h->stanza[i].off + h->stanza[i].len;
		/* Proof steps: the earlier stanzas are unchanged, so their
		   links still hold, and the new one links to the last. */
		/*@ assert frame: \forall integer j; 0 <= j < i ==>
		      h->stanza[j] == \at(h->stanza[j], LoopCurrent); */
		/*@ assert old_links: \forall integer j; 0 <= j < i - 1 ==>
		      stanza_next(h->stanza[j], h->stanza[j + 1]); */
		/*@ assert new_link: \forall integer j; 0 <= j == i - 1 ==>
		      stanza_next(h->stanza[j], h->stanza[j + 1]); */
	}
	/*@ assert i == n; */
	if (pos != end || npass > 1)
		return VAULT_EHEADER;
	return VAULT_OK;
}

/*@ requires \valid(h) && \valid_read(raw + (0 .. len - 1));
    requires \separated(h, raw + (0 .. len - 1));
    assigns *h;
    ensures \result <= 0;
    ensures \result == VAULT_OK ==>
      h->len == len && VAULT_HEADER_MIN <= len <= VAULT_HEADER_MAX &&
      1 <= h->nstanzas <= VAULT_MAX_STANZAS &&
      h->stanza[0].off == stanzas_at(h->sigalg) + VAULT_STANZA_HEAD &&
      h->stanza[h->nstanzas - 1].off + h->stanza[h->nstanzas - 1].len ==
        len - VAULT_MAC_BYTES &&
      (\forall integer j; 0 <= j < h->nstanzas - 1 ==>
        stanza_next(h->stanza[j], h->stanza[j + 1])) &&
      (\forall integer j; 0 <= j < h->nstanzas ==>
        stanza_fits(h->stanza[j], len - VAULT_MAC_BYTES) &&
        stanza_ok(h->stanza[j])); */
int
vault_header_parse(struct vault_header *h, const uint8_t *raw, size_t len)
{
	size_t pos, end;
	uint8_t n;
	int r;

	*h = (struct vault_header){ 0 };
	if ((r = vault_header_peek(raw, len, &h->len)) != VAULT_OK)
		return r;
	if (len != h->len)
		return VAULT_ETRUNC;
	h->version = raw[8];
	h->suite = raw[9];
	h->compression = raw[10];
	h->sigalg = raw[11];
	copy(h->nonce, raw + 16, VAULT_NONCEBYTES);
	pos = 16 + VAULT_NONCEBYTES;
	if (h->sigalg == VAULT_SIGALG_ED25519) {
		copy(h->signer, raw + pos, VAULT_SIGNER_BYTES);
		pos += VAULT_SIGNER_BYTES;
	}
	/*@ assert pos + 1 == stanzas_at(h->sigalg); */
	end = len - VAULT_MAC_BYTES;
	if (pos >= end)
		return VAULT_EHEADER;
	n = raw[pos++];
	if (n < 1 || n > VAULT_MAX_STANZAS)
		return VAULT_EHEADER;
	h->nstanzas = n;
	/*@ assert pos == stanzas_at(h->sigalg); */
	return read_stanzas(h, n, raw, pos, end);
}

static void
header_mac(uint8_t mac[VAULT_MAC_BYTES], const uint8_t *raw, size_t len,
    const uint8_t k[VAULT_KEYBYTES])
{
	struct blake3 h;
	uint8_t key[BLAKE3_KEY_LEN];

	blake3_init_derive_key(&h, MAC_CONTEXT);
	blake3_update(&h, k, VAULT_KEYBYTES);
	blake3_final(&h, key, sizeof key);
	blake3_init_keyed(&h, key);
	blake3_update(&h, raw, len);
	blake3_final(&h, mac, VAULT_MAC_BYTES);
	nc_wipe(key, sizeof key);
	nc_wipe(&h, sizeof h);
}

int
vault_header_check_mac(const uint8_t *raw, size_t len,
    const uint8_t k[VAULT_KEYBYTES])
{
	uint8_t mac[VAULT_MAC_BYTES];

	if (len < VAULT_MAC_BYTES)
		return VAULT_EHMAC;
	header_mac(mac, raw, len - VAULT_MAC_BYTES, k);
	if (nc_ct_equal(mac, raw + len - VAULT_MAC_BYTES, VAULT_MAC_BYTES) !=
	    NC_OK)
		return VAULT_EHMAC;
	return VAULT_OK;
}

/* The header's size for lock, or 0 if lock is out of bounds. */
static size_t
header_size(const struct vault_lock *lock)
{
	size_t n = lock->nrcpt + (lock->pass != NULL);
	size_t len = VAULT_FIXED_BYTES + VAULT_NONCEBYTES + 1 + VAULT_MAC_BYTES;

	/* At least one stanza that opens it; at most 16 stanzas in all. */
	if (n < 1 || n + (lock->generation != 0) > VAULT_MAX_STANZAS)
		return 0;
	if (lock->generation != 0)
		len += VAULT_STANZA_HEAD + VAULT_GENERATION_BODY;
	if (lock->sign_sk != NULL)
		len += VAULT_SIGNER_BYTES;
	if (lock->pass != NULL)
		len += VAULT_STANZA_HEAD + VAULT_PASS_BODY;
	len += lock->nrcpt * (VAULT_STANZA_HEAD + VAULT_HYBRID_BODY);
	if (len > VAULT_HEADER_MAX)
		return 0;
	return len;
}

int
vault_header_make(uint8_t **rawp, size_t *lenp, const uint8_t k[VAULT_KEYBYTES],
    const uint8_t nonce[VAULT_NONCEBYTES], uint8_t compression,
    const struct vault_lock *lock)
{
	uint8_t *raw;
	size_t len, pos;
	int r = VAULT_OK;

	if ((len = header_size(lock)) == 0 || compression > VAULT_COMP_LZ4 ||
	    (lock->rcpt == NULL && lock->nrcpt > 0))
		return VAULT_EINVAL;
	if ((raw = malloc(len)) == NULL)
		return VAULT_ENOMEM;
	memcpy(raw, VAULT_MAGIC, 8);
	raw[8] = VAULT_VERSION;
	raw[9] = VAULT_SUITE_STREAM;
	raw[10] = compression;
	raw[11] =
	    lock->sign_sk != NULL ? VAULT_SIGALG_ED25519 : VAULT_SIGALG_NONE;
	put32(raw + 12, (uint32_t)len);
	memcpy(raw + 16, nonce, VAULT_NONCEBYTES);
	pos = 16 + VAULT_NONCEBYTES;
	if (lock->sign_sk != NULL) {
		/* libsodium's secret key ends with the public key. */
		memcpy(raw + pos, lock->sign_sk + 32, VAULT_SIGNER_BYTES);
		pos += VAULT_SIGNER_BYTES;
	}
	raw[pos++] = (uint8_t)(lock->nrcpt + (lock->pass != NULL) +
	    (lock->generation != 0));
	if (lock->pass != NULL) {
		r = vault_stanza_pass_wrap(raw + pos, k, lock->pass,
		    lock->passlen, lock->kdf_t, lock->kdf_m);
		pos += VAULT_STANZA_HEAD + VAULT_PASS_BODY;
	}
	for (size_t i = 0; r == VAULT_OK && i < lock->nrcpt; i++) {
		r = vault_stanza_hybrid_wrap(raw + pos, k, &lock->rcpt[i]);
		pos += VAULT_STANZA_HEAD + VAULT_HYBRID_BODY;
	}
	if (r != VAULT_OK) {
		free(raw);
		return r;
	}
	if (lock->generation != 0) {
		raw[pos] = VAULT_STANZA_GENERATION;
		put16(raw + pos + 1, VAULT_GENERATION_BODY);
		put64(raw + pos + VAULT_STANZA_HEAD, lock->generation);
		pos += VAULT_STANZA_HEAD + VAULT_GENERATION_BODY;
	}
	header_mac(raw + pos, raw, pos, k);
	*rawp = raw;
	*lenp = len;
	return VAULT_OK;
}

void
vault_sig_message(uint8_t msg[VAULT_SIGMSG_BYTES], const uint8_t digest[32])
{
	memcpy(msg, SIG_PREFIX, 24);
	msg[24] = 0;
	memcpy(msg + 25, digest, 32);
}

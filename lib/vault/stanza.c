/*
 * Passphrase (Argon2id) and hybrid (X25519 + ML-KEM-1024, X-Wing-style
 * combiner) stanzas: wrapping and unwrapping the file key.
 */
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/vault/bytes.h"
#include "lib/vault/stanza.h"

#define HYBRID_CONTEXT	"NONOS vault v1 hybrid"

/* Stanza wrap keys are used once, so the AEAD nonce is fixed (as in age). */
static const uint8_t zero_nonce[NC_AEAD_NONCEBYTES];

/*@ requires \valid_read(body + (0 .. VAULT_PASS_BODY - 1));
    requires \valid(t) && \valid(m) && \separated(t, m);
    assigns *t, *m;
    ensures *t == be32_at(body + 16) && *m == be32_at(body + 20);
    ensures \result == VAULT_OK || \result == VAULT_EKDF;
    ensures \result == VAULT_OK <==>
      VAULT_KDF_T_MIN <= *t <= VAULT_KDF_T_MAX &&
      VAULT_KDF_M_MIN <= *m <= VAULT_KDF_M_MAX && body[24] == 1; */
int
vault_stanza_pass_params(const uint8_t body[VAULT_PASS_BODY], uint32_t *t,
    uint32_t *m)
{
	*t = be32(body + 16);
	*m = be32(body + 20);
	if (*t < VAULT_KDF_T_MIN || *t > VAULT_KDF_T_MAX ||
	    *m < VAULT_KDF_M_MIN || *m > VAULT_KDF_M_MAX || body[24] != 1)
		return VAULT_EKDF;
	return VAULT_OK;
}

/* The wrap key: Argon2id(pass, salt, t, m KiB, one lane). */
static int
pass_wrap_key(uint8_t key[NC_AEAD_KEYBYTES], const uint8_t salt[16],
    const void *pass, size_t passlen, uint32_t t, uint32_t m)
{
	switch (nc_pwhash_argon2id(key, NC_AEAD_KEYBYTES, pass, passlen, salt,
	    t, (size_t)m << 10)) {
	case NC_OK:
		return VAULT_OK;
	case NC_ENOMEM:
		return VAULT_ENOMEM;
	case NC_ELIMIT:
		return VAULT_EKDF;
	default:
		return VAULT_EINVAL;
	}
}

int
vault_stanza_pass_wrap(uint8_t out[VAULT_STANZA_HEAD + VAULT_PASS_BODY],
    const uint8_t k[VAULT_KEYBYTES], const void *pass, size_t passlen,
    uint32_t t, uint32_t m)
{
	uint8_t key[NC_AEAD_KEYBYTES], *body = out + VAULT_STANZA_HEAD;
	const size_t adlen =
	    VAULT_STANZA_HEAD + VAULT_PASS_BODY - VAULT_WRAPPED_BYTES;
	int r;

	if (passlen > VAULT_PASS_MAX)
		return VAULT_EINVAL;
	out[0] = VAULT_STANZA_PASS;
	put16(out + 1, VAULT_PASS_BODY);
	if (nc_random_bytes(body, 16) != NC_OK)
		return VAULT_ECRYPTO;
	put32(body + 16, t);
	put32(body + 20, m);
	body[24] = 1;
	if (vault_stanza_pass_params(body, &t, &m) != VAULT_OK)
		return VAULT_EKDF;
	if ((r = pass_wrap_key(key, body, pass, passlen, t, m)) != VAULT_OK)
		return r;
	r = nc_aead_seal(out + adlen, VAULT_WRAPPED_BYTES, k, VAULT_KEYBYTES,
	    out, adlen, zero_nonce, key);
	nc_wipe(key, sizeof key);
	return r == NC_OK ? VAULT_OK : VAULT_ECRYPTO;
}

int
vault_stanza_pass_unwrap(uint8_t k[VAULT_KEYBYTES], const uint8_t *stanza,
    const void *pass, size_t passlen)
{
	const uint8_t *body = stanza + VAULT_STANZA_HEAD;
	const size_t adlen =
	    VAULT_STANZA_HEAD + VAULT_PASS_BODY - VAULT_WRAPPED_BYTES;
	uint8_t key[NC_AEAD_KEYBYTES];
	uint32_t t, m;
	int r;

	if (passlen > VAULT_PASS_MAX)
		return VAULT_EPASS;
	if ((r = vault_stanza_pass_params(body, &t, &m)) != VAULT_OK)
		return r;
	if ((r = pass_wrap_key(key, body, pass, passlen, t, m)) != VAULT_OK)
		return r;
	r = nc_aead_open(k, VAULT_KEYBYTES, stanza + adlen, VAULT_WRAPPED_BYTES,
	    stanza, adlen, zero_nonce, key);
	nc_wipe(key, sizeof key);
	return r == NC_OK ? VAULT_OK : VAULT_EPASS;
}

/*
 * wrap key = BLAKE3 derive_key(HYBRID_CONTEXT,
 *     ss_m || ss_x || C || E || X || BLAKE3(P))
 */
static void
hybrid_wrap_key(uint8_t key[NC_AEAD_KEYBYTES], const uint8_t ss_m[32],
    const uint8_t ss_x[32], const uint8_t *ct, const uint8_t eph[32],
    const struct vault_pubkey *pk)
{
	struct blake3 h;
	uint8_t pkhash[BLAKE3_OUT_LEN];

	blake3(pk->mlkem, sizeof pk->mlkem, pkhash);
	blake3_init_derive_key(&h, HYBRID_CONTEXT);
	blake3_update(&h, ss_m, 32);
	blake3_update(&h, ss_x, 32);
	blake3_update(&h, ct, MLKEM1024_CIPHERTEXTBYTES);
	blake3_update(&h, eph, 32);
	blake3_update(&h, pk->x25519, sizeof pk->x25519);
	blake3_update(&h, pkhash, sizeof pkhash);
	blake3_final(&h, key, NC_AEAD_KEYBYTES);
	nc_wipe(&h, sizeof h);
}

int
vault_stanza_hybrid_wrap(uint8_t out[VAULT_STANZA_HEAD + VAULT_HYBRID_BODY],
    const uint8_t k[VAULT_KEYBYTES], const struct vault_pubkey *pk)
{
	uint8_t e[32], m[MLKEM1024_ENCAPSSEEDBYTES], ss_x[32], ss_m[32];
	uint8_t key[NC_AEAD_KEYBYTES];
	uint8_t *eph = out + VAULT_STANZA_HEAD, *ct = eph + 32;
	const size_t adlen =
	    VAULT_STANZA_HEAD + VAULT_HYBRID_BODY - VAULT_WRAPPED_BYTES;
	int r = VAULT_ECRYPTO;

	out[0] = VAULT_STANZA_HYBRID;
	put16(out + 1, VAULT_HYBRID_BODY);
	if (nc_random_bytes(e, sizeof e) != NC_OK ||
	    nc_random_bytes(m, sizeof m) != NC_OK)
		goto out;
	if (nc_x25519_base(eph, e) != NC_OK)
		goto out;
	if (nc_x25519(ss_x, e, pk->x25519) != NC_OK) {
		r = VAULT_EKEYFILE;	/* a low-order recipient key */
		goto out;
	}
	if (mlkem1024_encaps_derand(ct, ss_m, pk->mlkem, m) != MLKEM_OK) {
		r = VAULT_EKEYFILE;
		goto out;
	}
	hybrid_wrap_key(key, ss_m, ss_x, ct, eph, pk);
	if (nc_aead_seal(out + adlen, VAULT_WRAPPED_BYTES, k, VAULT_KEYBYTES,
	    out, adlen, zero_nonce, key) == NC_OK)
		r = VAULT_OK;
out:
	nc_wipe(e, sizeof e);
	nc_wipe(m, sizeof m);
	nc_wipe(ss_x, sizeof ss_x);
	nc_wipe(ss_m, sizeof ss_m);
	nc_wipe(key, sizeof key);
	return r;
}

int
vault_stanza_hybrid_unwrap(uint8_t k[VAULT_KEYBYTES], const uint8_t *stanza,
    const struct vault_seckey *sk)
{
	const uint8_t *eph = stanza + VAULT_STANZA_HEAD, *ct = eph + 32;
	const size_t adlen =
	    VAULT_STANZA_HEAD + VAULT_HYBRID_BODY - VAULT_WRAPPED_BYTES;
	uint8_t ss_x[32], ss_m[32], key[NC_AEAD_KEYBYTES];
	int r = VAULT_ENOKEY;

	/* A low-order ephemeral key: not a stanza anyone could open. */
	if (nc_x25519(ss_x, sk->x25519, eph) != NC_OK)
		goto out;
	if (mlkem1024_decaps(ss_m, ct, sk->mlkem) != MLKEM_OK)
		goto out;
	hybrid_wrap_key(key, ss_m, ss_x, ct, eph, &sk->pub);
	if (nc_aead_open(k, VAULT_KEYBYTES, stanza + adlen, VAULT_WRAPPED_BYTES,
	    stanza, adlen, zero_nonce, key) == NC_OK)
		r = VAULT_OK;
out:
	nc_wipe(ss_x, sizeof ss_x);
	nc_wipe(ss_m, sizeof ss_m);
	nc_wipe(key, sizeof key);
	return r;
}

int
vault_unlock_key(uint8_t k[VAULT_KEYBYTES], const struct vault_header *h,
    const uint8_t *raw, const struct vault_unlock *u)
{
	const struct vault_stanza *s;
	int r = VAULT_ENOKEY;

	if (u->id != NULL) {
		for (size_t i = 0; i < h->nstanzas; i++) {
			s = &h->stanza[i];
			if (s->type == VAULT_STANZA_HYBRID &&
			    vault_stanza_hybrid_unwrap(k, raw + s->off -
			    VAULT_STANZA_HEAD, u->id) == VAULT_OK)
				return VAULT_OK;
		}
	}
	if (u->pass == NULL)
		return r;
	for (size_t i = 0; i < h->nstanzas; i++) {
		s = &h->stanza[i];
		if (s->type == VAULT_STANZA_PASS)
			return vault_stanza_pass_unwrap(k, raw + s->off -
			    VAULT_STANZA_HEAD, u->pass, u->passlen);
	}
	return u->id != NULL ? VAULT_ENOKEY : VAULT_ENOPASS;
}

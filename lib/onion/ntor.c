/*
 * ntor (tor-spec §5.1.4): the client sends X, the relay answers Y and
 * AUTH = H(verify | ID | B | Y | X | PROTOID | "Server", t_mac); both
 * expand KEY_SEED = H(secret_input, t_key) with HKDF-SHA256.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/ntor.h"

#define PROTOID		"ntor-curve25519-sha256-1"
#define PROTOID_LEN	(sizeof(PROTOID) - 1)

static const char t_mac[] = PROTOID ":mac";
static const char t_key[] = PROTOID ":key_extract";
static const char t_verify[] = PROTOID ":verify";
static const char m_expand[] = PROTOID ":key_expand";

/* secret_input: two DH results, ID, B, X, Y, PROTOID. */
#define SECRET_LEN	(32 + 32 + ONION_ID_LEN + 32 + 32 + 32 + PROTOID_LEN)
/* auth_input: verify, ID, B, Y, X, PROTOID, "Server". */
#define AUTH_LEN	(32 + ONION_ID_LEN + 32 + 32 + 32 + PROTOID_LEN + 6)

/*
 * HKDF-Expand (RFC 5869) with HMAC-SHA256 keyed once by prk; each block
 * starts from a copy of that keyed state. Returns ONION_OK or
 * ONION_ECRYPTO (out wiped).
 */
int
onion_hkdf_expand(const uint8_t prk[32], const void *info, size_t infolen,
    uint8_t *out, size_t outlen)
{
	struct nc_hmac_sha256_state keyed, h;
	uint8_t t[NC_HMAC_SHA256_BYTES];
	uint8_t *o = out;
	size_t left = outlen, n;
	uint8_t i = 1;
	int r = ONION_OK;

	(void)nc_hmac_sha256_init(&keyed, prk, 32);
	while (left > 0) {
		h = keyed;
		if (i > 1)
			(void)nc_hmac_sha256_update(&h, t, sizeof t);
		(void)nc_hmac_sha256_update(&h, info, infolen);
		(void)nc_hmac_sha256_update(&h, &i, 1);
		if (nc_hmac_sha256_final(&h, t) != NC_OK) {
			nc_wipe(out, outlen);
			r = ONION_ECRYPTO;
			break;
		}
		n = left < sizeof t ? left : sizeof t;
		memcpy(o, t, n);
		o += n;
		left -= n;
		i++;
	}
	nc_wipe(t, sizeof t);
	nc_wipe(&keyed, sizeof keyed);
	return r;
}

/*
 * From the two DH results and the public values, computes the AUTH tag
 * the relay must send and the key material. Returns ONION_OK or
 * ONION_ECRYPTO.
 */
static int
ntor_derive(const uint8_t dh1[32], const uint8_t dh2[32],
    const uint8_t id[ONION_ID_LEN], const uint8_t B[32], const uint8_t X[32],
    const uint8_t Y[32], uint8_t auth[32], uint8_t *keys, size_t keylen)
{
	uint8_t si[SECRET_LEN], ai[AUTH_LEN], seed[32], verify[32];
	uint8_t *p;
	int r = ONION_ECRYPTO;

	p = si;
	memcpy(p, dh1, 32), p += 32;
	memcpy(p, dh2, 32), p += 32;
	memcpy(p, id, ONION_ID_LEN), p += ONION_ID_LEN;
	memcpy(p, B, 32), p += 32;
	memcpy(p, X, 32), p += 32;
	memcpy(p, Y, 32), p += 32;
	memcpy(p, PROTOID, PROTOID_LEN);
	if (nc_hmac_sha256(seed, t_key, sizeof t_key - 1, si,
	    sizeof si) != NC_OK ||
	    nc_hmac_sha256(verify, t_verify, sizeof t_verify - 1, si,
	    sizeof si) != NC_OK)
		goto out;

	p = ai;
	memcpy(p, verify, 32), p += 32;
	memcpy(p, id, ONION_ID_LEN), p += ONION_ID_LEN;
	memcpy(p, B, 32), p += 32;
	memcpy(p, Y, 32), p += 32;
	memcpy(p, X, 32), p += 32;
	memcpy(p, PROTOID, PROTOID_LEN), p += PROTOID_LEN;
	memcpy(p, "Server", 6);
	if (nc_hmac_sha256(auth, t_mac, sizeof t_mac - 1, ai,
	    sizeof ai) != NC_OK)
		goto out;
	r = onion_hkdf_expand(seed, m_expand, sizeof m_expand - 1, keys,
	    keylen);
out:
	nc_wipe(si, sizeof si);
	nc_wipe(ai, sizeof ai);
	nc_wipe(seed, sizeof seed);
	nc_wipe(verify, sizeof verify);
	return r;
}

int
onion_ntor_client_start(struct onion_ntor_client *st,
    const uint8_t id[ONION_ID_LEN], const uint8_t B[ONION_KEY_LEN],
    const uint8_t *x, uint8_t skin[ONION_NTOR_ONIONSKIN])
{
	if (x != NULL)
		memcpy(st->x, x, 32);
	else if (nc_random_bytes(st->x, 32) != NC_OK)
		return ONION_ECRYPTO;
	if (nc_x25519_base(st->X, st->x) != NC_OK)
		return ONION_ECRYPTO;
	memcpy(st->id, id, ONION_ID_LEN);
	memcpy(st->B, B, ONION_KEY_LEN);
	memcpy(skin, id, ONION_ID_LEN);
	memcpy(skin + ONION_ID_LEN, B, 32);
	memcpy(skin + ONION_ID_LEN + 32, st->X, 32);
	return ONION_OK;
}

int
onion_ntor_client_finish(struct onion_ntor_client *st,
    const uint8_t reply[ONION_NTOR_REPLY], uint8_t *keys, size_t keylen)
{
	uint8_t dh1[32], dh2[32], auth[32];
	const uint8_t *Y = reply;
	int r = ONION_OK;

	if (nc_x25519(dh1, st->x, Y) != NC_OK ||
	    nc_x25519(dh2, st->x, st->B) != NC_OK) {
		r = ONION_EAUTH;
		goto out;
	}
	r = ntor_derive(dh1, dh2, st->id, st->B, st->X, Y, auth, keys,
	    keylen);
	if (r == ONION_OK && nc_ct_equal(auth, reply + 32, 32) != NC_OK) {
		nc_wipe(keys, keylen);
		r = ONION_EAUTH;
	}
out:
	nc_wipe(dh1, sizeof dh1);
	nc_wipe(dh2, sizeof dh2);
	nc_wipe(st, sizeof *st);
	return r;
}

int
onion_ntor_server(const uint8_t b[32], const uint8_t B[32],
    const uint8_t id[ONION_ID_LEN], const uint8_t y[32],
    const uint8_t skin[ONION_NTOR_ONIONSKIN],
    uint8_t reply[ONION_NTOR_REPLY], uint8_t *keys, size_t keylen)
{
	uint8_t dh1[32], dh2[32], Y[32];
	const uint8_t *X = skin + ONION_ID_LEN + 32;
	int r = ONION_OK;

	if (memcmp(skin, id, ONION_ID_LEN) != 0 ||
	    memcmp(skin + ONION_ID_LEN, B, 32) != 0)
		return ONION_EIDENTITY;
	if (nc_x25519_base(Y, y) != NC_OK)
		return ONION_ECRYPTO;
	if (nc_x25519(dh1, y, X) != NC_OK || nc_x25519(dh2, b, X) != NC_OK) {
		r = ONION_EAUTH;
		goto out;
	}
	memcpy(reply, Y, 32);
	r = ntor_derive(dh1, dh2, id, B, X, Y, reply + 32, keys, keylen);
out:
	nc_wipe(dh1, sizeof dh1);
	nc_wipe(dh2, sizeof dh2);
	return r;
}

/*
 * ntor v3 (proposal 332, appendix A): H and MAC are SHA3-256 over
 * length-prefixed tweaks, KDF is SHAKE-256, ENC is AES-256-CTR with a
 * zero IV. The client message travels under keys from EXP(B,x) alone;
 * the reply and the circuit keys also depend on EXP(Y,x).
 */
#include <string.h>

#include <bearssl.h>

#include "lib/crypto/crypto.h"
#include "lib/crypto/sha3.h"
#include "lib/onion/ntor3.h"

#define PROTOID		"ntor3-curve25519-sha3_256-1"
#define T(s)		PROTOID s

static const char t_msgkdf[] = T(":kdf_phase1");
static const char t_msgmac[] = T(":msg_mac");
static const char t_key_seed[] = T(":key_seed");
static const char t_verify[] = T(":verify");
static const char t_final[] = T(":kdf_final");
static const char t_auth[] = T(":auth_final");

/* Absorbs ENCAP(s) = 64-bit big-endian length | s. */
static void
encap(struct sha3_ctx *h, const void *s, size_t n)
{
	uint8_t len[8];
	int i;

	for (i = 0; i < 8; i++)
		len[i] = (uint8_t)((uint64_t)n >> (56 - 8 * i));
	sha3_update(h, len, 8);
	sha3_update(h, s, n);
}

static void
aes256_ctr(const uint8_t key[32], uint8_t *buf, size_t len)
{
	static const uint8_t iv[12];
	const br_block_ctr_class *vt = br_aes_x86ni_ctr_get_vtable();
	br_aes_gen_ctr_keys k;

	if (vt == NULL)
		vt = &br_aes_ct64_ctr_vtable;
	vt->init(&k.vtable, key, 32);
	vt->run(&k.vtable, iv, 0, buf, len);
	nc_wipe(&k, sizeof k);
}

/* KDF_msgkdf(Bx | ID | X | B | PROTOID | ENCAP(VER)) = ENC_K1 | MAC_K1 */
static void
phase1_keys(const uint8_t Bx[32], const uint8_t id[32], const uint8_t X[32],
    const uint8_t B[32], const uint8_t *ver, size_t verlen, uint8_t k[64])
{
	struct sha3_ctx h;

	shake256_init(&h);
	encap(&h, t_msgkdf, sizeof t_msgkdf - 1);
	sha3_update(&h, Bx, 32);
	sha3_update(&h, id, 32);
	sha3_update(&h, X, 32);
	sha3_update(&h, B, 32);
	sha3_update(&h, PROTOID, sizeof PROTOID - 1);
	encap(&h, ver, verlen);
	shake_squeeze(&h, k, 64);
	sha3_wipe(&h);
}

/* MAC_msgmac(MAC_K1, ID | B | X | msg) */
static void
msg_mac(const uint8_t mk[32], const uint8_t id[32], const uint8_t B[32],
    const uint8_t X[32], const uint8_t *msg, size_t msglen, uint8_t out[32])
{
	struct sha3_ctx h;

	sha3_256_init(&h);
	encap(&h, t_msgmac, sizeof t_msgmac - 1);
	encap(&h, mk, 32);
	sha3_update(&h, id, 32);
	sha3_update(&h, B, 32);
	sha3_update(&h, X, 32);
	sha3_update(&h, msg, msglen);
	sha3_final(&h, out);
}

/*
 * From secret_input = Yx | Bx | ID | B | X | Y | PROTOID | ENCAP(VER):
 * AUTH, and ENC_KEY | keys from KDF_final(key_seed).
 */
static void
phase2(const uint8_t Yx[32], const uint8_t Bx[32], const uint8_t id[32],
    const uint8_t B[32], const uint8_t X[32], const uint8_t Y[32],
    const uint8_t *ver, size_t verlen, const uint8_t mac[32],
    const uint8_t *msg, size_t msglen, uint8_t auth[32], uint8_t enc[32],
    uint8_t *keys, size_t keylen)
{
	struct sha3_ctx h;
	uint8_t seed[32], verify[32];
	int which;

	for (which = 0; which < 2; which++) {
		sha3_256_init(&h);
		if (which == 0)
			encap(&h, t_key_seed, sizeof t_key_seed - 1);
		else
			encap(&h, t_verify, sizeof t_verify - 1);
		sha3_update(&h, Yx, 32);
		sha3_update(&h, Bx, 32);
		sha3_update(&h, id, 32);
		sha3_update(&h, B, 32);
		sha3_update(&h, X, 32);
		sha3_update(&h, Y, 32);
		sha3_update(&h, PROTOID, sizeof PROTOID - 1);
		encap(&h, ver, verlen);
		sha3_final(&h, which == 0 ? seed : verify);
	}
	sha3_256_init(&h);
	encap(&h, t_auth, sizeof t_auth - 1);
	sha3_update(&h, verify, 32);
	sha3_update(&h, id, 32);
	sha3_update(&h, B, 32);
	sha3_update(&h, Y, 32);
	sha3_update(&h, X, 32);
	sha3_update(&h, mac, 32);
	encap(&h, msg, msglen);
	sha3_update(&h, PROTOID, sizeof PROTOID - 1);
	sha3_update(&h, "Server", 6);
	sha3_final(&h, auth);

	shake256_init(&h);
	encap(&h, t_final, sizeof t_final - 1);
	sha3_update(&h, seed, 32);
	shake_squeeze(&h, enc, 32);
	shake_squeeze(&h, keys, keylen);
	sha3_wipe(&h);
	nc_wipe(seed, sizeof seed);
	nc_wipe(verify, sizeof verify);
}

int
onion_ntor3_client_start(struct onion_ntor3_client *st,
    const uint8_t id[ONION_ED_LEN], const uint8_t B[32], const uint8_t *x,
    const uint8_t *cm, size_t cmlen, const uint8_t *ver, size_t verlen,
    uint8_t *skin, size_t cap)
{
	uint8_t k[64];
	size_t n = 32 * 3 + cmlen + 32;

	if (cmlen > ONION_NTOR3_MSG_MAX || cap < n || (cmlen > 0 && cm == NULL))
		return ONION_EINVAL;
	if (x != NULL)
		memcpy(st->x, x, 32);
	else if (nc_random_bytes(st->x, 32) != NC_OK)
		return ONION_ECRYPTO;
	if (nc_x25519_base(st->X, st->x) != NC_OK)
		return ONION_ECRYPTO;
	if (nc_x25519(st->Bx, st->x, B) != NC_OK)
		return ONION_EAUTH;
	memcpy(st->id, id, 32);
	memcpy(st->B, B, 32);
	phase1_keys(st->Bx, id, st->X, B, ver, verlen, k);
	memcpy(skin, id, 32);
	memcpy(skin + 32, B, 32);
	memcpy(skin + 64, st->X, 32);
	if (cmlen > 0)
		memcpy(skin + 96, cm, cmlen);
	aes256_ctr(k, skin + 96, cmlen);
	msg_mac(k + 32, id, B, st->X, skin + 96, cmlen, st->mac);
	memcpy(skin + 96 + cmlen, st->mac, 32);
	nc_wipe(k, sizeof k);
	return (int)n;
}

int
onion_ntor3_client_finish(struct onion_ntor3_client *st, const uint8_t *ver,
    size_t verlen, const uint8_t *reply, size_t replylen, uint8_t *sm,
    size_t smcap, size_t *smlen, uint8_t *keys, size_t keylen)
{
	uint8_t Yx[32], auth[32], enc[32];
	const uint8_t *Y = reply, *msg = reply + 64;
	size_t msglen;
	int r = ONION_OK;

	if (replylen < 64 || replylen - 64 > smcap) {
		r = ONION_EPROTO;
		goto out;
	}
	msglen = replylen - 64;
	if (nc_x25519(Yx, st->x, Y) != NC_OK) {
		r = ONION_EAUTH;
		goto out;
	}
	phase2(Yx, st->Bx, st->id, st->B, st->X, Y, ver, verlen, st->mac, msg,
	    msglen, auth, enc, keys, keylen);
	if (nc_ct_equal(auth, reply + 32, 32) != NC_OK) {
		nc_wipe(keys, keylen);
		r = ONION_EAUTH;
		goto out;
	}
	if (msglen > 0)
		memcpy(sm, msg, msglen);
	aes256_ctr(enc, sm, msglen);
	*smlen = msglen;
out:
	nc_wipe(Yx, sizeof Yx);
	nc_wipe(enc, sizeof enc);
	nc_wipe(st, sizeof *st);
	return r;
}

int
onion_ntor3_server(const uint8_t b[32], const uint8_t B[32],
    const uint8_t id[ONION_ED_LEN], const uint8_t y[32], const uint8_t *ver,
    size_t verlen, const uint8_t *skin, size_t skinlen, uint8_t *cm,
    size_t cmcap, size_t *cmlen, const uint8_t *sm, size_t smlen,
    uint8_t *reply, size_t replycap, uint8_t *keys, size_t keylen)
{
	uint8_t Xb[32], Xy[32], k[64], mac[32], enc[32];
	const uint8_t *X = skin + 64;
	size_t n;
	int r;

	if (skinlen < 128 || skinlen - 128 > cmcap || replycap < 64 + smlen)
		return ONION_EINVAL;
	n = skinlen - 128;
	if (memcmp(skin, id, 32) != 0 || memcmp(skin + 32, B, 32) != 0)
		return ONION_EIDENTITY;
	if (nc_x25519(Xb, b, X) != NC_OK)
		return ONION_EAUTH;
	phase1_keys(Xb, id, X, B, ver, verlen, k);
	msg_mac(k + 32, id, B, X, skin + 96, n, mac);
	if (nc_ct_equal(mac, skin + 96 + n, 32) != NC_OK) {
		r = ONION_EAUTH;
		goto out;
	}
	memcpy(cm, skin + 96, n);
	aes256_ctr(k, cm, n);
	*cmlen = n;
	if (nc_x25519_base(reply, y) != NC_OK || nc_x25519(Xy, y, X) != NC_OK) {
		r = ONION_EAUTH;
		goto out;
	}
	/* The reply message is encrypted before AUTH covers it. */
	phase2(Xy, Xb, id, B, X, reply, ver, verlen, mac, reply + 64, 0,
	    reply + 32,
	    enc, keys, keylen);
	memcpy(reply + 64, sm, smlen);
	aes256_ctr(enc, reply + 64, smlen);
	phase2(Xy, Xb, id, B, X, reply, ver, verlen, mac, reply + 64, smlen,
	    reply + 32, enc, keys, keylen);
	r = (int)(64 + smlen);
out:
	nc_wipe(Xb, sizeof Xb);
	nc_wipe(Xy, sizeof Xy);
	nc_wipe(k, sizeof k);
	nc_wipe(enc, sizeof enc);
	return r;
}

/*
 * Relay-cell crypto (tor-spec §5.5, §6.1): the client seals a cell for
 * hop k by setting its digest from Df_k and encrypting with Kf_k..Kf_1,
 * and opens a backward cell by decrypting layer by layer until the
 * 'recognized' field is zero and the running digest Db_k matches.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/ntor.h"
#include "lib/onion/relay.h"

static void
ctr_init(struct onion_ctr *c, const uint8_t key[16])
{
	c->vt = br_aes_x86ni_ctr_get_vtable();
	if (c->vt == NULL)
		c->vt = &br_aes_ct64_ctr_vtable;
	c->vt->init(&c->keys.vtable, key, 16);
	c->block = 0;
	c->ks_used = 16;
}

/* With a zero IV the counter block is 12 zero bytes then the block
 * number, so the high 96 bits of Tor's 128-bit counter stay zero. */
int
onion_ctr_xor(struct onion_ctr *c, uint8_t *buf, size_t len)
{
	static const uint8_t iv[12];
	size_t n;

	while (len > 0 && c->ks_used < 16) {
		*buf++ ^= c->ks[c->ks_used++];
		len--;
	}
	n = len / 16;
	if (n > 0) {
		if ((uint64_t)c->block + n + 1 > 0xffffffffu)
			return ONION_ECRYPTO;
		c->block = c->vt->run(&c->keys.vtable, iv, c->block, buf,
		    n * 16);
		buf += n * 16;
		len -= n * 16;
	}
	if (len > 0) {
		if (c->block == 0xffffffffu)
			return ONION_ECRYPTO;
		memset(c->ks, 0, 16);
		c->block = c->vt->run(&c->keys.vtable, iv, c->block, c->ks,
		    16);
		c->ks_used = 0;
		while (len > 0) {
			*buf++ ^= c->ks[c->ks_used++];
			len--;
		}
	}
	return ONION_OK;
}

void
onion_hop_init(struct onion_hop_crypto *h, const uint8_t *keys)
{
	br_sha1_init(&h->df);
	br_sha1_update(&h->df, keys, 20);
	br_sha1_init(&h->db);
	br_sha1_update(&h->db, keys + 20, 20);
	ctr_init(&h->kf, keys + 40);
	ctr_init(&h->kb, keys + 56);
}

void
onion_hop_wipe(struct onion_hop_crypto *h)
{
	nc_wipe(h, sizeof *h);
}

int
onion_relay_pack(uint8_t payload[ONION_PAYLOAD_LEN], uint8_t cmd,
    uint16_t stream, const uint8_t *data, size_t len)
{
	size_t pad;

	if (len > ONION_RELAY_DATA_MAX || (len > 0 && data == NULL))
		return ONION_EINVAL;
	payload[0] = cmd;
	onion_put16(payload + 1, 0);		/* recognized */
	onion_put16(payload + 3, stream);
	onion_put32(payload + 5, 0);		/* digest, set when sealing */
	onion_put16(payload + 9, (uint16_t)len);
	if (len > 0)
		memcpy(payload + ONION_RELAY_HDR, data, len);
	pad = ONION_RELAY_DATA_MAX - len;
	memset(payload + ONION_RELAY_HDR + len, 0, pad < 4 ? pad : 4);
	if (pad > 4 && nc_random_bytes(payload + ONION_RELAY_HDR + len + 4,
	    pad - 4) != NC_OK)
		return ONION_ECRYPTO;
	return ONION_OK;
}

int
onion_relay_unpack(const uint8_t payload[ONION_PAYLOAD_LEN],
    struct onion_relay_msg *m)
{
	m->cmd = payload[0];
	m->stream = onion_be16(payload + 3);
	m->len = onion_be16(payload + 9);
	m->data = payload + ONION_RELAY_HDR;
	if (m->len > ONION_RELAY_DATA_MAX)
		return ONION_EPROTO;
	return ONION_OK;
}

int
onion_relay_seal(struct onion_hop_crypto *hops, unsigned target,
    uint8_t payload[ONION_PAYLOAD_LEN], uint8_t *digest20)
{
	uint8_t d[20];
	unsigned i;

	onion_put16(payload + 1, 0);
	onion_put32(payload + 5, 0);
	br_sha1_update(&hops[target].df, payload, ONION_PAYLOAD_LEN);
	br_sha1_out(&hops[target].df, d);
	memcpy(payload + 5, d, 4);
	if (digest20 != NULL)
		memcpy(digest20, d, 20);
	for (i = target + 1; i-- > 0;)
		if (onion_ctr_xor(&hops[i].kf, payload, ONION_PAYLOAD_LEN) != 0)
			return ONION_ECRYPTO;
	return ONION_OK;
}

int
onion_relay_open(struct onion_hop_crypto *hops, unsigned nhops,
    uint8_t payload[ONION_PAYLOAD_LEN], uint8_t *digest20)
{
	br_sha1_context trial;
	uint8_t got[4], d[20];
	unsigned i;

	for (i = 0; i < nhops; i++) {
		if (onion_ctr_xor(&hops[i].kb, payload, ONION_PAYLOAD_LEN) != 0)
			return ONION_ECRYPTO;
		if (payload[1] != 0 || payload[2] != 0)
			continue;
		memcpy(got, payload + 5, 4);
		memset(payload + 5, 0, 4);
		trial = hops[i].db;
		br_sha1_update(&trial, payload, ONION_PAYLOAD_LEN);
		br_sha1_out(&trial, d);
		if (memcmp(d, got, 4) == 0) {
			hops[i].db = trial;
			if (digest20 != NULL)
				memcpy(digest20, d, 20);
			return (int)i;
		}
		memcpy(payload + 5, got, 4);
	}
	return ONION_EAUTH;
}

int
onion_kdf_tor(const uint8_t *k0, size_t k0len, uint8_t *out, size_t outlen)
{
	br_sha1_context h;
	uint8_t block[br_sha1_SIZE], i = 0;
	size_t n;

	if (outlen > 255 * sizeof block)
		return ONION_EINVAL;
	while (outlen > 0) {
		br_sha1_init(&h);
		br_sha1_update(&h, k0, k0len);
		br_sha1_update(&h, &i, 1);
		br_sha1_out(&h, block);
		n = outlen < sizeof block ? outlen : sizeof block;
		memcpy(out, block, n);
		out += n;
		outlen -= n;
		i++;
	}
	nc_wipe(block, sizeof block);
	nc_wipe(&h, sizeof h);
	return ONION_OK;
}

/*
 * Relay cells (tor-spec §6.1) and their per-hop crypto (§5.5): AES-128
 * in counter mode and running SHA-1 digests, one pair per direction and
 * hop, layered onion-wise by the client.
 */
#ifndef LIB_ONION_RELAY_H
#define LIB_ONION_RELAY_H

#include <bearssl.h>

#include "lib/onion/onion.h"

enum {
	RELAY_BEGIN = 1,
	RELAY_DATA = 2,
	RELAY_END = 3,
	RELAY_CONNECTED = 4,
	RELAY_SENDME = 5,
	RELAY_EXTEND = 6,
	RELAY_EXTENDED = 7,
	RELAY_TRUNCATE = 8,
	RELAY_TRUNCATED = 9,
	RELAY_DROP = 10,
	RELAY_RESOLVE = 11,
	RELAY_RESOLVED = 12,
	RELAY_BEGIN_DIR = 13,
	RELAY_EXTEND2 = 14,
	RELAY_EXTENDED2 = 15,
	RELAY_CONFLUX_LINK = 19,	/* proposal 329: two circuits, one exit */
	RELAY_CONFLUX_LINKED = 20,
	RELAY_CONFLUX_LINKED_ACK = 21,
	RELAY_CONFLUX_SWITCH = 22,
	RELAY_XOFF = 43,	/* stream flow control under prop 324 */
	RELAY_XON = 44,
};

/* AES-128-CTR with a 128-bit big-endian counter from zero (Tor's IV). */
struct onion_ctr {
	br_aes_gen_ctr_keys		keys;
	const br_block_ctr_class	*vt;
	uint32_t			block;	/* next block number */
	uint8_t				ks[16];	/* keystream of block - 1 */
	uint8_t				ks_used;/* bytes of ks consumed */
};

/* One hop's crypto state, as the client sees it. */
struct onion_hop_crypto {
	br_sha1_context		df, db;		/* forward, backward digests */
	struct onion_ctr	kf, kb;
};

/* A relay cell header, decoded. */
struct onion_relay_msg {
	uint8_t		cmd;
	uint16_t	stream;
	uint16_t	len;
	const uint8_t	*data;
};

/*
 * KDF-TOR (tor-spec §5.2.1), for CREATE_FAST: SHA-1(k0 | 0) | SHA-1(k0 |
 * 1) | ... cut to outlen (at most 255 blocks).
 */
int	onion_kdf_tor(const uint8_t *k0, size_t k0len, uint8_t *out,
	    size_t outlen);

/* keys = Df | Db | Kf | Kb from the handshake (ONION_HOP_KEYS bytes). */
void	onion_hop_init(struct onion_hop_crypto *h, const uint8_t *keys);
void	onion_hop_wipe(struct onion_hop_crypto *h);

/* XORs len bytes with the next bytes of keystream. ONION_ECRYPTO once
 * the 32-bit block counter would wrap (64 GiB; no circuit lives that long). */
int	onion_ctr_xor(struct onion_ctr *c, uint8_t *buf, size_t len);

/*
 * Builds a relay payload: header, data, then 4 zero bytes and random
 * padding (§6.1). The digest field is left zero.
 */
int	onion_relay_pack(uint8_t payload[ONION_PAYLOAD_LEN], uint8_t cmd,
	    uint16_t stream, const uint8_t *data, size_t len);

/* Reads a recognized payload's header; ONION_EPROTO if length > 498. */
int	onion_relay_unpack(const uint8_t payload[ONION_PAYLOAD_LEN],
	    struct onion_relay_msg *m);

/*
 * Client sending to hop `target` (0-based) of hops[0..]: sets the digest
 * from hops[target].df, then encrypts with kf of target, target-1, ..., 0.
 * If digest20 is not NULL it receives the 20-byte running digest after
 * this cell (what an authenticated SENDME will echo).
 */
int	onion_relay_seal(struct onion_hop_crypto *hops, unsigned target,
	    uint8_t payload[ONION_PAYLOAD_LEN], uint8_t *digest20);

/*
 * Client receiving: peels layers from hop 0 outwards until one
 * recognizes the cell. Returns the hop index, or ONION_EAUTH if none of
 * the nhops does (the circuit must then be closed). If digest20 is not
 * NULL it receives the recognizing hop's running digest.
 */
int	onion_relay_open(struct onion_hop_crypto *hops, unsigned nhops,
	    uint8_t payload[ONION_PAYLOAD_LEN], uint8_t *digest20);

#endif

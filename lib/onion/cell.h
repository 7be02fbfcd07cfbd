/*
 * Cell framing for the Tor link protocol (tor-spec §3): fixed-size and
 * variable-length cells, and the link-level payloads a client builds or
 * reads (VERSIONS, NETINFO, CREATE2/CREATED2, DESTROY).
 */
#ifndef LIB_ONION_CELL_H
#define LIB_ONION_CELL_H

#include "lib/onion/onion.h"

enum {
	CELL_PADDING = 0,
	CELL_CREATE = 1,
	CELL_CREATED = 2,
	CELL_RELAY = 3,
	CELL_DESTROY = 4,
	CELL_CREATE_FAST = 5,
	CELL_CREATED_FAST = 6,
	CELL_VERSIONS = 7,
	CELL_NETINFO = 8,
	CELL_RELAY_EARLY = 9,
	CELL_CREATE2 = 10,
	CELL_CREATED2 = 11,
	CELL_PADDING_NEGOTIATE = 12,
	CELL_VPADDING = 128,
	CELL_CERTS = 129,
	CELL_AUTH_CHALLENGE = 130,
	CELL_AUTHENTICATE = 131,
	CELL_AUTHORIZE = 132,
};

#define ONION_HTYPE_NTOR	2
#define ONION_NTOR_ONIONSKIN	84	/* ID | B | X */
#define ONION_NTOR_REPLY	64	/* Y | AUTH */

/* A parsed cell; body points into the buffer it was parsed from. */
struct onion_cell {
	uint32_t	circid;
	uint8_t		cmd;
	uint16_t	len;	/* ONION_PAYLOAD_LEN for fixed cells */
	const uint8_t	*body;
};

/*
 * Parses one cell from buf. circid_len is 2 before the VERSIONS exchange
 * and 4 after. Returns ONION_OK and sets *used, or ONION_EAGAIN when buf
 * holds only part of a cell (*used is then the bytes still needed).
 */
int	onion_cell_parse(const uint8_t *buf, size_t len, unsigned circid_len,
	    struct onion_cell *c, size_t *used);

/* A fixed cell: payload (len <= 509) then zeros. Writes ONION_CELL_LEN. */
int	onion_cell_pack(uint8_t out[ONION_CELL_LEN], uint32_t circid,
	    uint8_t cmd, const uint8_t *payload, size_t len);

/* A variable cell; returns bytes written or a negative error. */
int	onion_cell_pack_var(uint8_t *out, size_t cap, unsigned circid_len,
	    uint32_t circid, uint8_t cmd, const uint8_t *payload, size_t len);

/* Our VERSIONS cell (circid_len 2), offering 4 and 5. Returns its size. */
int	onion_versions_pack(uint8_t *out, size_t cap);
/* The highest version both offer, or ONION_EPROTO if none is >= 4. */
int	onion_versions_pick(const struct onion_cell *c);

/*
 * Our NETINFO: time 0, the peer's IPv4 address, no addresses of ours.
 * Writes a fixed cell.
 */
int	onion_netinfo_pack(uint8_t out[ONION_CELL_LEN], uint32_t peer_ipv4);
/* Checks a peer's NETINFO and returns its timestamp. */
int	onion_netinfo_parse(const struct onion_cell *c, uint32_t *timestamp,
	    uint32_t *my_ipv4);

/* CREATE2 with an ntor onion skin. */
int	onion_create2_pack(uint8_t out[ONION_CELL_LEN], uint32_t circid,
	    const uint8_t skin[ONION_NTOR_ONIONSKIN]);
/* CREATE2 with any handshake type (len <= 505). */
int	onion_create2_pack_any(uint8_t out[ONION_CELL_LEN], uint32_t circid,
	    uint16_t htype, const uint8_t *skin, size_t len);
/* CREATED2 / EXTENDED2 body: HLEN then HDATA; ntor wants 64 bytes. */
int	onion_created2_parse(const uint8_t *body, size_t len,
	    uint8_t reply[ONION_NTOR_REPLY]);
/* The same for any handshake: points *hdata at HLEN bytes inside body. */
int	onion_created2_data(const uint8_t *body, size_t len,
	    const uint8_t **hdata, size_t *hlen);

#endif

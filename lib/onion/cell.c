/*
 * Cell framing (tor-spec §3, §4.1, §4.5, §5.1): splitting a byte stream
 * into cells, packing cells, and the few link-level payloads a client
 * sends or reads. Every length from the peer is checked here.
 */
#include <string.h>

#include "lib/onion/cell.h"

/* VERSIONS and commands >= 128 are variable-length. */
static int
onion_cell_is_var(uint8_t cmd)
{
	return cmd == CELL_VERSIONS || cmd >= 128;
}

int
onion_cell_parse(const uint8_t *buf, size_t len, unsigned circid_len,
    struct onion_cell *c, size_t *used)
{
	size_t hdr, need;

	if (circid_len != 2 && circid_len != 4)
		return ONION_EINVAL;
	hdr = circid_len + 1;
	if (len < hdr) {
		*used = hdr + 2;
		return ONION_EAGAIN;
	}
	c->circid = circid_len == 4 ? onion_be32(buf) : onion_be16(buf);
	c->cmd = buf[circid_len];
	if (onion_cell_is_var(c->cmd)) {
		if (len < hdr + 2) {
			*used = hdr + 2;
			return ONION_EAGAIN;
		}
		c->len = onion_be16(buf + hdr);
		need = hdr + 2 + c->len;
		c->body = buf + hdr + 2;
	} else {
		c->len = ONION_PAYLOAD_LEN;
		need = hdr + ONION_PAYLOAD_LEN;
		c->body = buf + hdr;
	}
	*used = need;
	return len < need ? ONION_EAGAIN : ONION_OK;
}

int
onion_cell_pack(uint8_t out[ONION_CELL_LEN], uint32_t circid, uint8_t cmd,
    const uint8_t *payload, size_t len)
{
	if (len > ONION_PAYLOAD_LEN || onion_cell_is_var(cmd) ||
	    (len > 0 && payload == NULL))
		return ONION_EINVAL;
	onion_put32(out, circid);
	out[4] = cmd;
	if (len > 0)
		memcpy(out + 5, payload, len);
	memset(out + 5 + len, 0, ONION_PAYLOAD_LEN - len);
	return ONION_CELL_LEN;
}

int
onion_cell_pack_var(uint8_t *out, size_t cap, unsigned circid_len,
    uint32_t circid, uint8_t cmd, const uint8_t *payload, size_t len)
{
	size_t hdr = circid_len + 3;

	if ((circid_len != 2 && circid_len != 4) || !onion_cell_is_var(cmd) ||
	    len > ONION_VAR_MAX || cap < hdr + len ||
	    (len > 0 && payload == NULL))
		return ONION_EINVAL;
	if (circid_len == 4)
		onion_put32(out, circid);
	else {
		if (circid > 0xffff)
			return ONION_EINVAL;
		onion_put16(out, (uint16_t)circid);
	}
	out[circid_len] = cmd;
	onion_put16(out + circid_len + 1, (uint16_t)len);
	if (len > 0)
		memcpy(out + hdr, payload, len);
	return (int)(hdr + len);
}

int
onion_versions_pack(uint8_t *out, size_t cap)
{
	static const uint8_t v[] = { 0, 4, 0, 5 };

	return onion_cell_pack_var(out, cap, 2, 0, CELL_VERSIONS, v, sizeof v);
}

int
onion_versions_pick(const struct onion_cell *c)
{
	int best = -1;
	size_t i;

	if (c->cmd != CELL_VERSIONS || c->len % 2 != 0)
		return ONION_EPROTO;
	for (i = 0; i < c->len; i += 2) {
		int v = onion_be16(c->body + i);

		if ((v == 4 || v == 5) && v > best)
			best = v;
	}
	return best < 0 ? ONION_EPROTO : best;
}

int
onion_netinfo_pack(uint8_t out[ONION_CELL_LEN], uint32_t peer_ipv4)
{
	uint8_t p[11];

	onion_put32(p, 0);		/* clients send time 0 */
	p[4] = 4;			/* IPv4 */
	p[5] = 4;
	onion_put32(p + 6, peer_ipv4);
	p[10] = 0;			/* none of our own addresses */
	return onion_cell_pack(out, 0, CELL_NETINFO, p, sizeof p);
}

/* Skips one address field; returns its size or ONION_ETRUNC. */
static int
netinfo_addr(const uint8_t *p, size_t left, uint32_t *ipv4)
{
	if (left < 2 || left - 2 < p[1])
		return ONION_ETRUNC;
	if (p[0] == 4 && p[1] == 4 && ipv4 != NULL)
		*ipv4 = onion_be32(p + 2);
	return 2 + p[1];
}

int
onion_netinfo_parse(const struct onion_cell *c, uint32_t *timestamp,
    uint32_t *my_ipv4)
{
	size_t off, n, i;
	int r;

	if (c->cmd != CELL_NETINFO || c->len < 4)
		return ONION_EPROTO;
	*timestamp = onion_be32(c->body);
	*my_ipv4 = 0;
	off = 4;
	if ((r = netinfo_addr(c->body + off, c->len - off, my_ipv4)) < 0)
		return r;
	off += (size_t)r;
	if (off >= c->len)
		return ONION_ETRUNC;
	n = c->body[off++];
	for (i = 0; i < n; i++) {
		if ((r = netinfo_addr(c->body + off, c->len - off, NULL)) < 0)
			return r;
		off += (size_t)r;
	}
	return ONION_OK;
}

int
onion_create2_pack_any(uint8_t out[ONION_CELL_LEN], uint32_t circid,
    uint16_t htype, const uint8_t *skin, size_t len)
{
	uint8_t p[ONION_PAYLOAD_LEN];

	if (circid == 0 || len > sizeof p - 4)
		return ONION_EINVAL;
	onion_put16(p, htype);
	onion_put16(p + 2, (uint16_t)len);
	memcpy(p + 4, skin, len);
	return onion_cell_pack(out, circid, CELL_CREATE2, p, 4 + len);
}

int
onion_create2_pack(uint8_t out[ONION_CELL_LEN], uint32_t circid,
    const uint8_t skin[ONION_NTOR_ONIONSKIN])
{
	return onion_create2_pack_any(out, circid, ONION_HTYPE_NTOR, skin,
	    ONION_NTOR_ONIONSKIN);
}

int
onion_created2_data(const uint8_t *body, size_t len, const uint8_t **hdata,
    size_t *hlen)
{
	if (len < 2)
		return ONION_ETRUNC;
	*hlen = onion_be16(body);
	if (*hlen > len - 2)
		return ONION_ETRUNC;
	*hdata = body + 2;
	return ONION_OK;
}

int
onion_created2_parse(const uint8_t *body, size_t len,
    uint8_t reply[ONION_NTOR_REPLY])
{
	const uint8_t *d;
	size_t hlen;
	int r;

	if ((r = onion_created2_data(body, len, &d, &hlen)) != ONION_OK)
		return r;
	if (hlen != ONION_NTOR_REPLY)
		return ONION_EPROTO;
	memcpy(reply, d, ONION_NTOR_REPLY);
	return ONION_OK;
}

/*
 * lib/onion: a Tor client library. This header holds what every part
 * shares: error codes, protocol constants, the transport interface and
 * big-endian byte helpers. Nothing here allocates or blocks.
 */
#ifndef LIB_ONION_ONION_H
#define LIB_ONION_ONION_H

#include <stddef.h>
#include <stdint.h>

/* Errors: 0 is success, every failure a distinct negative code. */
#define ONION_OK		0
#define ONION_EAGAIN		(-1)	/* would block; try again later */
#define ONION_EINVAL		(-2)	/* bad argument from the caller */
#define ONION_EPROTO		(-3)	/* peer broke the Tor protocol */
#define ONION_ETRUNC		(-4)	/* input shorter than its fields say */
#define ONION_ETLS		(-5)	/* TLS failed */
#define ONION_ECLOSED		(-6)	/* peer closed the connection */
#define ONION_EIO		(-7)	/* transport error */
#define ONION_ECERT		(-8)	/* a certificate is malformed or unsigned */
#define ONION_EEXPIRED		(-9)	/* a certificate or document expired */
#define ONION_EIDENTITY		(-10)	/* peer proved another identity */
#define ONION_EAUTH		(-11)	/* handshake or digest check failed */
#define ONION_ESIG		(-12)	/* too few valid signatures */
#define ONION_EFULL		(-13)	/* a fixed table or buffer is full */
#define ONION_ENOPATH		(-14)	/* no relays satisfy the path rules */
#define ONION_EDESTROYED	(-15)	/* circuit torn down */
#define ONION_ESTREAM		(-16)	/* stream ended by the exit */
#define ONION_ETIMEOUT		(-17)	/* an operation took too long */
#define ONION_ECRYPTO		(-18)	/* a crypto primitive failed */
#define ONION_EPARSE		(-19)	/* malformed directory document */

const char *onion_strerror(int err);

/* Cells, link protocol v4 and later. */
#define ONION_CIRCID_LEN	4
#define ONION_PAYLOAD_LEN	509
#define ONION_CELL_LEN		(ONION_CIRCID_LEN + 1 + ONION_PAYLOAD_LEN)
#define ONION_VAR_MAX		65535
#define ONION_RELAY_HDR		11
#define ONION_RELAY_DATA_MAX	(ONION_PAYLOAD_LEN - ONION_RELAY_HDR)

#define ONION_ID_LEN		20	/* SHA-1 of an RSA identity key */
#define ONION_ED_LEN		32	/* Ed25519 public key */
#define ONION_KEY_LEN		32	/* curve25519 public key */

/*
 * All I/O goes through this. send and recv return the number of bytes
 * moved (> 0), 0 if the call would block, or a negative ONION_E* code;
 * recv returns ONION_ECLOSED at end of stream. Neither may block.
 */
struct onion_transport {
	void	*ctx;
	int	(*send)(void *ctx, const void *buf, size_t len);
	int	(*recv)(void *ctx, void *buf, size_t len);
};

static inline uint16_t
onion_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
onion_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
onion_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
onion_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif

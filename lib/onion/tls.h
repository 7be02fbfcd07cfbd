/*
 * TLS to a relay's ORPort with BearSSL. Relays present self-signed link
 * certificates, so X.509 path validation is replaced by an engine that
 * accepts the server's certificate and records its SHA-256; the link
 * layer later binds that hash to the relay's identity via CERTS (§4.2).
 */
#ifndef LIB_ONION_TLS_H
#define LIB_ONION_TLS_H

#include <bearssl.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/onion.h"

/* Accepts any server certificate; remembers the first one's hash. */
struct onion_x509_noanchor {
	const br_x509_class	*vtable;
	br_x509_decoder_context	dec;
	struct nc_sha256_state	hash;
	uint32_t		ncerts;
	int			key_ok;
	br_x509_pkey		pkey;
	uint8_t			cert_sha256[32];
};

struct onion_tls {
	br_ssl_client_context		cc;
	br_x509_minimal_context		unused;	/* init_full wants one */
	struct onion_x509_noanchor	x509;
	const struct onion_transport	*tr;
	int				err;	/* sticky transport error */
	uint8_t				iobuf[BR_SSL_BUFSIZE_BIDI];
};

/* Sets up a client handshake (no SNI, TLS 1.2). */
int	onion_tls_init(struct onion_tls *t, const struct onion_transport *tr);

/*
 * Moves records between BearSSL and the transport until neither side
 * makes progress. Returns 1 if any byte moved, 0 if none, or
 * ONION_ECLOSED / ONION_ETLS / ONION_EIO.
 */
int	onion_tls_pump(struct onion_tls *t);

/* Application data: returns bytes moved, 0 if none now, or an error. */
int	onion_tls_write(struct onion_tls *t, const void *buf, size_t len);
int	onion_tls_read(struct onion_tls *t, void *buf, size_t len);
/* Closes the current record so what was written goes out. */
void	onion_tls_flush(struct onion_tls *t);
/* Bytes of application data BearSSL will take right now. */
size_t	onion_tls_room(struct onion_tls *t);
int	onion_tls_ready(struct onion_tls *t);	/* handshake done */

/* SHA-256 of the server's certificate, once ready. */
const uint8_t *onion_tls_peer_cert_hash(const struct onion_tls *t);

#endif

/*
 * A client's channel to one relay (tor-spec §4): TLS, then VERSIONS,
 * the responder's CERTS checked against the identity we expected,
 * AUTH_CHALLENGE ignored, NETINFO both ways. Once open it queues outgoing
 * cells and hands every incoming circuit cell to a callback.
 */
#ifndef LIB_ONION_LINK_H
#define LIB_ONION_LINK_H

#include "lib/onion/cell.h"
#include "lib/onion/certs.h"
#include "lib/onion/tls.h"

#define ONION_LINK_INBUF	(16 * 1024)	/* largest cell we accept */
#define ONION_LINK_OUTBUF	(128 * ONION_CELL_LEN)

enum onion_link_state {
	LINK_TLS,		/* TLS handshake */
	LINK_VERSIONS,		/* sent VERSIONS, waiting for theirs */
	LINK_CERTS,		/* waiting for CERTS */
	LINK_NETINFO,		/* CERTS good; waiting for NETINFO */
	LINK_OPEN,
	LINK_DEAD,
};

struct onion_link;
typedef void onion_cell_fn(void *ctx, struct onion_link *l,
    const struct onion_cell *c);

struct onion_link {
	struct onion_tls	tls;
	enum onion_link_state	state;
	int			version;
	int			err;		/* why it died */
	uint8_t			want_rsa[ONION_ID_LEN];
	uint8_t			want_ed[ONION_ED_LEN];
	int			check_ed;
	uint32_t		peer_ipv4;
	int64_t			now;		/* Unix seconds, for certs */
	struct onion_peer_ids	ids;		/* proven by CERTS */
	onion_cell_fn		*on_cell;
	void			*cb_ctx;
	uint64_t		cells_out;	/* cells queued, ever */
	uint64_t		cells_in;	/* non-padding cells received */
	size_t			inlen, outlen;
	uint8_t			in[ONION_LINK_INBUF];
	uint8_t			out[ONION_LINK_OUTBUF];
};

/*
 * Starts the handshake with the relay at peer_ipv4 that must prove RSA
 * identity rsa_id and, if ed_id is not NULL, Ed25519 identity ed_id.
 */
int	onion_link_start(struct onion_link *l, const struct onion_transport *tr,
	    const uint8_t rsa_id[ONION_ID_LEN], const uint8_t *ed_id,
	    uint32_t peer_ipv4, int64_t now, onion_cell_fn *on_cell,
	    void *cb_ctx);

/*
 * Does all I/O that can be done now and dispatches received cells.
 * ONION_OK while the link lives; otherwise the error that killed it
 * (ONION_EIDENTITY for a relay that is not who we asked for).
 */
int	onion_link_pump(struct onion_link *l);

/* Queues a fixed cell. ONION_EAGAIN if the queue is full. */
int	onion_link_send(struct onion_link *l, const uint8_t cell[ONION_CELL_LEN]);
/* Cells that can still be queued. */
size_t	onion_link_room(const struct onion_link *l);
int	onion_link_is_open(const struct onion_link *l);

#endif

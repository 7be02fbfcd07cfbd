/*
 * The client runtime: links to guards, circuits through them, streams on
 * circuits, all in fixed tables inside struct onion_client (the caller
 * allocates it once). No threads, no allocation: the owner calls
 * onion_client_pump() whenever a transport may be ready or time passed,
 * and learns of progress through the event callbacks.
 */
#ifndef LIB_ONION_CLIENT_H
#define LIB_ONION_CLIENT_H

#include "lib/onion/conflux.h"
#include "lib/onion/dir.h"
#include "lib/onion/link.h"
#include "lib/onion/ntor.h"
#include "lib/onion/ntor3.h"
#include "lib/onion/padding.h"
#include "lib/onion/path.h"
#include "lib/onion/relay.h"

#define ONION_MAX_LINKS		4
#define ONION_MAX_CIRCS		16
#define ONION_MAX_STREAMS	256
#define ONION_HOPS		3
#define ONION_CIRCWINDOW	1000
#define ONION_CIRC_INC		100
#define ONION_STREAMWINDOW	500
#define ONION_STREAM_INC	50
#define ONION_SENDME_FIFO	(ONION_CIRCWINDOW / ONION_CIRC_INC)
#define ONION_MAX_CFX		4	/* conflux sets at once */
#define ONION_CFX_RING_MIN	64	/* early cells a set must be able to hold */

enum onion_circ_state { CIRC_FREE, CIRC_WAIT_LINK, CIRC_BUILDING, CIRC_OPEN,
	CIRC_CLOSED };
enum onion_stream_state { STREAM_FREE, STREAM_CONNECTING, STREAM_RESOLVING,
	STREAM_OPEN, STREAM_CLOSED };

/* What a circuit needs to know about each of its relays. */
struct onion_hop_info {
	char		nick[ONION_NICK_MAX + 1];
	uint8_t		rsa_id[ONION_ID_LEN];
	uint8_t		ed_id[ONION_ED_LEN];
	uint8_t		ntor[ONION_KEY_LEN];
	int		have_ed;
	int		have_ntor;	/* else CREATE_FAST (first hop only) */
	uint32_t	ipv4;
	uint16_t	orport;
	int		relay_index;	/* in the consensus it came from */
};

struct onion_circ {
	enum onion_circ_state	state;
	uint32_t		id;
	int			link;		/* index in links[] */
	unsigned		nhops;		/* hops with keys */
	unsigned		want_hops;	/* ONION_HOPS, or 1 for BEGIN_DIR */
	int			dir;		/* a one-hop directory circuit */
	uint8_t			fast_x[ONION_ID_LEN];	/* CREATE_FAST's X */
	struct onion_hop_info	path[ONION_HOPS];
	struct onion_hop_crypto	hops[ONION_HOPS];
	struct onion_ntor_client ntor;		/* handshake in flight */
	struct onion_ntor3_client ntor3;	/* ... if ntor v3 */
	int			v3;		/* that one is ntor v3 */
	int			asked_cc;	/* ... asking for CC */
	int			truncating;	/* sent TRUNCATE, awaiting TRUNCATED */
	int			old_tail[ONION_HOPS];	/* relays truncated away */
	unsigned		nold;
	int			cc;		/* congestion control (prop 324) */
	int			sendme_inc;	/* cells per circuit SENDME */
	int			package_max;	/* sending window ceiling */
	int			early_left;	/* RELAY_EARLY budget */
	int			package_window, deliver_window;
	uint8_t			sendme_fifo[ONION_SENDME_FIFO][20];
	unsigned		sendme_head, sendme_count;
	uint64_t		isolation;
	uint16_t		exit_port;	/* the port it was built for */
	uint16_t		next_stream;
	unsigned		nstreams;
	uint64_t		started_ms, built_ms;
	uint64_t		last_cell_ms;	/* for stall detection */
	uint64_t		probe_sent_ms;
	uint16_t		probe_stream;	/* liveness probe in flight */
	int			cfx;		/* conflux set + 1, or 0 */
	unsigned		cfx_leg;	/* its leg in that set */
	int			hidden;		/* a second leg: not the owner's */
	int			err;
};

enum onion_cfx_state { CFX_FREE, CFX_BUILDING, CFX_LINKING, CFX_LINKED };

/*
 * A conflux set: legs[0] is the circuit the owner knows and the streams
 * name, legs[1] a second circuit to the same exit that only carries
 * what the exit chooses to send on it. Both must negotiate congestion
 * control; LINK goes out on each once both are open, and the owner
 * hears of legs[0] as built only when both answered LINKED.
 */
struct onion_cfx_set {
	enum onion_cfx_state	state;
	int			legs[ONION_CFX_LEGS];
	unsigned		open, linked;	/* bit per leg */
	uint8_t			nonce[ONION_CFX_NONCE];
	uint64_t		link_ms;	/* when LINK went out */
	struct onion_cfx_seq	seq;
};

struct onion_stream {
	enum onion_stream_state	state;
	uint16_t		id;
	int			circ;
	int			package_window, deliver_window;
	size_t			backlog;	/* bytes the app still holds */
	int			xoff_sent;	/* we asked the exit to pause */
	int			xoff_recv;	/* the exit asked us to pause */
	int			dir;		/* BEGIN_DIR: events to dir_ev */
	void			*user;
};

struct onion_client;

/* Event callbacks; any may be NULL. Stream handles are small ints. */
struct onion_events {
	void	*ctx;
	/* Opens a TCP connection to ip:port and fills *tr; < 0 if not. */
	int	(*connect)(void *ctx, int link, uint32_t ip, uint16_t port,
		    struct onion_transport *tr);
	void	(*disconnect)(void *ctx, int link);
	void	(*circ_built)(void *ctx, int circ);
	void	(*circ_closed)(void *ctx, int circ, int err);
	void	(*stream_connected)(void *ctx, int stream);
	void	(*stream_data)(void *ctx, int stream, const uint8_t *d,
		    size_t n);
	/* err: ONION_ESTREAM with the exit's END reason, or why it died. */
	void	(*stream_end)(void *ctx, int stream, int err, int reason);
	/* type 4 / 6 with an address, or 0xf0 / 0xf1 on error. */
	void	(*stream_resolved)(void *ctx, int stream, int type,
		    const uint8_t *addr, size_t len);
};

struct onion_client_link {
	int			used;
	uint64_t		seen_out;	/* cells_out at last check */
	uint64_t		quiet_since;	/* ms; for keepalives */
	uint64_t		seen_in;	/* link.cells_in at last check */
	struct onion_pad_timer	pad;		/* channel padding */
	uint64_t		idle_since;	/* ms; without circuits since */
	uint32_t		idle_limit_ms;	/* close when idle that long */
	enum onion_chan_usage	usage;		/* for the padding decision */
	struct onion_transport	tr;
	struct onion_link	link;
	uint8_t			rsa_id[ONION_ID_LEN];
};

/* Counters for logs and tests. */
struct onion_stats {
	uint64_t	circ_sendmes, stream_sendmes;	/* we sent */
	uint64_t	xoff_sent, xon_sent, xoff_recv;
	uint64_t	probes;				/* stall probes sent */
	uint64_t	keepalives;			/* PADDING after keepalive_ms */
	uint64_t	padding;			/* PADDING, padding-spec */
	uint64_t	idle_closed;			/* links closed idle */
	uint64_t	cfx_linked;			/* conflux sets linked */
	uint64_t	cfx_fallback;			/* ... built as one leg */
	uint64_t	cfx_cells[ONION_CFX_LEGS];	/* sequenced, per leg */
	uint64_t	cfx_switches;			/* SWITCH received */
	uint64_t	cfx_queued_max;			/* most cells early */
};

struct onion_client {
	const struct onion_consensus	*cons;
	struct onion_stats		stats;
	struct onion_events		ev;
	struct onion_path_rules		rules;
	int				guard;		/* relay index, -1 */
	uint8_t				*avoid;		/* per relay */
	size_t				avoid_cap;
	uint64_t			now_ms;
	int64_t				now;		/* Unix seconds */
	uint64_t			build_timeout_ms;
	uint64_t			stall_ms;	/* silence before a probe */
	int				request_cc;	/* ask exits for prop 324 */
	uint64_t			keepalive_ms;	/* PADDING after idling */
	int				padding;	/* channel padding on */
	struct onion_events		dir_ev;		/* BEGIN_DIR streams' */
	struct onion_client_link	links[ONION_MAX_LINKS];
	struct onion_circ		circs[ONION_MAX_CIRCS];
	struct onion_stream		streams[ONION_MAX_STREAMS];
	struct onion_cfx_cell		*cfx_ring;	/* NULL: no conflux */
	size_t				cfx_ring_len;	/* per set */
	struct onion_cfx_set		cfx[ONION_MAX_CFX];
};

/*
 * Initialises cl for consensus cons. avoid is a caller-provided byte per
 * relay (marks relays that failed); distinct_subnets as tor's
 * EnforceDistinctSubnets.
 */
void	onion_client_init(struct onion_client *cl,
	    const struct onion_consensus *cons, uint8_t *avoid,
	    const struct onion_events *ev, int distinct_subnets);

/*
 * Switches cl to consensus cons (a refresh): every circuit's relays, the
 * guard and the avoid marks are found again by identity; a circuit still
 * being built through a relay that left is closed. The old consensus may
 * be reused once this returns.
 */
void	onion_client_set_consensus(struct onion_client *cl,
	    const struct onion_consensus *cons);

/*
 * Makes the relay with identity rsa_id the guard for circuits built from
 * now on (a guard kept from an earlier session, guardfile.h). Its index,
 * or ONION_ENOPATH when the consensus does not list it as a usable guard
 * (the guard stays as it was).
 */
int	onion_client_set_guard(struct onion_client *cl, const uint8_t *rsa_id);

/*
 * Turns conflux on: circuits built from now on for exits that offer it
 * are sets of two legs (proposal 329), when congestion control is asked
 * for (request_cc) and the consensus allows it. ring holds n cells that
 * arrived early, shared equally by the ONION_MAX_CFX sets; a set whose
 * exit runs further ahead than its share is closed. ONION_EINVAL if n
 * is below ONION_MAX_CFX * ONION_CFX_RING_MIN.
 */
int	onion_client_set_conflux(struct onion_client *cl,
	    struct onion_cfx_cell *ring, size_t n);

/* Drives every link and timer. now_ms is monotonic, now Unix seconds. */
void	onion_client_pump(struct onion_client *cl, uint64_t now_ms,
	    int64_t now);
/* Whether link li has bytes waiting for its transport to take them. */
int	onion_client_wants_write(const struct onion_client *cl, int li);

/*
 * Starts building a 3-hop circuit whose exit allows port (0: any) for
 * isolation class iso. Returns the circuit handle or an error.
 */
int	onion_circ_build(struct onion_client *cl, uint16_t port, uint64_t iso);
/*
 * Starts a one-hop circuit to h for BEGIN_DIR streams: CREATE_FAST when
 * h has no ntor key (an authority before any consensus), else ntor, as
 * tor does. Its events do not go to the owner's circ_built/circ_closed:
 * the directory fetcher watches the circuit's state. h->relay_index may
 * be -1 (not in the consensus).
 */
int	onion_circ_build_dir(struct onion_client *cl,
	    const struct onion_hop_info *h);
/* Fills h from relay idx of the consensus, or from an authority line. */
void	onion_hop_from_relay(struct onion_hop_info *h,
	    const struct onion_consensus *c, int idx);
void	onion_hop_from_authority(struct onion_hop_info *h,
	    const struct onion_authority *a);
/* The link a circuit runs on is kept only while it has circuits, unless
 * it is the guard's; this drops it now if nothing uses it. */
void	onion_client_release_link(struct onion_client *cl, int link);

/* An open (or building, if building_ok) circuit for port and iso. */
int	onion_circ_find(struct onion_client *cl, uint16_t port, uint64_t iso,
	    int building_ok);
/* Sends DESTROY and forgets the circuit; its streams end. */
void	onion_circ_close(struct onion_client *cl, int circ, int err);
/*
 * RELAY_TRUNCATE to hop (0-based): it drops the hops after it. Once it
 * answers TRUNCATED the circuit is extended again through new relays
 * (the ones dropped are not chosen) and circ_built reports it open.
 * Streams on it end now.
 */
int	onion_circ_truncate(struct onion_client *cl, int circ, unsigned hop);

/* RELAY_BEGIN to host:port on an open circuit. Returns a stream handle. */
int	onion_stream_begin(struct onion_client *cl, int circ,
	    const char *host, uint16_t port, void *user);
/*
 * RELAY_BEGIN_DIR on an open one-hop circuit: a stream to the relay's
 * directory cache. Its events go to cl->dir_ev, not the owner's.
 */
int	onion_stream_begin_dir(struct onion_client *cl, int circ, void *user);
/* RELAY_RESOLVE of host at the exit. Returns a stream handle. */
int	onion_stream_resolve(struct onion_client *cl, int circ,
	    const char *host, void *user);
/*
 * Sends up to n bytes as RELAY_DATA, as windows and the link queue
 * allow. Returns bytes taken (0: try later) or an error.
 */
int	onion_stream_write(struct onion_client *cl, int s, const uint8_t *d,
	    size_t n);
/* Tells the client how many received bytes the app still holds. */
void	onion_stream_backlog(struct onion_client *cl, int s, size_t bytes);
/* RELAY_END (reason DONE) and frees the handle. */
void	onion_stream_close(struct onion_client *cl, int s);
void	*onion_stream_user(struct onion_client *cl, int s);

/* Internal, shared by client.c, circuit.c and stream.c. */
int	onion__send_relay(struct onion_client *cl, struct onion_circ *c,
	    unsigned hop, uint8_t cmd, uint16_t stream, const uint8_t *data,
	    size_t len, uint8_t *digest20);
void	onion__stream_cell(struct onion_client *cl, struct onion_circ *c,
	    const struct onion_relay_msg *m);
void	onion__streams_end(struct onion_client *cl, int circ, int err);
void	onion__circ_cell(struct onion_client *cl, int link,
	    const struct onion_cell *cell);
int	onion__link_for(struct onion_client *cl,
	    const struct onion_hop_info *h);
void	onion__link_opened(struct onion_client *cl, int link);
void	onion__circ_fail(struct onion_client *cl, int circ, int err);
void	onion__circ_check_stall(struct onion_client *cl, int circ);
void	onion__link_used(struct onion_client *cl, int link,
	    enum onion_chan_usage usage);
int	onion__circ_start_path(struct onion_client *cl, const int idx[3],
	    uint16_t port, uint64_t iso, int hidden);
void	onion__circ_msg(struct onion_client *cl, struct onion_circ *c,
	    const struct onion_relay_msg *m);
void	onion__circ_report_built(struct onion_client *cl, struct onion_circ *c);
/* cfxset.c: conflux sets over circuits. */
void	onion__cfx_start(struct onion_client *cl, int circ, const int idx[3]);
void	onion__cfx_leg_open(struct onion_client *cl, struct onion_circ *c);
int	onion__cfx_ctl(struct onion_client *cl, struct onion_circ *c,
	    const struct onion_relay_msg *m);
int	onion__cfx_cell(struct onion_client *cl, struct onion_circ *c,
	    const struct onion_relay_msg *m);
void	onion__cfx_leg_closed(struct onion_client *cl, struct onion_circ *c);
void	onion__cfx_check(struct onion_client *cl);
int	onion__cfx_ready(const struct onion_client *cl,
	    const struct onion_circ *c);
int	onion__cfx_crowded(const struct onion_client *cl,
	    const struct onion_circ *c);
void	onion__streams_flow(struct onion_client *cl, int circ);

#endif

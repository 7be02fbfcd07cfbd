/*
 * The consensus engine: Canonical's Raft (libraft, libuv I/O) ordering
 * batches of transactions. Raft sees opaque entries; the application
 * (app.c) turns each committed batch into the next block the same way on
 * every replica, so this file is the only one a Byzantine-tolerant engine
 * would replace. The leader batches the mempool: a batch goes out at
 * once when nothing is in flight, else when 256 are waiting, at most
 * INFLIGHT_MAX at a time. After each block every replica sends its
 * signature of the new state hash to the others (P_SIGN, best effort).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/ledger/replica.h"
#include "tools/common/cli.h"
#include "tools/nonos-ledgerd/ledgerd.h"

#define BATCH_EARLY	256		/* propose beside one in flight from here */
#define PROPOSE_MS	2

struct batch {
	struct raft_apply req;
	struct node *n;
	uint32_t ntx;
	uint8_t (*hashes)[L_HASH];
};

#define PEER_QUEUE	256		/* frames kept while connecting */

/* An outgoing connection to another replica's client port. */
struct peer {
	struct peer *next;
	raft_id id;
	struct node *n;
	uv_tcp_t tcp;
	uv_connect_t connect;
	int state;			/* 0 idle, 1 connecting, 2 up, 3 closing */
	uint8_t *queue[PEER_QUEUE];	/* frames waiting for the connection */
	size_t qlen[PEER_QUEUE], nqueue;
};

struct change {
	struct raft_change req;
	struct node *n;
	uint64_t serial;		/* the connection to answer */
	raft_id id;
};

/* The hash of each transaction in a batch's body (proposer, ntx, txs). */
static void
batch_tx_hash(struct node *n, const uint8_t *tx, size_t len, size_t *used,
    uint8_t hash[L_HASH])
{
	struct ledger_tx t;

	*used = 0;
	if (ledger_tx_decode(&t, tx, len, used) != L_OK)
		return;
	ledger_tx_hash(&t, n->app.l->p.chain_id, hash);
}

/* FinalizeBlock and Commit for one committed entry, then the answers. */
static int
fsm_apply(struct raft_fsm *fsm, const struct raft_buffer *buf, void **result)
{
	static int32_t results[L_MAX_BLOCK_TXS];
	struct node *n = fsm->data;
	uint8_t sig[L_SIG], hash[L_HASH];
	const uint8_t *p = buf->base;
	uint64_t height, h;
	uint32_t ntx;
	size_t off = BATCH_HEAD, used, end;

	*result = NULL;
	height = app_finalize(&n->app, buf->base, buf->len, results, &ntx, sig);
	end = ntx ? BATCH_HEAD + batch_txlen(p) : 0;
	for (uint32_t i = 0; i < ntx && off < end; i++) {
		batch_tx_hash(n, p + off, end - off, &used, hash);
		if (used == 0)
			break;
		off += used;
		if (results[i] == L_OK)
			server_tx_done(n, hash, L_OK, height);
		else if ((h = app_tx_height(&n->app, hash)) != 0)
			server_tx_done(n, hash, L_OK, h);	/* a retry */
		else if (results[i] == L_EBLOCK)
			server_tx_done(n, hash, P_EAGAIN, 0);	/* no room */
		else
			server_tx_done(n, hash, results[i], 0);
	}
	if (height != 0)
		engine_push_sig(n, height, n->app.heights[height - 1].state, sig);
	return 0;
}

static int
fsm_snapshot(struct raft_fsm *fsm, struct raft_buffer *bufs[], unsigned *nbufs)
{
	struct node *n = fsm->data;
	uint8_t *p;
	size_t len;

	if ((*bufs = malloc(sizeof **bufs)) == NULL)
		return RAFT_NOMEM;
	if (app_snapshot(&n->app, &p, &len) < 0) {
		free(*bufs);
		return RAFT_NOMEM;
	}
	(*bufs)[0].base = p;
	(*bufs)[0].len = len;
	*nbufs = 1;
	return 0;
}

static int
fsm_snapshot_finalize(struct raft_fsm *fsm, struct raft_buffer *bufs[],
    unsigned *nbufs)
{
	(void)fsm;
	if (*bufs != NULL) {
		free((*bufs)[0].base);
		free(*bufs);
	}
	*bufs = NULL;
	*nbufs = 0;
	return 0;
}

/* Raft hands the snapshot's buffer over: it is ours to free. */
static int
fsm_restore(struct raft_fsm *fsm, struct raft_buffer *buf)
{
	struct node *n = fsm->data;
	int err = app_restore(&n->app, buf->base, buf->len);

	raft_free(buf->base);
	return err < 0 ? RAFT_MALFORMED : 0;
}

int
engine_is_leader(struct node *n)
{
	return raft_state(&n->raft) == RAFT_LEADER;
}

void
engine_leader(struct node *n, char addr[P_MAX_ADDR + 1])
{
	const char *a = NULL;
	raft_id id = 0;

	addr[0] = '\0';
	raft_leader(&n->raft, &id, &a);
	if (id != 0 && a != NULL && client_addr_of(a, addr) < 0)
		addr[0] = '\0';
}

int
engine_submit(struct node *n, const uint8_t *tx, size_t len)
{
	for (size_t i = 0; i < n->npending; i++)
		if (n->mempool[i].len == len &&
		    memcmp(n->mempool[i].tx, tx, len) == 0)
			return L_OK;		/* already waiting */
	if (n->npending == MEMPOOL_MAX)
		return P_EAGAIN;
	memcpy(n->mempool[n->npending].tx, tx, len);
	n->mempool[n->npending].len = len;
	n->npending++;
	return L_OK;
}

/* A batch ended; if it failed, its transactions' fate is unknown here. */
static void
batch_done(struct raft_apply *req, int status, void *result)
{
	struct batch *b = req->data;
	struct node *n = b->n;
	uint64_t h;

	(void)result;
	n->inflight--;
	if (status != 0)
		for (uint32_t i = 0; i < b->ntx; i++) {
			h = app_tx_height(&n->app, b->hashes[i]);
			server_tx_done(n, b->hashes[i], h ? L_OK : P_EAGAIN, h);
		}
	free(b->hashes);
	free(b);
}

/*
 * Takes up to max_block_txs transactions off the mempool into one entry.
 * 0, or -1 if out of memory (the transactions stay for the next tick).
 */
static int
propose(struct node *n)
{
	struct raft_buffer buf;
	struct batch *b;
	uint32_t ntx = 0, max = n->app.l->p.max_block_txs;
	size_t len = BATCH_HEAD, off = BATCH_HEAD, used, txlen;
	int err;

	while (ntx < n->npending && ntx < max)
		len += n->mempool[ntx++].len;
	txlen = len - BATCH_HEAD;
	len = (len + 7) & ~(size_t)7;	/* libraft wants 8-byte multiples */
	if ((b = calloc(1, sizeof *b)) == NULL ||
	    (b->hashes = calloc(ntx, L_HASH)) == NULL ||
	    (buf.base = raft_malloc(len)) == NULL) {
		if (b != NULL)
			free(b->hashes);
		free(b);
		return -1;
	}
	buf.len = len;
	memset(buf.base, 0, len);
	memcpy(buf.base, n->app.pk, L_KEY);
	for (int i = 0; i < 4; i++) {
		((uint8_t *)buf.base)[32 + i] = (uint8_t)(ntx >> (8 * i));
		((uint8_t *)buf.base)[36 + i] = (uint8_t)(txlen >> (8 * i));
	}
	for (uint32_t i = 0; i < ntx; i++) {
		memcpy((uint8_t *)buf.base + off, n->mempool[i].tx,
		    n->mempool[i].len);
		batch_tx_hash(n, n->mempool[i].tx, n->mempool[i].len, &used,
		    b->hashes[i]);
		off += n->mempool[i].len;
	}
	memmove(n->mempool, n->mempool + ntx,
	    (n->npending - ntx) * sizeof *n->mempool);
	n->npending -= ntx;
	b->n = n;
	b->ntx = ntx;
	b->req.data = b;
	if ((err = raft_apply(&n->raft, &b->req, &buf, 1, batch_done)) != 0) {
		raft_free(buf.base);
		for (uint32_t i = 0; i < ntx; i++)
			server_tx_done(n, b->hashes[i], P_EAGAIN, 0);
		free(b->hashes);
		free(b);
		return 0;
	}
	n->inflight++;
	return 0;
}

static void
propose_tick(uv_timer_t *t)
{
	struct node *n = t->data;
	uint8_t hash[L_HASH];
	size_t used;

	if (!engine_is_leader(n)) {
		/* Lost the lead: the waiting clients go to the new leader. */
		for (size_t i = 0; i < n->npending; i++) {
			batch_tx_hash(n, n->mempool[i].tx, n->mempool[i].len,
			    &used, hash);
			server_tx_done(n, hash, P_EAGAIN, 0);
		}
		n->npending = 0;
		return;
	}
	while (n->npending > 0 && n->inflight < INFLIGHT_MAX &&
	    (n->inflight == 0 || n->npending >= BATCH_EARLY))
		if (propose(n) < 0)
			break;
}

/* --- Replica signatures to the other members -------------------------------- */

static void
peer_drop_queue(struct peer *p)
{
	for (size_t i = 0; i < p->nqueue; i++)
		free(p->queue[i]);
	p->nqueue = 0;
}

static void
peer_closed(uv_handle_t *h)
{
	struct peer *p = h->data;

	p->state = 0;
	peer_drop_queue(p);
}

static void peer_write(struct peer *p, uint8_t *frame, size_t len);

static void
peer_fail(struct peer *p)
{
	if (p->state == 1 || p->state == 2) {
		p->state = 3;
		uv_close((uv_handle_t *)&p->tcp, peer_closed);
	}
}

static void
peer_alloc(uv_handle_t *h, size_t want, uv_buf_t *buf)
{
	static char sink[4096];

	(void)h;
	(void)want;
	*buf = uv_buf_init(sink, sizeof sink);
}

/* Its answers (P_DONE) are not needed: read and dropped. */
static void
peer_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	(void)buf;
	if (nread < 0)
		peer_fail(s->data);
}

static void
peer_connected(uv_connect_t *req, int status)
{
	struct peer *p = req->data;

	if (status != 0 || p->state != 1) {
		peer_fail(p);
		return;
	}
	p->state = 2;
	uv_read_start((uv_stream_t *)&p->tcp, peer_alloc, peer_read);
	for (size_t i = 0; i < p->nqueue; i++)
		peer_write(p, p->queue[i], p->qlen[i]);
	p->nqueue = 0;
}

static void
peer_written(uv_write_t *w, int status)
{
	free(w->data);
	free(w);
	(void)status;
}

static struct peer *
peer_get(struct node *n, raft_id id)
{
	struct peer *p;

	for (p = n->peers; p != NULL; p = p->next)
		if (p->id == id)
			return p;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->id = id;
	p->n = n;
	p->next = n->peers;
	n->peers = p;
	return p;
}

/* Writes a malloc'd frame on an open connection; frees it when written. */
static void
peer_write(struct peer *p, uint8_t *frame, size_t len)
{
	uv_write_t *w = malloc(sizeof *w);
	uv_buf_t b = uv_buf_init((char *)frame, (unsigned)len);

	if (w == NULL) {
		free(frame);
		return;
	}
	w->data = frame;
	if (p->state != 2 ||
	    uv_write(w, (uv_stream_t *)&p->tcp, &b, 1, peer_written) != 0) {
		free(frame);
		free(w);
		peer_fail(p);
	}
}

/*
 * Sends frame to member id at raft address addr; while the connection
 * is being made, up to PEER_QUEUE frames wait, later ones are dropped.
 */
static void
peer_send(struct node *n, raft_id id, const char *addr, const uint8_t *frame,
    size_t len)
{
	struct sockaddr_storage ss;
	char caddr[P_MAX_ADDR + 1];
	struct peer *p = peer_get(n, id);
	uint8_t *copy;

	if (p == NULL || p->state == 3 || (copy = malloc(len)) == NULL)
		return;
	memcpy(copy, frame, len);
	if (p->state == 2) {
		peer_write(p, copy, len);
		return;
	}
	if (p->nqueue == PEER_QUEUE) {
		free(copy);
		return;
	}
	p->queue[p->nqueue] = copy;
	p->qlen[p->nqueue++] = len;
	if (p->state == 1)
		return;
	if (client_addr_of(addr, caddr) < 0 || parse_addr(caddr, &ss) < 0) {
		peer_drop_queue(p);
		return;
	}
	uv_tcp_init(&n->loop, &p->tcp);
	p->tcp.data = p;
	p->connect.data = p;
	p->state = 1;
	if (uv_tcp_connect(&p->connect, &p->tcp, (struct sockaddr *)&ss,
	    peer_connected) != 0)
		peer_fail(p);
}

void
engine_push_sig(struct node *n, uint64_t height, const uint8_t state[L_HASH],
    const uint8_t sig[L_SIG])
{
	struct raft_configuration *c = &n->raft.configuration;
	struct proto_msg m;
	uint8_t frame[256];
	size_t len;

	if (n->closing)
		return;
	memset(&m, 0, sizeof m);
	m.type = P_SIGN;
	memcpy(m.key, n->app.pk, L_KEY);
	m.height = height;
	memcpy(m.hash, state, L_HASH);
	memcpy(m.sig, sig, L_SIG);
	if ((len = proto_encode(&m, frame, sizeof frame)) == 0)
		return;
	for (unsigned i = 0; i < c->n; i++)
		if (c->servers[i].id != n->id)
			peer_send(n, c->servers[i].id, c->servers[i].address,
			    frame, len);
}

/* --- Membership --------------------------------------------------------------- */

static void
change_done(struct raft_change *req, int status)
{
	struct change *ch = req->data;

	if (status != 0)
		warnx_("membership change for node %llu: %s",
		    (unsigned long long)ch->id, raft_strerror(status));
	server_reply_code(ch->n, ch->serial, status == 0 ? L_OK : P_EREFUSED);
	free(ch);
}

/* An added node first replicates as a spare, then gets its vote. */
static void
added(struct raft_change *req, int status)
{
	struct change *ch = req->data;
	int err;

	if (status == 0 && (err = raft_assign(&ch->n->raft, &ch->req, ch->id,
	    RAFT_VOTER, change_done)) != 0)
		status = err;
	if (status != 0)
		change_done(req, status);
}

int
engine_member(struct node *n, uint64_t serial, const struct proto_msg *m)
{
	uint8_t hash[L_HASH];
	struct change *ch;
	int err;

	if (!n->have_admin)
		return P_EREFUSED;
	proto_member_hash(n->app.l->p.chain_id, m->op, m->id, m->addr, hash);
	if (nc_verify_ed25519(m->sig, hash, L_HASH, n->admin) != NC_OK)
		return L_ESIG;
	if ((ch = calloc(1, sizeof *ch)) == NULL)
		return P_EAGAIN;
	ch->n = n;
	ch->serial = serial;
	ch->id = m->id;
	ch->req.data = ch;
	if (m->op == P_OP_ADD)
		err = raft_add(&n->raft, &ch->req, m->id, m->addr, added);
	else
		err = raft_remove(&n->raft, &ch->req, m->id, change_done);
	if (err != 0) {
		warnx_("membership change: %s", raft_strerror(err));
		free(ch);
		return P_EREFUSED;
	}
	return L_OK;			/* answered by change_done */
}

/* --- Start and stop ------------------------------------------------------------ */

/*
 * bootstrap: NULL to join (or restart), else the initial members, "ID=HOST:PORT,...".
 */
static int
bootstrap_config(struct node *n, const char *spec)
{
	struct raft_configuration conf;
	char buf[2048], *save = NULL, *tok, *eq;
	unsigned long long id;
	int err;

	if (strlen(spec) >= sizeof buf) {
		warnx_("--bootstrap: too long");
		return -1;
	}
	strcpy(buf, spec);
	raft_configuration_init(&conf);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(tok, '=')) == NULL ||
		    sscanf(tok, "%llu=", &id) != 1 || id == 0 ||
		    raft_configuration_add(&conf, id, eq + 1, RAFT_VOTER) != 0) {
			warnx_("--bootstrap: bad member '%s'", tok);
			raft_configuration_close(&conf);
			return -1;
		}
	}
	err = raft_bootstrap(&n->raft, &conf);
	raft_configuration_close(&conf);
	if (err != 0 && err != RAFT_CANTBOOTSTRAP) {
		warnx_("bootstrap: %s", raft_strerror(err));
		return -1;
	}
	return 0;			/* CANTBOOTSTRAP: it already has a state */
}

int
engine_start(struct node *n, const char *dir, unsigned election_ms,
    unsigned snapshot_every, const char *bootstrap)
{
	int err;

	n->mempool = calloc(MEMPOOL_MAX, sizeof *n->mempool);
	if (n->mempool == NULL)
		return -1;
	n->fsm.version = 2;
	n->fsm.data = n;
	n->fsm.apply = fsm_apply;
	n->fsm.snapshot = fsm_snapshot;
	n->fsm.snapshot_finalize = fsm_snapshot_finalize;
	n->fsm.restore = fsm_restore;
	if ((err = raft_uv_tcp_init(&n->transport, &n->loop)) != 0 ||
	    (err = raft_uv_init(&n->io, &n->loop, dir, &n->transport)) != 0) {
		warnx_("raft I/O in %s: %s", dir, raft_strerror(err));
		return -1;
	}
	/*
	 * A damaged segment stops the node instead of being moved aside:
	 * entries this node acknowledged may be in it, and dropping them
	 * quietly could lose a committed entry if others lose theirs too.
	 */
	raft_uv_set_auto_recovery(&n->io, false);
	if ((err = raft_init(&n->raft, &n->io, &n->fsm, n->id, n->raft_addr)) != 0) {
		warnx_("raft: %s", raft_errmsg(&n->raft));
		return -1;
	}
	raft_set_election_timeout(&n->raft, election_ms);
	raft_set_heartbeat_timeout(&n->raft, election_ms / 10);
	raft_set_snapshot_threshold(&n->raft, snapshot_every);
	raft_set_snapshot_trailing(&n->raft, snapshot_every / 2);
	raft_set_pre_vote(&n->raft, true);
	if (bootstrap != NULL && bootstrap_config(n, bootstrap) < 0)
		return -1;
	if ((err = raft_start(&n->raft)) != 0) {
		warnx_("cannot start from the log in %s: %s (%s)%s", dir,
		    raft_strerror(err), raft_errmsg(&n->raft), err == RAFT_CORRUPT ?
		    "; the log is damaged: move this directory aside and add the "
		    "node again, it catches up from the others" : "");
		return -1;
	}
	uv_timer_init(&n->loop, &n->propose_timer);
	n->propose_timer.data = n;
	uv_timer_start(&n->propose_timer, propose_tick, PROPOSE_MS, PROPOSE_MS);
	return 0;
}

static void
raft_closed(struct raft *r)
{
	struct node *n = r->data;

	raft_uv_close(&n->io);
	raft_uv_tcp_close(&n->transport);
}

void
engine_stop(struct node *n)
{
	n->closing = 1;
	uv_timer_stop(&n->propose_timer);
	uv_close((uv_handle_t *)&n->propose_timer, NULL);
	for (struct peer *p = n->peers; p != NULL; p = p->next)
		peer_fail(p);
	n->raft.data = n;
	raft_close(&n->raft, raft_closed);
}

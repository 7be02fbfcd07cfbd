/*
 * The client protocol server (lib/ledger/proto.h) on libuv: one request
 * at a time per connection, answered in order. A submitted transaction
 * is checked (app_check_tx), queued on the leader and answered when the
 * batch holding it is applied; a follower redirects it to the leader.
 * Requests are small: a frame longer than REQ_MAX closes the connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/common/cli.h"
#include "tools/nonos-ledgerd/ledgerd.h"

#define REQ_MAX	1024

struct conn {
	struct conn *next;
	struct node *n;
	uv_tcp_t tcp;
	uint64_t serial;
	uint8_t in[REQ_MAX];
	size_t inlen;
	int busy;			/* answering; reading paused */
	int waiting_tx;			/* busy on tx_hash's commit */
	uint8_t tx_hash[L_HASH];
	int closing;
};

static void serve(struct conn *c);
static void conn_alloc(uv_handle_t *h, size_t want, uv_buf_t *buf);
static void conn_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void
conn_freed(uv_handle_t *h)
{
	free(h->data);
}

static void
conn_close(struct conn *c)
{
	struct conn **pp;

	if (c->closing)
		return;
	c->closing = 1;
	for (pp = &c->n->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	uv_close((uv_handle_t *)&c->tcp, conn_freed);
}

static void
written(uv_write_t *w, int status)
{
	free(w->data);
	free(w);
	(void)status;
}

/* Sends m; a request answered resumes reading (and serves what is buffered). */
static void
send_msg(struct conn *c, const struct proto_msg *m)
{
	size_t cap = m->type == P_BLOCK_R ? P_MAX_FRAME : 512, len;
	uv_write_t *w = malloc(sizeof *w);
	uint8_t *buf = malloc(cap);
	uv_buf_t b;

	if (w == NULL || buf == NULL || (len = proto_encode(m, buf, cap)) == 0) {
		free(w);
		free(buf);
		conn_close(c);
		return;
	}
	w->data = buf;
	b = uv_buf_init((char *)buf, (unsigned)len);
	if (uv_write(w, (uv_stream_t *)&c->tcp, &b, 1, written) != 0) {
		free(w);
		free(buf);
		conn_close(c);
		return;
	}
	c->busy = 0;
	c->waiting_tx = 0;
}

static void
send_code(struct conn *c, int32_t code)
{
	struct proto_msg m;

	memset(&m, 0, sizeof m);
	m.type = code == L_OK ? P_DONE : P_ERROR;
	m.code = code;
	send_msg(c, &m);
}

static void
send_committed(struct conn *c, uint64_t height)
{
	struct proto_msg m;

	memset(&m, 0, sizeof m);
	m.type = P_COMMITTED;
	m.height = height;
	send_msg(c, &m);
}

/* Not the leader: where it is, or "retry" if none is known. */
static void
send_redirect(struct conn *c)
{
	struct proto_msg m;

	memset(&m, 0, sizeof m);
	engine_leader(c->n, m.addr);
	if (m.addr[0] == '\0' || strcmp(m.addr, c->n->client_addr) == 0) {
		send_code(c, P_EAGAIN);
		return;
	}
	m.type = P_REDIRECT;
	send_msg(c, &m);
}

static void
resume(struct conn *c)
{
	if (c->closing)
		return;
	serve(c);
	if (!c->busy && !c->closing)
		uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_read);
}

void
server_tx_done(struct node *n, const uint8_t hash[L_HASH], int32_t code,
    uint64_t height)
{
	struct conn *c, *next;

	for (c = n->conns; c != NULL; c = next) {
		next = c->next;
		if (!c->waiting_tx || memcmp(c->tx_hash, hash, L_HASH) != 0)
			continue;
		if (code == L_OK)
			send_committed(c, height);
		else
			send_code(c, code);
		resume(c);
	}
}

void
server_reply_code(struct node *n, uint64_t serial, int32_t code)
{
	for (struct conn *c = n->conns; c != NULL; c = c->next)
		if (c->serial == serial) {
			send_code(c, code);
			resume(c);
			return;
		}
}

static void
do_submit(struct conn *c, const struct proto_msg *m)
{
	struct node *n = c->n;
	uint64_t height;
	int err;

	if (!engine_is_leader(n)) {
		send_redirect(c);
		return;
	}
	err = app_check_tx(&n->app, m->data, m->datalen, c->tx_hash, &height);
	if (err == L_ENONCE && height != 0) {
		send_committed(c, height);	/* a retry of a committed one */
		return;
	}
	if (err == L_OK)
		err = engine_submit(n, m->data, m->datalen);
	if (err != L_OK) {
		send_code(c, err);
		return;
	}
	c->busy = 1;
	c->waiting_tx = 1;
}

static void
do_account(struct conn *c, const struct proto_msg *m)
{
	const struct ledger *l = c->n->app.l;
	struct proto_msg r;
	uint32_t a = ledger_find_account(l, m->key);

	memset(&r, 0, sizeof r);
	r.type = P_ACCOUNT_R;
	r.height = l->height;
	if (a != L_NONE) {
		r.exists = 1;
		r.nonce = l->accounts[a].nonce;
		r.balance = ledger_balance(l, a, L_NATIVE);
	}
	send_msg(c, &r);
}

static void
do_block(struct conn *c, const struct proto_msg *m)
{
	struct proto_msg r;

	memset(&r, 0, sizeof r);
	r.type = P_BLOCK_R;
	r.height = m->height;
	if (app_height(&c->n->app, m->height, r.hash, r.sigs, &r.nsig) < 0 ||
	    (r.datalen = app_read_block(&c->n->app, m->height)) == 0) {
		send_code(c, P_ENOTFOUND);
		return;
	}
	r.data = c->n->app.block;
	send_msg(c, &r);
}

static void
do_status(struct conn *c)
{
	struct node *n = c->n;
	struct proto_msg r;
	struct proto_sig sigs[P_MAX_SIGS];
	uint32_t nsig;
	int state = raft_state(&n->raft);

	memset(&r, 0, sizeof r);
	r.type = P_STATUS_R;
	r.height = n->app.l->height;
	if (app_height(&n->app, r.height, r.hash, sigs, &nsig) < 0)
		ledger_state_hash(n->app.l, r.hash);
	r.role = state == RAFT_LEADER ? P_ROLE_LEADER :
	    state == RAFT_CANDIDATE ? P_ROLE_CANDIDATE :
	    state == RAFT_FOLLOWER ? P_ROLE_FOLLOWER : P_ROLE_NONE;
	r.id = n->id;
	engine_leader(n, r.addr);
	send_msg(c, &r);
}

static void
handle(struct conn *c, const uint8_t *frame, size_t len)
{
	struct proto_msg m;
	int err;

	if (proto_decode(&m, frame, len) != L_OK) {
		send_code(c, L_EFORMAT);
		return;
	}
	switch (m.type) {
	case P_SUBMIT:
		do_submit(c, &m);
		break;
	case P_ACCOUNT:
		do_account(c, &m);
		break;
	case P_BLOCK:
		do_block(c, &m);
		break;
	case P_STATUS:
		do_status(c);
		break;
	case P_SIGN:
		send_code(c, app_add_sig(&c->n->app, m.key, m.height, m.hash,
		    m.sig) < 0 ? P_EREFUSED : L_OK);
		break;
	case P_MEMBER:
		if (!engine_is_leader(c->n)) {
			send_redirect(c);
			break;
		}
		if ((err = engine_member(c->n, c->serial, &m)) != L_OK)
			send_code(c, err);
		else
			c->busy = 1;
		break;
	default:
		send_code(c, L_EFORMAT);	/* an answer is no request */
	}
}

/* Serves the whole frames buffered, one at a time, until one waits. */
static void
serve(struct conn *c)
{
	size_t frame;

	while (!c->busy && !c->closing && c->inlen >= 4) {
		if (proto_frame_len(c->in, c->inlen, &frame) != L_OK ||
		    frame > REQ_MAX) {
			conn_close(c);
			return;
		}
		if (c->inlen < frame)
			return;
		handle(c, c->in, frame);
		memmove(c->in, c->in + frame, c->inlen - frame);
		c->inlen -= frame;
	}
}

static void
conn_alloc(uv_handle_t *h, size_t want, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)want;
	*buf = uv_buf_init((char *)c->in + c->inlen,
	    (unsigned)(sizeof c->in - c->inlen));
}

static void
conn_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	(void)buf;
	if (nread < 0) {
		conn_close(c);
		return;
	}
	c->inlen += (size_t)nread;
	serve(c);
	if (c->busy && !c->closing)
		uv_read_stop(s);
	else if (!c->closing && c->inlen == sizeof c->in)
		conn_close(c);		/* a full buffer and no frame */
}

static void
conn_accept(uv_stream_t *listener, int status)
{
	struct node *n = listener->data;
	struct conn *c;

	if (status != 0 || (c = calloc(1, sizeof *c)) == NULL)
		return;
	c->n = n;
	c->serial = ++n->next_serial;
	uv_tcp_init(&n->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
		uv_close((uv_handle_t *)&c->tcp, conn_freed);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	c->next = n->conns;
	n->conns = c;
	uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_read);
}

int
server_start(struct node *n)
{
	struct sockaddr_storage ss;
	int err;

	if (parse_addr(n->client_addr, &ss) < 0) {
		warnx_("%s: not HOST:PORT", n->client_addr);
		return -1;
	}
	uv_tcp_init(&n->loop, &n->listener);
	n->listener.data = n;
	if ((err = uv_tcp_bind(&n->listener, (struct sockaddr *)&ss, 0)) != 0 ||
	    (err = uv_listen((uv_stream_t *)&n->listener, 128, conn_accept)) != 0) {
		warnx_("%s: %s", n->client_addr, uv_strerror(err));
		return -1;
	}
	return 0;
}

void
server_stop(struct node *n)
{
	while (n->conns != NULL)
		conn_close(n->conns);
	uv_close((uv_handle_t *)&n->listener, NULL);
}

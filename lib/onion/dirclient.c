/*
 * Directory fetches over BEGIN_DIR (dir-spec §4, tor-spec §6.2): one
 * request at a time on a one-hop circuit of the client, its response
 * collected in the caller's buffer until the relay ends the stream,
 * then handed to the parsers and verifiers of dir.h. Sources: a random
 * authority at bootstrap (then the next, and so on); for a refresh the
 * guard, or a random directory cache, then the authorities.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/dirclient.h"

#define END_REASON_DONE		6
#define RETRY_MIN_S		2
#define RETRY_MAX_S		60

static const char path_keys[] = "/tor/keys/all";
static const char path_cons[] = "/tor/status-vote/current/consensus-microdesc";
static const char path_md[] = "/tor/micro/d/";

static uint64_t
rnd64(void)
{
	uint64_t v = 0;

	if (nc_random_bytes(&v, sizeof v) != NC_OK)
		v = 0;
	return v;
}

/* --- stream events (the client's dir_ev) --------------------------------- */

static void
ev_data(void *ctx, int s, const uint8_t *p, size_t n)
{
	struct onion_dirclient *d = ctx;

	if (s != d->stream || d->ended)
		return;
	d->stats.bytes += n;
	if (d->cap - d->len < n) {
		/* Bigger than the caller's buffer: give up on this one. */
		d->ended = 1;
		d->end_err = ONION_EFULL;
		onion_stream_close(d->cl, s);
		d->stream = -1;
		return;
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
}

static void
ev_end(void *ctx, int s, int err, int reason)
{
	struct onion_dirclient *d = ctx;

	if (s != d->stream)
		return;
	d->stream = -1;
	if (d->ended)
		return;
	d->ended = 1;
	d->end_err = err;
	d->end_reason = reason;
}

struct onion_events
onion_dir_events(struct onion_dirclient *d)
{
	struct onion_events ev;

	memset(&ev, 0, sizeof ev);
	ev.ctx = d;		/* CONNECTED: onion_dir_pump sends the GET */
	ev.stream_data = ev_data;
	ev.stream_end = ev_end;
	return ev;
}

/* --- set-up and schedule ------------------------------------------------- */

void
onion_dir_init(struct onion_dirclient *d, struct onion_client *cl,
    const struct onion_authority *auth, size_t nauth, struct onion_relay *t0,
    struct onion_relay *t1, size_t cap, char *buf, size_t bufcap,
    int64_t max_age)
{
	memset(d, 0, sizeof *d);
	d->cl = cl;
	d->auth = auth;
	d->nauth = nauth;
	d->cons[0].relays = t0;
	d->cons[1].relays = t1;
	d->cons[0].cap = d->cons[1].cap = cap;
	onion_pad_defaults(&d->cons[0].pad);	/* the empty one, before any */
	d->cur = -1;
	d->buf = buf;
	d->cap = bufcap;
	d->max_age = max_age;
	d->phase = DIR_KEYS;
	d->circ = d->stream = -1;
	d->start = (uint32_t)rnd64();
}

const struct onion_consensus *
onion_dir_consensus(const struct onion_dirclient *d)
{
	return &d->cons[d->cur >= 0 ? d->cur : 0];
}

void
onion_dir_preset_consensus(struct onion_dirclient *d, const char *text,
    size_t len)
{
	d->preset = text;
	d->preset_len = len;
}

int
onion_dir_ready(const struct onion_dirclient *d)
{
	return d->cur >= 0;
}

int64_t
onion_dir_refresh_time(const struct onion_consensus *c, uint64_t r)
{
	int64_t start, window;

	start = c->fresh_until + (c->fresh_until - c->valid_after) * 3 / 4;
	window = (c->valid_until - start) * 7 / 8;
	if (window <= 0)
		return start;
	return start + (int64_t)(r % (uint64_t)window);
}

int
onion_dir_refresh_due(const struct onion_dirclient *d, int64_t now)
{
	return d->cur >= 0 && d->phase == DIR_IDLE && now >= d->refresh_at;
}

int
onion_dir_refresh(struct onion_dirclient *d, uint64_t now_ms)
{
	if (d->cur < 0 || d->phase != DIR_IDLE)
		return ONION_EINVAL;
	d->phase = DIR_CONSENSUS;
	d->keys_again = 0;
	d->tries = 0;
	d->start = (uint32_t)rnd64();
	d->deadline_ms = now_ms + ONION_DIR_TIMEOUT_MS;
	return ONION_OK;
}

/* --- sources and requests ------------------------------------------------ */

/* Ends the circuit of the fetch and lets its link go unless needed. */
static void
drop_circuit(struct onion_dirclient *d)
{
	int link;

	if (d->stream >= 0)
		onion_stream_close(d->cl, d->stream);
	d->stream = -1;
	if (d->circ >= 0) {
		link = d->cl->circs[d->circ].link;
		onion_circ_close(d->cl, d->circ, ONION_OK);
		onion_client_release_link(d->cl, link);
	}
	d->circ = -1;
}

/*
 * A directory cache with a known ntor key: for the first try (t == 0)
 * the guard if it is one, else a random one.
 */
static int
pick_cache(struct onion_dirclient *d, unsigned t)
{
	const struct onion_consensus *c = &d->cons[d->cur];
	const struct onion_relay *r;
	size_t i, n = 0, k, want;
	int g = d->cl->guard;

	if (t == 0 && g >= 0 && (size_t)g < c->nrelays &&
	    (c->relays[g].flags & RF_V2DIR) && c->relays[g].have_md)
		return g;
	for (i = 0; i < c->nrelays; i++) {
		r = &c->relays[i];
		n += (r->flags & (RF_V2DIR | RF_RUNNING)) ==
		    (RF_V2DIR | RF_RUNNING) && r->have_md;
	}
	if (n == 0)
		return -1;
	want = (size_t)(rnd64() % n);
	for (i = 0, k = 0; i < c->nrelays; i++) {
		r = &c->relays[i];
		if ((r->flags & (RF_V2DIR | RF_RUNNING)) !=
		    (RF_V2DIR | RF_RUNNING) || !r->have_md)
			continue;
		if (k++ == want)
			return (int)i;
	}
	return -1;
}

/*
 * The next source for this phase, as hop info: caches first when we
 * have a consensus, then each authority once. ONION_ENOPATH when all
 * were tried.
 */
static int
next_source(struct onion_dirclient *d, struct onion_hop_info *h)
{
	unsigned t = d->tries++;
	int idx;

	if (d->cur >= 0) {
		if (t < ONION_DIR_RELAY_TRIES) {
			if ((idx = pick_cache(d, t)) >= 0) {
				onion_hop_from_relay(h, &d->cons[d->cur], idx);
				return ONION_OK;
			}
			t = ONION_DIR_RELAY_TRIES;
			d->tries = t + 1;
		}
		t -= ONION_DIR_RELAY_TRIES;
	}
	if (t >= d->nauth)
		return ONION_ENOPATH;
	onion_hop_from_authority(h, &d->auth[(d->start + t) % d->nauth]);
	return ONION_OK;
}

static void
put(struct onion_dirclient *d, const char *s, size_t n)
{
	if (sizeof d->req - d->req_len >= n) {
		memcpy(d->req + d->req_len, s, n);
		d->req_len += n;
	}
}

/* Base64 of a 32-byte digest without padding (43 characters). */
static void
put_b64(struct onion_dirclient *d, const uint8_t *m)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char out[44];
	size_t o = 0, j;
	uint32_t v;

	for (j = 0; j < 30; j += 3) {
		v = (uint32_t)m[j] << 16 | (uint32_t)m[j + 1] << 8 | m[j + 2];
		out[o++] = al[v >> 18 & 63];
		out[o++] = al[v >> 12 & 63];
		out[o++] = al[v >> 6 & 63];
		out[o++] = al[v & 63];
	}
	v = (uint32_t)m[30] << 8 | m[31];
	out[o++] = al[v >> 10 & 63];
	out[o++] = al[v >> 4 & 63];
	out[o++] = al[v << 2 & 63];
	put(d, out, o);
}

/* The GET for the current phase into d->req. */
static void
build_request(struct onion_dirclient *d)
{
	const struct onion_consensus *c = &d->cons[d->cur >= 0 ? 1 - d->cur : 1];
	size_t i, k = 0;

	d->req_len = d->req_off = 0;
	put(d, "GET ", 4);
	if (d->phase == DIR_KEYS)
		put(d, path_keys, sizeof path_keys - 1);
	else if (d->phase == DIR_CONSENSUS)
		put(d, path_cons, sizeof path_cons - 1);
	else {
		put(d, path_md, sizeof path_md - 1);
		for (i = d->md_next; i < c->nrelays &&
		    k < ONION_DIR_MD_BATCH; i++) {
			if (c->relays[i].have_md)
				continue;
			if (k++ > 0)
				put(d, "-", 1);
			put_b64(d, c->relays[i].md_digest);
		}
		d->md_end = i;
	}
	put(d, " HTTP/1.0\r\n\r\n", 13);
}

/* Opens the circuit (if needed) and the stream for the next request. */
static int
start_request(struct onion_dirclient *d, uint64_t now_ms)
{
	struct onion_hop_info h;
	int r;

	d->len = 0;
	d->ended = 0;
	d->end_err = d->end_reason = 0;
	build_request(d);
	d->deadline_ms = now_ms + ONION_DIR_TIMEOUT_MS;
	if (d->circ >= 0)
		return ONION_OK;
	if ((r = next_source(d, &h)) != ONION_OK)
		return r;
	memcpy(d->source, h.nick, sizeof d->source);
	if ((r = onion_circ_build_dir(d->cl, &h)) < 0) {
		d->stats.failures++;
		d->err = r;
		return ONION_EAGAIN;	/* the next source, next time */
	}
	d->circ = r;
	return ONION_OK;
}

/* --- responses ----------------------------------------------------------- */

/* Copies what a microdescriptor gave src into dst. */
static void
copy_md(struct onion_relay *dst, const struct onion_relay *src)
{
	dst->have_md = src->have_md;
	dst->have_ed = src->have_ed;
	memcpy(dst->ntor, src->ntor, sizeof dst->ntor);
	memcpy(dst->ed_id, src->ed_id, sizeof dst->ed_id);
	dst->policy_accept = src->policy_accept;
	dst->policy_truncated = src->policy_truncated;
	dst->nports = src->nports;
	dst->nfamily = src->nfamily;
	memcpy(dst->ports, src->ports, sizeof dst->ports);
	memcpy(dst->family, src->family, sizeof dst->family);
}

static int
id_cmp(const struct onion_relay *a, const struct onion_relay *b)
{
	return memcmp(a->rsa_id, b->rsa_id, ONION_ID_LEN);
}

/*
 * Microdescriptors the new consensus shares with the one in use are not
 * fetched again. Both list relays by ascending identity (dir-spec §3.4.1),
 * so one walk finds them; a disordered list only costs fetches.
 */
static void
reuse_microdescs(struct onion_dirclient *d, struct onion_consensus *nc)
{
	const struct onion_consensus *oc = &d->cons[d->cur];
	size_t i = 0, j = 0;
	int c;

	while (i < nc->nrelays && j < oc->nrelays) {
		c = id_cmp(&nc->relays[i], &oc->relays[j]);
		if (c < 0)
			i++;
		else if (c > 0)
			j++;
		else {
			if (oc->relays[j].have_md && memcmp(nc->relays[i].md_digest,
			    oc->relays[j].md_digest, 32) == 0)
				copy_md(&nc->relays[i], &oc->relays[j]);
			i++, j++;
		}
	}
}

static int
got_keys(struct onion_dirclient *d, const char *body, size_t len, int64_t now)
{
	return onion_authcerts_parse(body, len, now, d->auth, d->nauth,
	    d->certs, ONION_MAX_AUTHORITIES, &d->ncerts);
}

static int
got_consensus(struct onion_dirclient *d, const char *body, size_t len,
    int64_t now)
{
	struct onion_consensus *nc = &d->cons[d->cur >= 0 ? 1 - d->cur : 1];
	int r;

	if ((r = onion_consensus_parse(body, len, nc)) != ONION_OK)
		return r;
	r = onion_consensus_verify(body, len, nc, d->auth, d->nauth, d->certs,
	    d->ncerts, now, d->max_age);
	if (r != ONION_OK)
		return r;
	if (d->cur >= 0 && nc->valid_after <= d->cons[d->cur].valid_after)
		return ONION_EAGAIN;	/* the cache has nothing newer yet */
	if (d->cur >= 0)
		reuse_microdescs(d, nc);
	d->md_next = 0;
	return ONION_OK;
}

/* Attaches a batch; moves md_next past the relays it asked about. */
static int
got_microdescs(struct onion_dirclient *d, const char *body, size_t len)
{
	struct onion_consensus *nc = &d->cons[d->cur >= 0 ? 1 - d->cur : 1];
	int r;

	if ((r = onion_microdescs_parse(body, len, nc)) < 0)
		return r;
	d->md_next = d->md_end;	/* ones the cache lacked stay without */
	return ONION_OK;
}

/* Whether any relay of the consensus being fetched still lacks one. */
static int
md_missing(const struct onion_dirclient *d)
{
	const struct onion_consensus *nc = &d->cons[d->cur >= 0 ? 1 - d->cur : 1];
	size_t i;

	for (i = d->md_next; i < nc->nrelays; i++)
		if (!nc->relays[i].have_md)
			return 1;
	return 0;
}

/* The new consensus goes into use; the next refresh is scheduled. */
static int
switch_consensus(struct onion_dirclient *d)
{
	int next = d->cur >= 0 ? 1 - d->cur : 1;
	const struct onion_consensus *nc = &d->cons[next];
	size_t i, have = 0;

	for (i = 0; i < nc->nrelays; i++)
		have += nc->relays[i].have_md;
	if (have == 0)
		return ONION_ENOPATH;
	if (d->cur >= 0)
		d->stats.refreshes++;
	onion_client_set_consensus(d->cl, nc);
	d->cur = next;
	d->refresh_at = onion_dir_refresh_time(nc, rnd64());
	d->phase = DIR_IDLE;
	return 1;
}

/* A response arrived whole: use it. 1: consensus switched; < 0 refused. */
static int
handle_response(struct onion_dirclient *d, int64_t now)
{
	const char *body;
	size_t off, len;
	int status, r;

	if (d->end_err != ONION_ESTREAM || d->end_reason != END_REASON_DONE)
		return d->end_err == ONION_ESTREAM ? ONION_ESTREAM : d->end_err;
	if ((r = onion_http_response(d->buf, d->len, &status, &off)) != 0)
		return r == ONION_ETRUNC ? ONION_EPARSE : r;
	if (status != 200)
		return ONION_ESTREAM;
	body = d->buf + off;
	len = d->len - off;
	switch (d->phase) {
	case DIR_KEYS:
		if ((r = got_keys(d, body, len, now)) != ONION_OK)
			return r;
		d->phase = DIR_CONSENSUS;
		return ONION_OK;
	case DIR_CONSENSUS:
		if ((r = got_consensus(d, body, len, now)) != ONION_OK)
			return r;
		d->phase = DIR_MICRODESCS;
		/* A refresh may already have every microdescriptor. */
		return md_missing(d) ? ONION_OK : switch_consensus(d);
	case DIR_MICRODESCS:
		if ((r = got_microdescs(d, body, len)) != ONION_OK)
			return r;
		return md_missing(d) ? ONION_OK : switch_consensus(d);
	default:
		return ONION_EINVAL;
	}
}

/* The preset consensus, in place of a fetch. */
static int
use_preset(struct onion_dirclient *d, int64_t now)
{
	int r = got_consensus(d, d->preset, d->preset_len, now);

	d->preset = NULL;
	if (r != ONION_OK)
		return r;
	d->phase = DIR_MICRODESCS;
	return md_missing(d) ? ONION_OK : ONION_ENOPATH;
}

/*
 * This phase's request failed at its source (err): the next source
 * gets it. When none is left, bootstrap fails for good; a refresh is
 * tried again later with the consensus in use kept.
 */
static int
source_failed(struct onion_dirclient *d, int err, int64_t now)
{
	const struct onion_consensus *c;
	int64_t delay;

	d->stats.failures++;
	d->err = err;
	if (err == ONION_EEXPIRED)
		d->expired = 1;
	drop_circuit(d);
	if (err == ONION_ESIG && d->phase == DIR_CONSENSUS && !d->keys_again) {
		/* Signed with keys we lack: fetch them, then try again. */
		d->keys_again = 1;
		d->phase = DIR_KEYS;
		return ONION_OK;
	}
	if (d->cur < 0 && d->tries < d->nauth)
		return ONION_OK;
	if (d->cur >= 0 && d->tries < ONION_DIR_RELAY_TRIES + d->nauth &&
	    err != ONION_EAGAIN)
		return ONION_OK;
	if (d->cur < 0) {
		d->phase = DIR_FAILED;
		if (d->expired)
			d->err = ONION_EEXPIRED;
		return d->err;
	}
	c = &d->cons[d->cur];
	delay = (c->fresh_until - c->valid_after) / 4;
	delay = delay < RETRY_MIN_S ? RETRY_MIN_S : delay > RETRY_MAX_S ?
	    RETRY_MAX_S : delay;
	d->refresh_at = now + delay;
	d->phase = DIR_IDLE;
	return ONION_OK;
}

/* Moves the request of the current phase on. */
static int
step(struct onion_dirclient *d, uint64_t now_ms, int64_t now)
{
	struct onion_circ *c;
	int r, n;

	if (d->phase == DIR_CONSENSUS && d->preset != NULL && d->cur < 0) {
		if ((r = use_preset(d, now)) != ONION_OK) {
			d->err = r;
			d->phase = DIR_FAILED;
			drop_circuit(d);
			return r;
		}
	}
	if (d->circ < 0 || d->req_len == 0) {
		r = start_request(d, now_ms);
		if (r == ONION_EAGAIN)
			return source_failed(d, d->err, now);
		if (r != ONION_OK)
			return source_failed(d, r, now);
	}
	c = &d->cl->circs[d->circ];
	if (c->state == CIRC_FREE || c->state == CIRC_CLOSED || !c->dir) {
		d->circ = -1;
		return source_failed(d, c->err != 0 ? c->err : ONION_EDESTROYED,
		    now);
	}
	if (now_ms > d->deadline_ms)
		return source_failed(d, ONION_ETIMEOUT, now);
	if (c->state != CIRC_OPEN)
		return ONION_OK;
	if (d->stream < 0 && !d->ended && d->req_off == 0) {
		if ((r = onion_stream_begin_dir(d->cl, d->circ, d)) < 0)
			return r == ONION_EAGAIN ? ONION_OK :
			    source_failed(d, r, now);
		d->stream = r;
		d->stats.requests++;
	}
	if (d->stream >= 0 && d->req_off < d->req_len) {
		n = onion_stream_write(d->cl, d->stream,
		    (const uint8_t *)d->req + d->req_off, d->req_len - d->req_off);
		if (n < 0)
			return source_failed(d, n, now);
		d->req_off += (size_t)n;
	}
	if (!d->ended)
		return ONION_OK;
	r = handle_response(d, now);
	d->req_len = 0;		/* the next request is built anew */
	if (r < 0)
		return source_failed(d, r, now);
	if (r == 1)
		drop_circuit(d);
	return r;
}

int
onion_dir_pump(struct onion_dirclient *d, uint64_t now_ms, int64_t now)
{
	enum onion_dir_phase before;
	int r;

	if (d->phase == DIR_FAILED)
		return d->err != 0 ? d->err : ONION_ENOPATH;
	if (d->phase == DIR_IDLE) {
		if (!onion_dir_refresh_due(d, now))
			return 0;
		(void)onion_dir_refresh(d, now_ms);
	}
	/* Several steps at once: a finished response starts the next. */
	do {
		before = d->phase;
		if ((r = step(d, now_ms, now)) != 0)
			return r;
	} while (d->phase != before && d->phase != DIR_IDLE &&
	    d->phase != DIR_FAILED);
	return 0;
}

/*
 * The microdescriptor-flavoured consensus (dir-spec §3.4.1, §3.9.2):
 * parsing its header, router entries and bandwidth weights, and checking
 * that a majority of the configured authorities signed it and that it is
 * current.
 */
#include <string.h>

#include <bearssl.h>

#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/onion/dir.h"
#include "lib/onion/text.h"
#include "lib/onion/x509.h"

static const struct {
	const char	*name;
	uint16_t	bit;
} flag_names[] = {
	{ "Authority", RF_AUTHORITY }, { "BadExit", RF_BADEXIT },
	{ "Exit", RF_EXIT }, { "Fast", RF_FAST }, { "Guard", RF_GUARD },
	{ "HSDir", RF_HSDIR }, { "Running", RF_RUNNING },
	{ "Stable", RF_STABLE }, { "Valid", RF_VALID }, { "V2Dir", RF_V2DIR },
};

static const char *const weight_names[W_COUNT] = {
	"Wgg", "Wgd", "Wgm", "Wmg", "Wmm", "Wme", "Wmd", "Wee", "Wed", "Weg",
	"Wem",
};

static int
parse_time_words(struct onion_span *rest, int64_t *t)
{
	struct onion_span d, h;

	if (!onion_next_word(rest, &d) || !onion_next_word(rest, &h))
		return ONION_EPARSE;
	return onion_parse_time(d, h, t);
}

/* "r" nickname identity pub-date pub-time IP ORPort DirPort */
static int
parse_r(struct onion_span rest, struct onion_relay *r)
{
	struct onion_span w;
	int64_t t;
	uint32_t v;

	memset(r, 0, sizeof *r);
	if (!onion_next_word(&rest, &w) || w.len == 0 || w.len > ONION_NICK_MAX)
		return ONION_EPARSE;
	memcpy(r->nick, w.p, w.len);
	if (!onion_next_word(&rest, &w) || onion_b64_decode(r->rsa_id,
	    sizeof r->rsa_id, w.p, w.len) != ONION_ID_LEN)
		return ONION_EPARSE;
	if (parse_time_words(&rest, &t) != 0)
		return ONION_EPARSE;
	if (!onion_next_word(&rest, &w) || onion_parse_ipv4(w, &r->ipv4) != 0)
		return ONION_EPARSE;
	if (!onion_next_word(&rest, &w) || onion_parse_uint(w, 65535, &v) != 0 ||
	    v == 0)
		return ONION_EPARSE;
	r->orport = (uint16_t)v;
	if (!onion_next_word(&rest, &w) || onion_parse_uint(w, 65535, &v) != 0)
		return ONION_EPARSE;
	return ONION_OK;
}

static void
parse_s(struct onion_span rest, struct onion_relay *r)
{
	struct onion_span w;
	size_t i;

	while (onion_next_word(&rest, &w))
		for (i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
			if (onion_span_eq(w, flag_names[i].name))
				r->flags |= flag_names[i].bit;
}

/* key=value; returns 1 and the value if w starts with key=. */
static int
kv(struct onion_span w, const char *key, struct onion_span *val)
{
	size_t n = strlen(key);

	if (w.len <= n || memcmp(w.p, key, n) != 0 || w.p[n] != '=')
		return 0;
	val->p = w.p + n + 1;
	val->len = w.len - n - 1;
	return 1;
}

static int
parse_w(struct onion_span rest, struct onion_relay *r)
{
	struct onion_span w, v;
	uint32_t bw;

	while (onion_next_word(&rest, &w))
		if (kv(w, "Bandwidth", &v)) {
			if (onion_parse_uint(v, 0xffffffffu, &bw) != 0)
				return ONION_EPARSE;
			r->bw = bw;
		}
	return ONION_OK;
}

/* Whether a subprotocol list such as "2-4,6" includes v. */
static int
proto_has(struct onion_span list, uint32_t v)
{
	struct onion_span item, lo, hi;
	const char *dash;
	uint32_t a, b;
	size_t i, start = 0;

	for (i = 0; i <= list.len; i++) {
		if (i < list.len && list.p[i] != ',')
			continue;
		item.p = list.p + start;
		item.len = i - start;
		start = i + 1;
		dash = onion_memchr(item.p, '-', item.len);
		lo.p = item.p;
		lo.len = dash != NULL ? (size_t)(dash - item.p) : item.len;
		hi = lo;
		if (dash != NULL) {
			hi.p = dash + 1;
			hi.len = item.len - lo.len - 1;
		}
		if (onion_parse_uint(lo, 63, &a) == 0 &&
		    onion_parse_uint(hi, 63, &b) == 0 && a <= v && v <= b)
			return 1;
	}
	return 0;
}

/* "pr" Name=versions ...: the subprotocols we choose by. */
static void
parse_pr(struct onion_span rest, struct onion_relay *r)
{
	struct onion_span w, v;

	while (onion_next_word(&rest, &w)) {
		if (kv(w, "Relay", &v) && proto_has(v, 4))
			r->flags |= RF_NTOR3;
		if (kv(w, "FlowCtrl", &v) && proto_has(v, 2))
			r->flags |= RF_FLOWCTRL2;
		if (kv(w, "Conflux", &v) && proto_has(v, 1))
			r->flags |= RF_CONFLUX;
	}
}

/*
 * "params" k=v ...: the congestion-control and channel-padding ones,
 * within tor's bounds. Values are signed 32-bit in dir-spec; a negative
 * one never fits the bounds and is ignored like any other out of range.
 */
static void
parse_params(struct onion_span rest, struct onion_consensus *c)
{
	struct onion_span w, v;
	const char *eq;
	uint32_t x;

	while (onion_next_word(&rest, &w)) {
		eq = onion_memchr(w.p, '=', w.len);
		if (eq != NULL && eq > w.p) {
			v.p = eq + 1;
			v.len = w.len - (size_t)(eq + 1 - w.p);
			if (onion_parse_uint(v, 2147483647u, &x) == 0 &&
			    onion_pad_param(&c->pad, w.p, (size_t)(eq - w.p), x))
				continue;
		}
		if (kv(w, "cc_alg", &v) && onion_parse_uint(v, 2, &x) == 0)
			c->cc.alg = x;
		else if (kv(w, "cc_sendme_inc", &v) &&
		    onion_parse_uint(v, 254, &x) == 0 && x > 0)
			c->cc.sendme_inc = x;
		else if (kv(w, "cc_cwnd_init", &v) &&
		    onion_parse_uint(v, 10000, &x) == 0 && x >= 31)
			c->cc.cwnd_init = x;
		else if (kv(w, "cc_xoff_client", &v) &&
		    onion_parse_uint(v, 10000, &x) == 0 && x > 0)
			c->cc.xoff_client = x;
		else if (kv(w, "cfx_enabled", &v) &&
		    onion_parse_uint(v, 1, &x) == 0)
			c->cc.cfx_enabled = x;
	}
	onion_pad_fixup(&c->pad);
}

static int
parse_weights(struct onion_span rest, struct onion_consensus *c)
{
	struct onion_span w, v;
	uint32_t x;
	size_t i;

	while (onion_next_word(&rest, &w))
		for (i = 0; i < W_COUNT; i++)
			if (kv(w, weight_names[i], &v)) {
				if (onion_parse_uint(v, 2147483647u, &x) != 0)
					return ONION_EPARSE;
				c->w[i] = (int32_t)x;
			}
	return ONION_OK;
}

int
onion_consensus_parse(const char *text, size_t len, struct onion_consensus *c)
{
	struct onion_lines it = { text, text + len };
	struct onion_span line, w;
	struct onion_relay *cur = NULL;
	unsigned have = 0;
	size_t i;
	int r;

	c->nrelays = 0;
	c->signed_len = 0;
	c->cc.alg = 2;		/* tor's defaults when "params" is silent */
	c->cc.sendme_inc = 31;
	c->cc.cwnd_init = 124;
	c->cc.xoff_client = 500;
	c->cc.cfx_enabled = 1;
	onion_pad_defaults(&c->pad);
	for (i = 0; i < W_COUNT; i++)
		c->w[i] = 10000;	/* dir-spec: weights default to 1 */
	if (!onion_next_line(&it, &line) || !onion_next_word(&line, &w) ||
	    !onion_span_eq(w, "network-status-version") ||
	    !onion_next_word(&line, &w) || !onion_span_eq(w, "3") ||
	    !onion_next_word(&line, &w) || !onion_span_eq(w, "microdesc"))
		return ONION_EPARSE;
	while (onion_next_line(&it, &line)) {
		const char *at = line.p;

		if (!onion_next_word(&line, &w))
			continue;
		if (onion_span_eq(w, "r")) {
			if (cur != NULL && !(have & 8))
				return ONION_EPARSE;	/* "r" without "m" */
			if (c->nrelays >= c->cap)
				return ONION_EFULL;
			cur = &c->relays[c->nrelays++];
			if ((r = parse_r(line, cur)) != ONION_OK)
				return r;
			have &= ~8u;
		} else if (onion_span_eq(w, "m") && cur != NULL) {
			if (!onion_next_word(&line, &w) || onion_b64_decode(
			    cur->md_digest, 32, w.p, w.len) != 32)
				return ONION_EPARSE;
			have |= 8;
		} else if (onion_span_eq(w, "s") && cur != NULL)
			parse_s(line, cur);
		else if (onion_span_eq(w, "pr") && cur != NULL)
			parse_pr(line, cur);
		else if (onion_span_eq(w, "params") && cur == NULL)
			parse_params(line, c);
		else if (onion_span_eq(w, "w") && cur != NULL) {
			if ((r = parse_w(line, cur)) != ONION_OK)
				return r;
		} else if (onion_span_eq(w, "valid-after")) {
			if (parse_time_words(&line, &c->valid_after) != 0)
				return ONION_EPARSE;
			have |= 1;
		} else if (onion_span_eq(w, "fresh-until")) {
			if (parse_time_words(&line, &c->fresh_until) != 0)
				return ONION_EPARSE;
		} else if (onion_span_eq(w, "valid-until")) {
			if (parse_time_words(&line, &c->valid_until) != 0)
				return ONION_EPARSE;
			have |= 2;
		} else if (onion_span_eq(w, "vote-status")) {
			if (!onion_next_word(&line, &w) ||
			    !onion_span_eq(w, "consensus"))
				return ONION_EPARSE;
			have |= 4;
		} else if (onion_span_eq(w, "bandwidth-weights")) {
			if ((r = parse_weights(line, c)) != ONION_OK)
				return r;
		} else if (onion_span_eq(w, "directory-signature")) {
			c->signed_len = (size_t)(at - text) + w.len + 1;
			break;
		}
	}
	if ((have & 7) != 7 || c->signed_len == 0 || c->signed_len > len ||
	    (cur != NULL && !(have & 8)) || c->valid_until < c->valid_after)
		return ONION_EPARSE;
	return ONION_OK;
}

int
onion_consensus_verify(const char *text, size_t len,
    const struct onion_consensus *c,
    const struct onion_authority *auth, size_t nauth,
    const struct onion_authcert *certs, size_t ncerts,
    int64_t now, int64_t skew)
{
	struct onion_lines it;
	struct onion_span line, w, w2, w3;
	struct onion_rsa_key key;
	uint8_t h1[20], h256[32], ident[ONION_ID_LEN], skd[ONION_ID_LEN];
	uint8_t sig[ONION_RSA_MAX_BYTES];
	uint8_t counted[ONION_MAX_AUTHORITIES] = { 0 };
	br_sha1_context s1;
	size_t siglen, i, a, good = 0;
	int sha256;

	if (c->signed_len == 0 || c->signed_len > len ||
	    nauth > ONION_MAX_AUTHORITIES || nauth == 0)
		return ONION_EINVAL;
	br_sha1_init(&s1);
	br_sha1_update(&s1, text, c->signed_len);
	br_sha1_out(&s1, h1);
	if (nc_sha256(h256, text, c->signed_len) != NC_OK)
		return ONION_ECRYPTO;

	/* The signatures start at the line holding signed_len. */
	it.p = text + c->signed_len - strlen("directory-signature ");
	it.end = text + len;
	while (onion_next_line(&it, &line)) {
		if (!onion_next_word(&line, &w) ||
		    !onion_span_eq(w, "directory-signature"))
			continue;
		if (!onion_next_word(&line, &w) || !onion_next_word(&line, &w2))
			return ONION_EPARSE;
		sha256 = 0;
		if (onion_next_word(&line, &w3)) {
			if (onion_span_eq(w, "sha256"))
				sha256 = 1;
			else if (!onion_span_eq(w, "sha1"))
				sha256 = -1;	/* unknown: ignore it */
			w = w2, w2 = w3;
		}
		if (onion_pem_read(&it, "SIGNATURE", sig, sizeof sig,
		    &siglen) != 0)
			return ONION_EPARSE;
		if (sha256 < 0 ||
		    hex_decode(ident, sizeof ident, w.p, w.len) != 0 ||
		    hex_decode(skd, sizeof skd, w2.p, w2.len) != 0)
			continue;
		for (a = 0; a < nauth; a++)
			if (memcmp(auth[a].v3ident, ident, ONION_ID_LEN) == 0)
				break;
		if (a == nauth || counted[a])
			continue;
		for (i = 0; i < ncerts; i++) {
			if (memcmp(certs[i].v3ident, ident, ONION_ID_LEN) != 0 ||
			    memcmp(certs[i].signing_digest, skd, ONION_ID_LEN))
				continue;
			if (onion_rsa_pub_parse(certs[i].signing_der,
			    certs[i].signing_len, &key) != 0)
				continue;
			if (onion_rsa_verify(&key, sig, siglen, 0,
			    sha256 ? h256 : h1, sha256 ? 32 : 20) == 0) {
				counted[a] = 1;
				good++;
				break;
			}
		}
	}
	if (good * 2 <= nauth)
		return ONION_ESIG;
	if (now + skew < c->valid_after || now - skew > c->valid_until)
		return ONION_EEXPIRED;
	return ONION_OK;
}

/*
 * Microdescriptors (dir-spec §3.3): each is bound to a consensus entry
 * by its SHA-256, so a document whose digest no entry names is simply
 * not used. From each we keep the ntor onion key, the Ed25519 identity,
 * the declared family and the exit-policy summary.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/onion/dir.h"
#include "lib/onion/text.h"

struct md {
	const char	*start;
	int		has_ntor, has_ed;
	uint8_t		ntor[32], ed[32];
	uint8_t		accept, truncated, nports, nfamily;
	struct onion_portrange ports[ONION_MAX_PORTRANGES];
	uint8_t		family[ONION_MAX_FAMILY][ONION_ID_LEN];
};

/* "p" accept|reject PortList, PortList = range,range,... */
static int
parse_policy(struct onion_span rest, struct md *m)
{
	struct onion_span w, item;
	uint32_t lo, hi;
	size_t i, start;

	if (!onion_next_word(&rest, &w))
		return ONION_EPARSE;
	if (onion_span_eq(w, "accept"))
		m->accept = 1;
	else if (onion_span_eq(w, "reject"))
		m->accept = 0;
	else
		return ONION_EPARSE;
	if (!onion_next_word(&rest, &w))
		return ONION_EPARSE;
	m->nports = 0;
	start = 0;
	for (i = 0; i <= w.len; i++) {
		const char *dash;

		if (i < w.len && w.p[i] != ',')
			continue;
		item.p = w.p + start;
		item.len = i - start;
		start = i + 1;
		dash = onion_memchr(item.p, '-', item.len);
		if (dash == NULL) {
			if (onion_parse_uint(item, 65535, &lo) != 0)
				return ONION_EPARSE;
			hi = lo;
		} else {
			struct onion_span a = { item.p, (size_t)(dash - item.p) };
			struct onion_span b = { dash + 1,
			    item.len - a.len - 1 };

			if (onion_parse_uint(a, 65535, &lo) != 0 ||
			    onion_parse_uint(b, 65535, &hi) != 0)
				return ONION_EPARSE;
		}
		if (lo == 0 || lo > hi)
			return ONION_EPARSE;
		if (m->nports == ONION_MAX_PORTRANGES) {
			m->truncated = 1;
			continue;
		}
		m->ports[m->nports].lo = (uint16_t)lo;
		m->ports[m->nports].hi = (uint16_t)hi;
		m->nports++;
	}
	return ONION_OK;
}

/* "family" entries; we keep the $HEX ones (optionally =name or ~name). */
static void
parse_family(struct onion_span rest, struct md *m)
{
	struct onion_span w;

	while (onion_next_word(&rest, &w) && m->nfamily < ONION_MAX_FAMILY) {
		if (w.len < 41 || w.p[0] != '$')
			continue;
		if (w.len > 41 && w.p[41] != '=' && w.p[41] != '~')
			continue;
		if (hex_decode(m->family[m->nfamily], ONION_ID_LEN,
		    w.p + 1, 40) == 0)
			m->nfamily++;
	}
}

/* Attaches the finished document [m->start, end) to its relay. */
static int
finish(struct onion_consensus *c, const struct md *m, const char *end)
{
	uint8_t d[NC_SHA256_BYTES];
	struct onion_relay *r;
	size_t i;
	int n = 0;

	if (!m->has_ntor)
		return 0;
	if (nc_sha256(d, m->start, (size_t)(end - m->start)) != NC_OK)
		return 0;
	for (i = 0; i < c->nrelays; i++) {
		r = &c->relays[i];
		if (r->md_digest[0] != d[0] || memcmp(r->md_digest, d, 32) != 0)
			continue;
		memcpy(r->ntor, m->ntor, 32);
		r->have_ed = (uint8_t)m->has_ed;
		memcpy(r->ed_id, m->ed, 32);
		r->policy_accept = m->accept;
		r->policy_truncated = m->truncated;
		r->nports = m->nports;
		memcpy(r->ports, m->ports, sizeof r->ports);
		r->nfamily = m->nfamily;
		memcpy(r->family, m->family, sizeof r->family);
		r->have_md = 1;
		n++;
	}
	return n;
}

int
onion_microdescs_parse(const char *text, size_t len, struct onion_consensus *c)
{
	struct onion_lines it = { text, text + len };
	struct onion_span line, w, v;
	struct md m;
	int in = 0, attached = 0, r;

	memset(&m, 0, sizeof m);
	while (onion_next_line(&it, &line)) {
		const char *at = line.p;

		if (!onion_next_word(&line, &w))
			continue;
		if (onion_span_eq(w, "onion-key") ||
		    (onion_span_eq(w, "ntor-onion-key") && (!in || m.has_ntor))) {
			if (in)
				attached += finish(c, &m, at);
			memset(&m, 0, sizeof m);
			m.accept = 1;	/* no "p" line: accept nothing */
			m.start = at;
			in = 1;
		}
		if (!in)
			return ONION_EPARSE;	/* text before the first one */
		if (onion_span_eq(w, "ntor-onion-key")) {
			if (!onion_next_word(&line, &v) ||
			    onion_b64_decode(m.ntor, 32, v.p, v.len) != 32)
				return ONION_EPARSE;
			m.has_ntor = 1;
		} else if (onion_span_eq(w, "id")) {
			if (!onion_next_word(&line, &v))
				return ONION_EPARSE;
			if (!onion_span_eq(v, "ed25519"))
				continue;
			if (!onion_next_word(&line, &v) || m.has_ed ||
			    onion_b64_decode(m.ed, 32, v.p, v.len) != 32)
				return ONION_EPARSE;
			m.has_ed = 1;
		} else if (onion_span_eq(w, "family"))
			parse_family(line, &m);
		else if (onion_span_eq(w, "p")) {
			if ((r = parse_policy(line, &m)) != ONION_OK)
				return r;
		} else if (onion_span_eq(w, "onion-key")) {
			/* Skip the legacy RSA key's PEM block. */
			if (it.p < it.end && it.p[0] == '-')
				while (onion_next_line(&it, &line))
					if (line.len >= 9 &&
					    memcmp(line.p, "-----END ", 9) == 0)
						break;
		}
	}
	if (in)
		attached += finish(c, &m, it.end);
	return attached;
}

int
onion_relay_allows_port(const struct onion_relay *r, uint16_t port)
{
	size_t i;
	int listed = 0;

	if (!r->have_md)
		return 0;
	for (i = 0; i < r->nports; i++)
		if (port >= r->ports[i].lo && port <= r->ports[i].hi)
			listed = 1;
	if (r->policy_accept)
		return listed;
	/* A truncated reject list may hide this port: refuse. */
	return !listed && !r->policy_truncated;
}

/*
 * Directory bootstrap for nonos-onion: reads the DirAuthority lines,
 * fetches the authorities' key certificates, the microdescriptor
 * consensus and the microdescriptors from their DirPorts over HTTP/1.0,
 * and hands every document to lib/onion's parsers and verifiers.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lib/crypto/crypto.h"
#include "tools/common/fileio.h"
#include "tools/nonos-onion/onion-tool.h"

#define DOC_MAX		(32u << 20)
#define MD_BATCH	90	/* digests per request, as tor does */

/* All of path into a malloc'd *text; 0, or -1 after a message. */
static int
read_doc(const char *path, char **text, size_t *len)
{
	uint8_t *buf;

	if (read_small_file(path, DOC_MAX, &buf, len) != 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	*text = (char *)buf;
	return 0;
}

int
load_authorities(struct dirstate *d, const char *path)
{
	size_t len;
	char *text;
	int r;

	if (read_doc(path, &text, &len) != 0)
		return -1;
	r = onion_authorities_parse(text, len, d->auth, ONION_MAX_AUTHORITIES,
	    &d->nauth);
	free(text);
	if (r != ONION_OK) {
		warnx_("%s: bad DirAuthority lines (%s)", path, onion_strerror(r));
		return -1;
	}
	return 0;
}

/* GET path from ip:port; returns the body (NUL-terminated) or NULL. */
static char *
http_get(uint32_t ip, uint16_t port, const char *path, size_t *len)
{
	char req[8192], *buf = NULL, *body;
	size_t cap = 1 << 16, have = 0;
	uint64_t deadline = now_ms() + 30000;
	struct pollfd p;
	ssize_t n;
	int fd, rl;

	rl = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %u.%u.%u.%u\r\n"
	    "\r\n", path, ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
	if (rl < 0 || (size_t)rl >= sizeof req)
		return NULL;
	if ((fd = tcp_connect(ip, port, 5000)) < 0)
		return NULL;
	if (send(fd, req, (size_t)rl, MSG_NOSIGNAL) != rl)
		goto fail;
	if ((buf = malloc(cap + 1)) == NULL)
		goto fail;
	for (;;) {
		if (have == cap) {
			char *nb;

			if (cap >= DOC_MAX || (nb = realloc(buf, 2 * cap + 1)) == NULL)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		p.fd = fd;
		p.events = POLLIN;
		if (now_ms() > deadline ||
		    poll(&p, 1, (int)(deadline - now_ms())) < 0)
			goto fail;
		n = recv(fd, buf + have, cap - have, 0);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			goto fail;
		}
		have += (size_t)n;
	}
	buf[have] = '\0';
	close(fd);
	fd = -1;
	if (have < 12 || memcmp(buf, "HTTP/1.", 7) != 0 ||
	    memcmp(buf + 8, " 200", 4) != 0 ||
	    (body = strstr(buf, "\r\n\r\n")) == NULL)
		goto fail;
	body += 4;
	*len = have - (size_t)(body - buf);
	memmove(buf, body, *len + 1);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* Tries each authority, starting at a random one. */
static char *
fetch(struct dirstate *d, const char *path, size_t *len)
{
	uint32_t start = 0;
	size_t i;
	char *doc;

	(void)nc_random_bytes(&start, sizeof start);
	for (i = 0; i < d->nauth; i++) {
		const struct onion_authority *a = &d->auth[(start + i) % d->nauth];

		if ((doc = http_get(a->ipv4, a->dirport, path, len)) != NULL)
			return doc;
		warnx_("fetch %s from %s failed", path, a->nick);
	}
	return NULL;
}

static int
fetch_microdescs(struct dirstate *d)
{
	char path[64 + MD_BATCH * 44], *doc;
	size_t i, k, len, pl, attached = 0;
	int r;

	for (i = 0; i < d->cons.nrelays; i += MD_BATCH) {
		pl = (size_t)snprintf(path, sizeof path, "/tor/micro/d/");
		for (k = i; k < d->cons.nrelays && k < i + MD_BATCH; k++) {
			char b64[48];
			static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789+/";
			const uint8_t *m = d->cons.relays[k].md_digest;
			size_t o = 0, j;

			for (j = 0; j < 30; j += 3) {
				uint32_t v = (uint32_t)m[j] << 16 |
				    (uint32_t)m[j + 1] << 8 | m[j + 2];

				b64[o++] = al[v >> 18 & 63];
				b64[o++] = al[v >> 12 & 63];
				b64[o++] = al[v >> 6 & 63];
				b64[o++] = al[v & 63];
			}
			{
				uint32_t v = (uint32_t)m[30] << 8 | m[31];

				b64[o++] = al[v >> 10 & 63];
				b64[o++] = al[v >> 4 & 63];
				b64[o++] = al[(v << 2) & 63];
			}
			b64[o] = '\0';
			pl += (size_t)snprintf(path + pl, sizeof path - pl, "%s%s",
			    k > i ? "-" : "", b64);
		}
		if ((doc = fetch(d, path, &len)) == NULL)
			return -1;
		r = onion_microdescs_parse(doc, len, &d->cons);
		free(doc);
		if (r < 0) {
			warnx_("bad microdescriptors: %s", onion_strerror(r));
			return -1;
		}
		attached += (size_t)r;
	}
	warnx_("microdescriptors for %zu of %zu relays", attached,
	    d->cons.nrelays);
	return attached > 0 ? 0 : -1;
}

int
bootstrap_dir(struct dirstate *d, const char *consensus_file, int64_t max_age)
{
	char *keys;
	size_t len;
	int64_t now = time(NULL);
	int r;

	if ((keys = fetch(d, "/tor/keys/all", &len)) == NULL)
		return -1;
	r = onion_authcerts_parse(keys, len, now, d->auth, d->nauth, d->certs,
	    ONION_MAX_AUTHORITIES, &d->ncerts);
	free(keys);
	if (r != ONION_OK) {
		warnx_("authority key certificates refused: %s", onion_strerror(r));
		return -1;
	}
	if (consensus_file != NULL) {
		if (read_doc(consensus_file, &d->cons_text, &d->cons_len) != 0)
			return -1;
	} else
		d->cons_text = fetch(d, "/tor/status-vote/current/consensus-microdesc",
		    &d->cons_len);
	if (d->cons_text == NULL) {
		warnx_("no consensus");
		return -1;
	}
	d->cons.cap = MAX_RELAYS;
	if (d->cons.relays == NULL &&
	    (d->cons.relays = calloc(MAX_RELAYS, sizeof *d->cons.relays)) == NULL)
		return -1;
	if ((r = onion_consensus_parse(d->cons_text, d->cons_len,
	    &d->cons)) != ONION_OK) {
		warnx_("consensus refused: %s", onion_strerror(r));
		return -1;
	}
	if ((r = onion_consensus_verify(d->cons_text, d->cons_len, &d->cons,
	    d->auth, d->nauth, d->certs, d->ncerts, now, max_age)) != ONION_OK) {
		char why[320];

		if (r == ONION_EEXPIRED && onion_clock_check(&d->cons, now,
		    max_age, why, sizeof why) != 0)
			warnx_("consensus refused: %s", why);
		else
			warnx_("consensus refused: %s", onion_strerror(r));
		return -1;
	}
	warnx_("consensus verified: %zu relays, %zu authority certificates",
	    d->cons.nrelays, d->ncerts);
	return fetch_microdescs(d);
}

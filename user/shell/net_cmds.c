/*
 * The shell's commands through Tor (user/lib/net.h, our capability to
 * oniond): fetch (HTTP/1.1 GET into the RAM file system), resolve (at an
 * exit) and tor (oniond's state). The shell has no other way out: its
 * netd capability answers status questions only.
 */
#include "lib/crypto/blake3.h"
#include "lib/fmt/fmt.h"
#include "lib/ramfs/ramfs.h"
#include "user/lib/net.h"
#include "user/shell/replace.h"
#include "user/shell/shell.h"

#define HEAD_MAX	8192		/* bytes of response head we accept */
#define PROGRESS	(1u << 20)	/* a progress line per MiB */

static struct net_conn oniond;
static int attached, ever_attached;

static int
usage_net(struct sink *o, const char *cmd, const char *args)
{
	outf(o, "usage: %s %s\n", cmd, args);
	return 1;
}

/* The first pat in s, or NULL (the runtime has no strstr). */
static const char *
find(const char *s, const char *pat)
{
	size_t n = strlen(pat);

	for (; *s; s++)
		if (strncmp(s, pat, n) == 0)
			return s;
	return NULL;
}

/* Attaches to oniond once; 0, or 1 after a message. */
static int
attach(struct sink *o, const char *cmd)
{
	int64_t err;

	if (attached)
		return 0;
	if ((err = net_attach(&oniond, SLOT_ONIOND, SLOT_ONIOND_BUF,
	    SLOT_ONIOND_NOTE, ONIOND_BUF_VA)) < 0) {
		outf(o, "%s: oniond: %s\n", cmd, net_strerror(err));
		/* The frame and notification may exist: drop them for a retry. */
		unmap(SLOT_ONIOND_BUF, ONIOND_BUF_VA);
		cap_delete(SLOT_ONIOND_BUF);
		cap_delete(SLOT_ONIOND_NOTE);
		return 1;
	}
	/* A restarted oniond has forgotten where its guard is kept (the
	   first oniond was told at the start of the session). */
	if (ever_attached)
		tor_state_give(o);
	attached = ever_attached = 1;
	return 0;
}

void
tor_state_give(struct sink *o)
{
	int64_t err;

	if (((err = rfs_mkdir(&fs, TOR_DIR)) < 0 && err != RAMFS_EEXIST) ||
	    (err = rfs_grant(&fs, TOR_DIR, SLOT_TOR_GIVE)) < 0) {
		outf(o, "shell: %s/: %s; the Tor guard is not kept\n", TOR_DIR,
		    rfs_strerror(err));
		return;
	}
	err = net_statedir(SLOT_ONIOND, SLOT_TOR_GIVE);
	cap_delete(SLOT_TOR_GIVE);
	/* An image without authorities never has a guard: no tor/ then. */
	if (err == NET_ENOTREADY)
		(void)rfs_unlink(&fs, TOR_DIR, RAMFS_DIR);
	else if (err < 0 && err != NET_EIPC)
		outf(o, "shell: oniond refused %s/: %s\n", TOR_DIR,
		    net_strerror(err));
}

/* A call failed: a restarted oniond has forgotten us, so attach anew next time. */
static int
net_fail(struct sink *o, const char *cmd, const char *what, int64_t err)
{
	outf(o, "%s: %s: %s\n", cmd, what, net_strerror(err));
	if (err == NET_EIPC || err == NET_ENOBUF || err == NET_EBADF) {
		unmap(SLOT_ONIOND_BUF, ONIOND_BUF_VA);
		cap_delete(SLOT_ONIOND_BUF);
		cap_delete(SLOT_ONIOND_NOTE);
		attached = 0;
	}
	return 1;
}

struct url {
	char host[NETS_NAME_MAX + 1];
	uint16_t port;
	const char *path;	/* "/..." */
	const char *file;	/* the last path component, or "index.html" */
};

/* http://HOST[:PORT][/PATH]; 0, or -1. */
static int
parse_url(const char *s, struct url *u)
{
	const char *h, *e, *p;
	size_t n;

	if (strncmp(s, "http://", 7) != 0)
		return -1;
	h = s + 7;
	for (e = h; *e && *e != ':' && *e != '/'; e++)
		;
	n = (size_t)(e - h);
	if (n == 0 || n > NETS_NAME_MAX)
		return -1;
	memcpy(u->host, h, n);
	u->host[n] = '\0';
	u->port = 80;
	if (*e == ':') {
		unsigned v = 0;

		for (e++; *e >= '0' && *e <= '9' && v <= 65535; e++)
			v = v * 10 + (unsigned)(*e - '0');
		if (v == 0 || v > 65535 || (*e && *e != '/'))
			return -1;
		u->port = (uint16_t)v;
	}
	u->path = *e ? e : "/";
	u->file = "index.html";
	for (p = u->path; *p; p++)
		if (*p == '/' && p[1] && p[1] != '?')
			u->file = p + 1;
	for (p = u->path; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return -1;
	return 0;
}

/* The value of header name (lower case) in head, as a number; -1 if absent. */
static int64_t
header_number(const char *head, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = head; (l = find(l, "\r\n")) != NULL; ) {
		size_t i;

		l += 2;
		for (i = 0; i < n && l[i] && (l[i] | 0x20) == name[i]; i++)
			;
		if (i == n && l[n] == ':') {
			int64_t v = 0;
			const char *p = l + n + 1;

			while (*p == ' ')
				p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9' && v < (INT64_MAX - 9) / 10)
				v = v * 10 + (*p++ - '0');
			return v;
		}
	}
	return -1;
}

/* Whether head has header name with a value containing word (case-blind). */
static int
header_has(const char *head, const char *name, const char *word)
{
	size_t n = strlen(name), w = strlen(word);

	for (const char *l = head; (l = find(l, "\r\n")) != NULL; ) {
		size_t i;

		l += 2;
		for (i = 0; i < n && l[i] && (l[i] | 0x20) == name[i]; i++)
			;
		if (i != n || l[n] != ':')
			continue;
		for (const char *p = l + n + 1; *p && *p != '\r'; p++) {
			for (i = 0; i < w && p[i] && (p[i] | 0x20) == word[i]; i++)
				;
			if (i == w)
				return 1;
		}
	}
	return 0;
}

/*
 * Reads the response head into head (NUL-terminated): *have bytes, the
 * body starting at *body_at. 0 or an error.
 */
static int64_t
read_head(int64_t s, char *head, size_t *have, size_t *body_at)
{
	int64_t n;

	*have = 0;
	while (*have < HEAD_MAX) {
		const char *end;

		if ((n = net_read(&oniond, s, head + *have, HEAD_MAX - *have)) <= 0)
			return n < 0 ? n : NET_ECONNRESET;
		*have += (size_t)n;
		head[*have] = '\0';
		if ((end = find(head, "\r\n\r\n")) != NULL) {
			*body_at = (size_t)(end - head) + 4;
			return 0;
		}
	}
	return NET_EINVAL;
}

struct body {
	struct replace file;	/* in place of the old file only when complete */
	uint64_t got, next_note;
	int64_t want;		/* Content-Length, or -1: until the end */
	struct blake3 hash;
};

static int64_t
body_put(struct sink *o, struct body *b, const char *p, size_t n)
{
	int64_t err;

	if (b->want >= 0 && (int64_t)(b->got + n) > b->want)
		n = (size_t)(b->want - (int64_t)b->got);
	blake3_update(&b->hash, p, n);
	if ((err = write_all(b->file.h, p, n)) < 0)
		return err;
	b->got += n;
	if (b->got >= b->next_note) {
		if (b->want > 0)
			outf(o, "fetch: %llu KiB of %llu KiB\n",
			    (unsigned long long)(b->got >> 10),
			    (unsigned long long)(b->want >> 10));
		else
			outf(o, "fetch: %llu KiB\n", (unsigned long long)(b->got >> 10));
		b->next_note += PROGRESS;
	}
	return 0;
}

/* The transfer after the request was sent; 0, or 1 after a message. */
static int
fetch_body(struct sink *o, int64_t s, const char *file, uint64_t t0)
{
	static char head[HEAD_MAX + 1], buf[NETS_BUF];
	size_t have, at;
	struct body b;
	uint8_t digest[32];
	char hex[65];
	int64_t err, n;
	uint64_t ms;

	if ((err = read_head(s, head, &have, &at)) < 0)
		return net_fail(o, "fetch", "response", err);
	if (strncmp(head, "HTTP/1.", 7) != 0 || strlen(head) < 12) {
		outf(o, "fetch: not an HTTP response\n");
		return 1;
	}
	if (header_has(head, "transfer-encoding", "chunked")) {
		outf(o, "fetch: chunked transfer encoding is not supported\n");
		return 1;
	}
	if (strncmp(head + 8, " 200", 4) != 0) {
		for (char *p = head; *p; p++)
			if (*p == '\r')
				*p = '\0';
		outf(o, "fetch: the server answered: %s\n", head);
		return 1;
	}
	memset(&b, 0, sizeof(b));
	b.want = header_number(head, "content-length");
	b.next_note = PROGRESS;
	blake3_init(&b.hash);
	if ((err = replace_open(&b.file, file)) < 0) {
		outf(o, "fetch: %s: %s\n", file, rfs_strerror(err));
		return 1;
	}
	err = body_put(o, &b, head + at, have - at);
	while (err == 0 && (b.want < 0 || (int64_t)b.got < b.want) &&
	    (n = net_read(&oniond, s, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			replace_end(&b.file, n);
			return net_fail(o, "fetch", "stream", n);
		}
		err = body_put(o, &b, buf, (size_t)n);
	}
	if (err == 0 && b.want >= 0 && (int64_t)b.got < b.want) {
		replace_end(&b.file, NET_ECONNABORTED);	/* cut short: not kept */
		outf(o, "fetch: the stream ended after %llu of %lld bytes\n",
		    (unsigned long long)b.got, (long long)b.want);
		return 1;
	}
	if ((err = replace_end(&b.file, err)) != 0) {
		outf(o, "fetch: %s: %s\n", file, rfs_strerror(err));
		return 1;
	}
	ms = (ticks() - t0) * 10;
	blake3_final(&b.hash, digest, sizeof(digest));
	for (int k = 0; k < 32; k++)
		fmt_snprintf(hex + 2 * k, 3, "%02x", digest[k]);
	outf(o, "fetch: saved %llu bytes to %s in %llu ms (%llu KiB/s), blake3 %s\n",
	    (unsigned long long)b.got, file, (unsigned long long)ms,
	    (unsigned long long)(ms ? b.got * 1000 / 1024 / ms : 0), hex);
	return 0;
}

/* fetch [-t TAG] URL [FILE] */
int
cmd_fetch(int argc, char **argv, struct sink *o, const struct source *in)
{
	static char req[NETS_NAME_MAX + 4096];
	struct url u;
	uint32_t tag = 0;
	uint64_t t0 = ticks();
	int64_t s, err;
	int i = 1, r, len;

	(void)in;
	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		for (const char *p = argv[2]; *p >= '0' && *p <= '9'; p++)
			tag = tag * 10 + (uint32_t)(*p - '0');
		i = 3;
	}
	if (argc - i < 1 || argc - i > 2 || parse_url(argv[i], &u) != 0 ||
	    strlen(u.path) > 4000)
		return usage_net(o, "fetch", "[-t TAG] http://HOST[:PORT]/PATH [FILE]");
	if (attach(o, "fetch") != 0)
		return 1;
	if ((s = net_open(&oniond, u.host, u.port, tag)) < 0)
		return net_fail(o, "fetch", u.host, s);
	outf(o, "fetch: connected to %s:%u through Tor in %llu ms\n", u.host,
	    u.port, (unsigned long long)(ticks() - t0) * 10);
	len = fmt_snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: NONOS-fetch\r\nAccept: */*\r\nConnection: close\r\n\r\n",
	    u.path, u.host);
	if ((err = net_write(&oniond, s, req, (uint64_t)len)) < 0) {
		net_close(&oniond, s);
		return net_fail(o, "fetch", "request", err);
	}
	r = fetch_body(o, s, argc - i == 2 ? argv[i + 1] : u.file, t0);
	net_close(&oniond, s);
	return r;
}

/* resolve [-t TAG] NAME */
int
cmd_resolve(int argc, char **argv, struct sink *o, const struct source *in)
{
	uint32_t ip;
	int64_t err;

	(void)in;
	if (argc != 2)
		return usage_net(o, "resolve", "NAME");
	if (attach(o, "resolve") != 0)
		return 1;
	if ((err = net_resolve(&oniond, argv[1], 0, &ip)) < 0)
		return net_fail(o, "resolve", argv[1], err);
	outf(o, "%s: %u.%u.%u.%u (resolved at a Tor exit)\n", argv[1], ip >> 24,
	    ip >> 16 & 255, ip >> 8 & 255, ip & 255);
	return 0;
}

/* tor: oniond's bootstrap, guard, circuits, streams and bytes. */
int
cmd_tor(int argc, char **argv, struct sink *o, const struct source *in)
{
	uint64_t w[NETS_ST_ITEMS][3];
	char guard[25];
	int64_t err;

	(void)argc, (void)argv, (void)in;
	if (attach(o, "tor") != 0)
		return 1;
	for (uint64_t i = 0; i < NETS_ST_ITEMS; i++)
		if ((err = net_status(&oniond, i, w[i])) < 0)
			return net_fail(o, "tor", "oniond", err);
	memcpy(guard, w[NETS_ST_GUARD], 24);
	guard[24] = '\0';
	outf(o, "bootstrap: %llu%% (%llu relays, %llu with microdescriptors)\n",
	    (unsigned long long)w[NETS_ST_BOOT][0], (unsigned long long)w[NETS_ST_BOOT][1],
	    (unsigned long long)w[NETS_ST_BOOT][2]);
	outf(o, "guard:     %s\n", guard[0] ? guard : "none yet");
	outf(o, "circuits:  %llu open, %llu building, %llu built\n",
	    (unsigned long long)w[NETS_ST_CIRCS][0], (unsigned long long)w[NETS_ST_CIRCS][1],
	    (unsigned long long)w[NETS_ST_CIRCS][2]);
	outf(o, "streams:   %llu open, %llu opened, %llu failed\n",
	    (unsigned long long)w[NETS_ST_STREAMS][0],
	    (unsigned long long)w[NETS_ST_STREAMS][1],
	    (unsigned long long)w[NETS_ST_STREAMS][2]);
	outf(o, "bytes:     %llu read, %llu written by programs; %llu relay links\n",
	    (unsigned long long)w[NETS_ST_BYTES][0], (unsigned long long)w[NETS_ST_BYTES][1],
	    (unsigned long long)w[NETS_ST_BYTES][2]);
	return 0;
}

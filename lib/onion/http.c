/*
 * The head of an HTTP/1.0 response as tor's directory servers send it
 * inside a BEGIN_DIR stream (dir-spec §6): status line, headers, empty
 * line. The body is what follows, up to the stream's END.
 */
#include <string.h>

#include "lib/onion/dirclient.h"
#include "lib/onion/text.h"

#define HEAD_MAX	8192	/* tor's heads are a few hundred bytes */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Whether line starts with header name (any case) and a colon. */
static int
header_is(struct onion_span line, const char *name, struct onion_span *val)
{
	size_t n = strlen(name), i;

	if (line.len <= n || line.p[n] != ':')
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)line.p[i]) != name[i])
			return 0;
	val->p = line.p + n + 1;
	val->len = line.len - n - 1;
	while (val->len > 0 && (val->p[0] == ' ' || val->p[0] == '\t'))
		val->p++, val->len--;
	while (val->len > 0 && (val->p[val->len - 1] == ' ' ||
	    val->p[val->len - 1] == '\t'))
		val->len--;
	return 1;
}

/* The status line: "HTTP/1.0 200 OK" or "HTTP/1.1 404 Not found". */
static int
status_line(struct onion_span line, int *status)
{
	size_t i;
	int v = 0;

	if (line.len < 12 || memcmp(line.p, "HTTP/1.", 7) != 0 ||
	    (line.p[7] != '0' && line.p[7] != '1') || line.p[8] != ' ')
		return ONION_EPARSE;
	for (i = 9; i < 12; i++) {
		if (line.p[i] < '0' || line.p[i] > '9')
			return ONION_EPARSE;
		v = v * 10 + (line.p[i] - '0');
	}
	if (line.len > 12 && line.p[12] != ' ')
		return ONION_EPARSE;
	*status = v;
	return ONION_OK;
}

int
onion_http_response(const char *buf, size_t len, int *status,
    size_t *body_off)
{
	struct onion_span line, val;
	size_t off = 0, end;
	const char *nl;
	int r, first = 1;

	for (;;) {
		if (off >= HEAD_MAX)
			return ONION_EPARSE;
		nl = onion_memchr(buf + off, '\n', len - off);
		if (nl == NULL)
			return len - off >= HEAD_MAX ? ONION_EPARSE : ONION_ETRUNC;
		end = (size_t)(nl - buf);
		line.p = buf + off;
		line.len = end - off;
		if (line.len > 0 && line.p[line.len - 1] == '\r')
			line.len--;
		off = end + 1;
		if (first) {
			if ((r = status_line(line, status)) != ONION_OK)
				return r;
			first = 0;
			continue;
		}
		if (line.len == 0)
			break;
		if (header_is(line, "content-encoding", &val) &&
		    !(val.len == 8 && memcmp(val.p, "identity", 8) == 0))
			return ONION_EPROTO;
	}
	*body_off = off;
	return ONION_OK;
}

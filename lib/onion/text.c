/*
 * Small, strict readers for directory text: lines, words, numbers, base64,
 * PEM and dates (hex is lib/fmt/hex's). Each checks every byte against the bounds it was
 * given and reports ONION_EPARSE rather than guessing.
 */
#include <string.h>

#include "lib/date/date.h"
#include "lib/onion/text.h"

const void *
onion_memchr(const void *p, int c, size_t n)
{
	const unsigned char *s = p;

	for (; n > 0; n--, s++)
		if (*s == (unsigned char)c)
			return s;
	return NULL;
}

int
onion_next_line(struct onion_lines *it, struct onion_span *line)
{
	const char *nl;

	if (it->p >= it->end)
		return 0;
	nl = onion_memchr(it->p, '\n', (size_t)(it->end - it->p));
	line->p = it->p;
	if (nl == NULL) {
		line->len = (size_t)(it->end - it->p);
		it->p = it->end;
	} else {
		line->len = (size_t)(nl - it->p);
		it->p = nl + 1;
	}
	return 1;
}

int
onion_next_word(struct onion_span *rest, struct onion_span *word)
{
	while (rest->len > 0 && (rest->p[0] == ' ' || rest->p[0] == '\t'))
		rest->p++, rest->len--;
	if (rest->len == 0)
		return 0;
	word->p = rest->p;
	word->len = 0;
	while (rest->len > 0 && rest->p[0] != ' ' && rest->p[0] != '\t')
		rest->p++, rest->len--, word->len++;
	return 1;
}

int
onion_span_eq(struct onion_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && memcmp(s.p, lit, n) == 0;
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
onion_b64_decode(uint8_t *out, size_t cap, const char *in, size_t len)
{
	uint32_t acc = 0;
	size_t n = 0, i, bits = 0;
	int v;

	while (len > 0 && in[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return ONION_EPARSE;
	for (i = 0; i < len; i++) {
		if ((v = b64val(in[i])) < 0)
			return ONION_EPARSE;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return ONION_EPARSE;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0)
		return ONION_EPARSE;	/* non-zero trailing bits */
	return (int)n;
}

int
onion_pem_read(struct onion_lines *it, const char *tag, uint8_t *out,
    size_t cap, size_t *outlen)
{
	struct onion_span line;
	size_t have = 0, taglen = tag != NULL ? strlen(tag) : 0;
	char b64[64 * 4 / 3 + 4];
	int r;

	if (!onion_next_line(it, &line) || line.len < 16 ||
	    memcmp(line.p, "-----BEGIN ", 11) != 0 ||
	    memcmp(line.p + line.len - 5, "-----", 5) != 0)
		return ONION_EPARSE;
	if (tag != NULL && (line.len != 16 + taglen ||
	    memcmp(line.p + 11, tag, taglen) != 0))
		return ONION_EPARSE;
	for (;;) {
		if (!onion_next_line(it, &line))
			return ONION_EPARSE;
		if (line.len >= 9 && memcmp(line.p, "-----END ", 9) == 0)
			break;
		/* Lines of at most 64 characters, a multiple of 4 except
		 * the last; decode each on its own. */
		if (line.len == 0 || line.len > 64 || line.len > sizeof b64)
			return ONION_EPARSE;
		memcpy(b64, line.p, line.len);
		r = onion_b64_decode(out + have, cap - have, b64, line.len);
		if (r < 0)
			return r;
		have += (size_t)r;
	}
	*outlen = have;
	return ONION_OK;
}

static int
num(const char *p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

int
onion_parse_time(struct onion_span date, struct onion_span hms, int64_t *t)
{
	int64_t y;
	int mo, d, h, mi, s;

	if (date.len != 10 || date.p[4] != '-' || date.p[7] != '-' ||
	    hms.len != 8 || hms.p[2] != ':' || hms.p[5] != ':')
		return ONION_EPARSE;
	y = num(date.p, 4), mo = num(date.p + 5, 2), d = num(date.p + 8, 2);
	h = num(hms.p, 2), mi = num(hms.p + 3, 2), s = num(hms.p + 6, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return ONION_EPARSE;
	*t = date_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return ONION_OK;
}

int
onion_parse_uint(struct onion_span s, uint32_t max, uint32_t *v)
{
	uint64_t acc = 0;
	size_t i;

	if (s.len == 0 || s.len > 10)
		return ONION_EPARSE;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return ONION_EPARSE;
		acc = acc * 10 + (uint64_t)(s.p[i] - '0');
	}
	if (acc > max)
		return ONION_EPARSE;
	*v = (uint32_t)acc;
	return ONION_OK;
}

int
onion_parse_ipv4(struct onion_span s, uint32_t *ip)
{
	struct onion_span part;
	uint32_t v, acc = 0;
	size_t i, start = 0;
	int k = 0;

	for (i = 0; i <= s.len; i++) {
		if (i < s.len && s.p[i] != '.')
			continue;
		part.p = s.p + start;
		part.len = i - start;
		if (k == 4 || part.len > 3 || onion_parse_uint(part, 255, &v) != 0)
			return ONION_EPARSE;
		acc = acc << 8 | v;
		k++;
		start = i + 1;
	}
	if (k != 4)
		return ONION_EPARSE;
	*ip = acc;
	return ONION_OK;
}

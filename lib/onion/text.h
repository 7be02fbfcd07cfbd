/*
 * Reading Tor's line-based directory documents (dir-spec §1.2): lines,
 * space-separated words, base64, PEM objects and UTC times; hex is
 * lib/fmt/hex's.
 * Input is never assumed to be NUL-terminated.
 */
#ifndef LIB_ONION_TEXT_H
#define LIB_ONION_TEXT_H

#include "lib/onion/onion.h"

struct onion_span {
	const char	*p;
	size_t		len;
};

/* Cursor over a document. */
struct onion_lines {
	const char	*p, *end;
};

/* memchr, which the kernel's C library subset does not have. */
const void *onion_memchr(const void *p, int c, size_t n);

/* The next line without its newline; 0 at the end. line.p points into
 * the document, so (line.p - doc) is its offset. */
int	onion_next_line(struct onion_lines *it, struct onion_span *line);
/* Splits off the next space-separated word; 0 when none is left. */
int	onion_next_word(struct onion_span *rest, struct onion_span *word);
int	onion_span_eq(struct onion_span s, const char *lit);

/* Base64 (padding optional, no whitespace). Returns bytes or < 0. */
int	onion_b64_decode(uint8_t *out, size_t cap, const char *in, size_t len);

/*
 * Reads the PEM object that starts at the cursor ("-----BEGIN TAG-----"
 * line, base64 lines, "-----END TAG-----"), checking the tag if not NULL.
 */
int	onion_pem_read(struct onion_lines *it, const char *tag, uint8_t *out,
	    size_t cap, size_t *outlen);

/* "YYYY-MM-DD" and "HH:MM:SS" (two words) to Unix seconds. */
int	onion_parse_time(struct onion_span date, struct onion_span hms,
	    int64_t *t);
/* Decimal in [0, max]. */
int	onion_parse_uint(struct onion_span s, uint32_t max, uint32_t *v);
/* Dotted-quad IPv4. */
int	onion_parse_ipv4(struct onion_span s, uint32_t *ip);

#endif

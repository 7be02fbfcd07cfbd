/*
 * oniond's state file: the guard kept across sessions (guardfile.h).
 */
#include <string.h>

#include "lib/fmt/fmt.h"
#include "lib/fmt/hex.h"
#include "lib/onion/guardfile.h"
#include "lib/onion/text.h"

static int
refuse(char *why, size_t cap, unsigned line, const char *fault)
{
	fmt_snprintf(why, cap, "line %u: %s", line, fault);
	return ONION_EPARSE;
}

/* dir-spec §2.1.1: 1 to 19 letters and digits. */
static int
nick_ok(struct onion_span s)
{
	if (s.len == 0 || s.len > ONION_NICK_MAX)
		return 0;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];

		if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
		    !(c >= 'A' && c <= 'Z'))
			return 0;
	}
	return 1;
}

/* Decimal digits only, at most 18 of them (no overflow, no sign). */
static int
seconds(struct onion_span s, int64_t *v)
{
	int64_t t = 0;

	if (s.len == 0 || s.len > 18)
		return -1;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		t = t * 10 + (s.p[i] - '0');
	}
	*v = t;
	return 0;
}

/* One "guard ID NICK CHOSEN" line's words after the keyword. */
static const char *
guard_line(struct onion_span rest, struct onion_guard_rec *g)
{
	struct onion_span id, nick, chosen, extra;

	if (!onion_next_word(&rest, &id) || !onion_next_word(&rest, &nick) ||
	    !onion_next_word(&rest, &chosen))
		return "a guard line needs an identity, a nickname and a time";
	if (onion_next_word(&rest, &extra))
		return "words after the time";
	if (hex_decode(g->rsa_id, ONION_ID_LEN, id.p, id.len) != 0)
		return "the identity is not 40 hex digits";
	if (!nick_ok(nick))
		return "the nickname is not 1 to 19 letters and digits";
	memcpy(g->nick, nick.p, nick.len);
	g->nick[nick.len] = '\0';
	if (seconds(chosen, &g->chosen) != 0)
		return "the time is not a number of seconds";
	return NULL;
}

int
onion_guardfile_parse(const char *text, size_t len, struct onion_guard_rec *g,
    char *why, size_t whycap)
{
	struct onion_lines it = { text, text + len };
	struct onion_span line, word;
	const char *fault;
	unsigned n = 0, guards = 0;

	if (len > GUARDFILE_MAX)
		return refuse(why, whycap, 1, "the file is too long");
	if (onion_memchr(text, '\0', len) != NULL)
		return refuse(why, whycap, 1, "the file holds a NUL byte");
	while (onion_next_line(&it, &line)) {
		n++;
		if (!onion_next_word(&line, &word) || word.p[0] == '#')
			continue;
		if (!onion_span_eq(word, "guard"))
			return refuse(why, whycap, n, "unknown keyword");
		if (guards++ > 0)
			return refuse(why, whycap, n, "a second guard line");
		if ((fault = guard_line(line, g)) != NULL)
			return refuse(why, whycap, n, fault);
	}
	if (guards == 0)
		return refuse(why, whycap, n + 1, "no guard line");
	return ONION_OK;
}

size_t
onion_guardfile_format(char *buf, size_t cap, const struct onion_guard_rec *g)
{
	char hex[2 * ONION_ID_LEN + 1];
	size_t n;

	hex_encode(hex, g->rsa_id, ONION_ID_LEN);
	n = fmt_snprintf(buf, cap, "# oniond's entry guard (docs/onion.md, "
	    "\"Guards\"); a saved vault keeps it\nguard %s %s %lld\n", hex,
	    g->nick, (long long)g->chosen);
	return n < cap ? n : 0;
}

int64_t
onion_guard_chosen(int64_t now, uint64_t rnd)
{
	return now - (int64_t)(rnd % (uint64_t)(GUARD_LIFETIME / 10));
}

int
onion_guard_expired(const struct onion_guard_rec *g, int64_t now)
{
	return g->chosen > now + 86400 || now - g->chosen >= GUARD_LIFETIME;
}

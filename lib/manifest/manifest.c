/*
 * Boot manifest parser (see manifest.h and docs/boot-manifest.md). The
 * text is read line by line and word by word; every word is checked
 * against its one canonical spelling, so two different byte strings
 * never mean the same manifest.
 */
#include "lib/fmt/hex.h"
#include "lib/libc/string.h"
#include "lib/manifest/manifest.h"

#define MAX_LINE	1024
#define MAX_WORDS	(5 + CAP_TYPE_COUNT - 1)	/* a module with every type */
#define MAX_DIGITS	19				/* always < 2^64 */

static const char *const cap_names[CAP_TYPE_COUNT] = {
	[CAP_NULL] = NULL,
	[CAP_CNODE] = "cnode",
	[CAP_VSPACE] = "vspace",
	[CAP_FRAME] = "frame",
	[CAP_THREAD] = "thread",
	[CAP_ENDPOINT] = "endpoint",
	[CAP_NOTIFICATION] = "notification",
	[CAP_IRQ] = "irq",
	[CAP_IOPORT] = "ioport",
	[CAP_MEMORY] = "memory",
	[CAP_CONSOLE] = "console",
	[CAP_SPAWN] = "spawn",
	[CAP_MACHINE] = "machine",
	[CAP_PCI] = "pci",
	[CAP_COUNTER] = "counter",
};

/* Right letters in canonical order: bit i is letters[i]. */
static const char rights_letters[] = "rwxgc";

_Static_assert(RIGHT_READ == 1 << 0 && RIGHT_WRITE == 1 << 1 &&
    RIGHT_EXEC == 1 << 2 && RIGHT_GRANT == 1 << 3 &&
    RIGHT_CONTROL == 1 << 4 && RIGHTS_ALL == 0x1f, "right letters");

struct word {
	const char *s;
	size_t len;
};

static int
word_is(const struct word *w, const char *lit)
{
	size_t n = strlen(lit);

	return w->len == n && memcmp(w->s, lit, n) == 0;
}

/*@ logic integer p10(integer k) = k <= 0 ? 1 : 10 * p10(k - 1);
    lemma p10_19: p10(19) == 10000000000000000000;
*/

/* A decimal number without a sign or leading zeros. At most 19 digits,
 * so the value never overflows. */
/*@ requires \valid_read(w) && \valid_read(w->s + (0 .. w->len - 1));
    requires \valid(out) && \separated(out, w);
    assigns *out;
    ensures \result == \null ==> 1 <= w->len <= MAX_DIGITS;
*/
static const char *
parse_u64(const struct word *w, uint64_t *out)
{
	uint64_t v = 0;

	if (w->len == 0 || w->len > MAX_DIGITS)
		return "bad number";
	if (w->s[0] == '0' && w->len > 1)
		return "number with a leading zero";
	/*@ loop invariant 0 <= i <= w->len;
	    loop invariant 1 <= p10(i) && 1 <= p10(MAX_DIGITS - i);
	    loop invariant p10(i) * p10(MAX_DIGITS - i) == p10(MAX_DIGITS);
	    loop invariant v < p10(i);
	    loop assigns i, v;
	    loop variant w->len - i; */
	for (size_t i = 0; i < w->len; i++) {
		/*@ assert p10(i + 1) == 10 * p10(i) &&
		        p10(MAX_DIGITS - i) == 10 * p10(MAX_DIGITS - i - 1); */
		/*@ assert p10(i + 1) <= 10000000000000000000; */
		if (w->s[i] < '0' || w->s[i] > '9')
			return "bad number";
		v = v * 10 + (uint64_t)(w->s[i] - '0');
	}
	*out = v;
	return NULL;
}

/* lib/libc has no memchr: the first c in s[0..len), or NULL. */
/*@ requires \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures \result == \null || (s <= \result < s + len && *\result == c);
*/
static const char *
find(const char *s, size_t len, char c)
{
	/*@ loop invariant 0 <= i <= len;
	    loop assigns i;
	    loop variant len - i; */
	for (size_t i = 0; i < len; i++) {
		if (s[i] == c)
			return s + i;
	}
	return NULL;
}

/*@ requires \valid_read(name + (0 .. len - 1));
    assigns \nothing;
    ensures \result == 1 ==> 1 <= len < MANIFEST_NAME_LEN;
    ensures \result == 0 || \result == 1;
*/
int
manifest_name_ok(const char *name, size_t len)
{
	if (len == 0 || len >= MANIFEST_NAME_LEN || name[0] == '.')
		return 0;
	/*@ loop invariant 0 <= i <= len;
	    loop assigns i;
	    loop variant len - i; */
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

const char *
manifest_cap_name(uint32_t type)
{
	return type < CAP_TYPE_COUNT ? cap_names[type] : NULL;
}

const char *
manifest_parse_cap(const char *s, size_t len, uint32_t *type, uint32_t *rights)
{
	const char *colon = find(s, len, ':');
	size_t tlen, next = 0;
	uint32_t r = 0;

	if (colon == NULL)
		return "ceiling entry without ':'";
	tlen = (size_t)(colon - s);
	*type = CAP_TYPE_COUNT;
	for (uint32_t t = 1; t < CAP_TYPE_COUNT; t++) {
		if (strlen(cap_names[t]) == tlen && memcmp(cap_names[t], s, tlen) == 0)
			*type = t;
	}
	if (*type == CAP_TYPE_COUNT)
		return "unknown capability type";
	if (tlen + 1 == len)
		return "no rights after ':'";
	/* Each letter at most once, in the order of rights_letters. */
	for (size_t i = tlen + 1; i < len; i++) {
		size_t k = next;

		while (k < sizeof(rights_letters) - 1 && rights_letters[k] != s[i])
			k++;
		if (k == sizeof(rights_letters) - 1)
			return "rights must be letters of \"rwxgc\", in that order";
		r |= 1U << k;
		next = k + 1;
	}
	*rights = r;
	return NULL;
}

size_t
manifest_format_ceiling(const uint32_t ceiling[CAP_TYPE_COUNT], char *out,
    size_t size)
{
	size_t n = 0;

#define PUT(c) do { if (n + 1 < size) out[n] = (c); n++; } while (0)
	for (uint32_t t = 1; t < CAP_TYPE_COUNT; t++) {
		if ((ceiling[t] & RIGHTS_ALL) == 0)
			continue;
		if (n > 0)
			PUT(' ');
		for (const char *p = cap_names[t]; *p; p++)
			PUT(*p);
		PUT(':');
		for (int k = 0; k < 5; k++) {
			if (ceiling[t] & (1U << k))
				PUT(rights_letters[k]);
		}
	}
	if (n == 0) {
		for (const char *p = "none"; *p; p++)
			PUT(*p);
	}
#undef PUT
	if (size > 0)
		out[n < size ? n : size - 1] = '\0';
	return n;
}

/*
 * Splits one line (without its newline) into words separated by single
 * spaces. Returns the word count, or -1 for an empty word (leading,
 * trailing or doubled space) or more than max words.
 */
/*@ requires 0 <= max && \valid(w + (0 .. max - 1));
    requires \valid_read(s + (0 .. len - 1));
    requires len < 18446744073709551615;
    assigns w[0 .. max - 1];
    ensures -1 <= \result <= max;
    ensures \forall integer k; 0 <= k < \result ==> 1 <= w[k].len &&
        \exists integer o; w[k].s == s + o && 0 <= o && o + w[k].len <= len;
*/
static int
split(const char *s, size_t len, struct word *w, int max)
{
	int n = 0;
	size_t start = 0;

	/*@ loop invariant 0 <= start <= i <= len + 1 && 0 <= n <= max;
	    loop invariant \forall integer k; 0 <= k < n ==> 1 <= w[k].len &&
	        \exists integer o; w[k].s == s + o && 0 <= o && o + w[k].len <= len;
	    loop assigns i, n, start, w[0 .. max - 1];
	    loop variant len + 1 - i; */
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != ' ')
			continue;
		if (i == start || n == max)
			return -1;
		w[n].s = s + start;
		w[n].len = i - start;
		n++;
		start = i + 1;
	}
	return n;
}

/* "<size> <blake3> <version>" of the kernel or a module. */
static const char *
parse_file(const struct word *w, struct manifest_file *f)
{
	const char *why;

	if ((why = parse_u64(&w[0], &f->size)) != NULL)
		return why;
	if (f->size == 0 || f->size > MANIFEST_MAX_FILE)
		return "file size out of range";
	if (hex_decode_lower(f->blake3, sizeof(f->blake3), w[1].s, w[1].len) != 0)
		return "bad BLAKE3 hash (64 lower-case hex digits)";
	if ((why = parse_u64(&w[2], &f->version)) != NULL)
		return why;
	return NULL;
}

static const char *
parse_module(const struct word *w, int nw, struct manifest *m)
{
	struct manifest_file *f;
	uint32_t type, rights, last = 0;
	const char *why;

	if (nw < 5)
		return "module line needs a name, size, hash and version";
	if (!manifest_name_ok(w[1].s, w[1].len))
		return "bad module name (1-47 of [a-z0-9._-], no leading '.')";
	if (m->nmodules == MANIFEST_MAX_MODULES)
		return "too many modules";
	f = &m->module[m->nmodules];
	memcpy(f->name, w[1].s, w[1].len);
	f->name[w[1].len] = '\0';
	/* Sorted by name, so no name appears twice. */
	if (m->nmodules > 0 && strcmp(m->module[m->nmodules - 1].name, f->name) >= 0)
		return "modules out of order or repeated";
	if ((why = parse_file(&w[2], f)) != NULL)
		return why;
	for (int i = 5; i < nw; i++) {
		if ((why = manifest_parse_cap(w[i].s, w[i].len, &type, &rights)) != NULL)
			return why;
		if (type <= last)
			return "ceiling types out of order or repeated";
		f->ceiling[type] = rights;
		last = type;
	}
	m->nmodules++;
	return NULL;
}

const char *
manifest_parse(const void *buf, size_t len, struct manifest *m, uint32_t *line)
{
	const char *text = buf, *why = NULL;
	struct word w[MAX_WORDS];
	size_t pos = 0;
	uint32_t n = 0;

	memset(m, 0, sizeof(*m));
	*line = 0;
	if (len == 0)
		return "empty manifest";
	if (len > MANIFEST_MAX_BYTES)
		return "manifest too large";
	if (text[len - 1] != '\n')
		return "manifest does not end with a newline";
	while (pos < len && why == NULL) {
		const char *s = text + pos, *nl = find(s, len - pos, '\n');
		size_t l = (size_t)(nl - s);	/* nl exists: the text ends with one */
		int nw;

		*line = ++n;
		pos += l + 1;
		if (l > MAX_LINE)
			return "line too long";
		for (size_t i = 0; i < l; i++) {
			if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
				return "character other than printable ASCII";
		}
		if (n == 1) {
			if (l != strlen(MANIFEST_MAGIC) || memcmp(s, MANIFEST_MAGIC, l) != 0)
				return "not a NONOS boot manifest (bad first line)";
			continue;
		}
		if ((nw = split(s, l, w, MAX_WORDS)) < 0)
			return "bad spacing (one space between words) or too many words";
		if (n == 2) {
			if (nw != 2 || !word_is(&w[0], "image"))
				return "second line must be \"image <version>\"";
			if ((why = parse_u64(&w[1], &m->version)) == NULL && m->version == 0)
				why = "image version must be at least 1";
		} else if (n == 3) {
			if (nw != 4 || !word_is(&w[0], "kernel"))
				return "third line must be "
				    "\"kernel <size> <blake3> <version>\"";
			memcpy(m->kernel.name, "kernel.elf", sizeof("kernel.elf"));
			why = parse_file(&w[1], &m->kernel);
		} else if (word_is(&w[0], "module")) {
			why = parse_module(w, nw, m);
		} else {
			why = "unknown line (expected \"module ...\")";
		}
	}
	if (why == NULL && n < 3) {
		*line = 0;
		why = "manifest ends before its kernel line";
	}
	return why;
}

const struct manifest_file *
manifest_module(const struct manifest *m, const char *name)
{
	for (uint32_t i = 0; i < m->nmodules && i < MANIFEST_MAX_MODULES; i++) {
		if (strcmp(m->module[i].name, name) == 0)
			return &m->module[i];
	}
	return NULL;
}

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

/* A 2-D array rather than pointers to literals, so the proof knows the
 * bounds of every name (WP does not model string constants). */
#define CAP_NAME_SIZE	13				/* "notification" */

static const char cap_names[CAP_TYPE_COUNT][CAP_NAME_SIZE] = {
	[CAP_NULL] = "",
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
/* The same bits as values: the proof knows these, not 1 << i. */
static const uint32_t rights_bits[] = {
	RIGHT_READ, RIGHT_WRITE, RIGHT_EXEC, RIGHT_GRANT, RIGHT_CONTROL
};

_Static_assert(RIGHT_READ == 1 << 0 && RIGHT_WRITE == 1 << 1 &&
    RIGHT_EXEC == 1 << 2 && RIGHT_GRANT == 1 << 3 &&
    RIGHT_CONTROL == 1 << 4 && RIGHTS_ALL == 0x1f, "right letters");

struct word {
	const char *s;
	size_t len;
};

/* The fixed words, as arrays for the proof (see cap_names). */
static const char magic[] = MANIFEST_MAGIC;
static const char word_image[] = "image";
static const char word_kernel[] = "kernel";
static const char word_module[] = "module";
static const char kernel_name[] = "kernel.elf";

/* Words that may be read (words_ok) and lie apart from the manifest
 * being written (words_apart). */
/*@ predicate words_ok(struct word *w, integer n) =
      \forall integer k; 0 <= k < n ==> 1 <= w[k].len &&
          \valid_read(w[k].s + (0 .. w[k].len - 1));
    predicate words_apart(struct word *w, integer n, struct manifest *m) =
      \forall integer k; 0 <= k < n ==>
          \separated(m, w[k].s + (0 .. w[k].len - 1));
*/

/* 1 when the word is lit, an array of size bytes (with its NUL). */
/*@ requires \valid_read(w) && \valid_read(w->s + (0 .. w->len - 1));
    requires 1 <= size && \valid_read(lit + (0 .. size - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int
word_is(const struct word *w, const char *lit, size_t size)
{
	if (w->len != size - 1)
		return 0;
	/*@ loop invariant 0 <= i <= w->len;
	    loop assigns i;
	    loop variant w->len - i; */
	for (size_t i = 0; i < w->len; i++) {
		if (w->s[i] != lit[i])
			return 0;
	}
	return 1;
}

/* lib/libc's memcpy has no contract the proof could use. */
/*@ requires \valid(dst + (0 .. n - 1)) && \valid_read(src + (0 .. n - 1));
    assigns dst[0 .. n - 1];
*/
static void
copy(char *dst, const char *src, size_t n)
{
	/*@ loop invariant 0 <= i <= n;
	    loop assigns i, dst[0 .. n - 1];
	    loop variant n - i; */
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* strcmp(a, b) < 0 for names ended by a NUL within MANIFEST_NAME_LEN. */
/*@ requires \valid_read(a + (0 .. MANIFEST_NAME_LEN - 1));
    requires \valid_read(b + (0 .. MANIFEST_NAME_LEN - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int
name_before(const char *a, const char *b)
{
	/*@ loop invariant 0 <= i <= MANIFEST_NAME_LEN;
	    loop assigns i;
	    loop variant MANIFEST_NAME_LEN - i; */
	for (size_t i = 0; i < MANIFEST_NAME_LEN; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] < (unsigned char)b[i];
		if (a[i] == '\0')
			return 0;
	}
	return 0;
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

/* lib/libc has no memchr: the index of the first c in s[0..len), or len.
 * An index, not a pointer, so the proof needs no pointer arithmetic. */
/*@ requires \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures 0 <= \result <= len;
    ensures \result < len ==> s[\result] == c;
    ensures len > 0 && s[len - 1] == c ==> \result < len;
*/
static size_t
find(const char *s, size_t len, char c)
{
	/*@ loop invariant 0 <= i <= len;
	    loop invariant \forall integer j; 0 <= j < i ==> s[j] != c;
	    loop assigns i;
	    loop variant len - i; */
	for (size_t i = 0; i < len; i++) {
		if (s[i] == c)
			return i;
	}
	return len;
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
	return type >= 1 && type < CAP_TYPE_COUNT ? cap_names[type] : NULL;
}

/* 1 when s[0..len) is the name of type t (as strlen and memcmp would
 * find it: no NUL inside the name). */
/*@ requires 1 <= t < CAP_TYPE_COUNT && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int
is_cap_name(uint32_t t, const char *s, size_t len)
{
	if (len >= CAP_NAME_SIZE)
		return 0;
	/*@ loop invariant 0 <= i <= len;
	    loop assigns i;
	    loop variant len - i; */
	for (size_t i = 0; i < len; i++) {
		if (cap_names[t][i] == '\0' || cap_names[t][i] != s[i])
			return 0;
	}
	return cap_names[t][len] == '\0';
}

/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(type) && \valid(rights) && \separated(type, rights);
    assigns *type, *rights;
    ensures \result == \null ==> 1 <= *type < CAP_TYPE_COUNT;
*/
const char *
manifest_parse_cap(const char *s, size_t len, uint32_t *type, uint32_t *rights)
{
	size_t tlen = find(s, len, ':'), next = 0;
	uint32_t r = 0;

	if (tlen == len)
		return "ceiling entry without ':'";
	*type = CAP_TYPE_COUNT;
	/*@ loop invariant 1 <= t <= CAP_TYPE_COUNT;
	    loop invariant *type == CAP_TYPE_COUNT || 1 <= *type < t;
	    loop assigns t, *type;
	    loop variant CAP_TYPE_COUNT - t; */
	for (uint32_t t = 1; t < CAP_TYPE_COUNT; t++) {
		if (is_cap_name(t, s, tlen))
			*type = t;
	}
	if (*type == CAP_TYPE_COUNT)
		return "unknown capability type";
	if (tlen + 1 == len)
		return "no rights after ':'";
	/* Each letter at most once, in the order of rights_letters. */
	/*@ loop invariant tlen + 1 <= i <= len;
	    loop invariant 0 <= next <= 5;
	    loop assigns i, next, r;
	    loop variant len - i; */
	for (size_t i = tlen + 1; i < len; i++) {
		size_t k = next;

		/*@ loop invariant next <= k <= 5;
		    loop assigns k;
		    loop variant 5 - k; */
		while (k < sizeof(rights_letters) - 1 && rights_letters[k] != s[i])
			k++;
		if (k == sizeof(rights_letters) - 1)
			return "rights must be letters of \"rwxgc\", in that order";
		r |= rights_bits[k];
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
    ensures \result == -1 || 1 <= \result <= max;
    ensures \forall integer k; 0 <= k < \result ==> 1 <= w[k].len &&
        \exists integer o; w[k].s == s + o && 0 <= o && o + w[k].len <= len;
*/
static int
split(const char *s, size_t len, struct word *w, int max)
{
	int n = 0;
	size_t start = 0;

	/*@ loop invariant 0 <= start <= i <= len + 1 && 0 <= n <= max;
	    loop invariant i == len + 1 ==> 1 <= n;
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
/*@ requires \valid_read(w + (0 .. 2));
    requires \valid_read(w[0].s + (0 .. w[0].len - 1));
    requires \valid_read(w[1].s + (0 .. w[1].len - 1));
    requires \valid_read(w[2].s + (0 .. w[2].len - 1));
    requires \valid(f) && \separated(f, w + (0 .. 2));
    requires \separated(f->blake3 + (0 .. MANIFEST_HASH_LEN - 1),
        w[1].s + (0 .. w[1].len - 1));
    assigns f->size, f->version, f->blake3[0 .. MANIFEST_HASH_LEN - 1];
    ensures \result == \null ==> 1 <= f->size <= MANIFEST_MAX_FILE;
*/
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

/*@ predicate sizes_ok(struct manifest *m) =
      \forall integer k; 0 <= k < m->nmodules ==>
          1 <= m->module[k].size <= MANIFEST_MAX_FILE;
*/

/* A "module <name> <size> <blake3> <version> <ceiling>..." line. */
/*@ requires 1 <= nw <= MAX_WORDS && \valid_read(w + (0 .. nw - 1));
    requires words_ok(w, nw) && words_apart(w, nw, m);
    requires \valid(m) && \separated(m, w + (0 .. nw - 1));
    requires m->nmodules <= MANIFEST_MAX_MODULES && sizes_ok(m);
    assigns m->nmodules, m->module[0 .. MANIFEST_MAX_MODULES - 1];
    ensures m->nmodules <= MANIFEST_MAX_MODULES && sizes_ok(m);
    ensures m->version == \old(m->version);
    ensures m->kernel.size == \old(m->kernel.size);
*/
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
	copy(f->name, w[1].s, w[1].len);
	f->name[w[1].len] = '\0';
	/* Sorted by name, so no name appears twice. */
	if (m->nmodules > 0 && !name_before(m->module[m->nmodules - 1].name, f->name))
		return "modules out of order or repeated";
	if ((why = parse_file(&w[2], f)) != NULL)
		return why;
	/*@ loop invariant 5 <= i <= nw;
	    loop invariant 1 <= f->size <= MANIFEST_MAX_FILE;
	    loop assigns i, why, type, rights, last,
	        f->ceiling[0 .. CAP_TYPE_COUNT - 1];
	    loop variant nw - i; */
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

/*
 * Line n (from 1) of the text, s[0..l) without its newline. Returns NULL
 * or the reason it is refused.
 */
/*@ requires 1 <= n && l < MANIFEST_MAX_BYTES && \valid_read(s + (0 .. l - 1));
    requires \valid(m) && \separated(m, s + (0 .. l - 1));
    requires m->nmodules <= MANIFEST_MAX_MODULES && sizes_ok(m);
    assigns *m;
    ensures m->nmodules <= MANIFEST_MAX_MODULES && sizes_ok(m);
    ensures n != 2 ==> m->version == \old(m->version);
    ensures n != 3 ==> m->kernel.size == \old(m->kernel.size);
    ensures n == 2 && \result == \null ==> m->version >= 1;
    ensures n == 3 && \result == \null ==>
        1 <= m->kernel.size <= MANIFEST_MAX_FILE;
*/
static const char *
parse_line(const char *s, size_t l, uint32_t n, struct manifest *m)
{
	struct word w[MAX_WORDS];
	int nw;

	if (l > MAX_LINE)
		return "line too long";
	/*@ loop invariant 0 <= i <= l;
	    loop assigns i;
	    loop variant l - i; */
	for (size_t i = 0; i < l; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return "character other than printable ASCII";
	}
	if (n == 1) {
		struct word first = { s, l };

		if (!word_is(&first, magic, sizeof(magic)))
			return "not a NONOS boot manifest (bad first line)";
		return NULL;
	}
	if ((nw = split(s, l, w, MAX_WORDS)) < 0)
		return "bad spacing (one space between words) or too many words";
	/*@ assert words_ok(&w[0], nw) && words_apart(&w[0], nw, m); */
	if (n == 2) {
		const char *why;

		if (nw != 2 || !word_is(&w[0], word_image, sizeof(word_image)))
			return "second line must be \"image <version>\"";
		if ((why = parse_u64(&w[1], &m->version)) == NULL && m->version == 0)
			why = "image version must be at least 1";
		return why;
	}
	if (n == 3) {
		if (nw != 4 || !word_is(&w[0], word_kernel, sizeof(word_kernel)))
			return "third line must be "
			    "\"kernel <size> <blake3> <version>\"";
		copy(m->kernel.name, kernel_name, sizeof(kernel_name));
		return parse_file(&w[1], &m->kernel);
	}
	if (word_is(&w[0], word_module, sizeof(word_module)))
		return parse_module(w, nw, m);
	return "unknown line (expected \"module ...\")";
}

/*
 * manifest_parse on bytes (WP's memory model does not follow the cast
 * from void *). An accepted manifest has a length within its bounds,
 * ends with a newline, has an image version and a kernel of a size the
 * loader reads, and at most MANIFEST_MAX_MODULES modules, each of such
 * a size.
 */
/*@ requires \valid_read(text + (0 .. len - 1));
    requires \valid(m) && \valid(line);
    requires \separated(m, line, text + (0 .. len - 1));
    assigns *m, *line;
    ensures \result == \null ==> 1 <= len <= MANIFEST_MAX_BYTES;
    ensures \result == \null ==> text[len - 1] == '\n';
    ensures \result == \null ==> m->nmodules <= MANIFEST_MAX_MODULES;
    ensures \result == \null ==> sizes_ok(m);
    ensures \result == \null ==> m->version >= 1;
    ensures \result == \null ==> 1 <= m->kernel.size <= MANIFEST_MAX_FILE;
*/
static const char *
parse(const char *text, size_t len, struct manifest *m, uint32_t *line)
{
	const char *why = NULL;
	size_t pos = 0;
	uint32_t n = 0;

	*m = (struct manifest){ 0 };
	m->nmodules = 0;	/* for the proof: WP loses the copy's zeros */
	*line = 0;
	if (len == 0)
		return "empty manifest";
	if (len > MANIFEST_MAX_BYTES)
		return "manifest too large";
	if (text[len - 1] != '\n')
		return "manifest does not end with a newline";
	/*@ loop invariant 0 <= pos <= len && n <= pos;
	    loop invariant pos > 0 ==> 1 <= n;
	    loop invariant m->nmodules <= MANIFEST_MAX_MODULES && sizes_ok(m);
	    loop invariant why == \null && n >= 2 ==> m->version >= 1;
	    loop invariant why == \null && n >= 3 ==>
	        1 <= m->kernel.size <= MANIFEST_MAX_FILE;
	    loop assigns pos, n, why, *m, *line;
	    loop variant len - pos; */
	while (pos < len && why == NULL) {
		const char *s = text + pos;
		size_t l;

		/*@ assert s[len - pos - 1] == '\n'; */
		l = find(s, len - pos, '\n');	/* < len - pos: the text ends with one */
		*line = ++n;
		pos += l + 1;
		why = parse_line(s, l, n, m);
	}
	if (why == NULL && n < 3) {
		*line = 0;
		why = "manifest ends before its kernel line";
	}
	return why;
}

const char *
manifest_parse(const void *buf, size_t len, struct manifest *m, uint32_t *line)
{
	return parse(buf, len, m, line);
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

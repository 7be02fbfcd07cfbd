/*
 * PSF1/PSF2 font parsing. Glyph order in these fonts is arbitrary; the
 * optional Unicode table says which code points each glyph draws, and we
 * turn it into a direct map for the first 256 code points.
 */
#include "lib/font/psf.h"
#include "lib/libc/string.h"

#define PSF1_MAGIC0 0x36
#define PSF1_MAGIC1 0x04
#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ 0x04
#define PSF2_MAGIC 0x864ab572u
#define PSF2_HAS_UNICODE 0x1

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
map_identity(struct psf_font *f)
{
	for (uint32_t cp = 0; cp < 256; cp++)
		f->map[cp] = (uint16_t)(cp < f->glyph_count ? cp : 0);
}

/* PSF1 table: per glyph, 16-bit code points ending with 0xffff. */
static void
map_psf1(struct psf_font *f, const uint8_t *t, const uint8_t *end)
{
	uint32_t glyph = 0;

	while (t + 2 <= end && glyph < f->glyph_count) {
		uint16_t v = (uint16_t)(t[0] | t[1] << 8);

		t += 2;
		if (v == 0xffff)
			glyph++;
		else if (v < 256)
			f->map[v] = (uint16_t)glyph;
	}
}

/* Decodes one UTF-8 sequence; returns its length, or 1 for a bad byte. */
static size_t
utf8_next(const uint8_t *s, const uint8_t *end, uint32_t *cp)
{
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	if (n == 0 || (size_t)(end - s) < n) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++)
		*cp = (*cp << 6) | (s[i] & 0x3f);
	return n;
}

/* PSF2 table: per glyph, UTF-8 strings ending with 0xff; 0xfe starts a sequence. */
static void
map_psf2(struct psf_font *f, const uint8_t *t, const uint8_t *end)
{
	uint32_t glyph = 0, cp;
	int in_seq = 0;

	while (t < end && glyph < f->glyph_count) {
		if (*t == 0xff) {
			glyph++;
			in_seq = 0;
			t++;
		} else if (*t == 0xfe) {
			in_seq = 1;
			t++;
		} else {
			t += utf8_next(t, end, &cp);
			if (!in_seq && cp < 256)
				f->map[cp] = (uint16_t)glyph;
		}
	}
}

static const char *
parse_psf1(const uint8_t *p, size_t len, struct psf_font *f)
{
	uint8_t mode = p[2];

	f->glyph_count = (mode & PSF1_MODE512) ? 512 : 256;
	f->height = p[3];
	f->width = 8;
	f->row_bytes = 1;
	f->glyph_bytes = f->height;
	if (f->height == 0)
		return "zero glyph height";
	if ((size_t)f->glyph_count * f->glyph_bytes > len - 4)
		return "glyphs extend past the end of the file";
	f->glyphs = p + 4;
	map_identity(f);
	if (mode & (PSF1_MODEHASTAB | PSF1_MODESEQ))
		map_psf1(f, f->glyphs + f->glyph_count * f->glyph_bytes, p + len);
	return NULL;
}

static const char *
parse_psf2(const uint8_t *p, size_t len, struct psf_font *f)
{
	uint32_t hdr, flags;

	if (len < 32)
		return "file too short for a PSF2 header";
	if (le32(p + 4) != 0)
		return "unknown PSF2 version";
	hdr = le32(p + 8);
	flags = le32(p + 12);
	f->glyph_count = le32(p + 16);
	f->glyph_bytes = le32(p + 20);
	f->height = le32(p + 24);
	f->width = le32(p + 28);
	if (f->width == 0 || f->width > 64 || f->height == 0 || f->height > 128)
		return "unsupported glyph size";
	f->row_bytes = (f->width + 7) / 8;
	if (f->glyph_bytes != f->row_bytes * f->height)
		return "glyph size disagrees with its dimensions";
	if (f->glyph_count == 0 || f->glyph_count > 65536)
		return "bad glyph count";
	if (hdr < 32 || hdr > len ||
	    (uint64_t)f->glyph_count * f->glyph_bytes > len - hdr)
		return "glyphs extend past the end of the file";
	f->glyphs = p + hdr;
	map_identity(f);
	if (flags & PSF2_HAS_UNICODE)
		map_psf2(f, f->glyphs + (size_t)f->glyph_count * f->glyph_bytes, p + len);
	return NULL;
}

const char *
psf_parse(const void *buf, size_t len, struct psf_font *f)
{
	const uint8_t *p = buf;

	memset(f, 0, sizeof(*f));
	if (len >= 4 && p[0] == PSF1_MAGIC0 && p[1] == PSF1_MAGIC1)
		return parse_psf1(p, len, f);
	if (len >= 4 && le32(p) == PSF2_MAGIC)
		return parse_psf2(p, len, f);
	return "not a PSF font";
}

const uint8_t *
psf_glyph(const struct psf_font *f, uint32_t cp)
{
	if (cp >= 256)
		cp = '?';
	return f->glyphs + (size_t)f->map[cp] * f->glyph_bytes;
}

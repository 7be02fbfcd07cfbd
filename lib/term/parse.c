/*
 * Terminal output parser (see parse.h), after the VT100/ECMA-48 model
 * reduced to what a text console needs:
 *
 *   ground    text: UTF-8 decoding, C0 controls, ESC opens a sequence
 *   escape    after ESC: '[' opens CSI, an intermediate (0x20..0x2f)
 *             opens a charset-style sequence, a final byte ends it
 *   inter     ESC with intermediates: consumed up to its final byte
 *   csi       parameters and the final byte (0x40..0x7e)
 *
 * A control character (below 0x20) or a byte of 0x80 and up inside a
 * sequence ends it unperformed and is then read as text, so that a
 * broken sequence cannot swallow the output after it; ESC starts a new
 * one. String sequences (OSC, DCS) are not understood: after their ESC
 * and first byte, the rest shows as text.
 */
#include "lib/term/parse.h"
#include "lib/libc/string.h"

enum { GROUND, ESCAPE, INTER, CSI };

void
vt_parser_init(struct vt_parser *p)
{
	memset(p, 0, sizeof(*p));
}

int
vt_parse_in_sequence(const struct vt_parser *p)
{
	return p->state != GROUND;
}

void
vt_parse_cancel(struct vt_parser *p)
{
	p->state = GROUND;
}

static void
set(struct vt_action *a, enum vt_kind kind, uint32_t cp)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->cp = cp;
}

/* The end of a UTF-8 sequence: its code point, or U+FFFD if it is not one. */
static uint32_t
utf8_end(const struct vt_parser *p)
{
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t cp = p->utf8_cp;

	if (cp < least[p->utf8_len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return VT_REPLACEMENT;	/* overlong, beyond Unicode, or a surrogate */
	return cp;
}

/* A byte of 0x80 and up in ground state (none of a sequence is open). */
static int
utf8_lead(struct vt_parser *p, uint8_t b, struct vt_action *a)
{
	if (b >= 0xc2 && b <= 0xdf) {
		p->utf8_cp = b & 0x1f;
		p->utf8_len = 2;
	} else if (b >= 0xe0 && b <= 0xef) {
		p->utf8_cp = b & 0x0f;
		p->utf8_len = 3;
	} else if (b >= 0xf0 && b <= 0xf4) {
		p->utf8_cp = b & 0x07;
		p->utf8_len = 4;
	} else {
		set(a, VT_PRINT, VT_REPLACEMENT);	/* a stray continuation or no lead */
		return 1;
	}
	p->utf8_left = p->utf8_len - 1;
	return 0;
}

static int
ground(struct vt_parser *p, uint8_t b, struct vt_action *a)
{
	if (b == 0x1b) {
		p->state = ESCAPE;
		return 0;
	}
	if (b < 0x20) {
		set(a, VT_CONTROL, b);
		return 1;
	}
	if (b == 0x7f)
		return 0;		/* DEL is padding, not text */
	if (b >= 0x80)
		return utf8_lead(p, b, a);
	set(a, VT_PRINT, b);
	return 1;
}

static void
csi_start(struct vt_parser *p)
{
	p->state = CSI;
	p->broken = 0;
	p->priv = 0;
	p->nparams = 0;
	memset(p->params, 0, sizeof(p->params));
}

/* A byte inside CSI (0x20..0x7e); returns 1 with the action at the final byte. */
static int
csi(struct vt_parser *p, uint8_t b, struct vt_action *a)
{
	if (b >= '0' && b <= '9') {
		uint16_t *v;

		if (p->nparams == 0)
			p->nparams = 1;
		v = &p->params[p->nparams - 1];
		*v = *v > (VT_PARAM_MAX - (b - '0')) / 10 ? VT_PARAM_MAX :
		    (uint16_t)(*v * 10 + (b - '0'));
	} else if (b == ';') {
		if (p->nparams == 0)
			p->nparams = 1;		/* the first parameter was empty */
		if (p->nparams == VT_PARAMS)
			p->broken = 1;
		else
			p->nparams++;
	} else if (b >= 0x3c && b <= 0x3f) {
		if (p->nparams != 0 || p->priv != 0)
			p->broken = 1;		/* a marker only comes first */
		else
			p->priv = b;
	} else if (b < 0x40) {
		p->broken = 1;			/* ':' sub-parameters, intermediates */
	} else {
		p->state = GROUND;
		if (p->broken)
			return 0;
		set(a, VT_CSI, b);
		a->priv = p->priv;
		a->nparams = p->nparams;
		memcpy(a->params, p->params, sizeof(a->params));
		return 1;
	}
	return 0;
}

/* One byte, with no UTF-8 sequence open. */
static int
step(struct vt_parser *p, uint8_t b, struct vt_action *a)
{
	if (p->state == GROUND)
		return ground(p, b, a);
	if (b == 0x7f)
		return 0;		/* ignored inside sequences too */
	if (b == 0x1b || b < 0x20 || b >= 0x80) {
		p->state = GROUND;	/* the open sequence is dropped */
		return ground(p, b, a);
	}
	switch (p->state) {
	case ESCAPE:
		if (b == '[') {
			csi_start(p);
			return 0;
		}
		if (b < 0x30) {
			p->state = INTER;
			return 0;
		}
		p->state = GROUND;
		set(a, VT_ESC, b);
		return 1;
	case INTER:
		if (b >= 0x30)
			p->state = GROUND;	/* e.g. ESC ( B: character sets are not ours */
		return 0;
	default:
		return csi(p, b, a);
	}
}

int
vt_parse(struct vt_parser *p, uint8_t b, struct vt_action out[2])
{
	int n = 0;

	if (p->utf8_left > 0) {
		if ((b & 0xc0) == 0x80) {
			p->utf8_cp = (p->utf8_cp << 6) | (b & 0x3f);
			if (--p->utf8_left > 0)
				return 0;
			set(&out[0], VT_PRINT, utf8_end(p));
			return 1;
		}
		p->utf8_left = 0;	/* cut short: say so, then read b afresh */
		set(&out[n++], VT_PRINT, VT_REPLACEMENT);
	}
	return n + step(p, b, &out[n]);
}

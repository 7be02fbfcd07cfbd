/*
 * printf-style formatting without floating point, shared by the loader,
 * the kernel, user space and host tools.
 */
#include <stdint.h>

#include "lib/fmt/fmt.h"
#include "lib/libc/string.h"

struct spec {
	int left;		/* '-': pad on the right */
	int alt;		/* '#': 0x prefix for x, 0 for o */
	int zero;		/* '0': pad with zeros */
	char sign;		/* '+', ' ' or 0 */
	int width;
	int precision;		/* -1 when absent */
	int length;		/* 0, 'H' (hh), 'h', 'l', 'L' (ll), 'z' */
};

struct out {
	fmt_put_fn put;
	void *ctx;
	size_t count;
};

static void
emit(struct out *o, char c)
{
	o->put(o->ctx, c);
	o->count++;
}

static void
pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

static void
emit_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t len;

	if (s == NULL)
		s = "(null)";
	len = sp->precision >= 0 ? strnlen(s, (size_t)sp->precision) : strlen(s);
	if (!sp->left)
		pad(o, ' ', sp->width - (int)len);
	for (size_t i = 0; i < len; i++)
		emit(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - (int)len);
}

/* Prints an unsigned magnitude with an optional sign or prefix. */
static void
emit_number(struct out *o, const struct spec *sp, uint64_t v, int base,
    int upper, char sign, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = 0, zeros, plen = (int)strlen(prefix), total;

	if (!(v == 0 && sp->precision == 0)) {
		do {
			buf[n++] = digits[v % (unsigned)base];
			v /= (unsigned)base;
		} while (v);
	}
	zeros = sp->precision > n ? sp->precision - n : 0;
	total = n + zeros + plen + (sign ? 1 : 0);
	if (sp->zero && !sp->left && sp->precision < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		pad(o, ' ', sp->width - total);
	if (sign)
		emit(o, sign);
	for (int i = 0; i < plen; i++)
		emit(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		emit(o, buf[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static const char *
parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	sp->left = sp->zero = sp->alt = 0;
	sp->sign = 0;
	sp->width = 0;
	sp->precision = -1;
	sp->length = 0;
	for (;; f++) {
		if (*f == '-')
			sp->left = 1;
		else if (*f == '0')
			sp->zero = 1;
		else if (*f == '#')
			sp->alt = 1;
		else if (*f == '+')
			sp->sign = '+';
		else if (*f == ' ' && sp->sign != '+')
			sp->sign = ' ';
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = 1;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9' && sp->width < 100000)
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			f++;
		} else {
			while (*f >= '0' && *f <= '9' && sp->precision < 100000)
				sp->precision = sp->precision * 10 + (*f++ - '0');
		}
	}
	if (f[0] == 'h' && f[1] == 'h') {
		sp->length = 'H';
		f += 2;
	} else if (f[0] == 'l' && f[1] == 'l') {
		sp->length = 'L';
		f += 2;
	} else if (*f == 'h' || *f == 'l' || *f == 'z') {
		sp->length = *f++;
	}
	return f;
}

static int64_t
signed_arg(int length, va_list *ap)
{
	switch (length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (int64_t)va_arg(*ap, size_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t
unsigned_arg(int length, va_list *ap)
{
	switch (length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned);
	case 'h': return (unsigned short)va_arg(*ap, unsigned);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned);
	}
}

size_t
fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap0)
{
	struct out o = { put, ctx, 0 };
	struct spec sp;
	const char *start;
	va_list ap;

	va_copy(ap, ap0);
	while (*fmt) {
		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		start = fmt++;
		fmt = parse_spec(fmt, &sp, &ap);
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = signed_arg(sp.length, &ap);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			emit_number(&o, &sp, mag, 10, 0, v < 0 ? '-' : sp.sign, "");
			break;
		}
		case 'u':
			emit_number(&o, &sp, unsigned_arg(sp.length, &ap), 10, 0, 0, "");
			break;
		case 'o': {
			uint64_t v = unsigned_arg(sp.length, &ap);
			emit_number(&o, &sp, v, 8, 0, 0, sp.alt && v != 0 ? "0" : "");
			break;
		}
		case 'x':
		case 'X': {
			uint64_t v = unsigned_arg(sp.length, &ap);
			const char *prefix = "";
			if (sp.alt && v != 0)
				prefix = *fmt == 'X' ? "0X" : "0x";
			emit_number(&o, &sp, v, 16, *fmt == 'X', 0, prefix);
			break;
		}
		case 'p':
			emit_number(&o, &sp, (uintptr_t)va_arg(ap, void *), 16, 0, 0, "0x");
			break;
		case 's':
			emit_string(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			struct spec one = sp;
			one.precision = 1;
			if (c[0] == 0) {
				pad(&o, ' ', sp.left ? 0 : sp.width - 1);
				emit(&o, 0);
				pad(&o, ' ', sp.left ? sp.width - 1 : 0);
			} else {
				emit_string(&o, &one, c);
			}
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		default:
			/* Unknown or truncated conversion: print it as it stands. */
			while (start < fmt)
				emit(&o, *start++);
			if (*fmt == 0)
				goto done;
			emit(&o, *fmt);
			break;
		}
		fmt++;
	}
done:
	va_end(ap);
	return o.count;
}

struct sbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void
sbuf_put(void *ctx, char c)
{
	struct sbuf *b = ctx;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

size_t
fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf b = { buf, size, 0 };
	size_t n = fmt_vformat(sbuf_put, &b, fmt, ap);

	if (size > 0)
		buf[b.len < size ? b.len : size - 1] = 0;
	return n;
}

size_t
fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

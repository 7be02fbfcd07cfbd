/*
 * Formatted output for every NØNOS component: a subset of printf
 * (%d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' ' '#', width,
 * precision, length modifiers hh h l ll z) with no floating point.
 * Unknown conversions are printed literally, never trusted.
 */
#ifndef LIB_FMT_FMT_H
#define LIB_FMT_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_put_fn)(void *ctx, char c);

/* Streams the formatted text to put(ctx, c); returns the character count. */
size_t fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

/*
 * Like snprintf: writes at most size-1 characters and a NUL when size > 0,
 * and returns the length the full text would have had.
 */
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif

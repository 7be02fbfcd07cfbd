/*
 * The C library's memory and string functions for freestanding targets
 * (the loader and the kernel). Host builds use the system's own.
 */
#ifndef LIB_LIBC_STRING_H
#define LIB_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Zeroes n bytes at p; the stores are volatile, so they are never elided. */
void explicit_bzero(void *p, size_t n);

#endif

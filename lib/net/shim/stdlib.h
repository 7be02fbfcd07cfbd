/*
 * stdlib.h for the freestanding lwIP build: netif_find() parses an
 * interface number with atoi, private to this build under another name
 * so that it can never clash with an atoi a C library may add.
 */
#ifndef LIB_NET_SHIM_STDLIB_H
#define LIB_NET_SHIM_STDLIB_H

static inline int
nonos_lwip_atoi(const char *s)
{
	int n = 0;

	while (*s >= '0' && *s <= '9' && n < 100000)
		n = n * 10 + (*s++ - '0');
	return n;
}
#define atoi nonos_lwip_atoi

#endif

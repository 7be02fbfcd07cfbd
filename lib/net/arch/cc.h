/*
 * lwIP's compiler and platform definitions (its arch/cc.h) for netd and
 * the host tests: x86-64, little endian, no C library beyond lib/libc.
 * A failed lwIP assertion ends the process (netd is restarted by init)
 * rather than going on with a corrupt stack.
 */
#ifndef LIB_NET_ARCH_CC_H
#define LIB_NET_ARCH_CC_H

#include <stdint.h>

#define BYTE_ORDER		LITTLE_ENDIAN
#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_CTYPE_H		1
#define X8_F			"02x"
#define U16_F			"u"
#define S16_F			"d"
#define X16_F			"x"
#define U32_F			"u"
#define S32_F			"d"
#define X32_F			"x"
#define SZT_F			"zu"
#define LWIP_ERR_T		int

/* lib/net/port.c. net_rand is LWIP_RAND (lwipopts.h), used by files that
   do not include the hooks. */
uint32_t net_rand(void);
void net_diag(const char *msg);
_Noreturn void net_assert_fail(const char *msg, const char *file, int line);

/* Diagnostics stay off (LWIP_DEBUG is not defined): one plain message. */
#define LWIP_PLATFORM_DIAG(x)	net_diag("lwip diagnostic")
#define LWIP_PLATFORM_ASSERT(x)	net_assert_fail(x, __FILE__, __LINE__)

#endif

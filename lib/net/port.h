/*
 * lwIP's platform for netd and the host tests: the clock, the per-boot
 * random generator and RFC 6528 sequence numbers (lwIP calls them through
 * sys_now, LWIP_RAND and LWIP_HOOK_TCP_ISN), and what a failed lwIP
 * assertion does.
 */
#ifndef LIB_NET_PORT_H
#define LIB_NET_PORT_H

#include <stddef.h>
#include <stdint.h>

#define NET_SEED_LEN	32

struct net_platform {
	uint32_t (*now_ms)(void);		/* a monotonic clock in milliseconds */
	void (*log)(const char *msg);		/* one line, no newline */
	void (*fatal)(const char *msg);		/* must not return */
};

/*
 * Keys the generator and the sequence-number function from seed (32
 * bytes of platform entropy, drawn once per boot); neither key is
 * derivable from the other. Call before lwip_init.
 */
void net_port_init(const struct net_platform *p, const uint8_t seed[NET_SEED_LEN]);
/* n bytes from the generator (fast key erasure: past output stays secret). */
void net_random_bytes(void *buf, size_t n);
/* A random locally administered unicast MAC address. */
void net_random_mac(uint8_t mac[6]);

#endif

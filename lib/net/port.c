/*
 * lwIP's platform (see port.h). Every number lwIP draws comes from one
 * fast-key-erasure generator (lib/crypto/fkrng.h). Its key and the
 * sequence-number key come from the platform's seed through BLAKE3's key
 * derivation with two different contexts.
 *
 * Initial sequence numbers follow RFC 6528: ISN = M + F(local address,
 * local port, remote address, remote port, key), M a timer ticking every
 * 4 microseconds (here: milliseconds times 250), F keyed BLAKE3 with a
 * per-boot key. Numbers for one 4-tuple advance with time, as RFC 793
 * wants; numbers for different tuples, or of another boot, say nothing
 * about each other or about how long the machine has been up.
 */
#include "lib/crypto/blake3.h"
#include "lib/crypto/fkrng.h"
#include "lib/libc/string.h"
#include "lib/net/port.h"
#include "lwip/arch.h"
#include "lwip/ip_addr.h"
#include "lwip/sys.h"
#include "lib/net/hooks.h"

static const struct net_platform *plat;
static struct fkrng rng;
static uint8_t isn_key[BLAKE3_KEY_LEN];
static int seeded;

static void
derive(const char *context, const uint8_t seed[NET_SEED_LEN], uint8_t out[BLAKE3_KEY_LEN])
{
	struct blake3 h;

	blake3_init_derive_key(&h, context);
	blake3_update(&h, seed, NET_SEED_LEN);
	blake3_final(&h, out, BLAKE3_KEY_LEN);
	explicit_bzero(&h, sizeof(h));
}

void
net_port_init(const struct net_platform *p, const uint8_t seed[NET_SEED_LEN])
{
	plat = p;
	fkrng_init(&rng, "NONOS 2026 netd random generator", seed, NET_SEED_LEN);
	derive("NONOS 2026 netd TCP initial sequence numbers", seed, isn_key);
	seeded = 1;
}

void
net_random_bytes(void *buf, size_t n)
{
	if (!seeded)
		net_assert_fail("random number before net_port_init", __FILE__, __LINE__);
	fkrng_bytes(&rng, buf, n);
}

void
net_random_mac(uint8_t mac[6])
{
	net_random_bytes(mac, 6);
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);	/* unicast, locally administered */
}

uint32_t
net_rand(void)
{
	uint32_t r;

	net_random_bytes(&r, sizeof(r));
	return r;
}

uint32_t
net_tcp_isn(const ip_addr_t *local_ip, uint16_t local_port,
    const ip_addr_t *remote_ip, uint16_t remote_port)
{
	uint8_t tuple[12], f[4];
	uint32_t lip = ip4_addr_get_u32(ip_2_ip4(local_ip));
	uint32_t rip = ip4_addr_get_u32(ip_2_ip4(remote_ip));
	struct blake3 h;
	uint32_t fv;

	memcpy(tuple, &lip, 4);
	memcpy(tuple + 4, &local_port, 2);
	memcpy(tuple + 6, &rip, 4);
	memcpy(tuple + 10, &remote_port, 2);
	blake3_init_keyed(&h, isn_key);
	blake3_update(&h, tuple, sizeof(tuple));
	blake3_final(&h, f, sizeof(f));
	memcpy(&fv, f, sizeof(fv));
	return fv + sys_now() * 250u;
}

/* --- What lwIP needs of the platform --------------------------------------- */

u32_t
sys_now(void)
{
	return plat->now_ms();
}

void
net_diag(const char *msg)
{
	plat->log(msg);
}

_Noreturn void
net_assert_fail(const char *msg, const char *file, int line)
{
	(void)file;
	(void)line;
	if (plat != NULL)
		plat->fatal(msg);
	for (;;)
		;
}

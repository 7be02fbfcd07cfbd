/*
 * netd's per-boot seed. NØNOS has no system call that hands a process
 * random bytes yet (docs/net.md says so), so netd reads the CPU's own
 * generators, which the loader also uses for the kernel's seed: RDSEED
 * (fresh entropy) if the CPU has it, else RDRAND (its DRBG). The seed
 * keys lib/net's generator (MAC, LWIP_RAND) and the RFC 6528 key.
 * Without either instruction netd refuses to start: a predictable MAC and
 * sequence numbers would defeat their purpose.
 */
#include <cpuid.h>

#include "user/netd/netd.h"

#define TRIES	100	/* both may fail transiently; Intel advises retrying */

__attribute__((target("rdseed"))) static int
seed64(uint64_t *v)
{
	unsigned long long x;

	for (int i = 0; i < TRIES; i++) {
		if (__builtin_ia32_rdseed64_step(&x)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

__attribute__((target("rdrnd"))) static int
rand64(uint64_t *v)
{
	unsigned long long x;

	for (int i = 0; i < TRIES; i++) {
		if (__builtin_ia32_rdrand64_step(&x)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

int
entropy_seed(uint8_t seed[NET_SEED_LEN])
{
	unsigned a, b, c, d;
	int has_seed = 0, has_rand = 0;

	if (__get_cpuid(1, &a, &b, &c, &d))
		has_rand = (c >> 30) & 1;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		has_seed = (b >> 18) & 1;
	for (int i = 0; i < NET_SEED_LEN / 8; i++) {
		uint64_t v;

		if (!(has_seed && seed64(&v) == 0) && !(has_rand && rand64(&v) == 0))
			return -1;
		memcpy(seed + 8 * i, &v, 8);
	}
	return 0;
}

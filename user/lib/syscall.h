/*
 * Raw system calls for NØNOS programs: the SYSCALL instruction with the
 * number in rax and up to six arguments (lib/abi/syscall.h has the ABI).
 */
#ifndef USER_LIB_SYSCALL_H
#define USER_LIB_SYSCALL_H

#include <stdint.h>

#include "lib/abi/nonos.h"
#include "lib/abi/syscall.h"

static inline int64_t
syscall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;

	__asm__ volatile("syscall"
	    : "+a"(nr), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8), "+r"(r9)
	    : : "rcx", "r11", "memory");
	return (int64_t)nr;
}

/* A received message: the badge of the sender's capability, tag and words. */
struct msg {
	uint64_t badge;
	uint64_t tag;
	uint64_t w[4];
};

/* IPC calls return the message in registers as well as the status. */
static inline int64_t
syscall_ipc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t a5, struct msg *m)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;

	__asm__ volatile("syscall"
	    : "+a"(nr), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8), "+r"(r9)
	    : : "rcx", "r11", "memory");
	if (m) {
		m->badge = a0;
		m->tag = a1;
		m->w[0] = a2;
		m->w[1] = r10;
		m->w[2] = r8;
		m->w[3] = r9;
	}
	return (int64_t)nr;
}

#endif

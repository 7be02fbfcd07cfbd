/*
 * Two Linux x86-64 system calls, so that the freestanding link-check
 * program (built with the kernel's flags, no libc) can also run on the
 * build machine and report.
 */
#ifndef TESTS_FREESTANDING_LINUX_SYSCALL_H
#define TESTS_FREESTANDING_LINUX_SYSCALL_H

#include <stddef.h>

#define SYS_write	1
#define SYS_exit_group	231
#define SYS_getrandom	318

/* Set by the check program: the stub entropy hook then fails. */
extern int nc_check_entropy_fail;

static inline long
linux_syscall3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
	    : "=a"(r)
	    : "a"(n), "D"(a), "S"(b), "d"(c)
	    : "rcx", "r11", "memory");
	return r;
}

static inline __attribute__((noreturn)) void
linux_exit(int code)
{
	for (;;)
		linux_syscall3(SYS_exit_group, code, 0, 0);
}

#endif

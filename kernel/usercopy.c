/*
 * User memory access. A range is first checked to lie wholly below
 * USER_TOP (so it can never name kernel memory, whatever the page tables
 * say); the copy itself may still fault on an unmapped or protected user
 * page, which the fixup table turns into E_FAULT.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/usercopy.h"
#include "lib/abi/nonos.h"
#include "lib/abi/syscall.h"

int user_copy_smap(void *dst, const void *src, size_t n);
int user_copy_plain(void *dst, const void *src, size_t n);

static int (*user_copy)(void *, const void *, size_t) = user_copy_plain;

void
usercopy_init(void)
{
	if (read_cr4() & CR4_SMAP)
		user_copy = user_copy_smap;
}

int
user_range_ok(uint64_t addr, uint64_t n)
{
	return addr <= USER_TOP && n <= USER_TOP - addr;
}

int
copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return E_FAULT;
	if (n == 0)
		return E_OK;
	return user_copy(dst, (const void *)usrc, n) == 0 ? E_OK : E_FAULT;
}

int
copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return E_FAULT;
	if (n == 0)
		return E_OK;
	return user_copy((void *)udst, src, n) == 0 ? E_OK : E_FAULT;
}

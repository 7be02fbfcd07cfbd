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

/*
 * The copy loops, in assembly (arch/x86_64/usercopy.S): trusted, not
 * proved. The proof assumes only that they write nothing but dst[0..n).
 */
/*@ assigns ((char *)dst)[0 .. n - 1]; */
int user_copy_smap(void *dst, const void *src, size_t n);
/*@ assigns ((char *)dst)[0 .. n - 1]; */
int user_copy_plain(void *dst, const void *src, size_t n);

/* Set when the CPU has SMAP: the copy must then open user access (stac). */
static int have_smap;

/*
 * Proved with Frama-C WP (docs/proofs.md): a user range is accepted
 * exactly when it lies entirely below USER_TOP, computed without
 * wrap-around (the arithmetic below is on mathematical integers).
 */
/*@ predicate user_range(integer addr, integer n) = addr + n <= USER_TOP; */

void
usercopy_init(void)
{
	if (read_cr4() & CR4_SMAP)
		have_smap = 1;
}

/*@ assigns ((char *)dst)[0 .. n - 1];
    ensures \result == E_OK || \result == E_FAULT; */
static int
user_copy(void *dst, const void *src, size_t n)
{
	int r = have_smap ? user_copy_smap(dst, src, n) : user_copy_plain(dst, src, n);

	return r == 0 ? E_OK : E_FAULT;
}

/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> user_range(addr, n); */
int
user_range_ok(uint64_t addr, uint64_t n)
{
	return addr <= USER_TOP && n <= USER_TOP - addr;
}

/*@ assigns ((char *)dst)[0 .. n - 1];
    behavior outside_user_space:
      assumes !user_range(usrc, n);
      assigns \nothing;
      ensures \result == E_FAULT;
    behavior inside_user_space:
      assumes user_range(usrc, n);
      ensures \result == E_OK || \result == E_FAULT;
    complete behaviors;
    disjoint behaviors; */
int
copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return E_FAULT;
	if (n == 0)
		return E_OK;
	return user_copy(dst, (const void *)usrc, n);
}

/*@ assigns ((char *)udst)[0 .. n - 1];
    behavior outside_user_space:
      assumes !user_range(udst, n);
      assigns \nothing;
      ensures \result == E_FAULT;
    behavior inside_user_space:
      assumes user_range(udst, n);
      ensures \result == E_OK || \result == E_FAULT;
    complete behaviors;
    disjoint behaviors; */
int
copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return E_FAULT;
	if (n == 0)
		return E_OK;
	return user_copy((void *)udst, src, n);
}

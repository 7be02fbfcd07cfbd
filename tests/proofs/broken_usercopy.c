/*
 * A deliberately wrong copy of kernel/usercopy.c's user_range_ok under
 * the same contract: it adds first and compares afterwards, so a huge n
 * wraps around and a range reaching into the kernel is accepted.
 * tests/proofs/run requires WP to refuse it; were it proved, the proof
 * step could not fail.
 */
#include <stdint.h>

#include "lib/abi/syscall.h"

/*@ predicate user_range(integer addr, integer n) = addr + n <= USER_TOP; */

int user_range_ok(uint64_t addr, uint64_t n);

/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> user_range(addr, n); */
int
user_range_ok(uint64_t addr, uint64_t n)
{
	return addr + n <= USER_TOP;
}

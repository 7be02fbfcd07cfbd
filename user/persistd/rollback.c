/*
 * The rollback counter's place in persistd. An attacker who puts back an
 * older copy of the partition gives a vault that is whole and opens with
 * the passphrase: only a counter kept outside the partition can tell.
 * NØNOS has no call that reaches one yet (a UEFI variable as the boot
 * floor is, or TPM NV; a kernel system call, to come): until it does,
 * the floor is 0, every generation is accepted and nothing is recorded.
 * These three functions are the only places that change when it comes;
 * main.c calls them at the right points (before a restore, at the start
 * and end of a save).
 */
#include "user/persistd/persistd.h"

uint64_t
rollback_floor(void)
{
	return 0;
}

int
rollback_accept(uint64_t gen)
{
	return gen >= rollback_floor() ? 0 : -1;
}

void
rollback_advance(uint64_t gen)
{
	(void)gen;
}

/*
 * The rollback check. An attacker who puts back an older copy of the
 * partition gives a vault that is whole and opens with the passphrase:
 * only a number kept outside the partition can tell. That number is the
 * kernel's vault rollback counter (SYS_COUNTER, a UEFI variable and,
 * with a TPM, a TPM NV counter;
 * user/lib/counter.h, docs/security-model.md): the highest generation
 * this machine has saved.
 *
 * - A save starts above it (rollback_floor feeds store_begin), so a
 *   generation number is never used twice on one machine.
 * - A committed save raises it to its generation (rollback_advance).
 * - A restore of a generation below it is refused as a rollback unless
 *   the user confirmed (rollback_accept).
 *
 * Without the capability (a manifest that does not give it) or with a
 * machine that has no usable counter (E_DEAD: no UEFI variable
 * services), the floor is 0 and every generation is accepted: persistd
 * says so once at start (rollback_report).
 */
#include "user/lib/counter.h"
#include "user/persistd/persistd.h"

/* The counter, or 0 when there is none to read. */
uint64_t
rollback_floor(void)
{
	uint64_t v;

	return counter_read(SLOT_ROLLBACK, &v) == E_OK ? v : 0;
}

int
rollback_accept(uint64_t gen, int confirmed)
{
	if (confirmed)
		return 0;
	return gen >= rollback_floor() ? 0 : -1;
}

void
rollback_advance(uint64_t gen)
{
	uint64_t v;
	int err;

	if (counter_read(SLOT_ROLLBACK, &v) != E_OK || gen <= v)
		return;
	if ((err = counter_advance(SLOT_ROLLBACK, gen)) != E_OK)
		printf("persistd: the rollback counter stays at %llu (%s): an old "
		    "copy of this save cannot be told apart from it\n",
		    (unsigned long long)v, err_name(err));
}

void
rollback_report(void)
{
	uint64_t v;
	int err;

	if ((err = counter_read(SLOT_ROLLBACK, &v)) == E_OK)
		printf("persistd: rollback counter at generation %llu\n",
		    (unsigned long long)v);
	else
		printf("persistd: no rollback counter (%s): a disk put back to an "
		    "older copy cannot be detected\n", err_name(err));
}

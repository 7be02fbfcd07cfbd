/*
 * countertest: the vault rollback counter (SYS_COUNTER) as the root task
 * (option init=countertest initarg=N). Prints the counter found at boot,
 * checks every refusal (no capability, the wrong type, a copy without
 * the right, an unknown operation, a value not above the current one or
 * beyond 2^63 - 1), then, when N > 0, advances the counter to N and
 * reads it back. One line per check, "countertest: NAME ... ok" or
 * "... FAIL (...)", then "countertest: N passed, M failed".
 * tests/qemu/test_counter.py boots it several times over one UEFI
 * variable store and checks that what one boot advanced the next reads.
 */
#include "user/lib/counter.h"
#include "user/lib/nonos.h"

#define SLOT_READER	16	/* a copy of the counter capability: read only */
#define SLOT_WRITER	17	/* and one that may only advance */
#define SLOT_EMPTY	18

static int passed, failed;

static void
expect(const char *name, int64_t got, int64_t want)
{
	if (got == want) {
		passed++;
		printf("countertest: %s ... ok\n", name);
	} else {
		failed++;
		printf("countertest: %s ... FAIL (got %s, expected %s)\n", name,
		    err_name(got), err_name(want));
	}
}

static void
refusals(uint64_t now)
{
	uint64_t v = 12345;

	expect("no capability in the slot", counter_read(SLOT_EMPTY, &v), E_NOCAP);
	expect("advance without a capability", counter_advance(SLOT_EMPTY, now + 1),
	    E_NOCAP);
	expect("a capability of another type", counter_read(SLOT_CONSOLE, &v), E_TYPE);
	expect("an unknown operation", counter_op(SLOT_COUNTER, 2, 0), E_INVAL);
	expect("a read-only copy", cap_derive(SLOT_COUNTER, SLOT_READER, RIGHT_READ, 0),
	    E_OK);
	expect("the read-only copy reads", counter_read(SLOT_READER, &v), E_OK);
	expect("the read-only copy reads the same", (int64_t)v, (int64_t)now);
	expect("the read-only copy cannot advance", counter_advance(SLOT_READER, now + 1),
	    E_RIGHTS);
	expect("an advance-only copy", cap_derive(SLOT_COUNTER, SLOT_WRITER, RIGHT_WRITE, 0),
	    E_OK);
	expect("the advance-only copy cannot read", counter_read(SLOT_WRITER, &v),
	    E_RIGHTS);
	expect("advance to the same value", counter_advance(SLOT_COUNTER, now), E_RANGE);
	if (now > 0)
		expect("advance to a lower value", counter_advance(SLOT_COUNTER, now - 1),
		    E_RANGE);
	expect("advance beyond 2^63 - 1",
	    counter_advance(SLOT_WRITER, 0x8000000000000000ULL), E_RANGE);
	expect("advance to 2^64 - 1", counter_advance(SLOT_WRITER, ~0ULL), E_RANGE);
	expect("the refusals changed nothing", counter_read(SLOT_COUNTER, &v), E_OK);
	expect("the counter is still the same", (int64_t)v, (int64_t)now);
}

int
main(uint64_t arg)
{
	uint64_t now = 0, v = 0;
	int err;

	err = counter_read(SLOT_COUNTER, &now);
	printf("countertest: counter at boot %llu (%s)\n", (unsigned long long)now,
	    err_name(err));
	expect("read the counter", err, E_OK);
	if (err == E_OK) {
		refusals(now);
		if (arg > now) {
			expect("advance", counter_advance(SLOT_COUNTER, arg), E_OK);
			expect("read back", counter_read(SLOT_COUNTER, &v), E_OK);
			expect("read back the advanced value", (int64_t)v, (int64_t)arg);
			expect("the read-only copy sees it too",
			    counter_read(SLOT_READER, &v) == E_OK && v == arg, 1);
			printf("countertest: counter now %llu\n", (unsigned long long)v);
		} else if (arg != 0) {
			expect("advance below the counter", counter_advance(SLOT_COUNTER, arg),
			    E_RANGE);
		}
	}
	printf("countertest: %d passed, %d failed\n", passed, failed);
	return 0;
}

/*
 * Tests of lib/rtc/efitime: UEFI's EFI_TIME as Unix seconds (expected
 * values from Python's calendar.timegm), with an unspecified zone and
 * with offsets either way; every refusal (each field just past its
 * range, days past their month, zones beyond a day, dates before 1970
 * also after the zone is applied); and the boot's choice between the
 * UEFI and CMOS readings (preference, agreement at the tolerance's
 * edges, either one missing, neither).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/abi/syscall.h"
#include "lib/rtc/efitime.h"

/* 2026-12-02 15:34:35 UTC: calendar.timegm gives 1796225675. */
#define WHEN	1796225675

static struct efi_time
good(void)
{
	struct efi_time t = { .year = 2026, .month = 12, .day = 2, .hour = 15,
	    .minute = 34, .second = 35, .nanosecond = 999999999,
	    .timezone = EFI_TIME_LOCAL, .daylight = 1 };

	return t;
}

static int64_t
decode(const struct efi_time *t)
{
	int64_t s = -7;

	assert_int_equal(efitime_decode(t, &s), EFITIME_OK);
	return s;
}

static void
refused(const struct efi_time *t)
{
	int64_t s = -7;

	assert_int_equal(efitime_decode(t, &s), EFITIME_ERANGE);
	assert_int_equal(s, -7);	/* untouched */
}

static void
test_decode(void **state)
{
	struct efi_time t = good();

	(void)state;
	assert_int_equal(sizeof(struct efi_time), 16);
	assert_int_equal(decode(&t), WHEN);
	t.year = 2024, t.month = 2, t.day = 29, t.hour = 23, t.minute = 59;
	t.second = 59;
	assert_int_equal(decode(&t), 1709251199);
	t.year = 9999, t.month = 12, t.day = 31;
	assert_int_equal(decode(&t), 253402300799LL);
	t = (struct efi_time){ .year = 1970, .month = 1, .day = 1,
	    .timezone = EFI_TIME_LOCAL };
	assert_int_equal(decode(&t), 0);
}

static void
test_zones(void **state)
{
	struct efi_time t = good();

	(void)state;
	t.timezone = 0;
	assert_int_equal(decode(&t), WHEN);
	t.timezone = 60;		/* local 15:34 at UTC+1 is 14:34 UTC */
	assert_int_equal(decode(&t), WHEN - 3600);
	t.timezone = -300;		/* at UTC-5 it is 20:34 UTC */
	assert_int_equal(decode(&t), WHEN + 5 * 3600);
	t.timezone = 1440;
	assert_int_equal(decode(&t), WHEN - 86400);
	t.timezone = -1440;
	assert_int_equal(decode(&t), WHEN + 86400);
}

static void
test_refusals(void **state)
{
	struct efi_time t;
	int64_t s;

	(void)state;
	t = good(), t.year = 1969;
	refused(&t);
	t = good(), t.year = 10000;
	refused(&t);
	t = good(), t.month = 0;
	refused(&t);
	t = good(), t.month = 13;
	refused(&t);
	t = good(), t.day = 0;
	refused(&t);
	t = good(), t.month = 11, t.day = 31;
	refused(&t);
	t = good(), t.year = 2026, t.month = 2, t.day = 29;
	refused(&t);
	t = good(), t.year = 2100, t.month = 2, t.day = 29;
	refused(&t);
	t = good(), t.hour = 24;
	refused(&t);
	t = good(), t.minute = 60;
	refused(&t);
	t = good(), t.second = 60;	/* no leap seconds in Unix time */
	refused(&t);
	t = good(), t.nanosecond = 1000000000;
	refused(&t);
	t = good(), t.timezone = 1441;
	refused(&t);
	t = good(), t.timezone = -1441;
	refused(&t);
	t = good(), t.timezone = 2046;
	refused(&t);
	/* Midnight of 1970-01-01 an hour east of UTC was still 1969. */
	t = (struct efi_time){ .year = 1970, .month = 1, .day = 1, .timezone = 60 };
	refused(&t);
	t.hour = 1;
	assert_int_equal(decode(&t), 0);
	assert_int_equal(efitime_decode(NULL, &s), EFITIME_EINVAL);
	t = good();
	assert_int_equal(efitime_decode(&t, NULL), EFITIME_EINVAL);
}

static void
test_pick(void **state)
{
	struct wallclock_pick p;

	(void)state;
	wallclock_pick(1, WHEN, 1, WHEN, &p);
	assert_int_equal(p.seconds, WHEN);
	assert_int_equal(p.source, CLOCK_EFI);
	assert_int_equal(p.agree, 1);
	assert_int_equal(p.skew, 0);
	wallclock_pick(1, WHEN + WALLCLOCK_AGREE, 1, WHEN, &p);
	assert_int_equal(p.agree, 1);
	wallclock_pick(1, WHEN - WALLCLOCK_AGREE, 1, WHEN, &p);
	assert_int_equal(p.agree, 1);
	assert_int_equal(p.skew, -WALLCLOCK_AGREE);
	/* Disagreeing: UEFI is still used, and the skew says by how much. */
	wallclock_pick(1, WHEN + WALLCLOCK_AGREE + 1, 1, WHEN, &p);
	assert_int_equal(p.agree, 0);
	assert_int_equal(p.source, CLOCK_EFI);
	assert_int_equal(p.seconds, WHEN + WALLCLOCK_AGREE + 1);
	assert_int_equal(p.skew, WALLCLOCK_AGREE + 1);
	wallclock_pick(1, WHEN - 86400, 1, WHEN, &p);
	assert_int_equal(p.agree, 0);
	assert_int_equal(p.skew, -86400);
	wallclock_pick(0, 12345, 1, WHEN, &p);
	assert_int_equal(p.source, CLOCK_CMOS);
	assert_int_equal(p.seconds, WHEN);
	assert_int_equal(p.agree, 0);
	assert_int_equal(p.skew, 0);
	wallclock_pick(1, WHEN, 0, 12345, &p);
	assert_int_equal(p.source, CLOCK_EFI);
	assert_int_equal(p.seconds, WHEN);
	assert_int_equal(p.agree, 0);
	wallclock_pick(0, WHEN, 0, WHEN, &p);
	assert_int_equal(p.source, 0);
	assert_int_equal(p.seconds, 0);
	assert_int_equal(p.agree, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

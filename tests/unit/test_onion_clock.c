/*
 * Tests of onion_clock_check: the message a user gets when the
 * consensus is refused for its time (a clock a day or a year off, by
 * minutes or seconds, either way), nothing inside the validity interval
 * or its allowed skew, and messages cut to the buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/onion/dir.h"

/* valid 2026-12-02 15:00 to 18:00 UTC */
#define AFTER	1796223600
#define UNTIL	(AFTER + 3 * 3600)

static struct onion_consensus cons = { .valid_after = AFTER,
    .fresh_until = AFTER + 3600, .valid_until = UNTIL };

static void
test_day_after(void **state)
{
	char buf[320];

	(void)state;
	assert_int_equal(onion_clock_check(&cons, UNTIL + 86400, 0, buf,
	    sizeof buf), 86400);
	assert_string_equal(buf, "this computer's clock says 2026-12-03 "
	    "18:00 UTC, 1 day after the Tor network's consensus (valid "
	    "2026-12-02 15:00 UTC to 2026-12-02 18:00 UTC): set the clock to "
	    "the right time (UTC) and start again");
}

static void
test_year_before(void **state)
{
	char buf[320];

	(void)state;
	assert_int_equal(onion_clock_check(&cons, AFTER - 365 * 86400LL, 3600,
	    buf, sizeof buf), -365 * 86400LL);
	assert_non_null(strstr(buf, "says 2025-12-02 15:00 UTC, 365 days "
	    "before the Tor network's consensus"));
}

static void
test_units(void **state)
{
	static const struct { int64_t off; const char *want; } c[] = {
		{ 2 * 86400 + 5, "2 days after" }, { 86400 * 2 - 1, "1 day after" },
		{ 3 * 3600 - 1, "2 hours after" }, { 3600, "1 hour after" },
		{ 90, "1 minute after" }, { 59, "59 seconds after" },
		{ 1, "1 second after" }, { -120, "2 minutes before" },
		{ -7200, "2 hours before" },
	};
	char buf[320];

	(void)state;
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int64_t now = c[i].off > 0 ? UNTIL + c[i].off : AFTER + c[i].off;

		assert_int_equal(onion_clock_check(&cons, now, 0, buf,
		    sizeof buf), c[i].off);
		assert_non_null(strstr(buf, c[i].want));
	}
}

static void
test_inside(void **state)
{
	char buf[8] = "junk";

	(void)state;
	assert_int_equal(onion_clock_check(&cons, AFTER, 0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(onion_clock_check(&cons, UNTIL, 0, buf, sizeof buf), 0);
	/* Within the skew the caller allows. */
	assert_int_equal(onion_clock_check(&cons, UNTIL + 600, 600, buf,
	    sizeof buf), 0);
	assert_int_equal(onion_clock_check(&cons, AFTER - 600, 600, buf,
	    sizeof buf), 0);
	assert_int_equal(onion_clock_check(&cons, UNTIL + 601, 600, buf,
	    sizeof buf), 601);
	assert_int_equal(onion_clock_check(&cons, AFTER, 0, buf, 0), 0);
}

static void
test_cut(void **state)
{
	char buf[12];

	(void)state;
	memset(buf, 'x', sizeof buf);
	assert_int_equal(onion_clock_check(&cons, UNTIL + 86400, 0, buf, 10),
	    86400);
	assert_string_equal(buf, "this comp");
	assert_int_equal(buf[10], 'x');
	assert_int_equal(onion_clock_check(&cons, UNTIL + 86400, 0, buf, 0),
	    86400);
}

/* Certificates refused for their dates: the clock's time and the advice. */
static void
test_certs(void **state)
{
	char buf[256];

	(void)state;
	onion_clock_certs(1796071915, buf, sizeof buf);	/* 2026-11-30 20:51:55 */
	assert_string_equal(buf, "this computer's clock says 2026-11-30 20:51 UTC, "
	    "and the relays' certificates are not valid at that time: set the "
	    "clock to the right time (UTC) and start again");
	onion_clock_certs(0, buf, 12);
	assert_int_equal(strlen(buf), 11);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_after),
		cmocka_unit_test(test_year_before),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_inside),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_certs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of lib/date: days from 1970 for dates whose answers Python's
 * datetime gave, every day from 1600 to 2500 one after the other and
 * back to its date (so month lengths and leap years are right
 * everywhere), and month lengths with the century rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/date/date.h"

static void
test_known(void **state)
{
	(void)state;
	assert_int_equal(date_days(1970, 1, 1), 0);
	assert_int_equal(date_days(1969, 12, 31), -1);
	assert_int_equal(date_days(2000, 1, 1), 10957);
	assert_int_equal(date_days(2000, 3, 1), 11017);
	assert_int_equal(date_days(2024, 2, 29), 19782);
	assert_int_equal(date_days(2038, 1, 19), 24855);
	assert_int_equal(date_days(2100, 3, 1), 47541);
	assert_int_equal(date_days(1900, 1, 1), -25567);
	assert_int_equal(date_days(1600, 1, 1), -135140);
	assert_int_equal(date_days(9999, 12, 31), 2932896);
	/* A day past the month's end counts on into the next month. */
	assert_int_equal(date_days(2023, 2, 29), date_days(2023, 3, 1));
}

/* Every day from 1600 to 2500 follows the one before, both ways. */
static void
test_consecutive(void **state)
{
	int64_t want = date_days(1600, 1, 1), cy;
	int cm, cd;

	(void)state;
	for (int64_t y = 1600; y <= 2500; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= date_month_days(y, m); d++) {
				assert_int_equal(date_days(y, m, d), want);
				date_civil(want++, &cy, &cm, &cd);
				assert_int_equal(cy, y);
				assert_int_equal(cm, m);
				assert_int_equal(cd, d);
			}
	assert_int_equal(want, date_days(2501, 1, 1));
}

static void
test_month_days(void **state)
{
	(void)state;
	assert_int_equal(date_month_days(2023, 2), 28);
	assert_int_equal(date_month_days(2024, 2), 29);
	assert_int_equal(date_month_days(1900, 2), 28);
	assert_int_equal(date_month_days(2000, 2), 29);
	assert_int_equal(date_month_days(2100, 2), 28);
	assert_int_equal(date_month_days(2026, 4), 30);
	assert_int_equal(date_month_days(2026, 12), 31);
	assert_int_equal(date_month_days(2026, 0), 0);
	assert_int_equal(date_month_days(2026, 13), 0);
	assert_int_equal(date_month_days(2026, -1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_consecutive),
		cmocka_unit_test(test_month_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

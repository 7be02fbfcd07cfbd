/*
 * Tests of lib/rtc: decoding the CMOS date in BCD and binary, 12- and
 * 24-hour modes, with and without a century register (expected seconds
 * from Python's calendar.timegm); every refusal (bad BCD digits, fields
 * out of range, days past their month, dates before 1970); and reading
 * a simulated chip that raises update-in-progress, ticks between two
 * registers across a year's end, never settles, or never ends its
 * update.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/rtc/cmos.h"

/* 2026-12-02 15:34:35 UTC, BCD, 24-hour, century register 0x20. */
static struct cmos_regs
bcd_date(void)
{
	struct cmos_regs r = { .seconds = 0x35, .minutes = 0x34,
	    .hours = 0x15, .day = 0x02, .month = 0x12, .year = 0x26,
	    .century = 0x20, .status_b = CMOS_B_24H, .has_century = 1 };

	return r;
}

static int64_t
decode(struct cmos_regs r)
{
	int64_t t = -1;
	int e = cmos_decode(&r, &t);

	return e == CMOS_OK ? t : e;
}

static void
test_decode_modes(void **state)
{
	struct cmos_regs r = bcd_date();

	(void)state;
	assert_int_equal(decode(r), 1796225675);
	r.has_century = 0;		/* 26: 2026 */
	assert_int_equal(decode(r), 1796225675);
	r = (struct cmos_regs){ .seconds = 35, .minutes = 34, .hours = 15,
	    .day = 2, .month = 12, .year = 26, .century = 20,
	    .status_b = CMOS_B_24H | CMOS_B_BINARY, .has_century = 1 };
	assert_int_equal(decode(r), 1796225675);
	r.status_b = CMOS_B_BINARY;	/* 12-hour: 3 PM */
	r.hours = 3 | CMOS_PM;
	assert_int_equal(decode(r), 1796225675);
	r = bcd_date();
	r.status_b = 0;
	r.hours = 0x03 | CMOS_PM;
	assert_int_equal(decode(r), 1796225675);
}

static void
test_twelve_hour(void **state)
{
	struct cmos_regs r = bcd_date();
	int64_t midnight = 1796225675 - (15 * 3600 + 34 * 60 + 35);

	(void)state;
	r.status_b = 0;
	r.minutes = r.seconds = 0;
	r.hours = 0x12;			/* 12 AM */
	assert_int_equal(decode(r), midnight);
	r.hours = 0x12 | CMOS_PM;	/* 12 PM */
	assert_int_equal(decode(r), midnight + 12 * 3600);
	r.hours = 0x01 | CMOS_PM;
	assert_int_equal(decode(r), midnight + 13 * 3600);
	r.hours = 0x11 | CMOS_PM;
	assert_int_equal(decode(r), midnight + 23 * 3600);
	r.hours = 0x01;
	assert_int_equal(decode(r), midnight + 3600);
	r.hours = 0x00;
	assert_int_equal(decode(r), CMOS_ERANGE);
	r.hours = 0x13;
	assert_int_equal(decode(r), CMOS_ERANGE);
	r.hours = 0x00 | CMOS_PM;
	assert_int_equal(decode(r), CMOS_ERANGE);
	r.hours = 0x1a;
	assert_int_equal(decode(r), CMOS_EDIGIT);
}

static void
test_century(void **state)
{
	struct cmos_regs r = bcd_date();

	(void)state;
	r.century = 0x20, r.year = 0x99, r.month = 0x12, r.day = 0x31;
	r.hours = 0x23, r.minutes = 0x59, r.seconds = 0x59;
	assert_int_equal(decode(r), 4102444799);	/* 2099-12-31 */
	r.century = 0x19;
	assert_int_equal(decode(r), 946684799);		/* 1999-12-31 */
	r.year = 0x69;					/* 1969 */
	assert_int_equal(decode(r), CMOS_ERANGE);
	r.century = 0x1a;
	assert_int_equal(decode(r), CMOS_EDIGIT);
	r.has_century = 0;				/* 69: 2069 */
	assert_int_equal(decode(r), 3155759999);
	r.year = 0x70;					/* 70: 1970 */
	assert_int_equal(decode(r), 31535999);
	r.year = 0x99;
	assert_int_equal(decode(r), 946684799);
	/* Leap days: 2024 and 2000 have one, 2025 and 2100 do not. */
	r = bcd_date();
	r.month = 0x02, r.day = 0x29, r.year = 0x24;
	assert_true(decode(r) > 0);
	r.year = 0x25;
	assert_int_equal(decode(r), CMOS_ERANGE);
	r.year = 0x00;
	assert_true(decode(r) > 0);
	r.century = 0x21;
	assert_int_equal(decode(r), CMOS_ERANGE);
}

static void
test_refusals(void **state)
{
	struct cmos_regs r;
	int64_t t = 42;

	(void)state;
	struct { uint8_t *f; uint8_t v; int err; } bad[] = {
		{ &r.seconds, 0x60, CMOS_ERANGE }, { &r.seconds, 0x5a, CMOS_EDIGIT },
		{ &r.seconds, 0xa0, CMOS_EDIGIT }, { &r.minutes, 0x60, CMOS_ERANGE },
		{ &r.minutes, 0x0f, CMOS_EDIGIT }, { &r.hours, 0x24, CMOS_ERANGE },
		{ &r.hours, 0x80, CMOS_ERANGE }, { &r.hours, 0x2b, CMOS_EDIGIT },
		{ &r.day, 0x00, CMOS_ERANGE }, { &r.day, 0x32, CMOS_ERANGE },
		{ &r.day, 0x3c, CMOS_EDIGIT }, { &r.month, 0x00, CMOS_ERANGE },
		{ &r.month, 0x13, CMOS_ERANGE }, { &r.month, 0x0a, CMOS_EDIGIT },
		{ &r.year, 0xa0, CMOS_EDIGIT }, { &r.century, 0xff, CMOS_EDIGIT },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = bcd_date();
		*bad[i].f = bad[i].v;
		assert_int_equal(cmos_decode(&r, &t), bad[i].err);
		assert_int_equal(t, 42);	/* untouched on error */
	}
	r = bcd_date();
	r.month = 0x04, r.day = 0x31;		/* April has 30 */
	assert_int_equal(decode(r), CMOS_ERANGE);
	r.day = 0x30;
	assert_true(decode(r) > 0);
	r = bcd_date();
	r.status_b |= CMOS_B_BINARY;		/* BCD bytes read as binary */
	r.seconds = 60;
	assert_int_equal(decode(r), CMOS_ERANGE);
	r.seconds = 59, r.minutes = 59, r.hours = 23, r.day = 31;
	r.month = 12, r.year = 100, r.century = 20;
	assert_int_equal(decode(r), CMOS_ERANGE);
	r.year = 99, r.century = 100;
	assert_int_equal(decode(r), CMOS_ERANGE);
	assert_int_equal(cmos_decode(NULL, &t), CMOS_EINVAL);
	assert_int_equal(cmos_decode(&r, NULL), CMOS_EINVAL);
}

/* Each seconds byte in BCD decodes exactly when it is 00-59. */
static void
test_every_seconds_byte(void **state)
{
	(void)state;
	for (int v = 0; v < 256; v++) {
		struct cmos_regs r = bcd_date();
		int lo = v & 15, hi = v >> 4;
		int64_t got;

		r.seconds = (uint8_t)v;
		got = decode(r);
		if (lo > 9 || hi > 9)
			assert_int_equal(got, CMOS_EDIGIT);
		else if (hi * 10 + lo > 59)
			assert_int_equal(got, CMOS_ERANGE);
		else
			assert_int_equal(got, 1796225640 + hi * 10 + lo);
	}
}

/*
 * A simulated chip: registers, an update-in-progress flag raised for
 * the next uip_polls reads of status A (-1: forever), a tick to new_regs
 * after tick_after register reads, or a seconds register that changes on
 * every read (restless).
 */
struct chip {
	uint8_t	regs[CMOS_REGS];
	uint8_t	new_regs[CMOS_REGS];
	int	uip_polls;
	long	tick_after;
	int	restless;
	long	reads;
};

static uint8_t
chip_read(void *ctx, uint8_t reg)
{
	struct chip *c = ctx;

	assert_true(reg < CMOS_REGS);
	c->reads++;
	if (c->tick_after > 0 && --c->tick_after == 0)
		memcpy(c->regs, c->new_regs, sizeof c->regs);
	if (reg == CMOS_STATUS_A) {
		if (c->uip_polls == 0)
			return 0x26;
		if (c->uip_polls > 0)
			c->uip_polls--;
		return 0x26 | CMOS_A_UIP;
	}
	if (reg == CMOS_SECONDS && c->restless)
		c->regs[CMOS_SECONDS] = (uint8_t)((c->regs[CMOS_SECONDS] + 1) % 60);
	return c->regs[reg];
}

static void
set_date(uint8_t *regs, uint8_t c, uint8_t y, uint8_t mo, uint8_t d,
    uint8_t h, uint8_t mi, uint8_t s)
{
	regs[0x32] = c, regs[CMOS_YEAR] = y, regs[CMOS_MONTH] = mo;
	regs[CMOS_DAY] = d, regs[CMOS_HOURS] = h, regs[CMOS_MINUTES] = mi;
	regs[CMOS_SECONDS] = s, regs[CMOS_STATUS_B] = CMOS_B_24H;
}

static void
test_read_stable(void **state)
{
	static struct chip c;
	struct cmos_regs r;
	int64_t t;

	(void)state;
	memset(&c, 0, sizeof c);
	set_date(c.regs, 0x20, 0x26, 0x12, 0x02, 0x15, 0x34, 0x35);
	c.uip_polls = 500;
	assert_int_equal(cmos_read(chip_read, &c, 0x32, &r), CMOS_OK);
	assert_true(r.has_century);
	assert_int_equal(cmos_decode(&r, &t), CMOS_OK);
	assert_int_equal(t, 1796225675);
	assert_int_equal(cmos_read(chip_read, &c, 0, &r), CMOS_OK);
	assert_false(r.has_century);
	assert_int_equal(r.century, 0);
}

/* The chip ticks from 2099-12-31 23:59:59 to 2100-01-01 mid-read. */
static void
test_read_torn(void **state)
{
	static struct chip c;
	struct cmos_regs r;
	int64_t t;

	(void)state;
	for (long after = 1; after < 24; after++) {
		memset(&c, 0, sizeof c);
		set_date(c.regs, 0x20, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59);
		set_date(c.new_regs, 0x21, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00);
		c.tick_after = after;
		assert_int_equal(cmos_read(chip_read, &c, 0x32, &r), CMOS_OK);
		assert_int_equal(cmos_decode(&r, &t), CMOS_OK);
		/* Either side of the tick, never a mix of the two. */
		assert_true(t == 4102444799 || t == 4102444800);
		if (after <= 10)	/* ticked within the first read */
			assert_int_equal(t, 4102444800);
	}
}

static void
test_read_refusals(void **state)
{
	static struct chip c;
	struct cmos_regs r;

	(void)state;
	memset(&c, 0, sizeof c);
	c.uip_polls = -1;		/* the update never ends */
	assert_int_equal(cmos_read(chip_read, &c, 0x32, &r), CMOS_EBUSY);
	assert_true(c.reads <= 100000);
	memset(&c, 0, sizeof c);
	c.restless = 1;			/* never two equal reads */
	assert_int_equal(cmos_read(chip_read, &c, 0x32, &r), CMOS_EBUSY);
	assert_true(c.reads < 1000);
	memset(&c, 0, sizeof c);
	assert_int_equal(cmos_read(chip_read, &c, CMOS_STATUS_B, &r), CMOS_EINVAL);
	assert_int_equal(cmos_read(chip_read, &c, 0x05, &r), CMOS_EINVAL);
	assert_int_equal(cmos_read(chip_read, &c, 0x80, &r), CMOS_EINVAL);
	assert_int_equal(cmos_read(chip_read, &c, 0xff, &r), CMOS_EINVAL);
	assert_int_equal(cmos_read(NULL, &c, 0, &r), CMOS_EINVAL);
	assert_int_equal(cmos_read(chip_read, &c, 0, NULL), CMOS_EINVAL);
	assert_int_equal(c.reads, 0);
	assert_int_equal(cmos_read(chip_read, &c, CMOS_FIRST_FREE, &r), CMOS_OK);
	assert_int_equal(cmos_read(chip_read, &c, CMOS_REGS - 1, &r), CMOS_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_modes),
		cmocka_unit_test(test_twelve_hour),
		cmocka_unit_test(test_century),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_every_seconds_byte),
		cmocka_unit_test(test_read_stable),
		cmocka_unit_test(test_read_torn),
		cmocka_unit_test(test_read_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * CMOS real-time clock: consistent reads and checked decoding. The chip
 * updates its registers once a second, which takes up to 2 ms with the
 * update-in-progress flag raised first; a read that straddles an update
 * can pair the old minute with the new hour, so reads are repeated until
 * two agree.
 */
#include <stddef.h>

#include "lib/date/date.h"
#include "lib/rtc/cmos.h"

/*
 * Bounds on the chip's good faith: status register A polls per wait
 * (an update lasts at most 2 ms; a port read takes about 1 us), and
 * read pairs before giving up.
 */
#define UIP_POLLS	100000
#define TRIES		16

static int
wait_update(cmos_read_fn *read, void *ctx)
{
	for (int i = 0; i < UIP_POLLS; i++)
		if (!(read(ctx, CMOS_STATUS_A) & CMOS_A_UIP))
			return 0;
	return -1;
}

static int
read_once(cmos_read_fn *read, void *ctx, uint8_t century_reg,
    struct cmos_regs *r)
{
	if (wait_update(read, ctx) != 0)
		return -1;
	r->seconds = read(ctx, CMOS_SECONDS);
	r->minutes = read(ctx, CMOS_MINUTES);
	r->hours = read(ctx, CMOS_HOURS);
	r->day = read(ctx, CMOS_DAY);
	r->month = read(ctx, CMOS_MONTH);
	r->year = read(ctx, CMOS_YEAR);
	r->century = century_reg != 0 ? read(ctx, century_reg) : 0;
	r->has_century = century_reg != 0;
	r->status_b = read(ctx, CMOS_STATUS_B);
	return 0;
}

static int
same(const struct cmos_regs *a, const struct cmos_regs *b)
{
	return a->seconds == b->seconds && a->minutes == b->minutes &&
	    a->hours == b->hours && a->day == b->day &&
	    a->month == b->month && a->year == b->year &&
	    a->century == b->century && a->status_b == b->status_b;
}

int
cmos_read(cmos_read_fn *read, void *ctx, uint8_t century_reg,
    struct cmos_regs *out)
{
	struct cmos_regs a, b;

	if (read == NULL || out == NULL || (century_reg != 0 &&
	    (century_reg < CMOS_FIRST_FREE || century_reg >= CMOS_REGS)))
		return CMOS_EINVAL;
	if (read_once(read, ctx, century_reg, &a) != 0)
		return CMOS_EBUSY;
	for (int i = 0; i < TRIES; i++) {
		if (read_once(read, ctx, century_reg, &b) != 0)
			return CMOS_EBUSY;
		if (same(&a, &b)) {
			*out = b;
			return CMOS_OK;
		}
		a = b;
	}
	return CMOS_EBUSY;
}

/* A register's value: binary as is, or two BCD digits (-1 if not). */
static int
field(uint8_t v, int binary)
{
	if (binary)
		return v;
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0f);
}

/* Hours 0-23 from the hours register: CMOS_EDIGIT or CMOS_ERANGE if not. */
static int
hours(uint8_t v, int binary, int h24)
{
	int h;

	if (h24) {
		if ((h = field(v, binary)) < 0)
			return CMOS_EDIGIT;
		return h <= 23 ? h : CMOS_ERANGE;
	}
	if ((h = field(v & (uint8_t)~CMOS_PM, binary)) < 0)
		return CMOS_EDIGIT;
	if (h < 1 || h > 12)
		return CMOS_ERANGE;
	return h % 12 + (v & CMOS_PM ? 12 : 0);	/* 12 AM is 0 h */
}

int
cmos_decode(const struct cmos_regs *r, int64_t *t)
{
	int binary, s, mi, h, d, mo, y, c;
	int64_t year;

	if (r == NULL || t == NULL)
		return CMOS_EINVAL;
	binary = (r->status_b & CMOS_B_BINARY) != 0;
	s = field(r->seconds, binary);
	mi = field(r->minutes, binary);
	h = hours(r->hours, binary, (r->status_b & CMOS_B_24H) != 0);
	d = field(r->day, binary);
	mo = field(r->month, binary);
	y = field(r->year, binary);
	c = r->has_century ? field(r->century, binary) : 0;
	if (s < 0 || mi < 0 || h == CMOS_EDIGIT || d < 0 || mo < 0 || y < 0 ||
	    c < 0)
		return CMOS_EDIGIT;
	if (s > 59 || mi > 59 || h < 0 || mo < 1 || mo > 12 || y > 99 ||
	    c > 99)
		return CMOS_ERANGE;
	if (r->has_century)
		year = (int64_t)c * 100 + y;
	else
		year = y < 70 ? 2000 + y : 1900 + y;
	if (year < 1970 || d < 1 || d > date_month_days(year, mo))
		return CMOS_ERANGE;
	*t = date_days(year, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return CMOS_OK;
}

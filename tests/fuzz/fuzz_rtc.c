/*
 * libFuzzer target for lib/rtc. Input: the eight clock registers
 * (seconds, minutes, hours, day, month, year, century, status B), a byte
 * whose bit 0 says whether there is a century register, then what a
 * simulated chip answers to cmos_read's register reads, one byte each
 * (0 once the input runs out). A date cmos_decode accepts must come back
 * byte for byte when its Unix seconds are turned into a date again
 * (counted here day by day, independently of lib/date) and encoded in
 * the same mode: decoding is exact and accepts one encoding per date.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/rtc/cmos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct stream {
	const uint8_t	*p;
	size_t		n;
};

static uint8_t
stream_read(void *ctx, uint8_t reg)
{
	struct stream *s = ctx;

	if (reg >= CMOS_REGS)
		abort();
	if (s->n == 0)
		return 0;
	s->n--;
	return *s->p++;
}

static uint8_t
enc(int v, int binary)
{
	return (uint8_t)(binary ? v : (v / 10) << 4 | v % 10);
}

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* t back into registers in r's mode; 1 if they equal r's. */
static int
round_trip(const struct cmos_regs *r, int64_t t)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int binary = (r->status_b & CMOS_B_BINARY) != 0;
	int64_t days = t / 86400, y = 1970;
	int secs = (int)(t % 86400), m = 0, h, h12;
	uint8_t hours;

	while (days >= 365 + leap(y))
		days -= 365 + leap(y++);
	while (days >= mdays[m] + (m == 1 && leap(y)))
		days -= mdays[m] + (m == 1 && leap(y)), m++;
	h = secs / 3600;
	if (r->status_b & CMOS_B_24H)
		hours = enc(h, binary);
	else {
		h12 = h % 12 == 0 ? 12 : h % 12;
		hours = (uint8_t)(enc(h12, binary) | (h >= 12 ? CMOS_PM : 0));
	}
	if (r->has_century && r->century != enc((int)(y / 100), binary))
		return 0;
	return r->seconds == enc(secs % 60, binary) &&
	    r->minutes == enc(secs / 60 % 60, binary) && r->hours == hours &&
	    r->day == enc((int)days + 1, binary) &&
	    r->month == enc(m + 1, binary) &&
	    r->year == enc((int)(y % 100), binary);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmos_regs r;
	struct stream s;
	int64_t t;

	if (size < 9)
		return 0;
	r.seconds = data[0], r.minutes = data[1], r.hours = data[2];
	r.day = data[3], r.month = data[4], r.year = data[5];
	r.century = data[6], r.status_b = data[7];
	r.has_century = data[8] & 1;
	if (cmos_decode(&r, &t) == CMOS_OK && (t < 0 || !round_trip(&r, t)))
		abort();

	s.p = data + 9;
	s.n = size - 9;
	if (cmos_read(stream_read, &s, r.has_century ? 0x32 : 0, &r) ==
	    CMOS_OK && cmos_decode(&r, &t) == CMOS_OK && !round_trip(&r, t))
		abort();
	return 0;
}

/*
 * The PC's CMOS real-time clock (MC146818 and its descendants): reading
 * its date registers consistently, and turning them into Unix seconds
 * with every field checked. Portable: the caller supplies the register
 * read (ports 0x70/0x71 in the kernel, a simulated chip in tests).
 * The clock is a device: nothing it returns is trusted.
 */
#ifndef LIB_RTC_CMOS_H
#define LIB_RTC_CMOS_H

#include <stdint.h>

/* Register numbers. */
#define CMOS_SECONDS	0x00
#define CMOS_MINUTES	0x02
#define CMOS_HOURS	0x04
#define CMOS_DAY	0x07	/* of the month */
#define CMOS_MONTH	0x08
#define CMOS_YEAR	0x09	/* within the century */
#define CMOS_STATUS_A	0x0a
#define CMOS_STATUS_B	0x0b
#define CMOS_FIRST_FREE	0x0e	/* first register past the clock's */
#define CMOS_REGS	0x80

#define CMOS_A_UIP	0x80	/* update in progress: the date may tear */
#define CMOS_B_24H	0x02	/* hours 0-23, else 1-12 with CMOS_PM */
#define CMOS_B_BINARY	0x04	/* binary fields, else BCD */
#define CMOS_PM		0x80	/* in the hours register, 12-hour mode */

/* Errors. */
#define CMOS_OK		0
#define CMOS_EDIGIT	(-1)	/* a BCD digit above 9 */
#define CMOS_ERANGE	(-2)	/* a field outside its range: no such date */
#define CMOS_EBUSY	(-3)	/* never two equal reads with the update off */
#define CMOS_EINVAL	(-4)	/* a bad argument from the caller */

/* The raw registers, as read. */
struct cmos_regs {
	uint8_t	seconds, minutes, hours, day, month, year;
	uint8_t	century;	/* valid if has_century */
	uint8_t	status_b;
	int	has_century;
};

typedef uint8_t cmos_read_fn(void *ctx, uint8_t reg);

/*
 * Reads the date registers until two reads in a row, each begun with no
 * update in progress, agree (the clock may tick between two registers).
 * century_reg is the CMOS register of the century, from the ACPI FADT's
 * CENTURY field: 0 if there is none; a value that cannot be one (a clock
 * register, or past the 128 registers) is an error (CMOS_EINVAL).
 * CMOS_EBUSY if the clock never gave a stable read (bounded tries).
 */
int	cmos_read(cmos_read_fn *read, void *ctx, uint8_t century_reg,
	    struct cmos_regs *out);

/*
 * The date in r as Unix seconds (UTC: the clock is assumed to keep UTC).
 * BCD or binary and 12- or 24-hour as status_b says. Without a century
 * register, years 70-99 are 1970-1999 and 00-69 are 2000-2069. Every
 * field is checked, the day against its month; dates before 1970 are
 * CMOS_ERANGE. Returns CMOS_OK or the error.
 */
int	cmos_decode(const struct cmos_regs *r, int64_t *t);

#endif

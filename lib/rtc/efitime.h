/*
 * UEFI's EFI_TIME (the date GetTime returns, UEFI 2.x section 8.3) turned
 * into Unix seconds with every field checked, and the choice between it
 * and the CMOS clock at boot. Portable: the loader copies the firmware's
 * structure into the boot-info, the kernel decodes it. Like the CMOS
 * clock, nothing here is trusted: the firmware reports what whoever set
 * the machine's clock put there.
 */
#ifndef LIB_RTC_EFITIME_H
#define LIB_RTC_EFITIME_H

#include <stdint.h>

/* EFI_TIME, byte for byte (16 bytes). */
struct efi_time {
	uint16_t year;		/* 1900 .. 9999 */
	uint8_t month;		/* 1 .. 12 */
	uint8_t day;		/* 1 .. 31 */
	uint8_t hour;		/* 0 .. 23 */
	uint8_t minute;		/* 0 .. 59 */
	uint8_t second;		/* 0 .. 59 */
	uint8_t pad1;
	uint32_t nanosecond;	/* 0 .. 999 999 999 */
	int16_t timezone;	/* minutes, -1440 .. 1440, or EFI_TIME_LOCAL */
	uint8_t daylight;
	uint8_t pad2;
};

#define EFI_TIME_LOCAL	2047	/* EFI_UNSPECIFIED_TIMEZONE */

/* Errors. */
#define EFITIME_OK	0
#define EFITIME_ERANGE	(-1)	/* a field outside its range: no such date */
#define EFITIME_EINVAL	(-2)	/* a bad argument from the caller */

/*
 * The time in t as Unix seconds (UTC), the nanoseconds dropped. A time
 * zone of EFI_TIME_LOCAL (what most firmware reports) is taken as UTC,
 * the assumption made of the CMOS clock; otherwise UTC is the local time
 * minus timezone minutes (UEFI 2.7 and later: "the time's offset in
 * minutes from UTC"). The daylight flags are informational and ignored.
 * Every field is checked, the day against its month; a result before
 * 1970 is EFITIME_ERANGE.
 */
int	efitime_decode(const struct efi_time *t, int64_t *out);

/*
 * The boot's two readings of the wall clock, and what to believe.
 * efi_ok/cmos_ok say whether each was read and decoded; efi is already
 * advanced to the instant cmos was read. The UEFI reading is preferred
 * when there is one; the two agree when they differ by at most
 * WALLCLOCK_AGREE seconds (each has one-second resolution, and they
 * are read at different instants).
 */
#define WALLCLOCK_AGREE	2

struct wallclock_pick {
	int64_t seconds;	/* the time to use, if source != 0 */
	int64_t skew;		/* efi - cmos when both were read, else 0 */
	uint32_t source;	/* CLOCK_EFI, CLOCK_CMOS or 0 (no clock) */
	uint32_t agree;		/* 1 when both were read and agree */
};

void	wallclock_pick(int efi_ok, int64_t efi, int cmos_ok, int64_t cmos,
	    struct wallclock_pick *out);

#endif

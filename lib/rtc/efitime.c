/*
 * UEFI time decoding and the boot's choice of clock (efitime.h).
 */
#include <stddef.h>

#include "lib/abi/syscall.h"
#include "lib/date/date.h"
#include "lib/rtc/efitime.h"

#define TZ_MAX	1440	/* minutes either way (UEFI) */

int
efitime_decode(const struct efi_time *t, int64_t *out)
{
	int64_t s;

	if (t == NULL || out == NULL)
		return EFITIME_EINVAL;
	if (t->year < 1970 || t->year > 9999 || t->month < 1 || t->month > 12 ||
	    t->day < 1 || t->day > date_month_days(t->year, t->month) ||
	    t->hour > 23 || t->minute > 59 || t->second > 59 ||
	    t->nanosecond > 999999999u)
		return EFITIME_ERANGE;
	if (t->timezone != EFI_TIME_LOCAL &&
	    (t->timezone < -TZ_MAX || t->timezone > TZ_MAX))
		return EFITIME_ERANGE;
	s = date_days(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
	    t->minute * 60 + t->second;
	if (t->timezone != EFI_TIME_LOCAL)
		s -= (int64_t)t->timezone * 60;
	if (s < 0)
		return EFITIME_ERANGE;	/* 1970-01-01 in a zone east of UTC */
	*out = s;
	return EFITIME_OK;
}

void
wallclock_pick(int efi_ok, int64_t efi, int cmos_ok, int64_t cmos,
    struct wallclock_pick *out)
{
	out->seconds = 0;
	out->skew = 0;
	out->source = 0;
	out->agree = 0;
	if (efi_ok && cmos_ok) {
		out->skew = efi - cmos;
		out->agree = out->skew >= -WALLCLOCK_AGREE && out->skew <= WALLCLOCK_AGREE;
	}
	if (efi_ok) {
		out->seconds = efi;
		out->source = CLOCK_EFI;
	} else if (cmos_ok) {
		out->seconds = cmos;
		out->source = CLOCK_CMOS;
	}
}

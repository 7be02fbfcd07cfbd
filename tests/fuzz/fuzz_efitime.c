/*
 * libFuzzer target for lib/rtc/efitime. Input: a 16-byte EFI_TIME as the
 * firmware would leave it, then two 8-byte readings and two flag bytes
 * for wallclock_pick. A time efitime_decode accepts must be a date that
 * exists, and its Unix seconds, with the zone added back and turned into
 * a date again (lib/date), must give the same fields: decoding is exact.
 * The pick must prefer UEFI, fall back to CMOS, and call two readings in
 * agreement exactly when they are within WALLCLOCK_AGREE of each other.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/abi/syscall.h"
#include "lib/date/date.h"
#include "lib/rtc/efitime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_decode(const struct efi_time *t)
{
	int64_t s, local, y;
	int m, d;

	if (efitime_decode(t, &s) != EFITIME_OK)
		return;
	local = s + (t->timezone == EFI_TIME_LOCAL ? 0 : (int64_t)t->timezone * 60);
	date_civil(local / 86400, &y, &m, &d);
	if (s < 0 || y != t->year || m != t->month || d != t->day ||
	    local % 86400 != t->hour * 3600 + t->minute * 60 + t->second)
		abort();
}

static void
check_pick(const uint8_t *p)
{
	struct wallclock_pick w;
	int64_t efi, cmos;
	int efi_ok = p[16] & 1, cmos_ok = p[17] & 1;

	/* Readings as the kernel makes them: decoded dates, below 2^40 s. */
	memcpy(&efi, p, 8);
	memcpy(&cmos, p + 8, 8);
	efi &= (1LL << 40) - 1;
	cmos &= (1LL << 40) - 1;
	wallclock_pick(efi_ok, efi, cmos_ok, cmos, &w);
	if (efi_ok && (w.source != CLOCK_EFI || w.seconds != efi))
		abort();
	if (!efi_ok && cmos_ok && (w.source != CLOCK_CMOS || w.seconds != cmos))
		abort();
	if (!efi_ok && !cmos_ok && (w.source != 0 || w.seconds != 0))
		abort();
	if (w.agree != (efi_ok && cmos_ok && efi - cmos >= -WALLCLOCK_AGREE &&
	    efi - cmos <= WALLCLOCK_AGREE))
		abort();
	if (w.skew != (efi_ok && cmos_ok ? efi - cmos : 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct efi_time t;

	if (size < sizeof(t))
		return 0;
	memcpy(&t, data, sizeof(t));
	check_decode(&t);
	if (size >= sizeof(t) + 18)
		check_pick(data + sizeof(t));
	return 0;
}

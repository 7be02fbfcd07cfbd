/*
 * Calendar arithmetic: days between civil dates by the era method (400
 * Gregorian years are exactly 146097 days), so the cost does not grow
 * with the distance from 1970.
 */
#include "lib/date/date.h"

int64_t
date_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	/* Count years from March, so that a leap day ends its year. */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
date_month_days(int64_t y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && leap(y));
}

/*
 * Calendar arithmetic for UTC dates (proleptic Gregorian, no leap
 * seconds): what directory documents, X.509 certificates and the
 * real-time clock all turn into Unix seconds. Pure functions; nothing
 * here reads a clock.
 */
#ifndef LIB_DATE_DATE_H
#define LIB_DATE_DATE_H

#include <stdint.h>

/*
 * Days from 1970-01-01 to y-m-d; negative before it. m is 1..12; d is
 * not checked against the month: a day past its end counts on into the
 * next month (callers check with date_month_days when they must).
 */
int64_t	date_days(int64_t y, int m, int d);

/* The date days after 1970-01-01 (the inverse of date_days). */
void	date_civil(int64_t days, int64_t *y, int *m, int *d);

/* Days in month m (1..12) of year y; 0 if m is out of range. */
int	date_month_days(int64_t y, int m);

#endif

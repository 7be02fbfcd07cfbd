/*
 * A wrong clock, said plainly. A consensus refused for its time usually
 * means this computer's clock is off, not that the network is: tell the
 * user by how much and what to do, instead of a bare "expired".
 */
#include "lib/date/date.h"
#include "lib/fmt/fmt.h"
#include "lib/onion/dir.h"

/* "2026-12-02 15:00 UTC" */
static void
when(char *buf, size_t size, int64_t t)
{
	int64_t days = t / 86400 - (t % 86400 < 0), secs = t - days * 86400, y;
	int m, d;

	date_civil(days, &y, &m, &d);
	fmt_snprintf(buf, size, "%04lld-%02d-%02d %02d:%02d UTC", (long long)y,
	    m, d, (int)(secs / 3600), (int)(secs / 60 % 60));
}

/* "3 days", "1 hour", "42 minutes", "5 seconds": the largest unit. */
static void
amount(char *buf, size_t size, int64_t s)
{
	static const struct { int64_t secs; const char *name; } unit[] = {
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" },
		{ 1, "second" },
	};
	size_t i = 0;

	while (i + 1 < sizeof unit / sizeof unit[0] && s < unit[i].secs)
		i++;
	fmt_snprintf(buf, size, "%lld %s%s", (long long)(s / unit[i].secs),
	    unit[i].name, s / unit[i].secs == 1 ? "" : "s");
}

int64_t
onion_clock_check(const struct onion_consensus *c, int64_t now, int64_t skew,
    char *buf, size_t size)
{
	char at[32], from[32], to[32], by[32];
	int64_t off;

	if (now - skew > c->valid_until)
		off = now - c->valid_until;
	else if (now + skew < c->valid_after)
		off = now - c->valid_after;
	else {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	when(at, sizeof at, now);
	when(from, sizeof from, c->valid_after);
	when(to, sizeof to, c->valid_until);
	amount(by, sizeof by, off > 0 ? off : -off);
	fmt_snprintf(buf, size, "this computer's clock says %s, %s %s the "
	    "Tor network's consensus (valid %s to %s): set the clock to the "
	    "right time (UTC) and start again", at, by,
	    off > 0 ? "after" : "before", from, to);
	return off;
}

void
onion_clock_certs(int64_t now, char *buf, size_t size)
{
	char at[32];

	when(at, sizeof at, now);
	fmt_snprintf(buf, size, "this computer's clock says %s, and the relays' "
	    "certificates are not valid at that time: set the clock to the right "
	    "time (UTC) and start again", at);
}

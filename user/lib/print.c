/*
 * printf to the console capability, and error names. Output is buffered
 * per call and written with one system call.
 */
#include <stdarg.h>

#include "lib/fmt/fmt.h"
#include "user/lib/nonos.h"

int
printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	console_write(SLOT_CONSOLE, buf, n);
	return (int)n;
}

const char *
err_name(int64_t err)
{
	static const char *const names[] = {
		"E_OK", "E_INVAL", "E_FAULT", "E_NOCAP", "E_TYPE", "E_RIGHTS",
		"E_BUSY", "E_NOMEM", "E_RANGE", "E_BADGE", "E_FORGED", "E_EXPIRED",
		"E_REVOKED", "E_NOSYS", "E_AGAIN", "E_DEAD", "E_CEILING",
	};

	if (err > 0)
		return "(a count)";
	if (-err < (int64_t)(sizeof(names) / sizeof(names[0])))
		return names[-err];
	return "(unknown error)";
}

/* The wall clock for programs (time.h). */
#include <stddef.h>

#include "lib/abi/syscall.h"
#include "user/lib/stubs.h"
#include "user/lib/time.h"

time_t
time(time_t *t)
{
	struct clock_info ci;

	if (clock_get(&ci) != E_OK || ci.flags == 0)
		return (time_t)-1;
	if (t != NULL)
		*t = ci.seconds;
	return ci.seconds;
}

unsigned int
time_source(void)
{
	struct clock_info ci;

	if (clock_get(&ci) != E_OK)
		return 0;
	return ci.flags;
}

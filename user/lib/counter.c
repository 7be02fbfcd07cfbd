/* The vault rollback counter for programs (counter.h). */
#include "lib/abi/syscall.h"
#include "user/lib/counter.h"
#include "user/lib/stubs.h"

int
counter_read(uint64_t cap, uint64_t *value)
{
	int64_t r = counter_op(cap, COUNTER_READ, 0);

	if (r < 0)
		return (int)r;
	*value = (uint64_t)r;
	return E_OK;
}

int
counter_advance(uint64_t cap, uint64_t value)
{
	return (int)counter_op(cap, COUNTER_ADVANCE, value);
}

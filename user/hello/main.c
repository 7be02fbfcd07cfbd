/*
 * hello: the smallest NØNOS program. It greets on the console when it was
 * given one, and sends its argument to the endpoint in its first free
 * slot when it was given that: the spawn tests use it. With argument
 * 998 it then spins for ever, so that a test can kill it while it runs.
 * Started as the root task with argument 999 it tries to power the
 * machine off, which its ceiling forbids (a test of root-task ceilings).
 */
#define SPIN_ARG	998
#define POWEROFF_ARG	999
#include "user/lib/nonos.h"

int
main(uint64_t arg)
{
	struct cap_info ci;

	if (cap_info(SLOT_CONSOLE, &ci) == E_OK)
		printf("hello: started with argument %llu\n", (unsigned long long)arg);
	if (cap_info(SLOT_FIRST_FREE, &ci) == E_OK && ci.type == CAP_ENDPOINT)
		ipc_send(SLOT_FIRST_FREE, 1, arg, cap_info(SLOT_IOPORT, &ci) == E_NOCAP);
	while (arg == SPIN_ARG)
		continue;
	if (arg == POWEROFF_ARG)
		printf("hello: power off: %s\n",
		    strerror(syscall6(SYS_MACHINE, SLOT_MACHINE, MACHINE_POWEROFF, 0, 0, 0, 0)));
	return 0;
}

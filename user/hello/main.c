/*
 * hello: the smallest NØNOS program. It greets on the console when it was
 * given one, and sends its argument to the endpoint in its first free
 * slot when it was given that: the spawn tests use it. With argument
 * 998 it then spins for ever, so that a test can kill it while it runs.
 * Started as the root task with argument 999 it tries to power the
 * machine off, which its ceiling forbids (a test of root-task ceilings).
 * With argument 997 it asks its spawner for capabilities its ceiling
 * does not allow, over IPC and as a sealed token, and reports what it got
 * (usertests' ceiling group).
 */
#define CEILING_ARG	997
#define SPIN_ARG	998
#define POWEROFF_ARG	999
#define SLOT_GOT	17	/* a capability sent in a reply */
#define SLOT_UNSEALED	18	/* one unsealed from a token */
#define COM1_LSR	0x3fd
#include "user/lib/nonos.h"

/*
 * One call for a capability in the reply, three for an 80-byte token in
 * the reply words; then one message back: the first reply's tag, the
 * unseal's result, and what reading COM1 through each slot gave.
 */
static void
ceiling_probe(void)
{
	uint8_t token[96];
	struct msg r;
	uint64_t first_tag;
	int64_t unsealed;

	ipc_call(SLOT_FIRST_FREE, (uint64_t)SLOT_GOT << 48, 0, 0, &r);
	first_tag = r.tag;
	for (int i = 0; i < 3; i++) {
		ipc_call(SLOT_FIRST_FREE, 0, 0, 0, &r);
		memcpy(token + 32 * i, r.w, 32);
	}
	unsealed = cap_unseal(token, SLOT_UNSEALED);
	ipc_send4(SLOT_FIRST_FREE, 2, first_tag, (uint64_t)unsealed,
	    (uint64_t)ioport_in(SLOT_GOT, COM1_LSR, 1),
	    (uint64_t)ioport_in(SLOT_UNSEALED, COM1_LSR, 1));
}

int
main(uint64_t arg)
{
	struct cap_info ci;

	if (cap_info(SLOT_CONSOLE, &ci) == E_OK)
		printf("hello: started with argument %llu\n", (unsigned long long)arg);
	if (cap_info(SLOT_FIRST_FREE, &ci) == E_OK && ci.type == CAP_ENDPOINT)
		ipc_send(SLOT_FIRST_FREE, 1, arg, cap_info(SLOT_IOPORT, &ci) == E_NOCAP);
	if (arg == CEILING_ARG)
		ceiling_probe();
	while (arg == SPIN_ARG)
		continue;
	if (arg == POWEROFF_ARG)
		printf("hello: power off: %s\n",
		    err_name(machine_control(SLOT_MACHINE, MACHINE_POWEROFF)));
	return 0;
}

/*
 * The big kernel lock (see lock.h). A CPU spinning for it has interrupts
 * off, so it also answers TLB shootdown requests and the request to stop
 * before the RAM wipe while it waits: the holder may be waiting for
 * exactly that.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/tlb.h"
#include "kernel/lock.h"
#include "kernel/machine.h"

static volatile int locked;
static volatile int owner = -1;

void
bkl_lock(void)
{
	while (__atomic_exchange_n(&locked, 1, __ATOMIC_ACQUIRE)) {
		while (locked) {
			tlb_service();
			machine_stop_poll();
			pause();
		}
	}
	owner = (int)this_cpu()->id;
}

void
bkl_unlock(void)
{
	owner = -1;
	__atomic_store_n(&locked, 0, __ATOMIC_RELEASE);
}

/* Ending the machine on request: RAM is wiped first, always. */
#ifndef KERNEL_MACHINE_H
#define KERNEL_MACHINE_H

#include <stdint.h>

/*
 * Stops the other CPUs, wipes RAM, then powers off (op MACHINE_POWEROFF)
 * or resets. Never returns.
 */
__attribute__((noreturn)) void machine_end(uint64_t op);

/* A CPU told to stop (VEC_STOP): interrupts off, halted for good. */
__attribute__((noreturn)) void machine_park(void);

/* Parks this CPU if machine_end asked every other CPU to stop. */
void machine_stop_poll(void);

#endif

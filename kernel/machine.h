/* Ending the machine on request: RAM is wiped first, always. */
#ifndef KERNEL_MACHINE_H
#define KERNEL_MACHINE_H

#include <stdint.h>

/* Wipes RAM, then powers off (op MACHINE_POWEROFF) or resets. Never returns. */
__attribute__((noreturn)) void machine_end(uint64_t op);

#endif

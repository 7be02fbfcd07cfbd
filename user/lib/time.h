/*
 * The wall clock for programs (SYS_CLOCK): UTC seconds since 1970, as
 * read at boot from the firmware or the CMOS clock and carried forward
 * by the kernel (docs/syscalls.md). No capability is needed. The time
 * is whatever the machine's clock was set to: a program that depends on
 * it (a Tor client checking the consensus) must check it against
 * something it trusts and say so when it is off.
 */
#ifndef USER_LIB_TIME_H
#define USER_LIB_TIME_H

#include <stdint.h>

typedef int64_t time_t;

/*
 * The time now, also stored in *t when t is not NULL; (time_t)-1 when
 * the machine has no clock (then *t is left alone).
 */
time_t time(time_t *t);

/*
 * Where the boot's reading came from (CLOCK_EFI or CLOCK_CMOS) and
 * CLOCK_CHECKED when both clocks were read and agreed; 0: no clock.
 */
unsigned int time_source(void);

#endif

/*
 * The vault rollback counter (SYS_COUNTER, docs/security-model.md): a
 * number kept in a UEFI variable, outside every disk, that only rises.
 * The program that persists vaults raises it to each new vault's
 * generation; a restore that finds a vault older than the counter knows
 * the disk was rolled back.
 */
#ifndef KERNEL_COUNTER_H
#define KERNEL_COUNTER_H

#include <stdint.h>

#include "lib/bootinfo/bootinfo.h"

/* Takes the value the loader read; the counter is usable only with runtime services. */
void counter_init(const struct bootinfo *bi, int runtime);

/* The counter (>= 0), or E_DEAD when this machine has no usable counter. */
int64_t counter_get(void);

/*
 * Raises the counter to value and reads it back from the firmware.
 * E_RANGE unless current < value <= INT64_MAX; E_DEAD when there is no
 * usable counter or the firmware refused or lost the write (the counter
 * then stays unusable until the next boot: its stored value is unknown).
 */
int counter_advance(uint64_t value);

/* Prints the counter's state, each line beginning with prefix. */
void counter_print(const char *prefix);

#endif

/*
 * The vault rollback counter (SYS_COUNTER; docs/security-model.md says
 * what it protects against and what not). One number per machine, kept
 * in a UEFI variable outside every disk, that only ever rises and
 * survives reboots and power-offs. The program that persists a vault
 * (generation G) advances the counter to G once the vault is safely on
 * disk; a restore reads it and treats a vault older than the counter as
 * a rollback (the disk swapped for an old copy), to be refused unless
 * the user confirms. 0 means the counter was never advanced on this
 * machine (or its variable was deleted): a restore cannot tell a
 * rollback then and should say so.
 *
 * cap is the slot of a CAP_COUNTER capability (the root task has it in
 * SLOT_COUNTER; init gives it to the one program that persists): reading
 * needs RIGHT_READ, advancing RIGHT_WRITE.
 */
#ifndef USER_LIB_COUNTER_H
#define USER_LIB_COUNTER_H

#include <stdint.h>

/*
 * Stores the counter in *value. Returns E_OK; E_NOCAP, E_TYPE or
 * E_RIGHTS for the capability; E_DEAD when this machine has no usable
 * counter (no UEFI variable services, a variable that is not ours, or a
 * write the firmware failed earlier in this boot).
 */
int counter_read(uint64_t cap, uint64_t *value);

/*
 * Raises the counter to value, durably: when this returns E_OK the
 * firmware holds value (written and read back). E_RANGE unless value is
 * above the current value and at most 2^63 - 1 (the counter never goes
 * down, and an equal value is refused too, so a caller learns that
 * another advance got there first); E_DEAD as for counter_read, or when
 * the firmware refused the write (the counter is then unusable until
 * the next boot); the capability errors as for counter_read.
 */
int counter_advance(uint64_t cap, uint64_t value);

#endif

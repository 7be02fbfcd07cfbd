/*
 * The capability audit (option `audit`): a walk over every place a
 * capability can live that checks each one names a live object of its
 * type, that the derivation tree is consistent, and that every object's
 * count of capabilities is exactly the number found. It is slow (every
 * capability against every other) and meant for tests: a use after free
 * or a lost reference shows up as a mismatch the moment it happens
 * instead of when an attacker finds it.
 */
#ifndef KERNEL_OBJ_AUDIT_H
#define KERNEL_OBJ_AUDIT_H

#include <stdint.h>

/* Prints each problem ("audit: ...") and returns how many there were. */
uint64_t kobj_audit(void);

#endif

/*
 * The TPM 2.0 NV counter that backs the vault rollback counter
 * (counter.h) when the machine has a TPM with the Command Response Buffer
 * interface (ACPI TPM2 table, start method 7: QEMU's tpm-crb, Intel PTT,
 * most discrete TPMs of the last years). The TPM only ever raises the
 * counter, so a firmware whose variables were reset or rewritten cannot
 * lower it. Commands are lib/tpm's; this file moves their bytes.
 */
#ifndef KERNEL_TPM_H
#define KERNEL_TPM_H

#include <stdint.h>

/*
 * Finds the TPM, starts it if the firmware did not, and makes sure our
 * counter index exists and has been incremented once (a counter never
 * incremented has no value). Returns NULL and the value, or why the TPM
 * counter cannot be used; *present says whether a TPM was found at all.
 */
const char *tpm_counter_init(uint64_t *value, int *present);

/*
 * Increments the counter until it reads target: at most TPM_RAISE_MAX
 * steps, since a TPM can only count one by one. NULL and *value = target,
 * or why not (the counter may then have moved part of the way).
 */
#define TPM_RAISE_MAX	1024
const char *tpm_counter_raise(uint64_t target, uint64_t *value);

#endif

/*
 * The vault rollback counter (counter.h), kept in up to two stores: a
 * UEFI variable, which the loader reads at boot (a missing one is 0),
 * and a TPM 2.0 NV counter when the machine has one (tpm.h). The counter
 * is the higher of the usable stores, so resetting the firmware's
 * variables does not lower it where a TPM keeps it. Advancing raises
 * every usable store and reads each back, so a value is reported raised
 * only once a store holds it; a store that fails is dropped until the
 * next boot, with a message. The kernel lock serialises every call.
 */
#include "kernel/arch/x86_64/efirt.h"
#include "kernel/counter.h"
#include "kernel/kernel.h"
#include "kernel/tpm.h"
#include "lib/abi/nonos.h"
#include "lib/tpm/tpm.h"

static const uint16_t var_name[] = COUNTER_VAR_NAME;
static uint64_t uefi_value;
static int found;		/* the variable existed at boot or was written since */
static const char *unusable;	/* why the UEFI variable is not used; NULL: used */

static uint64_t tpm_value;
static int tpm_present;
static const char *tpm_unusable;	/* why the TPM counter is not used; NULL: used */

void
counter_init(const struct bootinfo *bi, int runtime)
{
	uefi_value = bi->counter;
	found = (bi->counter_flags & BOOTINFO_COUNTER_FOUND) != 0;
	if (bi->counter_flags & BOOTINFO_COUNTER_BAD)
		unusable = "its UEFI variable is unreadable or not ours";
	else if (!runtime)
		unusable = "no UEFI runtime services";
	else if (uefi_value > INT64_MAX)
		unusable = "its value is beyond 2^63 - 1";
	tpm_unusable = tpm_counter_init(&tpm_value, &tpm_present);
	if (tpm_unusable == NULL && tpm_value > INT64_MAX)
		tpm_unusable = "the TPM counter is beyond 2^63 - 1";
	counter_print("counter: ");
	if (unusable == NULL && tpm_unusable == NULL && uefi_value < tpm_value)
		printk("counter: the UEFI variable (%llu) is behind the TPM counter: "
		    "the firmware's variables were reset, rewritten or are new\n",
		    (unsigned long long)uefi_value);
}

int64_t
counter_get(void)
{
	uint64_t v = 0;

	if (unusable != NULL && tpm_unusable != NULL)
		return E_DEAD;
	if (unusable == NULL)
		v = uefi_value;
	if (tpm_unusable == NULL && tpm_value > v)
		v = tpm_value;
	return (int64_t)v;
}

/* Raises the TPM counter to v; drops the TPM on failure. */
static void
advance_tpm(uint64_t v)
{
	const char *err;

	if (tpm_unusable != NULL || tpm_value >= v)
		return;
	if ((err = tpm_counter_raise(v, &tpm_value)) != NULL) {
		printk("counter: the TPM counter stays unused until the next boot: %s\n", err);
		tpm_unusable = err;
	}
}

/* Writes v to the UEFI variable and reads it back; drops the variable on failure. */
static void
advance_uefi(uint64_t v)
{
	uint64_t back = 0, size = sizeof(back), s;
	uint32_t attrs = 0;

	if (unusable != NULL)
		return;
	if ((s = efirt_set_variable(var_name, COUNTER_VAR_ATTRS, sizeof(v), &v)) != 0) {
		printk("counter: the firmware refused to store %llu (EFI status %#llx)\n",
		    (unsigned long long)v, (unsigned long long)s);
		unusable = "the firmware refused a write";
		return;
	}
	s = efirt_get_variable(var_name, &attrs, &size, &back);
	if (s != 0 || size != sizeof(back) || attrs != COUNTER_VAR_ATTRS || back != v) {
		printk("counter: read back %llu, not %llu (EFI status %#llx)\n",
		    (unsigned long long)back, (unsigned long long)v,
		    (unsigned long long)s);
		unusable = "a write did not read back";
		return;
	}
	uefi_value = v;
	found = 1;
}

int
counter_advance(uint64_t v)
{
	int64_t now = counter_get();

	if (now < 0)
		return E_DEAD;
	if (v <= (uint64_t)now || v > INT64_MAX)
		return E_RANGE;
	advance_tpm(v);
	advance_uefi(v);
	return counter_get() == (int64_t)v ? E_OK : E_DEAD;
}

void
counter_print(const char *prefix)
{
	int64_t v = counter_get();

	if (unusable == NULL)
		printk("%svault rollback counter %lld (UEFI variable NonosVaultCounter%s%s)\n",
		    prefix, (long long)v,
		    found ? "" : " absent: never advanced on this machine",
		    tpm_unusable == NULL ? "; TPM NV counter" : "");
	else if (tpm_unusable == NULL)
		printk("%svault rollback counter %lld (TPM NV counter; UEFI variable "
		    "unusable: %s)\n", prefix, (long long)v, unusable);
	else
		printk("%svault rollback counter unusable: %s\n", prefix, unusable);
	if (tpm_unusable == NULL)
		printk("%sTPM NV counter %#x at %llu\n", prefix, TPM_COUNTER_INDEX,
		    (unsigned long long)tpm_value);
	else if (tpm_present)
		printk("%sTPM present but its counter is unused: %s\n", prefix, tpm_unusable);
}

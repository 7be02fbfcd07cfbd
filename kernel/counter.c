/*
 * The vault rollback counter (counter.h). The loader reads the variable
 * at boot (a missing one is 0); advancing writes it through the UEFI
 * runtime services (efirt.c) and reads it back, so a value is reported
 * raised only once the firmware holds it. The kernel lock serialises
 * every call.
 */
#include "kernel/arch/x86_64/efirt.h"
#include "kernel/counter.h"
#include "kernel/kernel.h"
#include "lib/abi/nonos.h"

static const uint16_t var_name[] = COUNTER_VAR_NAME;
static uint64_t value;
static int found;		/* the variable existed at boot or was written since */
static const char *unusable;	/* why there is no counter; NULL: usable */

void
counter_init(const struct bootinfo *bi, int runtime)
{
	value = bi->counter;
	found = (bi->counter_flags & BOOTINFO_COUNTER_FOUND) != 0;
	if (bi->counter_flags & BOOTINFO_COUNTER_BAD)
		unusable = "its UEFI variable is unreadable or not ours";
	else if (!runtime)
		unusable = "no UEFI runtime services";
	else if (value > INT64_MAX)
		unusable = "its value is beyond 2^63 - 1";
	counter_print("counter: ");
}

int64_t
counter_get(void)
{
	return unusable ? E_DEAD : (int64_t)value;
}

int
counter_advance(uint64_t v)
{
	uint64_t back = 0, size = sizeof(back), s;
	uint32_t attrs = 0;

	if (unusable)
		return E_DEAD;
	if (v <= value || v > INT64_MAX)
		return E_RANGE;
	if ((s = efirt_set_variable(var_name, COUNTER_VAR_ATTRS, sizeof(v), &v)) != 0) {
		printk("counter: the firmware refused to store %llu (EFI status %#llx)\n",
		    (unsigned long long)v, (unsigned long long)s);
		unusable = "the firmware refused a write";
		return E_DEAD;
	}
	s = efirt_get_variable(var_name, &attrs, &size, &back);
	if (s != 0 || size != sizeof(back) || attrs != COUNTER_VAR_ATTRS || back != v) {
		printk("counter: read back %llu, not %llu (EFI status %#llx)\n",
		    (unsigned long long)back, (unsigned long long)v,
		    (unsigned long long)s);
		unusable = "a write did not read back";
		return E_DEAD;
	}
	value = v;
	found = 1;
	return E_OK;
}

void
counter_print(const char *prefix)
{
	if (unusable)
		printk("%svault rollback counter unusable: %s\n", prefix, unusable);
	else
		printk("%svault rollback counter %llu (UEFI variable NonosVaultCounter%s)\n",
		    prefix, (unsigned long long)value,
		    found ? "" : " absent: never advanced on this machine");
}

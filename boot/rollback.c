/*
 * Anti-rollback: the highest image version this machine has booted is
 * kept in a non-volatile UEFI variable that only boot services can read
 * or write, so nothing running after ExitBootServices (our kernel or
 * anything else) can lower it. A signed manifest whose version is below
 * the floor is refused; one above raises the floor once every file has
 * been verified. docs/security-model.md says what this does not stop.
 *
 * The vault rollback counter lives next to it, in a variable the kernel
 * may also write (runtime access): the loader only reads it.
 */
#include "boot/loader.h"

#define FLOOR_ATTRS (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS)

/* NØNOS's own vendor GUID: 40e94915-f98a-4949-af19-989718d23b9f. */
static const struct efi_guid nonos_vendor = NONOS_VENDOR_GUID;
static const char16 floor_name[] = L"NonosRollbackFloor";

/*
 * Reads the floor and refuses version below it. Fails closed: a variable
 * that cannot be read, or that is not exactly what we write (8 bytes,
 * non-volatile, boot services only), stops the boot; only its absence
 * means "no floor yet".
 */
efi_status
rollback_check(uint64_t version, struct bootinfo *bi)
{
	uint64_t floor = 0, size = sizeof(floor);
	uint32_t attrs = 0;
	efi_status s;

	s = st->runtime_services->get_variable(floor_name, &nonos_vendor, &attrs,
	    &size, &floor);
	if (s == EFI_NOT_FOUND) {
		floor = 0;
	} else if (s == EFI_BUFFER_TOO_SMALL || (s == EFI_SUCCESS &&
	    (size != sizeof(floor) || attrs != FLOOR_ATTRS))) {
		return fail(EFI_SECURITY_VIOLATION, "rollback floor variable "
		    "NonosRollbackFloor is not ours (size %llu, attributes %#x); "
		    "clear it in the firmware to boot", (unsigned long long)size, attrs);
	} else if (s != EFI_SUCCESS) {
		return fail(s, "cannot read the rollback floor variable: %s",
		    efi_strerror(s));
	}
	bi->rollback_floor = floor;
	if (version < floor)
		return fail(EFI_SECURITY_VIOLATION, "%s: image version %llu is older than "
		    "this machine's rollback floor %llu", "/nonos/manifest",
		    (unsigned long long)version, (unsigned long long)floor);
	return EFI_SUCCESS;
}

/*
 * Raises the floor to version when it is higher. Called when everything
 * is verified. A failed write is reported, not fatal: the image is good,
 * and the floor stays where it was (BOOTINFO_VERIFY_FLOOR_UNSAVED).
 */
void
rollback_raise(uint64_t version, struct bootinfo *bi)
{
	efi_status s;

	if (version <= bi->rollback_floor)
		return;
	s = st->runtime_services->set_variable(floor_name, &nonos_vendor, FLOOR_ATTRS,
	    sizeof(version), &version);
	if (s != EFI_SUCCESS) {
		bi->verify_flags |= BOOTINFO_VERIFY_FLOOR_UNSAVED;
		con_printf("nonos-loader: warning: cannot raise the rollback floor to "
		    "%llu: %s\n", (unsigned long long)version, efi_strerror(s));
		return;
	}
	bi->verify_flags |= BOOTINFO_VERIFY_FLOOR_RAISED;
	con_printf("nonos-loader: rollback floor raised from %llu to %llu\n",
	    (unsigned long long)bi->rollback_floor, (unsigned long long)version);
}

/*
 * Reads the vault rollback counter for the kernel. Never stops the boot:
 * the counter matters only to a restore, which refuses to run without
 * it. A variable that is not exactly what the kernel writes (8 bytes,
 * COUNTER_VAR_ATTRS) or that cannot be read is marked unusable; its
 * absence means the counter was never advanced on this machine (0).
 */
void
counter_read(struct bootinfo *bi)
{
	static const char16 name[] = COUNTER_VAR_NAME;
	uint64_t value = 0, size = sizeof(value);
	uint32_t attrs = 0;
	efi_status s;

	bi->efi_runtime = (uint64_t)st->runtime_services;
	s = st->runtime_services->get_variable(name, &nonos_vendor, &attrs, &size,
	    &value);
	if (s == EFI_NOT_FOUND) {
		bi->counter = 0;
		return;
	}
	if (s == EFI_SUCCESS && size == sizeof(value) && attrs == COUNTER_VAR_ATTRS) {
		bi->counter = value;
		bi->counter_flags = BOOTINFO_COUNTER_FOUND;
		return;
	}
	bi->counter_flags = BOOTINFO_COUNTER_BAD;
	if (s == EFI_SUCCESS || s == EFI_BUFFER_TOO_SMALL)
		con_printf("nonos-loader: warning: vault counter variable NonosVaultCounter "
		    "is not ours (size %llu, attributes %#x): the counter is unusable\n",
		    (unsigned long long)size, attrs);
	else
		con_printf("nonos-loader: warning: cannot read the vault counter: %s\n",
		    efi_strerror(s));
}

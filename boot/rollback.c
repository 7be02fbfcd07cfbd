/*
 * Anti-rollback: the highest image version this machine has booted is
 * kept in a non-volatile UEFI variable that only boot services can read
 * or write, so nothing running after ExitBootServices (our kernel or
 * anything else) can lower it. A signed manifest whose version is below
 * the floor is refused; one above raises the floor once every file has
 * been verified. docs/security-model.md says what this does not stop.
 */
#include "boot/loader.h"

#define FLOOR_ATTRS (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS)

/* NØNOS's own vendor GUID: 40e94915-f98a-4949-af19-989718d23b9f. */
static const struct efi_guid nonos_vendor =
	{ 0x40e94915, 0xf98a, 0x4949, { 0xaf, 0x19, 0x98, 0x97, 0x18, 0xd2, 0x3b, 0x9f } };
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

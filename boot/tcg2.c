/*
 * Measured boot: each verified file is extended into a TPM 2.0 PCR
 * through the firmware's EFI_TCG2_PROTOCOL, which also appends a TCG
 * event (EV_IPL, the file's path as event data) to its event log. Which
 * file goes into which PCR, in what order, is lib/manifest's
 * (manifest_event); both PCRs start at zero and nothing else extends
 * them, so their values follow from the image alone (nonos-manifest
 * measure prints them at build time, with the same code). The loader
 * keeps its own copy of the events (SHA-256 digests it computes itself,
 * and the PCR values they replay to) for the kernel's `bootlog`, with or
 * without a TPM.
 */
#include "boot/loader.h"
#include "lib/libc/string.h"
#include "lib/manifest/manifest.h"

static struct efi_tcg2 *tcg2;

/* Finds the TPM, if the firmware has one and says it is present. */
void
measure_init(struct bootinfo *bi)
{
	static const struct efi_guid guid = EFI_TCG2_PROTOCOL_GUID;
	struct efi_tcg2_capability cap;
	struct efi_tcg2 *p;

	tcg2 = NULL;
	if (bs->locate_protocol(&guid, NULL, (void **)&p) != EFI_SUCCESS)
		return;
	memset(&cap, 0, sizeof(cap));
	cap.size = sizeof(cap);
	if (p->get_capability(p, &cap) != EFI_SUCCESS || !cap.tpm_present) {
		con_printf("nonos-loader: TCG2 protocol without a TPM; nothing measured\n");
		return;
	}
	tcg2 = p;
	bi->verify_flags |= BOOTINFO_VERIFY_TPM;
	if (cap.active_pcr_banks & EFI_TCG2_BOOT_HASH_ALG_SHA256)
		bi->verify_flags |= BOOTINFO_VERIFY_TPM_SHA256;
	con_printf("nonos-loader: TPM 2.0 present (PCR banks %#x)\n",
	    cap.active_pcr_banks);
}

/*
 * Records one measurement and, with a TPM, extends it. desc names the
 * file (at most BOOTINFO_EVENT_DESC_LEN - 1 characters are kept). A TPM
 * that refuses an extend stops the boot: its PCRs would no longer
 * describe what runs.
 */
efi_status
measure(struct bootinfo *bi, uint32_t pcr, const char *desc, const void *data,
    uint64_t size)
{
	static uint64_t evbuf[(sizeof(struct efi_tcg2_event) +
	    BOOTINFO_EVENT_DESC_LEN + 7) / 8];
	struct efi_tcg2_event *ev = (struct efi_tcg2_event *)evbuf;
	struct bootinfo_event *e;
	size_t n = strnlen(desc, BOOTINFO_EVENT_DESC_LEN - 1);
	efi_status s;

	if (bi->event_count == BOOTINFO_MAX_EVENTS)
		return fail(EFI_INVALID_PARAMETER, "%s: cannot record its measurement", desc);
	e = &bi->events[bi->event_count];
	/* The extend a TPM performs in its SHA-256 bank, replayed here. */
	if (manifest_measure(bi->pcr_sha256, pcr, data, size, e->sha256) != 0)
		return fail(EFI_INVALID_PARAMETER, "%s: cannot record its measurement", desc);
	e->pcr = pcr;
	e->type = MANIFEST_EV_IPL;
	memcpy(e->desc, desc, n);
	e->desc[n] = '\0';
	bi->event_count++;
	if (tcg2 == NULL)
		return EFI_SUCCESS;
	/* Event data: the path with its NUL, as GRUB and systemd-boot log theirs. */
	ev->header.header_size = sizeof(ev->header);
	ev->header.header_version = EFI_TCG2_EVENT_HEADER_VERSION;
	ev->header.pcr_index = pcr;
	ev->header.event_type = MANIFEST_EV_IPL;
	memcpy(ev->event, e->desc, n + 1);
	ev->size = (uint32_t)(sizeof(*ev) + n + 1);
	s = tcg2->hash_log_extend_event(tcg2, 0, (uint64_t)data, size, ev);
	if (s != EFI_SUCCESS)
		return fail(s, "%s: TPM measurement into PCR %u failed: %s", desc, pcr,
		    efi_strerror(s));
	return EFI_SUCCESS;
}

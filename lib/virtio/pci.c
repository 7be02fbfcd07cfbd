/*
 * Finding the virtio-PCI configuration structures (virtio 1.x §4.1.4) in
 * a function's capability list, which the device writes and the driver
 * does not trust.
 */
#include "lib/virtio/pci.h"

#include <stddef.h>

#include "lib/libc/string.h"

#define PCI_STATUS		0x06
#define PCI_STATUS_CAPS		0x10
#define PCI_CAP_PTR		0x34
#define PCI_CAP_VENDOR		0x09
#define CAP_WALK_MAX		48
#define VIRTIO_CAP_LEN		16	/* struct virtio_pci_cap */
#define VIRTIO_NOTIFY_CAP_LEN	20	/* ... plus notify_off_multiplier */

/* The least each structure must hold for the driver to use it. */
static const uint32_t min_len[5] = { 0, VIRTIO_COMMON_LEN, 2, 1, 1 };

/* One vendor capability at p: taken if it is valid and its type is still unseen. */
static void
take(virtio_cfg_read rd, void *ctx, uint32_t p, const uint64_t bar_size[6],
    struct virtio_pci_layout *out)
{
	struct virtio_pci_region r, *slot;
	uint32_t cap_len = rd(ctx, p + 2, 1), type = rd(ctx, p + 3, 1);
	uint32_t bar = rd(ctx, p + 4, 1);

	if (type < VIRTIO_PCI_CAP_COMMON || type > VIRTIO_PCI_CAP_DEVICE)
		return;
	slot = type == VIRTIO_PCI_CAP_COMMON ? &out->common :
	    type == VIRTIO_PCI_CAP_NOTIFY ? &out->notify :
	    type == VIRTIO_PCI_CAP_ISR ? &out->isr : &out->device;
	if (slot->present || bar >= 6 || bar_size[bar] == 0 ||
	    cap_len < (type == VIRTIO_PCI_CAP_NOTIFY ? VIRTIO_NOTIFY_CAP_LEN : VIRTIO_CAP_LEN) ||
	    p + cap_len > 256)
		return;
	r.present = 1;
	r.bar = (uint8_t)bar;
	r.offset = rd(ctx, p + 8, 4);
	r.length = rd(ctx, p + 12, 4);
	if (r.length < min_len[type] || (uint64_t)r.offset + r.length > bar_size[bar])
		return;
	if (type == VIRTIO_PCI_CAP_NOTIFY)
		out->notify_mult = rd(ctx, p + 16, 4);
	*slot = r;
}

const char *
virtio_pci_find(virtio_cfg_read rd, void *ctx, const uint64_t bar_size[6],
    struct virtio_pci_layout *out)
{
	uint32_t p;

	memset(out, 0, sizeof(*out));
	if ((rd(ctx, PCI_STATUS, 2) & PCI_STATUS_CAPS) == 0)
		return "no capability list";
	p = rd(ctx, PCI_CAP_PTR, 1) & 0xfc;
	for (int n = 0; p != 0; n++) {
		if (n == CAP_WALK_MAX)
			return "the capability list does not end";
		if (p < 0x40 || p > 0xfc)
			return "a capability pointer outside the device-specific space";
		if (rd(ctx, p, 1) == PCI_CAP_VENDOR)
			take(rd, ctx, p, bar_size, out);
		p = rd(ctx, p + 1, 1) & 0xfc;
	}
	if (!out->common.present)
		return "no usable common configuration";
	if (!out->notify.present)
		return "no usable notify configuration";
	if (!out->isr.present)
		return "no usable ISR status";
	return NULL;
}

int
virtio_pci_notify_at(const struct virtio_pci_layout *l, uint16_t queue_notify_off,
    uint32_t *off)
{
	uint64_t at = (uint64_t)queue_notify_off * l->notify_mult;

	if (at + 2 > l->notify.length)
		return -1;
	*off = l->notify.offset + (uint32_t)at;
	return 0;
}

static uint8_t
rd8(volatile uint8_t *c, unsigned o)
{
	return *(volatile uint8_t *)(c + o);
}

static uint32_t
rd32(volatile uint8_t *c, unsigned o)
{
	return *(volatile uint32_t *)(c + o);
}

static void
wr8(volatile uint8_t *c, unsigned o, uint8_t v)
{
	*(volatile uint8_t *)(c + o) = v;
}

static void
wr16(volatile uint8_t *c, unsigned o, uint16_t v)
{
	*(volatile uint16_t *)(c + o) = v;
}

static void
wr32(volatile uint8_t *c, unsigned o, uint32_t v)
{
	*(volatile uint32_t *)(c + o) = v;
}

const char *
virtio_negotiate(volatile uint8_t *c, uint32_t want_lo, uint64_t *features)
{
	uint8_t s = VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER;
	uint32_t lo, hi;
	uint64_t f;

	wr8(c, VIRTIO_COMMON_STATUS, 0);
	for (int i = 0; rd8(c, VIRTIO_COMMON_STATUS) != 0; i++) {
		if (i == 1000000)
			return "the device does not reset";
	}
	wr8(c, VIRTIO_COMMON_STATUS, VIRTIO_STATUS_ACK);
	wr8(c, VIRTIO_COMMON_STATUS, s);
	wr32(c, VIRTIO_COMMON_DFSELECT, 0);
	lo = rd32(c, VIRTIO_COMMON_DF);
	wr32(c, VIRTIO_COMMON_DFSELECT, 1);
	hi = rd32(c, VIRTIO_COMMON_DF);
	if (!(hi & 1u << (VIRTIO_F_VERSION_1 - 32)))
		return "not a virtio 1.x device (no VERSION_1)";
	f = 1ULL << VIRTIO_F_VERSION_1 |
	    (uint64_t)(hi & 1u << (VIRTIO_F_ACCESS_PLATFORM - 32)) << 32 | (lo & want_lo);
	wr32(c, VIRTIO_COMMON_GFSELECT, 0);
	wr32(c, VIRTIO_COMMON_GF, (uint32_t)f);
	wr32(c, VIRTIO_COMMON_GFSELECT, 1);
	wr32(c, VIRTIO_COMMON_GF, (uint32_t)(f >> 32));
	s |= VIRTIO_STATUS_FEATURES_OK;
	wr8(c, VIRTIO_COMMON_STATUS, s);
	if (!(rd8(c, VIRTIO_COMMON_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return "the device refused our features";
	wr16(c, VIRTIO_COMMON_MSIX, VIRTIO_MSI_NO_VECTOR);
	*features = f;
	return NULL;
}

/*
 * libFuzzer target for lib/virtio/pci.c: the input is a PCI function's
 * 256-byte configuration space and its BAR sizes; the capability walk
 * must end, read nothing outside the space, and return only structures
 * that lie inside a present BAR.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/virtio/pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t cfg[256];

static uint32_t
cfg_read(void *ctx, uint32_t off, unsigned width)
{
	uint32_t v = 0;

	(void)ctx;
	if (width != 1 && width != 2 && width != 4)
		abort();
	if (off % width != 0 && width != 1)
		abort();
	if (off + width > sizeof(cfg))
		return 0xffffffffu;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

static void
inside(const struct virtio_pci_region *r, const uint64_t *bar)
{
	if (r->present && (r->bar >= 6 || bar[r->bar] == 0 ||
	    (uint64_t)r->offset + r->length > bar[r->bar]))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_pci_layout l;
	uint64_t bar[6];
	uint32_t at;

	memset(cfg, 0, sizeof(cfg));
	memset(bar, 0, sizeof(bar));
	for (int i = 0; i < 6 && size >= 2; i++, data += 2, size -= 2)
		bar[i] = (uint64_t)(data[0] | data[1] << 8) << 8;
	memcpy(cfg, data, size < sizeof(cfg) ? size : sizeof(cfg));
	if (virtio_pci_find(cfg_read, NULL, bar, &l) == NULL) {
		if (!l.common.present || !l.notify.present || !l.isr.present)
			abort();
		for (uint32_t n = 0; n < 0x10000; n += 0x1111) {
			if (virtio_pci_notify_at(&l, (uint16_t)n, &at) == 0 &&
			    ((uint64_t)at + 2 > (uint64_t)l.notify.offset + l.notify.length ||
			    at < l.notify.offset))
				abort();
		}
	}
	inside(&l.common, bar);
	inside(&l.notify, bar);
	inside(&l.isr, bar);
	inside(&l.device, bar);
	return 0;
}

/*
 * Host tests for lib/virtio: the split virtqueue against a device model
 * that behaves (buffers in order and out of order, 16-bit index wrap,
 * notification suppression) and one that does not (used.idx leaping,
 * used ids out of range or returned twice, used lengths beyond the
 * buffer), and the virtio-PCI capability walk against fake configuration
 * spaces (QEMU's layout, loops, bad pointers, BARs and lengths).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/virtio/pci.h"
#include "lib/virtio/virtq.h"

#define DEV_BASE	0x100000ULL

static uint8_t region[16384] __attribute__((aligned(4096)));
static struct virtq q;

/* The device's view: the used ring and index, written as a device would. */
static uint16_t
dev_used_idx(void)
{
	return q.used_hdr[1];
}

static void
dev_use(uint32_t id, uint32_t len)
{
	uint16_t i = dev_used_idx();

	q.used_ring[i & (q.size - 1)].id = id;
	q.used_ring[i & (q.size - 1)].len = len;
	q.used_hdr[1] = (uint16_t)(i + 1);
}

static int
setup(void **state)
{
	(void)state;
	return virtq_init(&q, 8, region, DEV_BASE, sizeof(region));
}

static void
init_refuses_bad_layouts(void **state)
{
	struct virtq t;

	(void)state;
	assert_int_equal(virtq_init(&t, 0, region, DEV_BASE, sizeof(region)), -1);
	assert_int_equal(virtq_init(&t, 6, region, DEV_BASE, sizeof(region)), -1);
	assert_int_equal(virtq_init(&t, 512, region, DEV_BASE, sizeof(region)), -1);
	assert_int_equal(virtq_init(&t, 256, region, DEV_BASE, virtq_bytes(256) - 1), -1);
	assert_int_equal(virtq_init(&t, 8, region + 4, DEV_BASE, 4096), -1);
	assert_int_equal(virtq_init(&t, 8, region, DEV_BASE + 8, 4096), -1);
	assert_int_equal(virtq_init(&t, 256, region, DEV_BASE, virtq_bytes(256)), 0);
	assert_true(virtq_bytes(256) <= 8192);
	/* The three parts are aligned as §2.7 asks and do not overlap. */
	assert_int_equal(t.desc_dev, DEV_BASE);
	assert_int_equal(t.avail_dev, DEV_BASE + 16 * 256);
	assert_true(t.used_dev >= t.avail_dev + 6 + 2 * 256 && t.used_dev % 4 == 0);
}

static void
add_fills_descriptors_and_ring(void **state)
{
	(void)state;
	for (int i = 0; i < 8; i++) {
		int id = virtq_add(&q, 0x200000 + 2048 * (uint64_t)i, 2048, i & 1);

		assert_true(id >= 0 && id < 8);
		assert_int_equal(q.desc[id].addr, 0x200000 + 2048 * (uint64_t)i);
		assert_int_equal(q.desc[id].len, 2048);
		assert_int_equal(q.desc[id].flags, (i & 1) ? VIRTQ_DESC_F_WRITE : 0);
		assert_int_equal(q.avail[2 + i], id);
	}
	assert_int_equal(virtq_add(&q, 0x300000, 64, 0), -1);	/* full */
	assert_int_equal(q.avail[1], 0);	/* not published yet */
	virtq_publish(&q);
	assert_int_equal(q.avail[1], 8);
	assert_int_equal(virtq_add(&q, 0x300000, 0, 0), -1);	/* empty buffer */
}

static void
get_returns_buffers_in_any_order(void **state)
{
	int ids[8];
	uint16_t id;
	uint32_t len;

	(void)state;
	for (int i = 0; i < 8; i++)
		ids[i] = virtq_add(&q, 0x200000 + 2048 * (uint64_t)i, 2048, 1);
	virtq_publish(&q);
	assert_int_equal(virtq_get(&q, &id, &len), 0);
	dev_use((uint32_t)ids[5], 60);
	dev_use((uint32_t)ids[0], 2048);
	assert_int_equal(virtq_pending(&q), 2);
	assert_int_equal(virtq_get(&q, &id, &len), 1);
	assert_int_equal(id, ids[5]);
	assert_int_equal(len, 60);
	assert_int_equal(virtq_get(&q, &id, &len), 1);
	assert_int_equal(id, ids[0]);
	assert_int_equal(len, 2048);
	assert_int_equal(virtq_get(&q, &id, &len), 0);
	assert_int_equal(q.errors, 0);
	/* Two ids are free again, and only two. */
	assert_true(virtq_add(&q, 0x400000, 100, 0) >= 0);
	assert_true(virtq_add(&q, 0x400000, 100, 0) >= 0);
	assert_int_equal(virtq_add(&q, 0x400000, 100, 0), -1);
}

static void
indices_wrap_at_16_bits(void **state)
{
	uint16_t id;
	uint32_t len;

	(void)state;
	for (uint32_t round = 0; round < 70000; round++) {
		int a = virtq_add(&q, 0x200000, 1500, 1);

		assert_true(a >= 0);
		virtq_publish(&q);
		dev_use((uint32_t)a, round % 1501);
		assert_int_equal(virtq_get(&q, &id, &len), 1);
		assert_int_equal(id, a);
		assert_int_equal(len, round % 1501);
	}
	assert_int_equal(q.errors, 0);
	assert_int_equal(q.avail[1], (uint16_t)70000);
}

static void
a_leaping_used_index_breaks_the_queue(void **state)
{
	uint16_t id;
	uint32_t len;
	int a;

	(void)state;
	a = virtq_add(&q, 0x200000, 2048, 1);
	virtq_publish(&q);
	q.used_hdr[1] = 9;		/* more than the queue holds */
	assert_int_equal(virtq_get(&q, &id, &len), -1);
	assert_true(q.broken);
	assert_int_equal(q.errors, 1);
	assert_int_equal(virtq_pending(&q), 0);
	/* Nothing more is taken from it or offered to it. */
	q.used_hdr[1] = 1;
	q.used_ring[0].id = (uint32_t)a;
	assert_int_equal(virtq_get(&q, &id, &len), -1);
	assert_int_equal(virtq_add(&q, 0x200000, 2048, 1), -1);
	/* Set up again, it works. */
	assert_int_equal(virtq_init(&q, 8, region, DEV_BASE, sizeof(region)), 0);
	assert_true(virtq_add(&q, 0x200000, 2048, 1) >= 0);
}

static void
bad_used_ids_are_skipped(void **state)
{
	uint16_t id;
	uint32_t len;
	int a, b;

	(void)state;
	a = virtq_add(&q, 0x200000, 2048, 1);
	b = virtq_add(&q, 0x201000, 2048, 1);
	assert_true(a == 0 && b == 1);
	virtq_publish(&q);
	dev_use(8, 10);			/* out of range */
	dev_use(0xffffffffu, 10);
	dev_use((uint32_t)a, 10);
	dev_use((uint32_t)a, 10);	/* returned twice */
	dev_use(5, 10);			/* never given: 0 and 1 are out */
	dev_use((uint32_t)b, 20);
	assert_int_equal(virtq_get(&q, &id, &len), -1);
	assert_int_equal(virtq_get(&q, &id, &len), -1);
	assert_int_equal(virtq_get(&q, &id, &len), 1);
	assert_int_equal(id, a);
	assert_int_equal(virtq_get(&q, &id, &len), -1);
	assert_int_equal(virtq_get(&q, &id, &len), -1);
	assert_int_equal(virtq_get(&q, &id, &len), 1);
	assert_int_equal(id, b);
	assert_int_equal(len, 20);
	assert_int_equal(virtq_get(&q, &id, &len), 0);
	assert_int_equal(q.errors, 4);
	assert_false(q.broken);
	assert_int_equal(q.nfree, 8);
}

static void
a_length_beyond_the_buffer_is_not_believed(void **state)
{
	uint16_t id;
	uint32_t len = 99;
	int a;

	(void)state;
	a = virtq_add(&q, 0x200000, 1526, 1);
	virtq_publish(&q);
	dev_use((uint32_t)a, 1527);
	assert_int_equal(virtq_get(&q, &id, &len), 1);
	assert_int_equal(id, a);
	assert_int_equal(len, 0);
	assert_int_equal(q.errors, 1);
	assert_int_equal(q.nfree, 8);	/* the buffer came back to the driver */
}

static void
notifications_follow_the_device_flag(void **state)
{
	(void)state;
	assert_int_equal(virtq_kick_needed(&q), 0);	/* nothing new */
	virtq_add(&q, 0x200000, 64, 0);
	virtq_publish(&q);
	assert_int_equal(virtq_kick_needed(&q), 1);
	assert_int_equal(virtq_kick_needed(&q), 0);	/* already told */
	q.used_hdr[0] = VIRTQ_USED_F_NO_NOTIFY;
	virtq_add(&q, 0x200000, 64, 0);
	virtq_publish(&q);
	assert_int_equal(virtq_kick_needed(&q), 0);
	q.used_hdr[0] = 0;
	assert_int_equal(virtq_kick_needed(&q), 1);
	virtq_interrupts(&q, 0);
	assert_int_equal(q.avail[0], VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_interrupts(&q, 1);
	assert_int_equal(q.avail[0], 0);
}

/* --- virtio-PCI capability walk ------------------------------------------ */

static uint8_t cfg[256];
static const uint64_t bars[6] = { 0, 0x1000, 0, 0, 0x4000, 0 };

static uint32_t
cfg_read(void *ctx, uint32_t off, unsigned width)
{
	uint32_t v = 0;

	(void)ctx;
	if (off + width > sizeof(cfg))
		return 0xffffffffu;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

static void
put32(unsigned off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		cfg[off + (unsigned)i] = (uint8_t)(v >> (8 * i));
}

static void
vcap(unsigned at, unsigned next, unsigned type, unsigned bar, uint32_t off, uint32_t len)
{
	cfg[at] = 0x09;
	cfg[at + 1] = (uint8_t)next;
	cfg[at + 2] = type == VIRTIO_PCI_CAP_NOTIFY ? 20 : 16;
	cfg[at + 3] = (uint8_t)type;
	cfg[at + 4] = (uint8_t)bar;
	put32(at + 8, off);
	put32(at + 12, len);
	if (type == VIRTIO_PCI_CAP_NOTIFY)
		put32(at + 16, 4);
}

/* QEMU's virtio-net-pci: MSI-X first, then the vendor caps in BAR 4. */
static int
qemu_layout(void **state)
{
	(void)state;
	memset(cfg, 0, sizeof(cfg));
	cfg[0x06] = 0x10;
	cfg[0x34] = 0x98;
	cfg[0x98] = 0x11;		/* MSI-X */
	cfg[0x99] = 0x84;
	vcap(0x84, 0x70, VIRTIO_PCI_CAP_DEVICE, 4, 0x2000, 0x1000);
	vcap(0x70, 0x60, VIRTIO_PCI_CAP_NOTIFY, 4, 0x3000, 0x1000);
	vcap(0x60, 0x50, VIRTIO_PCI_CAP_ISR, 4, 0x1000, 0x1000);
	vcap(0x50, 0x40, VIRTIO_PCI_CAP_COMMON, 4, 0x0000, 0x1000);
	vcap(0x40, 0x00, 5, 0, 0, 0);	/* PCI cfg access: not used */
	return 0;
}

static void
walk_finds_qemus_structures(void **state)
{
	struct virtio_pci_layout l;
	uint32_t at;

	(void)state;
	assert_null(virtio_pci_find(cfg_read, NULL, bars, &l));
	assert_int_equal(l.common.bar, 4);
	assert_int_equal(l.common.offset, 0);
	assert_int_equal(l.isr.offset, 0x1000);
	assert_int_equal(l.device.offset, 0x2000);
	assert_true(l.device.present);
	assert_int_equal(l.notify.offset, 0x3000);
	assert_int_equal(l.notify_mult, 4);
	assert_int_equal(virtio_pci_notify_at(&l, 1, &at), 0);
	assert_int_equal(at, 0x3004);
	assert_int_equal(virtio_pci_notify_at(&l, 1023, &at), 0);
	assert_int_equal(virtio_pci_notify_at(&l, 1024, &at), -1);
	assert_int_equal(virtio_pci_notify_at(&l, 0xffff, &at), -1);
}

static void
walk_refuses_broken_lists(void **state)
{
	struct virtio_pci_layout l;

	(void)state;
	cfg[0x41] = 0x84;		/* a loop back to the device cap */
	assert_string_equal(virtio_pci_find(cfg_read, NULL, bars, &l),
	    "the capability list does not end");
	qemu_layout(NULL);
	cfg[0x61] = 0x20;		/* into the standard header */
	assert_string_equal(virtio_pci_find(cfg_read, NULL, bars, &l),
	    "a capability pointer outside the device-specific space");
	qemu_layout(NULL);
	cfg[0x06] = 0;
	assert_string_equal(virtio_pci_find(cfg_read, NULL, bars, &l), "no capability list");
	qemu_layout(NULL);
	cfg[0x99] = 0;			/* the list ends after MSI-X */
	assert_string_equal(virtio_pci_find(cfg_read, NULL, bars, &l),
	    "no usable common configuration");
}

static void
walk_skips_bad_structures(void **state)
{
	struct virtio_pci_layout l;

	(void)state;
	cfg[0x50 + 4] = 6;		/* no such BAR */
	assert_string_equal(virtio_pci_find(cfg_read, NULL, bars, &l),
	    "no usable common configuration");
	cfg[0x50 + 4] = 2;		/* an absent BAR */
	assert_non_null(virtio_pci_find(cfg_read, NULL, bars, &l));
	cfg[0x50 + 4] = 4;
	put32(0x50 + 12, 0x20);		/* shorter than the structure */
	assert_non_null(virtio_pci_find(cfg_read, NULL, bars, &l));
	put32(0x50 + 12, 0x1000);
	put32(0x70 + 8, 0xfffff000u);	/* past the BAR's end, and wrapping */
	assert_string_equal(virtio_pci_find(cfg_read, NULL, bars, &l),
	    "no usable notify configuration");
	put32(0x70 + 8, 0x3000);
	cfg[0x70 + 2] = 16;		/* a notify cap without its multiplier */
	assert_non_null(virtio_pci_find(cfg_read, NULL, bars, &l));
	cfg[0x70 + 2] = 20;
	put32(0x60 + 12, 0x4000);	/* ISR running past the BAR */
	assert_string_equal(virtio_pci_find(cfg_read, NULL, bars, &l),
	    "no usable ISR status");
	put32(0x60 + 12, 0x1000);
	/* A second common structure is ignored: the first valid one counts. */
	vcap(0x40, 0x00, VIRTIO_PCI_CAP_COMMON, 1, 0x0, 0x1000);
	assert_null(virtio_pci_find(cfg_read, NULL, bars, &l));
	assert_int_equal(l.common.bar, 4);
	/* A cap running past the end of the space is not read. */
	cfg[0x99] = 0xf8;
	cfg[0xf8] = 0x09;
	cfg[0xf9] = 0x84;
	cfg[0xfa] = 16;
	cfg[0xfb] = VIRTIO_PCI_CAP_COMMON;
	cfg[0xfc] = 1;
	assert_null(virtio_pci_find(cfg_read, NULL, bars, &l));
	assert_int_equal(l.common.bar, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_refuses_bad_layouts),
		cmocka_unit_test_setup(add_fills_descriptors_and_ring, setup),
		cmocka_unit_test_setup(get_returns_buffers_in_any_order, setup),
		cmocka_unit_test_setup(indices_wrap_at_16_bits, setup),
		cmocka_unit_test_setup(a_leaping_used_index_breaks_the_queue, setup),
		cmocka_unit_test_setup(bad_used_ids_are_skipped, setup),
		cmocka_unit_test_setup(a_length_beyond_the_buffer_is_not_believed, setup),
		cmocka_unit_test_setup(notifications_follow_the_device_flag, setup),
		cmocka_unit_test_setup(walk_finds_qemus_structures, qemu_layout),
		cmocka_unit_test_setup(walk_refuses_broken_lists, qemu_layout),
		cmocka_unit_test_setup(walk_skips_bad_structures, qemu_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

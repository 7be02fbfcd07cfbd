/*
 * The PCI calls (SYS_PCI_*, SYS_DMA_CREATE) against QEMU's `edu` device
 * (docs/specs/edu.rst in QEMU: an identification register, an interrupt
 * it raises on request, a DMA engine with a 4 KiB buffer of its own):
 * every call's rights and errors, a BAR mapped and read, DMA in and out
 * of DMA frames, an MSI that lands as a notification signal, and the
 * lifetimes: a function object gone takes bus mastering, MSI and its
 * device frames with it; one that a process held goes with the process.
 * With VT-d (pci_info's iommu), a device told to write where its driver
 * has no DMA frame faults and the bytes never land; without it, they
 * land, which is what docs/security-model.md warns of.
 */
#include "user/usertests/common.h"

#define SLOT_FN		40
#define SLOT_FN2	41
#define SLOT_BAR	42
#define SLOT_DMA_A	43
#define SLOT_DMA_B	44
#define SLOT_N		45
#define SLOT_NB		46
#define SLOT_X		47
#define SLOT_EXIT	48
#define SLOT_Q		49
#define SLOT_CHILD	50
#define SLOT_DMA_C	51
#define SLOT_BAR2	52
#define SLOT_QD		53	/* pays for the device and DMA frames */

#define BAR_VA		0x0000330000000000ULL
#define BAR2_VA		0x0000331000000000ULL
#define DMA_A_VA	0x0000332000000000ULL
#define DMA_B_VA	0x0000332000100000ULL
#define DMA_C_VA	0x0000332000200000ULL

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_IDENT	0x00
#define EDU_LIVENESS	0x04
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_START	1
#define EDU_DMA_TO_RAM	2
#define EDU_DMA_IRQ	4
#define EDU_BUFFER	0x40000		/* the device's own buffer, as a DMA address */

#define CMD_MEM		0x0002
#define CMD_MASTER	0x0004
#define BADGE		0x40

#define CHILD_ARG	0x0de71ce5	/* a copy that takes the edu device and exits */

static uint32_t
rd32(uint64_t va, uint32_t off)
{
	return *(volatile uint32_t *)(va + off);
}

static void
wr32(uint64_t va, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(va + off) = v;
}

static void
wr64(uint64_t va, uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(va + off) = v;
}

/* The bdf of the n-th function with vendor:device (n from 0), or -1. */
static int64_t
find_function(uint64_t control, uint16_t vendor, uint16_t device, int n)
{
	struct pci_info info;

	for (uint64_t i = 0; pci_info(control, i, &info) == E_OK; i++) {
		if (info.vendor == vendor && info.device == device && n-- == 0)
			return info.bdf;
	}
	return -1;
}

/* A function with MSI-X other than a storage controller (the boot disk), or -1. */
static int64_t
find_msix_function(void)
{
	struct pci_info info;

	for (uint64_t i = 0; pci_info(SLOT_PCI, i, &info) == E_OK; i++) {
		if (info.msix && info.class_code != 0x01)
			return info.bdf;
	}
	return -1;
}

/* Runs one DMA of count bytes from src to dst on the edu mapped at va; 1 if it ended. */
static int
edu_dma(uint64_t va, uint64_t src, uint64_t dst, uint64_t count, uint32_t cmd)
{
	wr64(va, EDU_DMA_SRC, src);
	wr64(va, EDU_DMA_DST, dst);
	wr64(va, EDU_DMA_COUNT, count);
	wr32(va, EDU_DMA_CMD, cmd | EDU_DMA_START);
	for (int i = 0; i < 300; i++) {
		if (!(rd32(va, EDU_DMA_CMD) & EDU_DMA_START))
			return 1;
		sleep_ticks(1);
	}
	return 0;
}

/* Polls the notification for up to 3 seconds -> its word, or 0. */
static int64_t
wait_signal(uint64_t n)
{
	for (int i = 0; i < 300; i++) {
		int64_t w = notify_poll(n);

		if (w > 0)
			return w;
		sleep_ticks(1);
	}
	return 0;
}

static int
all_bytes(const uint8_t *p, uint64_t n, uint8_t v)
{
	for (uint64_t i = 0; i < n; i++) {
		if (p[i] != v)
			return 0;
	}
	return 1;
}

/* pci_info and pci_create on the control object, and their refusals. */
static void
control_calls(uint16_t edu)
{
	struct pci_info info;
	uint64_t n = 0;

	while (pci_info(SLOT_PCI, n, &info) == E_OK)
		n++;
	expect_true("functions are listed", n >= 2);
	expect("past the last function", pci_info(SLOT_PCI, n, &info), E_RANGE);
	expect("info into a bad pointer", pci_info(SLOT_PCI, 0, (struct pci_info *)8), E_FAULT);
	expect("info through a console", pci_info(SLOT_CONSOLE, 0, &info), E_TYPE);
	expect("info through an empty slot", pci_info(SLOT_X, 0, &info), E_NOCAP);
	expect("control without read", cap_derive(SLOT_PCI, SLOT_X, RIGHT_CONTROL, 0), E_OK);
	expect("info needs read", pci_info(SLOT_X, 0, &info), E_RIGHTS);
	cap_delete(SLOT_X);
	expect("control without control", cap_derive(SLOT_PCI, SLOT_X, RIGHT_READ, 0), E_OK);
	expect("create needs control", pci_create(SLOT_X, SLOT_FN, edu), E_RIGHTS);
	cap_delete(SLOT_X);
	expect("a function that is not there", pci_create(SLOT_PCI, SLOT_FN, 0xfff8), E_RANGE);
	expect("a bdf beyond 16 bits", pci_create(SLOT_PCI, SLOT_FN, 0x10000 | edu), E_RANGE);
	expect("into the null slot", pci_create(SLOT_PCI, SLOT_NULL, edu), E_RANGE);
	expect("the edu function", pci_create(SLOT_PCI, SLOT_FN, edu), E_OK);
	expect("a second object for it", pci_create(SLOT_PCI, SLOT_FN2, edu), E_BUSY);
	expect("a function is no control object", pci_create(SLOT_FN, SLOT_FN2, edu), E_TYPE);
	expect("a copy of the capability is fine", cap_derive(SLOT_FN, SLOT_FN2, RIGHT_READ, 0),
	    E_OK);
	expect("info through the function", pci_info(SLOT_FN2, 12345, &info), E_OK);
	expect("it describes the edu", info.bdf == edu && info.vendor == EDU_VENDOR &&
	    info.device == EDU_DEVICE, 1);
	expect("BAR 0 is 1 MiB of memory", (int64_t)info.bar_size[0], 1 << 20);
	expect_true("the edu has MSI, not MSI-X", info.msi == 1 && info.msix == 0 &&
	    info.msix_count == 0);
}

/* Config reads and the filtered writes. */
static void
config_calls(void)
{
	int64_t cmd;

	expect("vendor and device", pci_config_read(SLOT_FN, 0, 4),
	    (int64_t)EDU_DEVICE << 16 | EDU_VENDOR);
	expect("vendor, 2 bytes", pci_config_read(SLOT_FN, 0, 2), EDU_VENDOR);
	expect("width 3", pci_config_read(SLOT_FN, 0, 3), E_INVAL);
	expect("misaligned", pci_config_read(SLOT_FN, 1, 2), E_INVAL);
	expect("beyond 4 KiB", pci_config_read(SLOT_FN, 4096, 1), E_RANGE);
	expect("config through the control object", pci_config_read(SLOT_PCI, 0, 4), E_TYPE);
	expect("write a BAR", pci_config_write(SLOT_FN, 0x10, 4, 0), E_RIGHTS);
	expect("write the interrupt line", pci_config_write(SLOT_FN, 0x3c, 1, 5), E_RIGHTS);
	expect("write the MSI capability", pci_config_write(SLOT_FN, 0x40, 4, 0), E_RIGHTS);
	expect("write the capability pointer", pci_config_write(SLOT_FN, 0x34, 1, 0), E_RIGHTS);
	expect("write command bit 3", pci_config_write(SLOT_FN, 4, 2, 0x8 | CMD_MEM), E_RIGHTS);
	expect("write status bit 4 (not write-1-to-clear)",
	    pci_config_write(SLOT_FN, 6, 2, 0x10), E_RIGHTS);
	expect("a value wider than the width", pci_config_write(SLOT_FN, 4, 2, 0x10006), E_INVAL);
	expect("a value beyond 32 bits", pci_config_write(SLOT_FN, 4, 4, 1ULL << 32), E_INVAL);
	expect("write through a read-only copy", pci_config_write(SLOT_FN2, 4, 2, CMD_MEM),
	    E_RIGHTS);
	expect("memory decoding and bus mastering on",
	    pci_config_write(SLOT_FN, 4, 2, CMD_MEM | CMD_MASTER), E_OK);
	cmd = pci_config_read(SLOT_FN, 4, 2);
	expect_true("the command register took them",
	    cmd >= 0 && (cmd & (CMD_MEM | CMD_MASTER)) == (CMD_MEM | CMD_MASTER));
	expect("clear status errors (write 1)", pci_config_write(SLOT_FN, 6, 2, 0xf900), E_OK);
	expect("command and status in one dword",
	    pci_config_write(SLOT_FN, 4, 4, CMD_MEM | CMD_MASTER), E_OK);
}

/* Device frames: the BAR mapped, read and written; refusals. */
static void
bar_calls(void)
{
	struct cap_info ci;
	uint32_t ident;

	expect("BAR 1 is absent", pci_bar(SLOT_FN, SLOT_QD, SLOT_BAR, 1), E_INVAL);
	expect("BAR 6 does not exist", pci_bar(SLOT_FN, SLOT_QD, SLOT_BAR, 6), E_INVAL);
	expect("BAR through a read-only copy", pci_bar(SLOT_FN2, SLOT_QD, SLOT_BAR, 0),
	    E_RIGHTS);
	expect("BAR charged to a console", pci_bar(SLOT_FN, SLOT_CONSOLE, SLOT_BAR, 0), E_TYPE);
	expect("BAR into an occupied slot", pci_bar(SLOT_FN, SLOT_QD, SLOT_FN2, 0), E_BUSY);
	expect("BAR 0", pci_bar(SLOT_FN, SLOT_QD, SLOT_BAR, 0), E_OK);
	expect("cap_info", cap_info(SLOT_BAR, &ci), E_OK);
	expect_true("a frame of the BAR's size, without exec",
	    ci.type == CAP_FRAME && ci.size == (1 << 20) && !(ci.rights & RIGHT_EXEC));
	expect("map it executable", map(SLOT_BAR, BAR_VA, RIGHT_READ | RIGHT_EXEC), E_RIGHTS);
	expect("map it", map(SLOT_BAR, BAR_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	ident = rd32(BAR_VA, EDU_IDENT);
	expect_true("the edu's identification register reads 0xRRrr00ed",
	    (ident & 0xffff) == 0x00ed);
	wr32(BAR_VA, EDU_LIVENESS, 0x12345678);
	expect("its liveness register inverts what we write", rd32(BAR_VA, EDU_LIVENESS),
	    (int64_t)(uint32_t)~0x12345678u);
}

/* A BAR that holds an MSI-X table is the kernel's. */
static void
msix_bar_refused(void)
{
	int64_t bdf = find_msix_function();
	int64_t at, table_bar = -1;

	if (bdf < 0) {
		expect_true("a function with MSI-X to test against", 0);
		return;
	}
	expect("its function", pci_create(SLOT_PCI, SLOT_X, (uint64_t)bdf), E_OK);
	/* The capability list: find MSI-X (id 0x11) and its table's BAR. */
	at = pci_config_read(SLOT_X, 0x34, 1) & 0xfc;
	for (int i = 0; i < 48 && at >= 0x40; i++) {
		if (pci_config_read(SLOT_X, (uint64_t)at, 1) == 0x11) {
			table_bar = pci_config_read(SLOT_X, (uint64_t)at + 4, 4) & 7;
			break;
		}
		at = pci_config_read(SLOT_X, (uint64_t)at + 1, 1) & 0xfc;
	}
	expect_true("its MSI-X capability", table_bar >= 0);
	if (table_bar >= 0)
		expect("the BAR with its MSI-X table", pci_bar(SLOT_X, SLOT_QD, SLOT_BAR2,
		    (uint64_t)table_bar), E_RIGHTS);
	expect("notification", notification_create(SLOT_MEMORY, SLOT_N), E_OK);
	expect("MSI-X entry beyond its table", pci_msi(SLOT_X, 4096, SLOT_N), E_RANGE);
	cap_delete(SLOT_N);
	cap_delete(SLOT_X);
}

/* DMA frames: the device address, zeroed pages, refusals. */
static uint64_t dma_a, dma_b;

static void
dma_calls(void)
{
	struct cap_info ci;
	int64_t a;

	expect("no pages", dma_create(SLOT_FN, SLOT_QD, SLOT_DMA_A, 0), E_INVAL);
	expect("too many pages", dma_create(SLOT_FN, SLOT_QD, SLOT_DMA_A, FRAME_MAX_PAGES + 1),
	    E_INVAL);
	expect("through a read-only copy", dma_create(SLOT_FN2, SLOT_QD, SLOT_DMA_A, 1),
	    E_RIGHTS);
	expect("through the control object", dma_create(SLOT_PCI, SLOT_QD, SLOT_DMA_A, 1),
	    E_TYPE);
	expect("charged to an empty slot", dma_create(SLOT_FN, SLOT_X, SLOT_DMA_A, 1), E_NOCAP);
	expect("a one-page quota", memory_split(SLOT_MEMORY, SLOT_X, 4096), E_OK);
	expect("DMA beyond the quota", dma_create(SLOT_FN, SLOT_X, SLOT_DMA_A, 2), E_NOMEM);
	expect("the quota has nothing left charged", quota_settles(SLOT_X, 0), 0);
	cap_delete(SLOT_X);
	a = dma_create(SLOT_FN, SLOT_QD, SLOT_DMA_A, 2);
	expect_true("a DMA frame's device address", a > 0 && (a & 0xfff) == 0);
	dma_a = (uint64_t)a;
	a = dma_create(SLOT_FN, SLOT_QD, SLOT_DMA_B, 1);
	expect_true("a second one", a > 0 && (a & 0xfff) == 0 && (uint64_t)a != dma_a);
	dma_b = (uint64_t)a;
	expect("cap_info", cap_info(SLOT_DMA_A, &ci), E_OK);
	expect_true("a frame of 2 pages, without exec", ci.type == CAP_FRAME &&
	    ci.size == 2 * 4096 && !(ci.rights & RIGHT_EXEC));
	expect("map it executable", map(SLOT_DMA_A, DMA_A_VA, RIGHT_READ | RIGHT_EXEC), E_RIGHTS);
	expect("map it", map(SLOT_DMA_A, DMA_A_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	expect("map the other", map(SLOT_DMA_B, DMA_B_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	expect_true("zeroed", all_bytes((uint8_t *)DMA_A_VA, 2 * 4096, 0) &&
	    all_bytes((uint8_t *)DMA_B_VA, 4096, 0));
}

/* An MSI the device raises reaches the notification; DMA in and out. */
static void
msi_and_dma(void)
{
	uint8_t *a = (uint8_t *)DMA_A_VA, *b = (uint8_t *)DMA_B_VA;
	int64_t w;

	expect("notification", notification_create(SLOT_MEMORY, SLOT_N), E_OK);
	expect("badged copy", cap_derive(SLOT_N, SLOT_NB, RIGHT_WRITE, BADGE), E_OK);
	expect("MSI has one vector", pci_msi(SLOT_FN, 1, SLOT_NB), E_RANGE);
	expect("route to a console", pci_msi(SLOT_FN, 0, SLOT_CONSOLE), E_TYPE);
	expect("route through a read-only copy", pci_msi(SLOT_FN2, 0, SLOT_NB), E_RIGHTS);
	expect("route MSI to the notification", pci_msi(SLOT_FN, 0, SLOT_NB), E_OK);
	wr32(BAR_VA, EDU_IRQ_RAISE, 1);
	w = wait_signal(SLOT_N);
	expect("the interrupt arrives with our badge", w, BADGE);
	wr32(BAR_VA, EDU_IRQ_ACK, 1);
	/* Edge triggered: a second one arrives without any acknowledgement call. */
	wr32(BAR_VA, EDU_IRQ_RAISE, 2);
	expect("and a second", wait_signal(SLOT_N), BADGE);
	wr32(BAR_VA, EDU_IRQ_ACK, 2);

	for (int i = 0; i < 256; i++)
		a[i] = (uint8_t)(i * 7 + 1);
	expect_true("DMA from a DMA frame into the device",
	    edu_dma(BAR_VA, dma_a, EDU_BUFFER, 256, 0));
	expect_true("DMA from the device into another (with an interrupt)",
	    edu_dma(BAR_VA, EDU_BUFFER, dma_b + 64, 256, EDU_DMA_TO_RAM | EDU_DMA_IRQ));
	expect_true("the bytes arrived", memcmp(b + 64, a, 256) == 0 &&
	    all_bytes(b, 64, 0) && all_bytes(b + 320, 4096 - 320, 0));
	expect("the DMA's interrupt", wait_signal(SLOT_N), BADGE);
	wr32(BAR_VA, EDU_IRQ_ACK, 0x100);
}

/*
 * A second edu with a DMA frame of its own: the first one told to write
 * there. With VT-d that address is outside the first one's domain.
 */
static void
dma_outside(uint16_t edu2)
{
	struct pci_info info;
	uint8_t *c = (uint8_t *)DMA_C_VA;
	int64_t dma_c;

	expect("the second edu", pci_create(SLOT_PCI, SLOT_X, edu2), E_OK);
	dma_c = dma_create(SLOT_X, SLOT_QD, SLOT_DMA_C, 1);
	expect_true("its DMA frame", dma_c > 0);
	expect("map it", map(SLOT_DMA_C, DMA_C_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	expect("info", pci_info(SLOT_FN, 0, &info), E_OK);
	expect_true("DMA into the other device's frame ends",
	    edu_dma(BAR_VA, EDU_BUFFER, (uint64_t)dma_c, 256, EDU_DMA_TO_RAM));
	if (info.iommu) {
		expect_true("with VT-d: nothing landed", all_bytes(c, 4096, 0));
		/* Just past its own frames, and a frame it had but gave up. */
		expect_true("DMA past its own frame ends",
		    edu_dma(BAR_VA, EDU_BUFFER, dma_b + 4096, 64, EDU_DMA_TO_RAM));
		printf("usertests:   devices: VT-d confined the edu (faults are logged above)\n");
	} else {
		expect_true("without VT-d: it landed (docs/security-model.md)",
		    memcmp(c, (uint8_t *)DMA_A_VA, 256) == 0);
	}
	cap_delete(SLOT_DMA_C);
	cap_delete(SLOT_X);
}

/* A copy of usertests that takes the edu with everything and exits. */
static int
child(void)
{
	uint16_t edu = (uint16_t)find_function(SLOT_FIRST_FREE, EDU_VENDOR, EDU_DEVICE, 0);
	const uint64_t ctl = SLOT_FIRST_FREE, fn = SLOT_FIRST_FREE + 1;

	if (pci_create(ctl, fn, edu) != E_OK ||
	    dma_create(fn, SLOT_MEMORY, SLOT_FIRST_FREE + 2, 1) < 0 ||
	    pci_bar(fn, SLOT_MEMORY, SLOT_FIRST_FREE + 3, 0) != E_OK ||
	    map(SLOT_FIRST_FREE + 3, BAR_VA, RIGHT_READ | RIGHT_WRITE) != E_OK ||
	    notification_create(SLOT_MEMORY, SLOT_FIRST_FREE + 4) != E_OK ||
	    pci_msi(fn, 0, SLOT_FIRST_FREE + 4) != E_OK ||
	    pci_config_write(fn, 4, 2, CMD_MEM | CMD_MASTER) != E_OK)
		return 1;
	notify_signal(SLOT_FIRST_FREE + 5);	/* tells the parent it got all of it */
	return 0;
}

/* Everything a function had goes with its last capability, or its process. */
static void
lifetimes(uint16_t edu)
{
	struct spawn_cap caps[2] = {
		{ SLOT_PCI, SLOT_FIRST_FREE, RIGHT_READ | RIGHT_WRITE | RIGHT_CONTROL, 0 },
		{ SLOT_N, SLOT_FIRST_FREE + 5, RIGHT_WRITE, 0 },
	};
	struct cap_info ci;
	uint64_t q0[2], q1[2], q2[2];
	int64_t cmd, msi;

	cap_delete(SLOT_FN2);
	expect("quota", memory_info(SLOT_MEMORY, q0), E_OK);
	cap_delete(SLOT_FN);
	expect("quota", memory_info(SLOT_MEMORY, q1), E_OK);
	expect("the function is free again", pci_create(SLOT_PCI, SLOT_FN, edu), E_OK);
	expect("quota", memory_info(SLOT_MEMORY, q2), E_OK);
	expect_true("a function object is charged to its creator's quota",
	    q1[1] < q0[1] && q2[1] > q1[1]);
	cmd = pci_config_read(SLOT_FN, 4, 2);
	expect_true("bus mastering went with the object", cmd >= 0 && !(cmd & CMD_MASTER));
	msi = pci_config_read(SLOT_FN, 0x40, 4);
	expect_true("so did MSI", msi >= 0 && ((msi & 0xff) != 5 || !(msi & 0x10000)));
	expect("its device frame cannot be mapped again", map(SLOT_BAR, BAR2_VA, RIGHT_READ),
	    E_DEAD);
	expect("the old mapping is gone", unmap(SLOT_BAR, BAR_VA), E_RANGE);
	expect("its DMA frame is a plain frame now", cap_info(SLOT_DMA_A, &ci), E_OK);
	expect_true("still mapped and readable", ((volatile uint8_t *)DMA_A_VA)[5] == 5 * 7 + 1);
	cap_delete(SLOT_BAR);
	cap_delete(SLOT_DMA_A);
	cap_delete(SLOT_DMA_B);
	cap_delete(SLOT_NB);
	cap_delete(SLOT_FN);

	/* A process holding it: everything goes when it ends. */
	expect("exit notification", notification_create(SLOT_MEMORY, SLOT_EXIT), E_OK);
	expect("child quota", memory_split(SLOT_MEMORY, SLOT_Q, 1 << 20), E_OK);
	expect_true("a copy that takes the edu", spawn_full(SLOT_SPAWN, "usertests", SLOT_Q,
	    SLOT_CHILD, SLOT_EXIT, CHILD_ARG, 5, caps, 2) > 1);
	expect("it ends", notify_wait(SLOT_EXIT), 1);
	expect("it had the function, a DMA frame, its BAR and its MSI", notify_poll(SLOT_N), 1);
	expect("the function is free after its process", pci_create(SLOT_PCI, SLOT_FN, edu),
	    E_OK);
	cmd = pci_config_read(SLOT_FN, 4, 2);
	expect_true("with bus mastering off", cmd >= 0 && !(cmd & CMD_MASTER));
	cap_delete(SLOT_FN);
	cap_delete(SLOT_CHILD);
	cap_delete(SLOT_EXIT);
	cap_delete(SLOT_N);
}

int
devices_child(uint64_t arg)
{
	return arg == CHILD_ARG ? child() : -1;
}

void
test_devices(void)
{
	int64_t edu = find_function(SLOT_PCI, EDU_VENDOR, EDU_DEVICE, 0);
	int64_t edu2 = find_function(SLOT_PCI, EDU_VENDOR, EDU_DEVICE, 1);

	if (edu < 0) {
		expect_true("an edu device (QEMU -device edu)", 0);
		return;
	}
	expect("a quota for the frames", memory_split(SLOT_MEMORY, SLOT_QD, 1 << 20), E_OK);
	control_calls((uint16_t)edu);
	config_calls();
	bar_calls();
	msix_bar_refused();
	dma_calls();
	msi_and_dma();
	if (edu2 >= 0)
		dma_outside((uint16_t)edu2);
	else
		expect_true("a second edu device (QEMU -device edu twice)", 0);
	lifetimes((uint16_t)edu);
	expect("the frames' quota is back to zero", quota_settles(SLOT_QD, 0), 0);
	cap_delete(SLOT_QD);
}

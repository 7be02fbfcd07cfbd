/*
 * PCI function objects, their device and DMA frames, and MSI/MSI-X
 * routing (see pci.h). A message goes to the boot CPU's local APIC with
 * a vector from a pool of MSI_VECTORS; the vector's interrupt ORs the
 * notification capability's badge into its word. Messages are edge
 * interrupts: nothing to acknowledge, and a device that sends too many
 * costs only its driver's notification some wake-ups.
 */
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/iommu.h"
#include "kernel/kernel.h"
#include "kernel/obj/pci.h"
#include "lib/libc/string.h"

/* The layout drivers are built against (lib/abi/syscall.h): it never changes. */
_Static_assert(__builtin_offsetof(struct pci_info, bar_size) == 24, "pci_info layout");
_Static_assert(sizeof(struct pci_info) == 80, "pci_info size");

static struct pcifn control = { { CAP_PCI, 0, 0 }, NULL, NULL, NULL, 0, 0 };

/* Who each vector belongs to: fn NULL means free. */
struct msi_route {
	struct pcifn *fn;
	uint32_t entry;			/* MSI-X table entry; 0 for MSI */
	struct notification *n;
	uint64_t badge;
};

static struct msi_route routes[MSI_VECTORS];

/* MSI message: the boot CPU's local APIC, fixed delivery, edge. */
#define MSI_ADDR_BASE	0xfee00000u
#define MSIX_CTL_ENABLE	0x8000
#define MSIX_CTL_MASK	0x4000
#define MSI_CTL_ENABLE	0x0001
#define MSI_CTL_64BIT	0x0080
#define MSI_CTL_MASKBIT	0x0100
#define MSIX_ENTRY_MASKED 1u

struct kobj *
pci_control(void)
{
	return &control.hdr;
}

static uint32_t
msi_addr(void)
{
	return MSI_ADDR_BASE | cpus[0].apic_id << 12;
}

struct pcifn *
pcifn_create(struct memory *m, struct pci_dev *d)
{
	struct pcifn *fn = memory_alloc(m, sizeof(*fn));

	if (fn == NULL)
		return NULL;
	fn->hdr.type = CAP_PCI;
	fn->hdr.id = kobj_new_id();
	fn->mem = m;
	fn->dev = d;
	if (iommu_attach(fn) != E_OK) {
		memory_free(m, fn, sizeof(*fn));
		return NULL;
	}
	d->owner = fn;
	return fn;
}

static void
msix_mask(struct pci_dev *d, uint32_t entry, int masked)
{
	volatile uint32_t *e = d->msix_table + 4 * entry;

	e[3] = masked ? MSIX_ENTRY_MASKED : 0;
	(void)e[3];			/* the write has reached the device */
}

/* Turns off bus mastering, MSI and MSI-X: the device can no longer write or interrupt. */
static void
quiesce(struct pci_dev *d)
{
	pci_write(d, PCI_COMMAND, 2, pci_read(d, PCI_COMMAND, 2) & ~PCI_CMD_MASTER);
	if (d->msix_cap) {
		uint32_t ctl = pci_read(d, d->msix_cap + 2, 2);

		pci_write(d, d->msix_cap + 2, 2, (ctl | MSIX_CTL_MASK) & ~MSIX_CTL_ENABLE);
	}
	if (d->msi_cap)
		pci_write(d, d->msi_cap + 2, 2,
		    pci_read(d, d->msi_cap + 2, 2) & ~MSI_CTL_ENABLE);
}

void
pcifn_destroy(struct pcifn *fn)
{
	struct pci_dev *d = fn->dev;

	if (d == NULL)
		return;			/* the control object lives for the boot */
	quiesce(d);
	for (uint32_t v = 0; v < MSI_VECTORS; v++) {
		if (routes[v].fn == fn) {
			if (d->msix_cap)
				msix_mask(d, routes[v].entry, 1);
			memset(&routes[v], 0, sizeof(routes[v]));
		}
	}
	iommu_detach(fn);
	/* Its frames outlive it: DMA frames as plain RAM, device frames dead. */
	while (fn->frames) {
		struct frame *f = fn->frames;

		fn->frames = f->fn_next;
		f->fn = NULL;
		f->fn_next = NULL;
		if (f->kind == FRAME_DEVICE)
			frame_unmap_all(f);
	}
	d->owner = NULL;
	memory_free(fn->mem, fn, sizeof(*fn));
}

void
pcifn_info(const struct pci_dev *d, struct pci_info *out)
{
	memset(out, 0, sizeof(*out));
	out->bdf = d->bdf;
	out->vendor = d->vendor;
	out->device = d->device;
	out->class_code = d->class_code;
	out->subclass = d->subclass;
	out->prog_if = d->prog_if;
	out->irq_pin = d->irq_pin;
	out->irq_line = d->irq_line;
	out->msix = d->msix_count != 0;
	out->msix_count = d->msix_count;
	out->msi = d->msi_cap != 0;
	out->iommu = d->iommu;
	for (int i = 0; i < PCI_BARS; i++) {
		out->bar_io[i] = d->bar_io[i];
		out->bar_size[i] = d->bar_io[i] ? 0 : d->bar_size[i];
	}
}

/*
 * The bits of config dword 4 a driver may write: command IO, MEM,
 * MASTER and INTX_OFF; status write-1-to-clear error bits. Other command
 * bits keep their value; status bits written as 0 do nothing.
 */
#define WRITABLE	(0x0407u | 0xf900u << 16)
#define KEEP		(0xffffu & ~0x0407u)

int
pcifn_config_write(struct pcifn *fn, uint32_t off, uint32_t width, uint32_t v)
{
	uint32_t wmask = width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
	uint32_t shift, cur;

	if (off < PCI_COMMAND || off + width > PCI_COMMAND + 4)
		return E_RIGHTS;
	shift = (off - PCI_COMMAND) * 8;	/* where the written bytes sit in dword 4 */
	if (v & ~wmask)
		return E_INVAL;
	if (v & ~(WRITABLE >> shift) & wmask)
		return E_RIGHTS;
	cur = (pci_read(fn->dev, off, width) & (KEEP >> shift)) & wmask;
	pci_write(fn->dev, off, width, cur | v);
	return E_OK;
}

static void
link_frame(struct pcifn *fn, struct frame *f)
{
	f->fn = fn;
	f->fn_next = fn->frames;
	fn->frames = f;
}

static void
unlink_frame(struct frame *f)
{
	struct frame **pp = &f->fn->frames;

	while (*pp != f)
		pp = &(*pp)->fn_next;
	*pp = f->fn_next;
	f->fn = NULL;
}

/*
 * Bytes of BAR bar a driver may map: all of it, or when it holds the
 * MSI-X table or pending-bit array (only the kernel programs them) the
 * whole pages below the first of them, which share no page with either;
 * 0 when there are none. NVMe controllers keep their registers there,
 * below a table in the same BAR.
 */
static uint64_t
bar_reach(const struct pci_dev *d, uint32_t bar)
{
	uint64_t end = d->bar_size[bar];

	if (d->msix_count != 0 && d->msix_bar == bar && d->msix_off < end)
		end = d->msix_off;
	if (d->msix_count != 0 && d->pba_bar == bar && d->pba_off < end)
		end = d->pba_off;
	return end & ~(uint64_t)(PAGE_SIZE - 1);
}

int
pcifn_bar(struct pcifn *fn, struct memory *m, uint32_t bar, struct frame **out)
{
	struct pci_dev *d = fn->dev;
	struct frame *f;
	uint64_t bytes;

	if (bar >= PCI_BARS || d->bar_io[bar] || d->bar_size[bar] == 0)
		return E_INVAL;
	/* Less than a page would map its neighbours' registers too. */
	if (d->bar_size[bar] < PAGE_SIZE || (d->bar_pa[bar] & (PAGE_SIZE - 1)) ||
	    d->bar_size[bar] / PAGE_SIZE > 0xffffffffu)
		return E_INVAL;
	if ((bytes = bar_reach(d, bar)) == 0)
		return E_RIGHTS;
	if ((f = memory_alloc(m, sizeof(*f))) == NULL)
		return E_NOMEM;
	f->hdr.type = CAP_FRAME;
	f->hdr.id = kobj_new_id();
	f->mem = m;
	f->pa = d->bar_pa[bar];
	f->pages = (uint32_t)(bytes / PAGE_SIZE);
	f->kind = FRAME_DEVICE;
	link_frame(fn, f);
	*out = f;
	return E_OK;
}

int
pcifn_dma(struct pcifn *fn, struct memory *m, uint32_t pages, struct frame **out)
{
	struct frame *f = frame_create(m, pages);
	int err;

	if (f == NULL)
		return E_NOMEM;
	f->kind = FRAME_DMA;
	link_frame(fn, f);
	if ((err = iommu_map(fn, f->pa, pages)) != E_OK) {
		frame_destroy(f);
		return err;
	}
	*out = f;
	return E_OK;
}

void
pci_frame_release(struct frame *f)
{
	struct pcifn *fn = f->fn;

	if (fn == NULL)
		return;
	if (f->kind == FRAME_DMA) {
		/* Out of the device's reach before the pages go back to the pool. */
		if (fn->dom_root)
			iommu_unmap(fn, f->pa, f->pages);
		else
			pci_write(fn->dev, PCI_COMMAND, 2,
			    pci_read(fn->dev, PCI_COMMAND, 2) & ~PCI_CMD_MASTER);
	}
	unlink_frame(f);
}

/* The vector routing fn's entry, or -1. */
static int
find_route(const struct pcifn *fn, uint32_t entry)
{
	for (int v = 0; v < MSI_VECTORS; v++) {
		if (routes[v].fn == fn && routes[v].entry == entry)
			return v;
	}
	return -1;
}

static void
program_msix(struct pci_dev *d, uint32_t entry, uint32_t vector)
{
	volatile uint32_t *e = d->msix_table + 4 * entry;
	uint32_t ctl = pci_read(d, d->msix_cap + 2, 2);

	e[3] = MSIX_ENTRY_MASKED;
	e[0] = msi_addr();
	e[1] = 0;
	e[2] = vector;
	e[3] = 0;
	pci_write(d, d->msix_cap + 2, 2, (ctl | MSIX_CTL_ENABLE) & ~MSIX_CTL_MASK);
}

static void
program_msi(struct pci_dev *d, uint32_t vector)
{
	uint32_t cap = d->msi_cap, ctl = pci_read(d, cap + 2, 2);
	uint32_t data = (ctl & MSI_CTL_64BIT) ? cap + 12 : cap + 8;

	pci_write(d, cap + 2, 2, ctl & ~(MSI_CTL_ENABLE | 0x70u));	/* one message */
	pci_write(d, cap + 4, 4, msi_addr());
	if (ctl & MSI_CTL_64BIT)
		pci_write(d, cap + 8, 4, 0);
	pci_write(d, data, 2, vector);
	if (ctl & MSI_CTL_MASKBIT)
		pci_write(d, data + 4, 4, 0);		/* mask bits: all open */
	pci_write(d, cap + 2, 2, (ctl & ~0x70u) | MSI_CTL_ENABLE);
}

int
pcifn_msi(struct pcifn *fn, uint32_t entry, struct notification *n, uint64_t badge)
{
	struct pci_dev *d = fn->dev;
	int v;

	if (d->msix_count == 0 && d->msi_cap == 0)
		return E_INVAL;			/* neither MSI nor MSI-X */
	if (entry >= (d->msix_count ? d->msix_count : 1u))
		return E_RANGE;
	if ((v = find_route(fn, entry)) < 0) {
		for (v = 0; v < MSI_VECTORS && routes[v].fn != NULL; v++)
			;
		if (v == MSI_VECTORS)
			return E_BUSY;		/* every vector is in use */
	}
	routes[v].fn = fn;
	routes[v].entry = entry;
	routes[v].n = n;
	routes[v].badge = badge ? badge : 1;
	if (d->msix_count)
		program_msix(d, entry, VEC_MSI_BASE + (uint32_t)v);
	else
		program_msi(d, VEC_MSI_BASE + (uint32_t)v);
	return E_OK;
}

void
msi_forget_notification(struct notification *n)
{
	for (uint32_t v = 0; v < MSI_VECTORS; v++) {
		struct pcifn *fn = routes[v].fn;

		if (fn == NULL || routes[v].n != n)
			continue;
		if (fn->dev->msix_count)
			msix_mask(fn->dev, routes[v].entry, 1);
		else
			pci_write(fn->dev, fn->dev->msi_cap + 2, 2,
			    pci_read(fn->dev, fn->dev->msi_cap + 2, 2) & ~MSI_CTL_ENABLE);
		memset(&routes[v], 0, sizeof(routes[v]));
	}
}

void
msi_dispatch(uint32_t vector)
{
	struct msi_route *r;

	if (vector < VEC_MSI_BASE || vector >= VEC_MSI_BASE + MSI_VECTORS)
		return;
	r = &routes[vector - VEC_MSI_BASE];
	if (r->fn && r->n)
		notification_signal(r->n, r->badge);
}

/* 1 when f is on fn's list of frames. */
static int
listed(const struct pcifn *fn, const struct frame *f)
{
	for (const struct frame *g = fn->frames; g; g = g->fn_next) {
		if (g == f)
			return 1;
	}
	return 0;
}

const char *
pci_audit(const struct kobj *obj)
{
	if (obj->type == CAP_PCI) {
		const struct pcifn *fn = (const struct pcifn *)obj;

		if (fn->dev == NULL)
			return obj == &control.hdr ? NULL : "a second PCI control object";
		if (fn->dev < pci_devs || fn->dev >= pci_devs + pci_count || fn->dev->owner != fn)
			return "PCI function object its function does not name as owner";
		for (const struct frame *f = fn->frames; f; f = f->fn_next) {
			if (f->fn != fn || f->kind == FRAME_RAM)
				return "PCI function lists a frame that is not its own";
		}
		return NULL;
	}
	if (obj->type == CAP_FRAME) {
		const struct frame *f = (const struct frame *)obj;

		if (f->kind != FRAME_RAM && f->fn != NULL && !listed(f->fn, f))
			return "device or DMA frame missing from its function's list";
		if (f->kind == FRAME_DEVICE && f->fn == NULL && f->maps != NULL)
			return "device frame of a dead function still mapped";
	}
	return NULL;
}

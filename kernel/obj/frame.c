/*
 * Frame objects and their mapping records (see frame.h).
 */
#include "kernel/kernel.h"
#include "kernel/mm/pmm.h"
#include "kernel/obj/frame.h"
#include "kernel/obj/pci.h"

struct frame *
frame_create(struct memory *m, uint32_t pages)
{
	uint64_t bytes = (uint64_t)pages * PAGE_SIZE;
	struct frame *f;

	if (memory_charge(m, bytes) != E_OK)
		return NULL;
	if ((f = memory_alloc(m, sizeof(*f))) == NULL) {
		memory_refund(m, bytes);
		return NULL;
	}
	f->pa = pages == 1 ? pmm_alloc() : pmm_alloc_contig(pages, 1);
	if (f->pa == 0) {
		memory_free(m, f, sizeof(*f));
		memory_refund(m, bytes);
		return NULL;
	}
	f->hdr.type = CAP_FRAME;
	f->hdr.id = kobj_new_id();
	f->mem = m;
	f->pages = pages;
	return f;
}

/* 1 when mapping f with rights would leave it writable and executable. */
static int
breaks_wx(const struct frame *f, uint32_t rights)
{
	for (const struct mapping *m = f->maps; m; m = m->fnext) {
		if (((rights & RIGHT_WRITE) && (m->rights & RIGHT_EXEC)) ||
		    ((rights & RIGHT_EXEC) && (m->rights & RIGHT_WRITE)))
			return 1;
	}
	return 0;
}

int
frame_map(struct frame *f, struct vspace *vs, uint64_t va, uint32_t rights)
{
	struct mapping *m;
	int err = E_OK;
	uint32_t i;

	if (((rights & RIGHT_WRITE) && (rights & RIGHT_EXEC)) || breaks_wx(f, rights))
		return E_INVAL;
	/* Device registers and DMA buffers are never code. */
	if (f->kind != FRAME_RAM && (rights & RIGHT_EXEC))
		return E_INVAL;
	if (f->kind == FRAME_DEVICE && f->fn == NULL)
		return E_DEAD;
	if (f->kind == FRAME_DEVICE)
		rights |= VSPACE_UNCACHED;
	if ((m = memory_alloc(vs->mem, sizeof(*m))) == NULL)
		return E_NOMEM;
	for (i = 0; i < f->pages && err == E_OK; i++)
		err = vspace_map(vs, va + i * PAGE_SIZE, f->pa + i * PAGE_SIZE, rights);
	if (err != E_OK) {
		/* Page i - 1 failed: undo the ones before it. */
		for (i--; i > 0; i--)
			KASSERT(vspace_unmap(vs, va + (i - 1) * PAGE_SIZE) == E_OK);
		memory_free(vs->mem, m, sizeof(*m));
		return err;
	}
	m->frame = f;
	m->vs = vs;
	m->va = va;
	m->rights = rights & ~VSPACE_UNCACHED;
	m->fnext = f->maps;
	f->maps = m;
	m->vnext = vs->maps;
	vs->maps = m;
	return E_OK;
}

static void
unlink_from_vspace(struct mapping *m)
{
	struct mapping **pp = &m->vs->maps;

	while (*pp != m)
		pp = &(*pp)->vnext;
	*pp = m->vnext;
}

static void
unlink_from_frame(struct mapping *m)
{
	struct mapping **pp = &m->frame->maps;

	while (*pp != m)
		pp = &(*pp)->fnext;
	*pp = m->fnext;
}

int
frame_unmap(struct frame *f, struct vspace *vs, uint64_t va)
{
	for (struct mapping *m = f->maps; m; m = m->fnext) {
		if (m->vs == vs && m->va == va) {
			for (uint32_t i = 0; i < f->pages; i++)
				KASSERT(vspace_unmap(vs, va + i * PAGE_SIZE) == E_OK);
			unlink_from_frame(m);
			unlink_from_vspace(m);
			memory_free(vs->mem, m, sizeof(*m));
			return E_OK;
		}
	}
	return E_RANGE;
}

/*
 * Pages without a capability, like a module's image: their mapping owns
 * them, so they go when the address space does. Each new mapping is
 * pushed on the front of vs->maps; a failure pops the ones made so far.
 */
int
frame_map_anon(struct memory *m, struct vspace *vs, uint64_t va, uint64_t pages,
    uint32_t rights)
{
	for (uint64_t i = 0; i < pages; i++) {
		struct frame *f = frame_create(m, 1);
		int err = f ? frame_map(f, vs, va + i * PAGE_SIZE, rights) : E_NOMEM;

		if (err != E_OK) {
			if (f)
				frame_destroy(f);
			while (i-- > 0)
				frame_destroy(vs->maps->frame);
			return err;
		}
	}
	return E_OK;
}

void
frame_unmap_all(struct frame *f)
{
	while (f->maps)
		KASSERT(frame_unmap(f, f->maps->vs, f->maps->va) == E_OK);
}

void
frame_destroy(struct frame *f)
{
	/* A DMA frame leaves its device's reach before anything else. */
	if (f->kind == FRAME_DMA || f->kind == FRAME_DEVICE)
		pci_frame_release(f);
	frame_unmap_all(f);
	if (f->kind == FRAME_DEVICE) {		/* device memory: not ours to zero or free */
		memory_free(f->mem, f, sizeof(*f));
		return;
	}
	for (uint32_t i = 0; i < f->pages; i++)
		pmm_free(f->pa + i * PAGE_SIZE);	/* zeroes the page */
	memory_refund(f->mem, (uint64_t)f->pages * PAGE_SIZE);
	memory_free(f->mem, f, sizeof(*f));
}

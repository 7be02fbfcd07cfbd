/*
 * Starting a process from an ELF boot module: a memory quota, an address
 * space with the image and a stack (a guard page below it), a capability
 * space with the well-known slots, and a first thread. A module that
 * fails to load (a bad image, or a quota too small) is undone: every
 * page, table and object made for it is freed and its quota charged
 * nothing. And ending a process: the reaper's teardown.
 */
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/ceiling.h"
#include "kernel/kernel.h"
#include "kernel/obj/audit.h"
#include "kernel/obj/cnode.h"
#include "kernel/obj/device.h"
#include "kernel/obj/frame.h"
#include "kernel/obj/notification.h"
#include "kernel/obj/pci.h"
#include "kernel/obj/thread.h"
#include "kernel/proc.h"
#include "kernel/seal.h"
#include "lib/elf/elf64.h"
#include "lib/manifest/manifest.h"
#include "lib/libc/string.h"

#define STACK_TOP	0x00007fff00000000ULL
#define STACK_PAGES	16

static uint32_t next_pid = 1;
struct process *procs;

/* Maps fresh frames over [va, va+len), copying from src (src_len bytes). */
static int
map_copy(struct process *p, uint64_t va, uint64_t len, const uint8_t *src,
    uint64_t src_len, uint32_t rights)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		struct frame *f = frame_create(p->mem, 1);
		int err;

		if (f == NULL)
			return E_NOMEM;
		if (off < src_len) {
			uint64_t n = src_len - off < PAGE_SIZE ? src_len - off : PAGE_SIZE;
			memcpy(phys_to_virt(f->pa), src + off, n);
		}
		/* Image frames have no capability: their mappings own them. */
		if ((err = frame_map(f, p->vs, va + off, rights)) != E_OK) {
			frame_destroy(f);
			return err;
		}
	}
	return E_OK;
}

static uint32_t
segment_rights(uint32_t flags)
{
	uint32_t r = RIGHT_READ;

	if (flags & ELF64_PF_W)
		r |= RIGHT_WRITE;
	if (flags & ELF64_PF_X)
		r |= RIGHT_EXEC;
	return r;
}

static int
load_image(struct process *p, const uint8_t *image, uint64_t size,
    struct elf64_image *img)
{
	const char *why;
	int err;

	if ((why = elf64_parse(image, size, ELF64_LOWER_HALF, img)) != NULL) {
		printk("proc: module %s refused: %s\n", p->name, why);
		return E_INVAL;
	}
	for (int i = 0; i < img->nsegments; i++) {
		const struct elf64_segment *s = &img->seg[i];
		uint64_t len = (s->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

		err = map_copy(p, s->vaddr, len, image + s->offset, s->filesz,
		    segment_rights(s->flags));
		if (err != E_OK)
			return err;
	}
	/* The page below the stack stays unmapped: the guard. */
	return map_copy(p, STACK_TOP - STACK_PAGES * PAGE_SIZE,
	    STACK_PAGES * PAGE_SIZE, NULL, 0, RIGHT_READ | RIGHT_WRITE);
}

/* Undoes a process that could not be completed: frees its image and tables. */
static void
proc_abort(struct process *p)
{
	if (p->vs) {
		while (p->vs->maps) {
			struct frame *f = p->vs->maps->frame;

			frame_destroy(f);	/* image and stack frames: no capability */
		}
		vspace_destroy(p->vs);
	}
	if (p->cn)
		memory_free(p->mem, p->cn, sizeof(*p->cn));
	memory_free(p->mem, p, sizeof(*p));
}

struct process *
proc_create(const struct bootinfo_module *mod, struct memory *mem, int prio,
    uint64_t arg, int *err)
{
	struct process *p = memory_alloc(mem, sizeof(*p));
	struct elf64_image img;
	struct thread *t;

	*err = E_NOMEM;
	if (p == NULL)
		return NULL;
	memcpy(p->name, mod->name, strnlen(mod->name, sizeof(p->name) - 1));
	p->mem = mem;
	if ((p->vs = vspace_create(mem)) == NULL || (p->cn = cnode_create(mem)) == NULL) {
		proc_abort(p);
		return NULL;
	}
	if ((*err = load_image(p, phys_to_virt(mod->base), mod->size, &img)) != E_OK) {
		proc_abort(p);
		return NULL;
	}
	if ((t = thread_create(p, mem, img.entry, STACK_TOP, arg, prio)) == NULL) {
		*err = E_NOMEM;
		proc_abort(p);
		return NULL;
	}
	p->pid = next_pid++;
	KASSERT(cap_install(&p->cn_owner, &p->cn->hdr, RIGHTS_ALL) == E_OK);
	KASSERT(cap_install(&p->vs_owner, &p->vs->hdr, RIGHTS_ALL) == E_OK);
	KASSERT(cap_derive(&p->cn_owner, &p->cn->slots[SLOT_CNODE], RIGHTS_ALL, 0) == E_OK);
	KASSERT(cap_derive(&p->vs_owner, &p->cn->slots[SLOT_VSPACE], RIGHTS_ALL, 0) == E_OK);
	KASSERT(cap_install(&p->cn->slots[SLOT_THREAD], &t->hdr, RIGHTS_ALL) == E_OK);
	p->next = procs;
	procs = p;
	printk("proc: started %s (pid %u, entry %#llx, %llu KiB quota)\n", p->name,
	    p->pid, (unsigned long long)img.entry,
	    (unsigned long long)mem->limit / 1024);
	*err = E_OK;
	return p;
}

static struct kobj spawn_obj = { CAP_SPAWN, 0, 0 };
static struct kobj machine_obj = { CAP_MACHINE, 0, 0 };
static struct kobj counter_obj = { CAP_COUNTER, 0, 0 };

static void
unlink_process(struct process *p)
{
	struct process **pp = &procs;

	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
}

void
proc_exited(struct process *p)
{
	struct vspace *vs = p->vs;
	struct memory *mem = p->mem;
	struct cap quota = { 0 };

	printk("proc: %s (pid %u) ended\n", p->name, p->pid);
	if (p->exit_cap.obj != NULL) {
		notification_signal((struct notification *)p->exit_cap.obj,
		    p->exit_cap.badge ? p->exit_cap.badge : 1);
		cap_delete(&p->exit_cap, &kobj_ops);
	}
	/*
	 * Image and anonymous frames have no capability: destroy them;
	 * others just unmap. No CPU runs on vs any more (the reaper saw to
	 * it), so no TLB holds its entries.
	 */
	vs->dead = 1;
	while (vs->maps) {
		struct frame *f = vs->maps->frame;

		if (f->hdr.caps == 0)
			frame_destroy(f);
		else
			KASSERT(frame_unmap(f, vs, vs->maps->va) == E_OK);
	}
	/* The quota goes last: everything here is charged to it. */
	cap_move(&p->cn->slots[SLOT_MEMORY], &quota);	/* E_NOCAP if it gave its quota away */
	for (uint32_t i = 0; i < CNODE_SLOTS; i++)
		cap_delete(&p->cn->slots[i], &kobj_ops);
	/* Copies of our cnode and vspace capabilities elsewhere go now. */
	cap_revoke(&p->cn_owner, &kobj_ops);
	cap_revoke(&p->vs_owner, &kobj_ops);
	KASSERT(p->cn->hdr.caps == 1 && p->vs->hdr.caps == 1);
	cap_delete(&p->cn_owner, &kobj_ops);
	cap_delete(&p->vs_owner, &kobj_ops);
	seal_reap(timer_ticks);		/* seals of ours, or of what we held, that went */
	unlink_process(p);
	vspace_destroy(vs);
	memory_free(mem, p->cn, sizeof(*p->cn));
	memory_free(mem, p, sizeof(*p));
	cap_delete(&quota, &kobj_ops);
	if (cmdline_has("audit"))
		kobj_audit();
}

/*
 * One capability of the root set, cut down to what the module's ceiling
 * allows: a module that may not hold it as a service gets no more for
 * being chosen as the root task (init=NAME is not signed; the ceiling is).
 */
static void
give_root_cap(struct process *p, uint32_t slot, struct kobj *obj, uint32_t rights)
{
	uint32_t allowed = ceiling_limit(p->name, obj->type, rights);

	if (allowed != rights)
		printk("proc: %s's ceiling %s its %s capability\n", p->name,
		    allowed ? "narrows" : "withholds", manifest_cap_name(obj->type));
	if (allowed != 0)
		KASSERT(cap_install(&p->cn->slots[slot], obj, allowed) == E_OK);
}

struct process *
proc_start_root(const struct bootinfo_module *mod, uint64_t mem_limit, int prio,
    uint64_t arg)
{
	struct memory *mem = memory_create(mem_limit);
	struct process *p;
	int err;

	if (mem == NULL || (p = proc_create(mod, mem, prio, arg, &err)) == NULL) {
		printk("proc: cannot start %s\n", mod->name);
		return NULL;
	}
	KASSERT(cap_install(&p->cn->slots[SLOT_MEMORY], &mem->hdr, RIGHTS_ALL) == E_OK);
	give_root_cap(p, SLOT_CONSOLE, console_kobj(),
	    RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT | RIGHT_CONTROL);
	give_root_cap(p, SLOT_IOPORT, ioport_root(), RIGHTS_ALL);
	give_root_cap(p, SLOT_IRQ, irq_control(), RIGHTS_ALL);
	give_root_cap(p, SLOT_SPAWN, &spawn_obj, RIGHTS_ALL);
	give_root_cap(p, SLOT_MACHINE, &machine_obj, RIGHTS_ALL);
	give_root_cap(p, SLOT_PCI, pci_control(), RIGHTS_ALL);
	give_root_cap(p, SLOT_COUNTER, &counter_obj, RIGHTS_ALL);
	return p;
}

/*
 * The capability audit (see audit.h). Capabilities live in four kinds of
 * place: the slots of each live process's capability space, a process's
 * kernel-held originals of its cnode and vspace, a process's exit
 * notification, and the anchors of the seal table. Nothing else may
 * hold one for longer than a system call.
 */
#include "kernel/kernel.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/obj/audit.h"
#include "kernel/obj/cnode.h"
#include "kernel/obj/pci.h"
#include "kernel/proc.h"
#include "kernel/seal.h"

extern char __kernel_start[], __kernel_end[];

/* Calls fn on every capability slot the kernel knows of. */
static void
each_cap(void (*fn)(const struct cap *c, void *ctx), void *ctx)
{
	for (struct process *p = procs; p; p = p->next) {
		for (uint32_t i = 0; i < CNODE_SLOTS; i++)
			fn(&p->cn->slots[i], ctx);
		fn(&p->cn_owner, ctx);
		fn(&p->vs_owner, ctx);
		fn(&p->exit_cap, ctx);
	}
	for (struct seal_rec *r = seal_table.head; r; r = r->next)
		fn(&r->anchor, ctx);
}

struct count {
	const struct kobj *obj;
	uint32_t n;
};

static void
count_one(const struct cap *c, void *ctx)
{
	struct count *k = ctx;

	if (c->obj == k->obj)
		k->n++;
}

/* A kernel-image object (the root set) or a live heap object. */
static int
object_alive(const struct kobj *obj)
{
	const char *p = (const char *)obj;

	if (p >= __kernel_start && p < __kernel_end)
		return 1;
	return heap_size(&kernel_heap, obj) >= sizeof(*obj);
}

static void
problem(uint64_t *bad, const struct cap *c, const char *what)
{
	printk("audit: capability at %p (object %p): %s\n", (const void *)c,
	    (const void *)c->obj, what);
	(*bad)++;
}

/* The tree links around c agree with each other. */
static int
links_ok(const struct cap *c)
{
	if (c->next && c->next->prev != c)
		return 0;
	if (c->prev && c->prev->next != c)
		return 0;
	if (c->prev == NULL && c->parent && c->parent->child != c)
		return 0;
	if (c->child && c->child->parent != c)
		return 0;
	if (c->parent && (c->parent->obj != c->obj ||
	    (c->rights & ~c->parent->rights) != 0))
		return 0;
	return 1;
}

static void
check_one(const struct cap *c, void *ctx)
{
	uint64_t *bad = ctx;
	const char *why;
	struct count k;

	if (c->obj == NULL) {
		if (c->rights || c->badge || c->parent || c->child || c->next || c->prev)
			problem(bad, c, "empty slot with rights, badge or links");
		return;
	}
	if (!object_alive(c->obj)) {
		problem(bad, c, "names freed or foreign memory");
		return;
	}
	if (c->obj->type == CAP_NULL || c->obj->type >= CAP_TYPE_COUNT)
		problem(bad, c, "object of no known type");
	if (!links_ok(c))
		problem(bad, c, "derivation tree links disagree");
	if ((why = pci_audit(c->obj)) != NULL)
		problem(bad, c, why);
	k.obj = c->obj;
	k.n = 0;
	each_cap(count_one, &k);
	if (k.n != c->obj->caps) {
		printk("audit: object %p of type %u counts %u capabilities, %u found\n",
		    (const void *)c->obj, c->obj->type, c->obj->caps, k.n);
		(*bad)++;
	}
}

uint64_t
kobj_audit(void)
{
	uint64_t bad = 0;

	for (struct process *p = procs; p; p = p->next) {
		if (p->cn_owner.obj != &p->cn->hdr || p->vs_owner.obj != &p->vs->hdr) {
			printk("audit: %s (pid %u) lost its cnode or vspace original\n",
			    p->name, p->pid);
			bad++;
		}
	}
	each_cap(check_one, &bad);
	return bad;
}

/*
 * Kernel-memory quotas (see memory.h).
 */
#include "kernel/kernel.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/obj/memory.h"

static uint64_t next_id = 1;

uint64_t
kobj_new_id(void)
{
	return __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
}

struct memory *
memory_create(uint64_t limit)
{
	struct memory *m = kmalloc(sizeof(*m));

	if (m == NULL)
		return NULL;
	m->hdr.type = CAP_MEMORY;
	m->hdr.id = kobj_new_id();
	m->limit = limit;
	return m;
}

int
memory_charge(struct memory *m, uint64_t bytes)
{
	if (bytes > m->limit - m->used)
		return E_NOMEM;
	m->used += bytes;
	return E_OK;
}

void
memory_refund(struct memory *m, uint64_t bytes)
{
	if (bytes > m->used)
		panic("memory_refund: refund of %llu exceeds %llu used",
		    (unsigned long long)bytes, (unsigned long long)m->used);
	m->used -= bytes;
	/* A child quota nobody names any more goes home once it is empty. */
	if (m->used == 0 && m->hdr.caps == 0 && m->parent != NULL) {
		memory_refund(m->parent, m->limit);
		kfree(m);
	}
}

void *
memory_alloc(struct memory *m, uint64_t bytes)
{
	void *p;

	if (memory_charge(m, bytes) != E_OK)
		return NULL;
	if ((p = kmalloc(bytes)) == NULL)
		memory_refund(m, bytes);
	return p;
}

void
memory_free(struct memory *m, void *p, uint64_t bytes)
{
	kfree(p);
	memory_refund(m, bytes);
}

struct memory *
memory_split(struct memory *parent, uint64_t bytes)
{
	struct memory *m;

	if (memory_charge(parent, bytes) != E_OK)
		return NULL;
	if ((m = kmalloc(sizeof(*m))) == NULL) {
		memory_refund(parent, bytes);
		return NULL;
	}
	m->hdr.type = CAP_MEMORY;
	m->hdr.id = kobj_new_id();
	m->limit = bytes;
	m->parent = parent;
	return m;
}

void
memory_release(struct memory *m)
{
	if (m->parent == NULL || m->used != 0)
		return;
	memory_refund(m->parent, m->limit);
	kfree(m);
}

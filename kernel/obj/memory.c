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

/*
 * A child quota nobody names any more goes home once it is empty: its
 * limit and its own object go back to its parent, which may then go home
 * in turn. A loop, not recursion: the chain of quotas is as long as user
 * space made it.
 */
void
memory_refund(struct memory *m, uint64_t bytes)
{
	while (m != NULL) {
		struct memory *parent = m->parent;

		KASSERT(bytes <= m->used);
		m->used -= bytes;
		if (m->used != 0 || m->hdr.caps != 0 || parent == NULL)
			return;
		bytes = m->limit + sizeof(*m);
		kfree(m);
		m = parent;
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

/*
 * The child's object is charged to the parent along with the bytes it
 * carves out: a split of any size costs the parent at least one object,
 * so quotas cannot be multiplied for free.
 */
struct memory *
memory_split(struct memory *parent, uint64_t bytes)
{
	struct memory *m;

	if (bytes > UINT64_MAX - sizeof(*m) ||
	    memory_charge(parent, bytes + sizeof(*m)) != E_OK)
		return NULL;
	if ((m = kmalloc(sizeof(*m))) == NULL) {
		memory_refund(parent, bytes + sizeof(*m));
		return NULL;
	}
	m->hdr.type = CAP_MEMORY;
	m->hdr.id = kobj_new_id();
	m->limit = bytes;
	m->parent = parent;
	return m;
}

/* Its last capability gone, an empty child quota goes home as a refund would. */
void
memory_release(struct memory *m)
{
	memory_refund(m, 0);
}

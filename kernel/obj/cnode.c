/*
 * Capability spaces (see cnode.h).
 */
#include "kernel/kernel.h"
#include "kernel/obj/cnode.h"

struct cnode *
cnode_create(struct memory *m)
{
	struct cnode *cn = memory_alloc(m, sizeof(*cn));

	if (cn == NULL)
		return NULL;
	cn->hdr.type = CAP_CNODE;
	cn->hdr.id = kobj_new_id();
	cn->mem = m;
	return cn;
}

struct cap *
cnode_slot(struct cnode *cn, uint64_t idx)
{
	if (idx >= CNODE_SLOTS)
		return NULL;
	return &cn->slots[idx];
}

int
cnode_lookup(struct cnode *cn, uint64_t idx, uint32_t type, uint32_t need,
    struct cap **out)
{
	struct cap *c = cnode_slot(cn, idx);
	int err;

	if (c == NULL)
		return E_RANGE;
	if ((err = cap_check(c, type, need)) != E_OK)
		return err;
	*out = c;
	return E_OK;
}

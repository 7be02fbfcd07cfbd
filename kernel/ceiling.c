/*
 * Capability ceilings (see ceiling.h): a small table filled once at boot
 * from the verified manifest, read wherever a capability enters a
 * process.
 */
#include "kernel/ceiling.h"
#include "kernel/kernel.h"
#include "lib/abi/nonos.h"
#include "lib/bootinfo/bootinfo.h"
#include "lib/libc/string.h"

struct ceiling {
	char module[BOOTINFO_NAME_LEN];
	uint32_t rights[CAP_TYPE_COUNT];
};

static struct ceiling table[CEILING_MODULES];
static int nmodules;

static struct ceiling *
find(const char *module)
{
	for (int i = 0; i < nmodules; i++) {
		if (strcmp(table[i].module, module) == 0)
			return &table[i];
	}
	return NULL;
}

int
ceiling_set(const char *module, uint32_t type, uint32_t rights)
{
	struct ceiling *c = find(module);
	size_t n = strnlen(module, BOOTINFO_NAME_LEN);

	if (type >= CAP_TYPE_COUNT || n == 0 || n == BOOTINFO_NAME_LEN)
		return E_INVAL;
	if (c == NULL) {
		if (nmodules == CEILING_MODULES)
			return E_NOMEM;
		c = &table[nmodules++];
		memcpy(c->module, module, n + 1);
	}
	c->rights[type] |= rights;
	return E_OK;
}

uint32_t
ceiling_limit(const char *module, uint32_t type, uint32_t rights)
{
	const struct ceiling *c = find(module);

	if (c == NULL || type >= CAP_TYPE_COUNT)
		return 0;
	return rights & c->rights[type];
}

int
ceiling_allows(const char *module, uint32_t type, uint32_t rights)
{
	const struct ceiling *c = find(module);

	if (c == NULL)
		return 0;
	/* A type outside the ceiling may not be held at all, not even with no rights. */
	if (type >= CAP_TYPE_COUNT || c->rights[type] == 0)
		return 0;
	return (rights & ~c->rights[type]) == 0;
}

int
ceiling_derive(const char *module, struct cap *src, struct cap *dst)
{
	uint32_t rights;

	if (src->obj == NULL)
		return E_NOCAP;
	if ((rights = ceiling_limit(module, src->obj->type, src->rights)) == 0)
		return E_CEILING;
	return cap_derive(src, dst, rights, 0);
}

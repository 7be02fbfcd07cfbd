/*
 * libFuzzer target for lib/gpt: the input is a whole disk of 512-byte
 * sectors. No input may read outside the disk (the read callback refuses,
 * and ASan watches the buffers), and every table it accepts keeps its
 * partitions inside the usable range and apart from each other.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/gpt/gpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct image {
	const uint8_t *data;
	size_t size;
};

static int
read_image(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct image *im = ctx;

	if (off > im->size || len > im->size - off)
		abort();	/* gpt_read must never ask beyond the disk */
	memcpy(buf, im->data + off, len);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gpt g;
	struct image im = { data, size };
	struct gpt_disk d = { read_image, &im, size, 512 };

	if (gpt_read(&d, &g) != NULL)
		return 0;
	if (g.nparts > GPT_MAX_PARTS || g.last_usable >= g.sectors)
		abort();
	for (uint32_t i = 0; i < g.nparts; i++) {
		const struct gpt_part *p = &g.part[i];

		if (p->first > p->last || p->first < g.first_usable ||
		    p->last > g.last_usable || strlen(p->name) > GPT_NAME_LEN)
			abort();
		for (uint32_t k = 0; k < i; k++)
			if (p->first <= g.part[k].last && g.part[k].first <= p->last)
				abort();
	}
	(void)gpt_find(&g, gpt_type_nonos_persist);
	return 0;
}

/*
 * Slab and page-run allocator. See heap.h for the invariants.
 */
#include "lib/heap/heap.h"
#include "lib/libc/string.h"

#define SLAB_MAGIC	0x534c4142u	/* "SLAB" */
#define LARGE_MAGIC	0x4c524745u	/* "LRGE" */
#define HEADER_BYTES	128
#define LARGE_OFFSET	64
#define MAX_OBJS	((HEAP_PAGE - HEADER_BYTES) / 16)

struct slab {
	uint32_t magic;
	uint16_t cls;		/* size class index */
	uint16_t nfree;
	uint16_t nobj;
	uint16_t start;		/* offset of the first object */
	uint32_t pad;
	uint64_t npages;	/* large runs only */
	struct slab *next, *prev;
	uint64_t used[(MAX_OBJS + 63) / 64];
};

_Static_assert(sizeof(struct slab) <= HEADER_BYTES, "slab header too big");

static size_t
class_size(int cls)
{
	return (size_t)16 << cls;
}

static int
size_class(size_t size)
{
	int cls = 0;

	while (class_size(cls) < size)
		cls++;
	return cls;
}

static struct slab *
page_of(const void *p)
{
	return (struct slab *)((uintptr_t)p & ~(uintptr_t)(HEAP_PAGE - 1));
}

static void
list_remove(struct heap *h, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		h->partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static void
list_push(struct heap *h, struct slab *s)
{
	s->prev = NULL;
	s->next = h->partial[s->cls];
	if (s->next)
		s->next->prev = s;
	h->partial[s->cls] = s;
}

void
heap_init(struct heap *h, const struct heap_pages *src)
{
	memset(h, 0, sizeof(*h));
	h->src = *src;
}

static struct slab *
slab_new(struct heap *h, int cls)
{
	size_t size = class_size(cls);
	struct slab *s = h->src.alloc(h->src.ctx, 1);

	if (s == NULL)
		return NULL;
	h->pages_in_use++;
	s->magic = SLAB_MAGIC;
	s->cls = (uint16_t)cls;
	/* Objects are aligned to their size (up to the header size). */
	s->start = (uint16_t)(size < HEADER_BYTES ? HEADER_BYTES : size);
	s->nobj = (uint16_t)((HEAP_PAGE - s->start) / size);
	s->nfree = s->nobj;
	list_push(h, s);
	return s;
}

static void *
alloc_small(struct heap *h, size_t size)
{
	int cls = size_class(size);
	struct slab *s = h->partial[cls];

	if (s == NULL && (s = slab_new(h, cls)) == NULL)
		return NULL;
	for (uint16_t w = 0; w * 64 < s->nobj; w++) {
		uint64_t i;

		if (s->used[w] == ~0ULL)
			continue;
		i = (uint64_t)w * 64 + (uint64_t)__builtin_ctzll(~s->used[w]);
		if (i >= s->nobj)
			break;
		s->used[w] |= 1ULL << (i % 64);
		if (--s->nfree == 0)
			list_remove(h, s);
		h->bytes_in_use += class_size(cls);
		return (uint8_t *)s + s->start + i * class_size(cls);
	}
	return NULL;	/* unreachable: a listed slab has a free object */
}

static void *
alloc_large(struct heap *h, size_t size)
{
	size_t npages = (size + LARGE_OFFSET + HEAP_PAGE - 1) / HEAP_PAGE;
	struct slab *s = h->src.alloc(h->src.ctx, npages);

	if (s == NULL)
		return NULL;
	s->magic = LARGE_MAGIC;
	s->npages = npages;
	h->pages_in_use += npages;
	h->bytes_in_use += npages * HEAP_PAGE;
	return (uint8_t *)s + LARGE_OFFSET;
}

void *
heap_alloc(struct heap *h, size_t size)
{
	if (size == 0 || size > HEAP_MAX_BYTES)
		return NULL;
	if (size <= HEAP_MAX_SMALL)
		return alloc_small(h, size);
	return alloc_large(h, size);
}

/* Index of p in slab s, or -1 when p is not the start of an object. */
static long
object_index(const struct slab *s, const void *p)
{
	size_t off = (size_t)((const uint8_t *)p - (const uint8_t *)s);
	size_t size = class_size(s->cls);

	if (off < s->start || (off - s->start) % size != 0)
		return -1;
	if ((off - s->start) / size >= s->nobj)
		return -1;
	return (long)((off - s->start) / size);
}

static enum heap_error
free_large(struct heap *h, struct slab *s, void *p)
{
	size_t npages = s->npages;

	if ((uint8_t *)p != (uint8_t *)s + LARGE_OFFSET)
		return HEAP_EINVAL;
	h->pages_in_use -= npages;
	h->bytes_in_use -= npages * HEAP_PAGE;
	memset(s, 0, npages * HEAP_PAGE);
	h->src.free(h->src.ctx, s, npages);
	return HEAP_OK;
}

enum heap_error
heap_free(struct heap *h, void *p)
{
	struct slab *s;
	long i;

	if (p == NULL)
		return HEAP_OK;
	s = page_of(p);
	if (s->magic == LARGE_MAGIC)
		return free_large(h, s, p);
	if (s->magic != SLAB_MAGIC || (i = object_index(s, p)) < 0)
		return HEAP_EINVAL;
	if (!(s->used[i / 64] & (1ULL << (i % 64))))
		return HEAP_EDOUBLE;
	s->used[i / 64] &= ~(1ULL << (i % 64));
	memset(p, 0, class_size(s->cls));
	h->bytes_in_use -= class_size(s->cls);
	if (s->nfree++ == 0)
		list_push(h, s);
	if (s->nfree == s->nobj) {
		list_remove(h, s);
		memset(s, 0, HEADER_BYTES);
		h->src.free(h->src.ctx, s, 1);
		h->pages_in_use--;
	}
	return HEAP_OK;
}

size_t
heap_size(const struct heap *h, const void *p)
{
	const struct slab *s = page_of(p);
	long i;

	(void)h;
	if (s->magic == LARGE_MAGIC && (const uint8_t *)p == (const uint8_t *)s + LARGE_OFFSET)
		return s->npages * HEAP_PAGE - LARGE_OFFSET;
	if (s->magic != SLAB_MAGIC || (i = object_index(s, p)) < 0)
		return 0;
	if (!(s->used[i / 64] & (1ULL << (i % 64))))
		return 0;
	return class_size(s->cls);
}

/*
 * Split virtqueues (virtio 1.x §2.7), driver side: one descriptor per
 * buffer, private bookkeeping, and every value the device writes checked
 * before use (virtq.h says which).
 */
#include "lib/virtio/virtq.h"

#include <stddef.h>

#include "lib/libc/string.h"

#define USED_ALIGN	64u	/* the used ring on its own cache lines */

static uint32_t
used_offset(uint16_t size)
{
	uint32_t end = 16u * size + 6u + 2u * size;

	return (end + USED_ALIGN - 1) & ~(USED_ALIGN - 1);
}

uint32_t
virtq_bytes(uint16_t size)
{
	return used_offset(size) + 6u + 8u * size;
}

int
virtq_init(struct virtq *q, uint16_t size, void *va, uint64_t dev, uint32_t len)
{
	uint8_t *base = va;

	if (size == 0 || size > VIRTQ_MAX || (size & (size - 1)) != 0 ||
	    len < virtq_bytes(size) || ((uintptr_t)va & 15) != 0 || (dev & 15) != 0)
		return -1;
	memset(q, 0, sizeof(*q));
	memset(va, 0, virtq_bytes(size));
	q->size = size;
	q->desc = (volatile struct virtq_desc *)base;
	q->avail = (volatile uint16_t *)(base + 16u * size);
	q->used_hdr = (volatile uint16_t *)(base + used_offset(size));
	q->used_ring = (volatile struct virtq_used_elem *)(base + used_offset(size) + 4);
	q->desc_dev = dev;
	q->avail_dev = dev + 16u * size;
	q->used_dev = dev + used_offset(size);
	for (uint16_t i = 0; i < size; i++)
		q->free_ids[i] = (uint16_t)(size - 1 - i);
	q->nfree = size;
	return 0;
}

int
virtq_add(struct virtq *q, uint64_t addr, uint32_t len, int writable)
{
	uint16_t id;

	if (q->nfree == 0 || len == 0 || q->broken)
		return -1;
	id = q->free_ids[--q->nfree];
	q->desc[id].addr = addr;
	q->desc[id].len = len;
	q->desc[id].flags = writable ? VIRTQ_DESC_F_WRITE : 0;
	q->desc[id].next = 0;
	q->outstanding[id] = 1;
	q->buf_len[id] = len;
	q->avail[2 + (q->avail_idx & (q->size - 1))] = id;
	q->avail_idx++;
	return id;
}

void
virtq_publish(struct virtq *q)
{
	/* The descriptors and ring slots before the index (§2.7.13.3.1). */
	__atomic_store_n(&q->avail[1], q->avail_idx, __ATOMIC_RELEASE);
}

int
virtq_kick_needed(struct virtq *q)
{
	uint16_t flags;

	if (q->kicked_idx == q->avail_idx)
		return 0;
	/* The index store must be visible before the device's flag is read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = q->used_hdr[0];
	if (flags & VIRTQ_USED_F_NO_NOTIFY)
		return 0;
	q->kicked_idx = q->avail_idx;
	return 1;
}

void
virtq_interrupts(struct virtq *q, int on)
{
	q->avail[0] = on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Entries the device says it used beyond last_used; breaks the queue on an impossible count. */
static uint16_t
used_count(struct virtq *q)
{
	uint16_t idx, n;

	if (q->broken)
		return 0;
	idx = __atomic_load_n(&q->used_hdr[1], __ATOMIC_ACQUIRE);
	n = (uint16_t)(idx - q->last_used);
	if (n > q->size) {
		q->broken = 1;
		q->errors++;
		return 0;
	}
	return n;
}

uint16_t
virtq_pending(struct virtq *q)
{
	return used_count(q);
}

int
virtq_get(struct virtq *q, uint16_t *id, uint32_t *len)
{
	struct virtq_used_elem e;

	if (used_count(q) == 0)
		return q->broken ? -1 : 0;
	e.id = q->used_ring[q->last_used & (q->size - 1)].id;
	e.len = q->used_ring[q->last_used & (q->size - 1)].len;
	q->last_used++;
	if (e.id >= q->size || !q->outstanding[e.id]) {
		q->errors++;
		return -1;
	}
	q->outstanding[e.id] = 0;
	q->free_ids[q->nfree++] = (uint16_t)e.id;
	*id = (uint16_t)e.id;
	*len = e.len;
	if (e.len > q->buf_len[e.id]) {
		q->errors++;
		*len = 0;
	}
	return 1;
}

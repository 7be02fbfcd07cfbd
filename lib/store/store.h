/*
 * The persistence partition: where `persist` keeps one vault (lib/vault)
 * so that an interrupted or corrupted save never loses the previous good
 * one. docs/vault-format.md, "The persistence partition", is the on-disk
 * description; in short:
 *
 *   [0, 4 KiB)          head 0: describes the vault in slot 0
 *   [4 KiB, 8 KiB)      head 1: describes the vault in slot 1
 *   [8 KiB, 8 KiB + S)  slot 0
 *   [8 KiB + S, ...)    slot 1       (S = the rest halved, in 4 KiB blocks)
 *
 * A save of generation g goes out of place into the slot the newest
 * vault is not in: data, flush, that slot's head, flush. The newest valid
 * head whose data still hashes right wins, so after a crash at any point
 * the disk yields the new generation or the one before it, and a damaged
 * newest copy (head or data) falls back to the older one. Heads hold no
 * secret: the vault inside is encrypted and authenticated by itself;
 * the hashes here only detect damage and torn writes.
 */
#ifndef LIB_STORE_STORE_H
#define LIB_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/blake3.h"

#define STORE_BLOCK	4096u
#define STORE_SLOTS	2
#define STORE_MIN	(4 * STORE_BLOCK)	/* two heads and a block per slot */

enum store_error {
	STORE_OK = 0,
	STORE_EIO = -1,		/* the device reported an error */
	STORE_ESPACE = -2,	/* the vault does not fit in a slot */
	STORE_ESMALL = -3,	/* the partition is too small for the layout */
	STORE_ESTATE = -4,	/* writer used after an error or twice finished */
};

/*
 * A partition. Offsets are bytes from its start. write may land in any
 * order and only partly until flush returns; flush makes every earlier
 * write durable (for a disk: wait for them, then a cache flush).
 */
struct store_dev {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
	int (*flush)(void *ctx);
	void *ctx;
	uint64_t size;
};

/* What a head says; generation 0 means "none". */
struct store_head {
	uint64_t generation;
	uint32_t slot;
	uint64_t length;	/* vault bytes at the slot's start */
	uint8_t hash[32];	/* BLAKE3 of those bytes */
};

struct store_scan {
	struct store_head best;		/* the newest valid vault, or generation 0 */
	struct store_head older;	/* the other valid one, or generation 0 */
	unsigned damaged;		/* bit i: head i was written but is not valid now */
};

/* Bytes a slot holds on this partition (0 when it is too small). */
uint64_t store_slot_bytes(uint64_t partition_size);
/* Byte offset of slot i's first byte. */
uint64_t store_slot_offset(uint64_t partition_size, uint32_t slot);

/*
 * Reads both heads and checks each one's vault against its hash. STORE_OK
 * (even when no vault is there: best.generation 0), or STORE_EIO,
 * STORE_ESMALL.
 */
int store_scan(const struct store_dev *d, struct store_scan *s);

/* Writing one generation: begin, write the vault's bytes in order, finish. */
struct store_writer {
	const struct store_dev *d;
	struct store_head head;		/* what finish will write */
	uint64_t base;			/* the slot's offset */
	uint64_t cap;			/* the slot's size */
	struct blake3 hash;
	uint8_t block[STORE_BLOCK];
	uint32_t fill;			/* bytes waiting in block */
	int err;			/* the first error; sticks */
	int done;
};

/*
 * Starts generation max(s->best.generation, floor) + 1 (or + 2, so that
 * it goes to the slot the best vault is not in). floor: the highest
 * generation ever written as far as the caller knows (its rollback
 * counter), so that generations never repeat.
 */
int store_begin(struct store_writer *w, const struct store_dev *d,
    const struct store_scan *s, uint64_t floor);
int store_write(struct store_writer *w, const void *buf, size_t len);
/* Pads the last block, flushes, writes the head, flushes. STORE_OK or the first error. */
int store_finish(struct store_writer *w);

/* Reads len bytes at off within the vault a head describes: 0, or STORE_EIO. */
int store_read_vault(const struct store_dev *d, const struct store_head *h,
    uint64_t off, void *buf, size_t len);

const char *store_strerror(int err);

#endif

/*
 * GUID partition tables (UEFI 2.10, chapter 5.3), read from an untrusted
 * disk: every field is checked against the disk's size and the others
 * before it is used, both CRCs are verified, and the backup table is used
 * when the primary one is damaged. Portable: the same code reads images
 * on the host (nonos-vault --image) and disks inside NØNOS.
 */
#ifndef LIB_GPT_GPT_H
#define LIB_GPT_GPT_H

#include <stddef.h>
#include <stdint.h>

#define GPT_MAX_PARTS	128	/* used entries we keep; more is refused */
#define GPT_NAME_LEN	36	/* UTF-16 code units in an entry's name */

/* The type GUID of NØNOS's persistence partition, in on-disk byte order. */
extern const uint8_t gpt_type_nonos_persist[16];

struct gpt_part {
	uint32_t index;		/* entry number, from 0 */
	uint8_t type[16];	/* on-disk byte order */
	uint8_t guid[16];
	uint64_t first, last;	/* sectors, inclusive */
	uint64_t attrs;
	char name[GPT_NAME_LEN + 1];	/* ASCII; other characters as '?' */
};

struct gpt {
	uint32_t sector;		/* bytes per sector */
	uint64_t sectors;		/* of the whole disk */
	uint8_t guid[16];
	uint64_t first_usable, last_usable;
	int from_backup;		/* the primary table was damaged */
	uint32_t nparts;
	struct gpt_part part[GPT_MAX_PARTS];
};

/* Reads len bytes at byte offset off of the disk: 0, or -1 on an I/O error. */
struct gpt_disk {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
	uint64_t size;		/* bytes */
	uint32_t sector;	/* 512 or 4096 */
};

/* Fills g from the disk: NULL, or what was wrong (the primary's fault when both are bad). */
const char *gpt_read(const struct gpt_disk *d, struct gpt *g);

/* The first partition of type type, or NULL. */
const struct gpt_part *gpt_find(const struct gpt *g, const uint8_t type[16]);

#endif

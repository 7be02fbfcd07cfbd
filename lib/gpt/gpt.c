/*
 * GPT reading. The order of the checks matters: the header's own size and
 * CRC first, then every location against the disk, then the entries and
 * their CRC, then each partition against the usable range and the others.
 * Nothing read from the disk is used as a size or an offset before it has
 * been checked.
 */
#include "lib/gpt/gpt.h"

#include "lib/gpt/crc32.h"
#include "lib/libc/string.h"

#define HDR_MIN		92u
#define ENTRY_MIN	128u
#define ENTRIES_MAX	4096u		/* entries in the array */
#define ENTRY_MAX	4096u		/* bytes per entry */
#define REVISION	0x00010000u

const uint8_t gpt_type_nonos_persist[16] = {
	0xfb, 0xdd, 0x54, 0x31, 0x7b, 0xdc, 0xf1, 0x49,
	0x8c, 0xfb, 0x3e, 0xed, 0x5f, 0xe1, 0x01, 0xdf,
};

struct header {
	uint64_t my_lba, alt_lba, first_usable, last_usable, entries_lba;
	uint32_t nentries, entry_size, entries_crc;
	uint8_t guid[16];
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int
is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* The header at lba, checked on its own and against the disk. */
static const char *
read_header(const struct gpt_disk *d, uint64_t sectors, uint64_t lba,
    struct header *h, uint8_t *sec)
{
	uint32_t size, crc;
	uint64_t entry_sectors;

	if (d->read(d->ctx, lba * d->sector, sec, d->sector) != 0)
		return "read error";
	if (memcmp(sec, "EFI PART", 8) != 0)
		return "no GPT signature";
	if (le32(sec + 8) != REVISION)
		return "unknown GPT revision";
	size = le32(sec + 12);
	if (size < HDR_MIN || size > d->sector)
		return "bad GPT header size";
	crc = le32(sec + 16);
	memset(sec + 16, 0, 4);
	if (crc32_update(0, sec, size) != crc)
		return "GPT header checksum mismatch";
	if (le32(sec + 20) != 0)
		return "GPT header reserved field not zero";
	h->my_lba = le64(sec + 24);
	h->alt_lba = le64(sec + 32);
	h->first_usable = le64(sec + 40);
	h->last_usable = le64(sec + 48);
	memcpy(h->guid, sec + 56, 16);
	h->entries_lba = le64(sec + 72);
	h->nentries = le32(sec + 80);
	h->entry_size = le32(sec + 84);
	h->entries_crc = le32(sec + 88);
	if (h->my_lba != lba)
		return "GPT header not where it says it is";
	if (h->first_usable > h->last_usable || h->last_usable >= sectors - 1 ||
	    h->first_usable < 2)
		return "bad GPT usable range";
	if (h->entry_size < ENTRY_MIN || h->entry_size > ENTRY_MAX ||
	    (h->entry_size & (h->entry_size - 1)) != 0)
		return "bad GPT entry size";
	if (h->nentries == 0 || h->nentries > ENTRIES_MAX)
		return "bad GPT entry count";
	entry_sectors = ((uint64_t)h->nentries * h->entry_size + d->sector - 1) /
	    d->sector;
	/* The array lies outside the usable range and inside the disk. */
	if (h->entries_lba < 2 || h->entries_lba >= sectors ||
	    entry_sectors > sectors - h->entries_lba)
		return "GPT entries outside the disk";
	if (lba >= h->entries_lba && lba < h->entries_lba + entry_sectors)
		return "GPT entries overlap their header";
	if (h->entries_lba <= h->last_usable &&
	    h->entries_lba + entry_sectors > h->first_usable)
		return "GPT entries overlap the usable range";
	return NULL;
}

static void
copy_name(char *out, const uint8_t *p)
{
	for (int i = 0; i < GPT_NAME_LEN; i++) {
		uint16_t c = (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);

		if (c == 0) {
			out[i] = '\0';
			return;
		}
		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[GPT_NAME_LEN] = '\0';
}

/* One entry: recorded if used, after its range checks. */
static const char *
take_entry(struct gpt *g, const struct header *h, const uint8_t *e, uint32_t index)
{
	struct gpt_part *p;

	if (is_zero(e, 16))
		return NULL;
	if (g->nparts == GPT_MAX_PARTS)
		return "too many partitions";
	p = &g->part[g->nparts];
	p->index = index;
	memcpy(p->type, e, 16);
	memcpy(p->guid, e + 16, 16);
	p->first = le64(e + 32);
	p->last = le64(e + 40);
	p->attrs = le64(e + 48);
	copy_name(p->name, e + 56);
	if (p->first > p->last || p->first < h->first_usable ||
	    p->last > h->last_usable)
		return "partition outside the usable range";
	for (uint32_t i = 0; i < g->nparts; i++)
		if (p->first <= g->part[i].last && g->part[i].first <= p->last)
			return "partitions overlap";
	g->nparts++;
	return NULL;
}

/* Reads the entry array a sector at a time, checking its CRC as it goes. */
static const char *
read_entries(const struct gpt_disk *d, const struct header *h, struct gpt *g,
    uint8_t *sec)
{
	uint64_t total = (uint64_t)h->nentries * h->entry_size, done = 0;
	uint64_t off = h->entries_lba * d->sector;
	uint32_t crc = 0, index = 0;
	const char *err = NULL;

	g->nparts = 0;
	while (done < total) {
		uint32_t n = total - done < d->sector ? (uint32_t)(total - done) :
		    d->sector;

		if (d->read(d->ctx, off + done, sec, d->sector) != 0)
			return "read error";
		crc = crc32_update(crc, sec, n);
		/*
		 * Entry sizes are powers of two from 128 bytes, so an entry
		 * starts at a multiple of 128 and its first 128 bytes (all we
		 * read) never straddle two sectors.
		 */
		for (uint32_t at = 0; at < n; at += ENTRY_MIN) {
			uint64_t pos = done + at;

			if (pos % h->entry_size != 0 || err != NULL)
				continue;
			err = take_entry(g, h, sec + at, index++);
		}
		done += n;
	}
	if (crc != h->entries_crc)
		return "GPT entries checksum mismatch";
	return err;
}

static const char *
read_table(const struct gpt_disk *d, uint64_t sectors, uint64_t lba,
    struct gpt *g, uint8_t *sec)
{
	struct header h;
	const char *err;

	if ((err = read_header(d, sectors, lba, &h, sec)) != NULL)
		return err;
	if ((err = read_entries(d, &h, g, sec)) != NULL)
		return err;
	memcpy(g->guid, h.guid, 16);
	g->first_usable = h.first_usable;
	g->last_usable = h.last_usable;
	return NULL;
}

const char *
gpt_read(const struct gpt_disk *d, struct gpt *g)
{
	uint8_t sec[4096];
	uint64_t sectors;
	const char *err;

	memset(g, 0, sizeof *g);
	if (d->sector != 512 && d->sector != 4096)
		return "unsupported sector size";
	sectors = d->size / d->sector;
	if (sectors < 6)
		return "disk too small for a GPT";
	g->sector = d->sector;
	g->sectors = sectors;
	if ((err = read_table(d, sectors, 1, g, sec)) == NULL)
		return NULL;
	/* The backup header is in the disk's last sector. */
	if (read_table(d, sectors, sectors - 1, g, sec) == NULL) {
		g->from_backup = 1;
		return NULL;
	}
	memset(g, 0, sizeof *g);
	return err;
}

const struct gpt_part *
gpt_find(const struct gpt *g, const uint8_t type[16])
{
	for (uint32_t i = 0; i < g->nparts; i++)
		if (memcmp(g->part[i].type, type, 16) == 0)
			return &g->part[i];
	return NULL;
}

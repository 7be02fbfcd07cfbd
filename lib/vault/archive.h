/*
 * The vault payload's archive (docs/vault-format.md, "Archive"): entries of
 * type, mode, path, size and data, then an end marker. Encoding, and a
 * push parser that checks every entry (path rules included) before it
 * reports it.
 */
#ifndef LIB_VAULT_ARCHIVE_H
#define LIB_VAULT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/path/path.h"

#define ARCHIVE_END	0
#define ARCHIVE_FILE	1
#define ARCHIVE_DIR	2
#define ARCHIVE_MODE_MAX	0777
/* type (1), mode (2), path length (2), path, size (8) */
#define ARCHIVE_HEAD_MAX	(5 + PATH_MAX_LEN + 8)

struct archive_entry {
	uint8_t type;
	uint16_t mode;
	uint16_t pathlen;
	char path[PATH_MAX_LEN + 1];	/* NUL-terminated */
	uint64_t size;
};

/*
 * The parser's callbacks: entry() for each entry after its checks,
 * data() with its bytes (size in total, in pieces), end() at the end
 * marker. A nonzero return stops the parser with that value.
 */
struct archive_ops {
	int (*entry)(void *ctx, const struct archive_entry *e);
	int (*data)(void *ctx, const uint8_t *buf, size_t len);
	int (*end)(void *ctx);
	void *ctx;
};

enum archive_state { AR_TYPE, AR_HEAD, AR_PATH, AR_SIZE, AR_DATA, AR_DONE };

struct archive_parser {
	const struct archive_ops *ops;
	enum archive_state state;
	uint8_t field[8];
	size_t have, need;
	uint64_t left;			/* data bytes still to come */
	struct archive_entry e;
};

/*
 * Encodes an entry's header into buf (ARCHIVE_HEAD_MAX bytes is always
 * enough); returns its length, or 0 if the entry breaks a rule.
 */
size_t archive_encode_entry(uint8_t *buf, size_t cap, uint8_t type,
    uint16_t mode, const char *path, uint64_t size);

void archive_parser_init(
    struct archive_parser *p, const struct archive_ops *ops);
/* VAULT_EARCHIVE, VAULT_EPATH, or a callback's nonzero return. */
int archive_feed(struct archive_parser *p, const uint8_t *buf, size_t len);
/* VAULT_EARCHIVE unless the end marker was seen. */
int archive_finish(const struct archive_parser *p);

#endif

/*
 * The payload archive: entry encoding and a streaming parser. The parser
 * holds no more than one entry header; data passes straight through.
 */
#include <string.h>

#include "lib/vault/archive.h"
#include "lib/vault/bytes.h"
#include "lib/vault/vault.h"

size_t
archive_encode_entry(uint8_t *buf, size_t cap, uint8_t type, uint16_t mode,
    const char *path, uint64_t size)
{
	size_t len = strlen(path);

	if ((type != ARCHIVE_FILE && type != ARCHIVE_DIR) ||
	    mode > ARCHIVE_MODE_MAX || !path_is_safe(path, len) ||
	    (type == ARCHIVE_DIR && size != 0) || cap < 13 + len)
		return 0;
	buf[0] = type;
	put16(buf + 1, mode);
	put16(buf + 3, (uint16_t)len);
	memcpy(buf + 5, path, len);
	put64(buf + 5 + len, size);
	return 13 + len;
}

void
archive_parser_init(struct archive_parser *p, const struct archive_ops *ops)
{
	memset(p, 0, sizeof *p);
	p->ops = ops;
	p->state = AR_TYPE;
	p->need = 1;
}

static void
expect(struct archive_parser *p, enum archive_state s, size_t need)
{
	p->state = s;
	p->need = need;
	p->have = 0;
}

/* Checks a complete entry header and reports it. */
static int
entry_done(struct archive_parser *p)
{
	struct archive_entry *e = &p->e;
	int r;

	e->path[e->pathlen] = '\0';
	if (!path_is_safe(e->path, e->pathlen))
		return VAULT_EPATH;
	if (e->type == ARCHIVE_DIR && e->size != 0)
		return VAULT_EARCHIVE;
	if ((r = p->ops->entry(p->ops->ctx, e)) != 0)
		return r;
	p->left = e->size;
	expect(p, AR_DATA, 0);
	if (p->left == 0)
		expect(p, AR_TYPE, 1);
	return VAULT_OK;
}

/* Acts on a complete fixed field. */
static int
field_done(struct archive_parser *p)
{
	struct archive_entry *e = &p->e;

	switch (p->state) {
	case AR_TYPE:
		e->type = p->field[0];
		if (e->type == ARCHIVE_END) {
			p->state = AR_DONE;
			return p->ops->end != NULL ? p->ops->end(p->ops->ctx)
						   : 0;
		}
		if (e->type != ARCHIVE_FILE && e->type != ARCHIVE_DIR)
			return VAULT_EARCHIVE;
		expect(p, AR_HEAD, 4);
		return VAULT_OK;
	case AR_HEAD:
		e->mode = be16(p->field);
		e->pathlen = be16(p->field + 2);
		if (e->mode > ARCHIVE_MODE_MAX)
			return VAULT_EARCHIVE;
		if (e->pathlen == 0 || e->pathlen > PATH_MAX_LEN)
			return VAULT_EPATH;
		expect(p, AR_PATH, e->pathlen);
		return VAULT_OK;
	case AR_SIZE:
		e->size = be64(p->field);
		return entry_done(p);
	default:
		return VAULT_EARCHIVE;
	}
}

int
archive_feed(struct archive_parser *p, const uint8_t *buf, size_t len)
{
	size_t n;
	int r;

	while (len > 0) {
		switch (p->state) {
		case AR_DONE:
			return VAULT_EARCHIVE; /* bytes after the end marker */
		case AR_DATA:
			n = p->left < len ? (size_t)p->left : len;
			if ((r = p->ops->data(p->ops->ctx, buf, n)) != 0)
				return r;
			p->left -= n;
			if (p->left == 0)
				expect(p, AR_TYPE, 1);
			break;
		case AR_PATH:
			n = p->need - p->have < len ? p->need - p->have : len;
			memcpy(p->e.path + p->have, buf, n);
			p->have += n;
			if (p->have == p->need)
				expect(p, AR_SIZE, 8);
			break;
		default:
			n = p->need - p->have < len ? p->need - p->have : len;
			memcpy(p->field + p->have, buf, n);
			p->have += n;
			if (p->have == p->need &&
			    (r = field_done(p)) != VAULT_OK)
				return r;
			break;
		}
		buf += n;
		len -= n;
	}
	return VAULT_OK;
}

int
archive_finish(const struct archive_parser *p)
{
	return p->state == AR_DONE ? VAULT_OK : VAULT_EARCHIVE;
}

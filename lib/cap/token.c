/*
 * Sealed capability tokens (see token.h).
 */
#include "lib/cap/token.h"
#include "lib/crypto/blake3.h"
#include "lib/libc/string.h"

#define FIELDS_LEN	48
#define MAC_LEN		32
#define DOMAIN		"NONOS capability token v1"

struct fields {
	uint8_t version;
	uint8_t type;
	uint16_t rights;
	uint64_t id;
	uint64_t badge;
	uint64_t expiry;
	uint64_t nonce;
};

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
encode(const struct fields *f, uint8_t out[FIELDS_LEN])
{
	memset(out, 0, FIELDS_LEN);
	out[0] = f->version;
	out[1] = f->type;
	out[2] = (uint8_t)f->rights;
	out[3] = (uint8_t)(f->rights >> 8);
	put64(out + 8, f->id);
	put64(out + 16, f->badge);
	put64(out + 24, f->expiry);
	put64(out + 32, f->nonce);
	/* bytes 40..47 reserved, zero */
}

static void
decode(const uint8_t in[FIELDS_LEN], struct fields *f)
{
	f->version = in[0];
	f->type = in[1];
	f->rights = (uint16_t)(in[2] | in[3] << 8);
	f->id = get64(in + 8);
	f->badge = get64(in + 16);
	f->expiry = get64(in + 24);
	f->nonce = get64(in + 32);
}

static void
mac(const uint8_t key[CAP_TOKEN_KEY_LEN], const uint8_t fields[FIELDS_LEN],
    uint8_t out[MAC_LEN])
{
	struct blake3 h;

	blake3_init_keyed(&h, key);
	blake3_update(&h, DOMAIN, sizeof(DOMAIN) - 1);
	blake3_update(&h, fields, FIELDS_LEN);
	blake3_final(&h, out, MAC_LEN);
	explicit_bzero(&h, sizeof(h));
}

/* Constant time: the time taken says nothing about where a forgery differs. */
static int
equal_ct(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

void
seal_table_init(struct seal_table *t, const uint8_t key[CAP_TOKEN_KEY_LEN],
    uint64_t first_nonce)
{
	t->head = NULL;
	t->next_nonce = first_nonce;
	memcpy(t->key, key, CAP_TOKEN_KEY_LEN);
}

void
seal_table_reap(struct seal_table *t, uint64_t now, const struct cap_ops *ops,
    void (*release)(void *ctx, struct seal_rec *rec), void *ctx)
{
	struct seal_rec **pp = &t->head;

	while (*pp) {
		struct seal_rec *r = *pp;

		if (r->anchor.obj != NULL && r->expiry != 0 && now >= r->expiry) {
			/* Expired: its unsealed capabilities live on, re-parented. */
			cap_delete(&r->anchor, ops);
		}
		if (r->anchor.obj != NULL) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		r->next = NULL;
		release(ctx, r);
	}
}

int
cap_seal(struct seal_table *t, struct seal_rec *r, struct cap *src, uint32_t rights,
    uint64_t expiry, uint64_t now, uint8_t out[CAP_TOKEN_LEN])
{
	struct fields f;
	int err;

	if ((err = cap_check(src, CAP_NULL, RIGHT_GRANT)) != E_OK)
		return err;
	if (expiry != 0 && expiry <= now)
		return E_INVAL;
	if ((err = cap_derive(src, &r->anchor, rights, 0)) != E_OK)
		return err;
	r->nonce = t->next_nonce++;
	r->expiry = expiry;
	r->next = t->head;
	t->head = r;
	f.version = CAP_TOKEN_VERSION;
	f.type = (uint8_t)r->anchor.obj->type;
	f.rights = (uint16_t)r->anchor.rights;
	f.id = r->anchor.obj->id;
	f.badge = r->anchor.badge;
	f.expiry = expiry;
	f.nonce = r->nonce;
	encode(&f, out);
	mac(t->key, out, out + FIELDS_LEN);
	return E_OK;
}

int
cap_unseal_anchor(struct seal_table *t, const uint8_t in[CAP_TOKEN_LEN],
    uint64_t now, struct cap **anchor)
{
	uint8_t want[MAC_LEN];
	struct fields f;
	struct seal_rec *r = NULL;

	mac(t->key, in, want);
	if (!equal_ct(want, in + FIELDS_LEN, MAC_LEN))
		return E_FORGED;
	decode(in, &f);
	if (f.version != CAP_TOKEN_VERSION)
		return E_INVAL;
	if (f.expiry != 0 && now >= f.expiry)
		return E_EXPIRED;
	for (struct seal_rec *q = t->head; q != NULL && r == NULL; q = q->next) {
		if (q->anchor.obj != NULL && q->nonce == f.nonce)
			r = q;
	}
	if (r == NULL)
		return E_REVOKED;
	/* The MAC binds these; a mismatch means the anchor was replaced. */
	if (r->anchor.obj->id != f.id || r->anchor.rights != f.rights ||
	    r->anchor.badge != f.badge)
		return E_REVOKED;
	*anchor = &r->anchor;
	return E_OK;
}

int
cap_unseal(struct seal_table *t, const uint8_t in[CAP_TOKEN_LEN],
    uint64_t now, struct cap *dst)
{
	struct cap *anchor;
	int err;

	if ((err = cap_unseal_anchor(t, in, now, &anchor)) != E_OK)
		return err;
	if (dst->obj != NULL)
		return E_BUSY;
	return cap_derive(anchor, dst, RIGHTS_ALL, 0);
}

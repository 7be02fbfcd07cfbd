/*
 * The client protocol's frames (proto.h, docs/ledger.md): one encoder and
 * one decoder per message type, sharing codec.h's bounded writer and
 * reader. The decoder accepts only what the encoder writes: every
 * length is checked against its bound, every flag against its range,
 * and nothing may follow the last field.
 */
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/ledger/codec.h"
#include "lib/ledger/proto.h"

/* An address: 1 to P_MAX_ADDR printable ASCII characters. */
static int
addr_ok(const char *a, size_t n)
{
	if (n == 0 || n > P_MAX_ADDR)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (a[i] <= ' ' || a[i] > '~')
			return 0;
	return 1;
}

static void
put_addr(struct enc *e, const char *a)
{
	size_t n = strlen(a);

	if (!addr_ok(a, n)) {
		e->bad = 1;
		return;
	}
	put_u8(e, (uint8_t)n);
	put_bytes(e, a, n);
}

static void
get_addr(struct dec *d, char out[P_MAX_ADDR + 1])
{
	uint8_t n = get_u8(d);

	if (d->bad || n > P_MAX_ADDR) {
		d->bad = 1;
		return;
	}
	get_bytes(d, out, n);
	out[d->bad ? 0 : n] = '\0';
	if (!d->bad && !addr_ok(out, n))
		d->bad = 1;
}

/* The payload of m after its type byte. */
static void
put_payload(struct enc *e, const struct proto_msg *m)
{
	switch (m->type) {
	case P_SUBMIT:
		if (m->datalen == 0 || m->datalen > TX_MAX_LEN)
			e->bad = 1;
		put_bytes(e, m->data, m->datalen);
		break;
	case P_ACCOUNT:
		put_bytes(e, m->key, L_KEY);
		break;
	case P_BLOCK:
	case P_COMMITTED:
		put_u64(e, m->height);
		break;
	case P_STATUS:
	case P_DONE:
		break;
	case P_SIGN:
		put_bytes(e, m->key, L_KEY);
		put_u64(e, m->height);
		put_bytes(e, m->hash, L_HASH);
		put_bytes(e, m->sig, L_SIG);
		break;
	case P_MEMBER:
		if (m->op != P_OP_ADD && m->op != P_OP_REMOVE)
			e->bad = 1;
		put_u8(e, m->op);
		put_u64(e, m->id);
		put_addr(e, m->addr);
		put_bytes(e, m->sig, L_SIG);
		break;
	case P_ERROR:
		put_u32(e, (uint32_t)m->code);
		break;
	case P_REDIRECT:
		put_addr(e, m->addr);
		break;
	case P_ACCOUNT_R:
		if (m->exists > 1)
			e->bad = 1;
		put_u64(e, m->height);
		put_u8(e, m->exists);
		put_u64(e, m->nonce);
		put_u128(e, m->balance);
		break;
	case P_BLOCK_R:
		if (m->datalen < BLOCK_HEADER_LEN ||
		    m->datalen > LEDGER_BLOCK_MAX || m->nsig > P_MAX_SIGS)
			e->bad = 1;
		put_u64(e, m->height);
		put_bytes(e, m->hash, L_HASH);
		put_u32(e, (uint32_t)m->datalen);
		put_bytes(e, m->data, m->datalen);
		put_u8(e, (uint8_t)m->nsig);
		for (uint32_t i = 0; !e->bad && i < m->nsig; i++) {
			put_bytes(e, m->sigs[i].key, L_KEY);
			put_bytes(e, m->sigs[i].sig, L_SIG);
		}
		break;
	case P_STATUS_R:
		if (m->role > P_ROLE_LEADER)
			e->bad = 1;
		put_u64(e, m->height);
		put_bytes(e, m->hash, L_HASH);
		put_u8(e, m->role);
		put_u64(e, m->id);
		/* No known leader: an empty address. */
		if (m->addr[0] == '\0')
			put_u8(e, 0);
		else
			put_addr(e, m->addr);
		break;
	default:
		e->bad = 1;
	}
}

size_t
proto_encode(const struct proto_msg *m, uint8_t *buf, size_t cap)
{
	struct enc e = { buf, 4, cap, cap < 4 };
	struct enc len = { buf, 0, 4, 0 };

	put_u8(&e, m->type);
	put_payload(&e, m);
	if (e.bad)
		return 0;
	put_u32(&len, (uint32_t)(e.len - 4));
	return e.len;
}

int
proto_frame_len(const uint8_t *buf, size_t len, size_t *frame)
{
	struct dec d = { buf, len, 0, 0 };
	uint32_t n = get_u32(&d);

	if (d.bad || n == 0 || n > P_MAX_FRAME - 4)
		return L_EFORMAT;
	*frame = (size_t)n + 4;
	return L_OK;
}

/* A variable-length field of n bytes at the reader's position. */
static const uint8_t *
get_span(struct dec *d, size_t n)
{
	const uint8_t *p = d->p + d->off;

	if (d->bad || d->len - d->off < n) {
		d->bad = 1;
		return NULL;
	}
	d->off += n;
	return p;
}

static void
get_payload(struct dec *d, struct proto_msg *m)
{
	struct ledger_tx tx;
	size_t used;

	switch (m->type) {
	case P_SUBMIT:
		/* Exactly one canonical transaction. */
		m->datalen = d->len - d->off;
		m->data = get_span(d, m->datalen);
		if (d->bad || ledger_tx_decode(&tx, m->data, m->datalen,
		    &used) != L_OK || used != m->datalen)
			d->bad = 1;
		break;
	case P_ACCOUNT:
		get_bytes(d, m->key, L_KEY);
		break;
	case P_BLOCK:
	case P_COMMITTED:
		m->height = get_u64(d);
		break;
	case P_STATUS:
	case P_DONE:
		break;
	case P_SIGN:
		get_bytes(d, m->key, L_KEY);
		m->height = get_u64(d);
		get_bytes(d, m->hash, L_HASH);
		get_bytes(d, m->sig, L_SIG);
		break;
	case P_MEMBER:
		m->op = get_u8(d);
		if (m->op != P_OP_ADD && m->op != P_OP_REMOVE)
			d->bad = 1;
		m->id = get_u64(d);
		get_addr(d, m->addr);
		get_bytes(d, m->sig, L_SIG);
		break;
	case P_ERROR:
		m->code = (int32_t)get_u32(d);
		break;
	case P_REDIRECT:
		get_addr(d, m->addr);
		break;
	case P_ACCOUNT_R:
		m->height = get_u64(d);
		m->exists = get_u8(d);
		if (m->exists > 1)
			d->bad = 1;
		m->nonce = get_u64(d);
		m->balance = get_u128(d);
		break;
	case P_BLOCK_R:
		m->height = get_u64(d);
		get_bytes(d, m->hash, L_HASH);
		m->datalen = get_u32(d);
		if (m->datalen < BLOCK_HEADER_LEN ||
		    m->datalen > LEDGER_BLOCK_MAX)
			d->bad = 1;
		m->data = get_span(d, m->datalen);
		m->nsig = get_u8(d);
		if (m->nsig > P_MAX_SIGS)
			d->bad = 1;
		for (uint32_t i = 0; !d->bad && i < m->nsig; i++) {
			get_bytes(d, m->sigs[i].key, L_KEY);
			get_bytes(d, m->sigs[i].sig, L_SIG);
		}
		break;
	case P_STATUS_R:
		m->height = get_u64(d);
		get_bytes(d, m->hash, L_HASH);
		m->role = get_u8(d);
		if (m->role > P_ROLE_LEADER)
			d->bad = 1;
		m->id = get_u64(d);
		/* An empty address (no leader known) is allowed here only. */
		if (!d->bad && d->off < d->len && d->p[d->off] == 0)
			d->off++;
		else
			get_addr(d, m->addr);
		break;
	default:
		d->bad = 1;
	}
}

int
proto_decode(struct proto_msg *m, const uint8_t *buf, size_t len)
{
	struct dec d = { buf, len, 0, 0 };
	size_t frame;

	memset(m, 0, sizeof *m);
	if (proto_frame_len(buf, len, &frame) != L_OK || frame != len)
		return L_EFORMAT;
	d.off = 4;
	m->type = get_u8(&d);
	get_payload(&d, m);
	if (d.bad || d.off != len)
		return L_EFORMAT;
	return L_OK;
}

void
proto_member_hash(const uint8_t chain_id[L_HASH], uint8_t op, uint64_t id,
    const char *addr, uint8_t out[L_HASH])
{
	uint8_t buf[1 + 8 + 1 + P_MAX_ADDR];
	struct enc e = { buf, 0, sizeof buf, 0 };
	struct blake3 h;

	put_u8(&e, op);
	put_u64(&e, id);
	put_addr(&e, addr);
	blake3_init_derive_key(&h, "NONOS ledger 2026-12 membership v1");
	blake3_update(&h, chain_id, L_HASH);
	blake3_update(&h, buf, e.bad ? 0 : e.len);
	blake3_final(&h, out, L_HASH);
}

const char *
proto_strerror(int32_t code)
{
	switch (code) {
	case P_EAGAIN: return "no leader now: retry";
	case P_ENOTFOUND: return "not found on this node";
	case P_EREFUSED: return "refused";
	}
	return ledger_strerror(code);
}

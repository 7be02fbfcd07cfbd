/*
 * TPM 2.0 command building and response checking (tpm.h). All integers
 * on the wire are big-endian (part 1, 18.3).
 */
#include "lib/tpm/tpm.h"

#define ST_NO_SESSIONS	0x8001u
#define ST_SESSIONS	0x8002u

#define CC_NV_DEFINE	0x0000012au
#define CC_NV_INCREMENT	0x00000134u
#define CC_STARTUP	0x00000144u
#define CC_NV_READ	0x0000014eu
#define CC_NV_READ_PUB	0x00000169u

#define RH_OWNER	0x40000001u
#define RS_PW		0x40000009u	/* the password "session" */
#define SU_CLEAR	0x0000u
#define ALG_SHA256	0x000bu

#define PW_AUTH_LEN	9	/* handle, empty nonce, attributes, empty password */
#define DIGEST_MAX	64	/* the largest digest a TPM may name (SHA-512) */

/* --- writing ------------------------------------------------------------- */

struct out {
	uint8_t *p;
	size_t n;
};

static void
put16(struct out *o, uint32_t v)
{
	o->p[o->n++] = (uint8_t)(v >> 8);
	o->p[o->n++] = (uint8_t)v;
}

static void
put32(struct out *o, uint32_t v)
{
	put16(o, v >> 16);
	put16(o, v & 0xffffu);
}

/* Tag, a size patched by finish, and the command code. */
static struct out
start(uint8_t *buf, uint32_t tag, uint32_t cc)
{
	struct out o = { buf, 0 };

	put16(&o, tag);
	put32(&o, 0);
	put32(&o, cc);
	return o;
}

static size_t
finish(struct out *o)
{
	struct out size = { o->p + 2, 0 };

	put32(&size, (uint32_t)o->n);
	return o->n;
}

/* The authorization area: one password session with the empty password. */
static void
put_pw_auth(struct out *o)
{
	put32(o, PW_AUTH_LEN);
	put32(o, RS_PW);
	put16(o, 0);	/* nonce */
	o->p[o->n++] = 0;	/* session attributes */
	put16(o, 0);	/* password */
}

size_t
tpm_cmd_startup(uint8_t *buf)
{
	struct out o = start(buf, ST_NO_SESSIONS, CC_STARTUP);

	put16(&o, SU_CLEAR);
	return finish(&o);
}

size_t
tpm_cmd_nv_read_public(uint8_t *buf, uint32_t index)
{
	struct out o = start(buf, ST_NO_SESSIONS, CC_NV_READ_PUB);

	put32(&o, index);
	return finish(&o);
}

size_t
tpm_cmd_nv_define_counter(uint8_t *buf, uint32_t index)
{
	struct out o = start(buf, ST_SESSIONS, CC_NV_DEFINE);

	put32(&o, RH_OWNER);
	put_pw_auth(&o);
	put16(&o, 0);		/* the index's own password: empty */
	put16(&o, 14);		/* TPMS_NV_PUBLIC's size */
	put32(&o, index);
	put16(&o, ALG_SHA256);
	put32(&o, TPM_COUNTER_ATTRS);
	put16(&o, 0);		/* no policy */
	put16(&o, 8);		/* a counter is 8 bytes */
	return finish(&o);
}

size_t
tpm_cmd_nv_increment(uint8_t *buf, uint32_t index)
{
	struct out o = start(buf, ST_SESSIONS, CC_NV_INCREMENT);

	put32(&o, RH_OWNER);
	put32(&o, index);
	put_pw_auth(&o);
	return finish(&o);
}

size_t
tpm_cmd_nv_read_counter(uint8_t *buf, uint32_t index)
{
	struct out o = start(buf, ST_SESSIONS, CC_NV_READ);

	put32(&o, RH_OWNER);
	put32(&o, index);
	put_pw_auth(&o);
	put16(&o, 8);		/* bytes */
	put16(&o, 0);		/* offset */
	return finish(&o);
}

/* --- reading ------------------------------------------------------------- */

/* A cursor that refuses to move past len; bad stays set once set. */
struct in {
	const uint8_t *p;
	size_t len, off;
	int bad;
};

/*@ predicate cursor(struct in *r) =
      \valid(r) && \valid_read(r->p + (0 .. r->len - 1)) && r->off <= r->len &&
      \separated(r, r->p + (0 .. r->len - 1));
    logic integer be16(uint8_t *q) = q[0] * 256 + q[1];
    logic integer be32(uint8_t *q) = be16(q) * 65536 + be16(q + 2); */

/* The next 1, 2 or 4 bytes, big-endian; 0 and bad set when they are not all there. */
/*@ requires cursor(r);
    requires bytes == 1 || bytes == 2 || bytes == 4;
    assigns r->off, r->bad;
    ensures cursor(r);
    behavior there:
      assumes r->bad == 0 && r->len - r->off >= bytes;
      ensures r->bad == 0 && r->off == \old(r->off) + bytes;
      ensures bytes == 2 ==> \result == be16(r->p + \old(r->off));
      ensures bytes == 4 ==> \result == be32(r->p + \old(r->off));
    behavior short:
      assumes r->bad != 0 || r->len - r->off < bytes;
      ensures r->bad == 1 && r->off == \old(r->off) && \result == 0;
    complete behaviors;
    disjoint behaviors; */
static uint32_t
get(struct in *r, int bytes)
{
	const uint8_t *q;

	if (r->bad || r->off > r->len || r->len - r->off < (size_t)bytes) {
		r->bad = 1;
		return 0;
	}
	q = r->p + r->off;
	r->off += (size_t)bytes;
	if (bytes == 1)
		return q[0];
	/* Arithmetic rather than shifts and ors: the provers reason about it. */
	if (bytes == 2)
		return (uint32_t)q[0] * 256 + q[1];
	return ((uint32_t)q[0] * 256 + q[1]) * 65536 + ((uint32_t)q[2] * 256 + q[3]);
}

/* Skips a TPM2B of at most max bytes. */
/*@ requires cursor(r);
    assigns r->off, r->bad;
    ensures cursor(r);
    ensures r->bad == 0 ==> \old(r->bad) == 0 && r->off >= \old(r->off) + 2; */
static void
skip2b(struct in *r, size_t max)
{
	uint32_t n = get(r, 2);

	if (r->bad || n > max || r->len - r->off < n) {
		r->bad = 1;
		return;
	}
	r->off += n;
}

/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid(rc) && \separated(rc, buf + (0 .. len - 1));
    assigns *rc;
    ensures \result == \null ==> len >= TPM_RSP_MIN && be32(buf + 2) == len; */
const char *
tpm_rsp_header(const uint8_t *buf, size_t len, uint32_t *rc)
{
	struct in r = { buf, len, 0, 0 };
	uint32_t tag, size;

	*rc = 0;
	if (len < TPM_RSP_MIN)
		return "TPM response shorter than its header";
	tag = get(&r, 2);
	size = get(&r, 4);
	*rc = get(&r, 4);
	if (tag != ST_NO_SESSIONS && tag != ST_SESSIONS)
		return "TPM response with an unknown tag";
	if (size != len)
		return "TPM response size field differs from its length";
	return NULL;
}

/* The header of a successful response with the expected tag. */
/*@ requires cursor(r) && r->off == 0 && r->bad == 0;
    assigns r->off, r->bad;
    ensures cursor(r);
    ensures \result == \null ==> r->bad == 0 && r->off == TPM_RSP_MIN &&
      be32(r->p + 2) == r->len; */
static const char *
success(struct in *r, uint32_t want_tag)
{
	uint32_t rc;
	const char *err;

	if ((err = tpm_rsp_header(r->p, r->len, &rc)) != NULL)
		return err;
	if (rc != TPM_RC_SUCCESS)
		return "TPM response is an error";
	if (get(r, 2) != want_tag)
		return "TPM response with the wrong tag";
	r->off = TPM_RSP_MIN;
	return NULL;
}

/* One password session's response: empty or short nonce, attributes, hmac; then the end. */
/*@ requires cursor(r);
    assigns r->off, r->bad;
    ensures \result == \null ==> \old(r->bad) == 0 && r->off == r->len &&
      r->len >= \old(r->off) + 5; */
static const char *
session_end(struct in *r)
{
	skip2b(r, DIGEST_MAX);
	get(r, 1);
	skip2b(r, DIGEST_MAX);
	if (r->bad)
		return "TPM session area runs past the response";
	if (r->off != r->len)
		return "TPM response has bytes after its session area";
	return NULL;
}

/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid(out) && \separated(out, buf + (0 .. len - 1));
    assigns *out;
    ensures \result == \null ==> len >= TPM_RSP_MIN && be32(buf + 2) == len &&
      out->policy_len <= 64; */
const char *
tpm_rsp_nv_read_public(const uint8_t *buf, size_t len, struct tpm_nv_public *out)
{
	struct in r = { buf, len, 0, 0 };
	const char *err;
	size_t end;
	uint32_t n;

	if ((err = success(&r, ST_NO_SESSIONS)) != NULL)
		return err;
	n = get(&r, 2);
	if (r.bad || n > r.len - r.off)
		return "NV public area runs past the response";
	end = r.off + n;
	out->index = get(&r, 4);
	out->name_alg = (uint16_t)get(&r, 2);
	out->attrs = get(&r, 4);
	out->policy_len = (uint16_t)get(&r, 2);
	/* The fixed fields may already have run past a short area. */
	if (r.bad || r.off > end || out->policy_len > DIGEST_MAX ||
	    out->policy_len > end - r.off)
		return "NV policy runs past the public area";
	r.off += out->policy_len;
	out->data_size = (uint16_t)get(&r, 2);
	if (r.bad || r.off != end)
		return "NV public area's size differs from its fields";
	skip2b(&r, 2 + DIGEST_MAX);	/* the name: algorithm and digest */
	if (r.bad)
		return "NV name runs past the response";
	if (r.off != r.len)
		return "TPM response has bytes after the NV name";
	return NULL;
}

/*@ requires \valid_read(pub);
    assigns \nothing;
    ensures \result == \null ==> pub->index == index && pub->data_size == 8 &&
      pub->policy_len == 0; */
const char *
tpm_counter_ok(const struct tpm_nv_public *pub, uint32_t index)
{
	uint32_t need = TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD;

	if (pub->index != index)
		return "the TPM described another index";
	if ((pub->attrs & TPMA_NV_NT_MASK) != TPMA_NV_NT_COUNTER)
		return "the TPM index is not a counter";
	if ((pub->attrs & need) != need)
		return "the TPM counter is not readable and writable by the owner";
	if (pub->data_size != 8)
		return "the TPM counter is not 8 bytes";
	if (pub->policy_len != 0)
		return "the TPM counter has a policy";
	return NULL;
}

/* A successful response with sessions: its parameter area's size, checked to fit. */
/*@ requires cursor(r) && r->off == 0 && r->bad == 0;
    requires \valid(size) && \separated(size, r, r->p + (0 .. r->len - 1));
    assigns r->off, r->bad, *size;
    ensures cursor(r);
    ensures \result == \null ==> r->bad == 0 && r->off == TPM_RSP_MIN + 4 &&
      *size <= r->len - r->off && be32(r->p + 2) == r->len; */
static const char *
params(struct in *r, uint32_t *size)
{
	const char *err;

	if ((err = success(r, ST_SESSIONS)) != NULL)
		return err;
	*size = get(r, 4);
	if (r->bad || *size > r->len - r->off)
		return "TPM parameter area runs past the response";
	return NULL;
}

/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid(value) && \separated(value, buf + (0 .. len - 1));
    assigns *value;
    ensures \result == \null ==> len >= 29 && be32(buf + 2) == len; */
const char *
tpm_rsp_nv_read_counter(const uint8_t *buf, size_t len, uint64_t *value)
{
	struct in r = { buf, len, 0, 0 };
	const char *err;
	uint32_t size, n, hi, lo;

	if ((err = params(&r, &size)) != NULL)
		return err;
	if (size != 10)
		return "NV read parameters are not one 8-byte buffer";
	if ((n = get(&r, 2)) != 8)
		return "NV read returned other than 8 bytes";
	hi = get(&r, 4);
	lo = get(&r, 4);
	*value = (uint64_t)hi * 4294967296u + lo;
	return session_end(&r);
}

/*@ requires \valid_read(buf + (0 .. len - 1));
    assigns \nothing;
    ensures \result == \null ==> len >= 19 && be32(buf + 2) == len; */
const char *
tpm_rsp_no_output(const uint8_t *buf, size_t len)
{
	struct in r = { buf, len, 0, 0 };
	const char *err;
	uint32_t size;

	if ((err = params(&r, &size)) != NULL)
		return err;
	if (size != 0)
		return "TPM response has parameters where none were expected";
	return session_end(&r);
}

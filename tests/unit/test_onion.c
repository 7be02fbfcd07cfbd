/*
 * lib/onion's wire formats and circuit crypto: cell framing, VERSIONS,
 * NETINFO, CREATED2, the ntor handshake and relay-cell sealing, checked
 * against known answers computed independently (Python's cryptography
 * package: X25519, HMAC-SHA256, AES-CTR, SHA-1) and against each other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/cell.h"
#include "lib/onion/ntor.h"
#include "lib/onion/ntor3.h"
#include "lib/onion/relay.h"
#include "tests/unit/unhex.h"

/* ntor with x = 1..32, y = 33..64, b = 65..96, ID = 100..119. */
static const uint8_t KAT_X[32] = {
	0x07, 0xa3, 0x7c, 0xbc, 0x14, 0x20, 0x93, 0xc8, 0xb7, 0x55, 0xdc, 0x1b,
	0x10, 0xe8, 0x6c, 0xb4, 0x26, 0x37, 0x4a, 0xd1, 0x6a, 0xa8, 0x53, 0xed,
	0x0b, 0xdf, 0xc0, 0xb2, 0xb8, 0x6d, 0x1c, 0x7c };
static const uint8_t KAT_B[32] = {
	0x64, 0xb1, 0x01, 0xb1, 0xd0, 0xbe, 0x5a, 0x87, 0x04, 0xbd, 0x07, 0x8f,
	0x98, 0x95, 0x00, 0x1f, 0xc0, 0x3e, 0x8e, 0x9f, 0x95, 0x22, 0xf1, 0x88,
	0xdd, 0x12, 0x8d, 0x98, 0x46, 0xd4, 0x84, 0x66 };
static const uint8_t KAT_REPLY[64] = {
	0x58, 0x69, 0xaf, 0xf4, 0x50, 0x54, 0x97, 0x32, 0xcb, 0xaa, 0xed, 0x5e,
	0x5d, 0xf9, 0xb3, 0x0a, 0x6d, 0xa3, 0x1c, 0xb0, 0xe5, 0x74, 0x2b, 0xad,
	0x5a, 0xd4, 0xa1, 0xa7, 0x68, 0xf1, 0xa6, 0x7b, 0xc9, 0xae, 0x86, 0x85,
	0xd2, 0xda, 0xcb, 0xe4, 0xe8, 0x48, 0x0c, 0x9a, 0x10, 0x6b, 0x00, 0xbd,
	0xeb, 0xdd, 0xbc, 0x1d, 0xb2, 0x4f, 0x4a, 0x2f, 0x6e, 0x45, 0x66, 0x5f,
	0xf4, 0xa4, 0x95, 0x7d };
static const uint8_t KAT_KEYS[72] = {
	0x67, 0x8c, 0x76, 0x52, 0x48, 0xcf, 0xb3, 0xf3, 0xbd, 0xa2, 0x46, 0x55,
	0xea, 0x92, 0x52, 0xa5, 0xfe, 0x1c, 0x0b, 0x00, 0xbb, 0xbb, 0xad, 0xc2,
	0x90, 0xb2, 0x79, 0x46, 0x84, 0x03, 0x77, 0xf4, 0x52, 0x38, 0x5e, 0x66,
	0xe6, 0x50, 0xc9, 0xa3, 0xbb, 0x55, 0x81, 0xe8, 0xa8, 0xab, 0x4a, 0x49,
	0x16, 0x53, 0xd8, 0x5b, 0xee, 0x07, 0x18, 0x0a, 0x81, 0x9f, 0x1c, 0xf1,
	0x60, 0xa3, 0x81, 0x8b, 0x47, 0xa9, 0x39, 0x95, 0xd7, 0x9f, 0x28, 0xd1 };
/* Sealing "hello" (DATA, stream 7, zero padding) with KAT_KEYS. */
static const uint8_t KAT_SEAL_DIGEST[20] = {
	0x0e, 0x54, 0x82, 0x5f, 0x12, 0x04, 0xea, 0x6f, 0xb0, 0x90, 0xbc, 0x76,
	0xcd, 0xf5, 0x15, 0x61, 0x8e, 0x7c, 0x7b, 0x24 };
static const char KAT_SEALED_SHA256[] =
    "b06f53d065228afa6d676b2a505774ce5312785c524f87f0e89716e50813257d";
/* The next 509 bytes of keystream (XOR with zeros) after that cell. */
static const char KAT_NEXT_SHA256[] =
    "56feee8a2f9c1fcc8610e1cd68bb0cc9707226411338df69e8722fc8fd629d10";

static void
seq(uint8_t *p, size_t n, uint8_t first)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(first + i);
}

static void
sha256_hex(const uint8_t *p, size_t n, char out[65])
{
	uint8_t d[NC_SHA256_BYTES];

	assert_int_equal(nc_sha256(d, p, n), NC_OK);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
test_cell_fixed(void **state)
{
	uint8_t buf[ONION_CELL_LEN], payload[3] = { 1, 2, 3 };
	struct onion_cell c;
	size_t used;

	(void)state;
	assert_int_equal(onion_cell_pack(buf, 0x80000001u, CELL_RELAY, payload,
	    3), ONION_CELL_LEN);
	assert_int_equal(onion_cell_parse(buf, 100, 4, &c, &used), ONION_EAGAIN);
	assert_int_equal(used, ONION_CELL_LEN);
	assert_int_equal(onion_cell_parse(buf, sizeof buf, 4, &c, &used),
	    ONION_OK);
	assert_int_equal(c.circid, 0x80000001u);
	assert_int_equal(c.cmd, CELL_RELAY);
	assert_int_equal(c.len, ONION_PAYLOAD_LEN);
	assert_memory_equal(c.body, payload, 3);
	assert_int_equal(c.body[3], 0);
	/* Variable commands never go in fixed cells; payloads fit. */
	assert_int_equal(onion_cell_pack(buf, 1, CELL_CERTS, payload, 3),
	    ONION_EINVAL);
	assert_int_equal(onion_cell_pack(buf, 1, CELL_RELAY, payload, 510),
	    ONION_EINVAL);
	assert_int_equal(onion_cell_parse(buf, 0, 3, &c, &used), ONION_EINVAL);
}

static void
test_cell_var(void **state)
{
	uint8_t buf[64], p[10] = { 9, 8, 7 };
	struct onion_cell c;
	size_t used;
	int n;

	(void)state;
	n = onion_cell_pack_var(buf, sizeof buf, 4, 0, CELL_VPADDING, p, 10);
	assert_int_equal(n, 4 + 1 + 2 + 10);
	assert_int_equal(onion_cell_parse(buf, 6, 4, &c, &used), ONION_EAGAIN);
	assert_int_equal(onion_cell_parse(buf, (size_t)n - 1, 4, &c, &used),
	    ONION_EAGAIN);
	assert_int_equal(used, (size_t)n);
	assert_int_equal(onion_cell_parse(buf, (size_t)n, 4, &c, &used),
	    ONION_OK);
	assert_int_equal(c.len, 10);
	assert_memory_equal(c.body, p, 10);
	assert_int_equal(onion_cell_pack_var(buf, 16, 4, 0, CELL_VPADDING, p,
	    10), ONION_EINVAL);			/* no room */
	assert_int_equal(onion_cell_pack_var(buf, sizeof buf, 2, 0x10000,
	    CELL_VERSIONS, p, 2), ONION_EINVAL);
}

static void
test_versions(void **state)
{
	uint8_t buf[16];
	struct onion_cell c;
	size_t used;
	int n;

	(void)state;
	n = onion_versions_pack(buf, sizeof buf);
	assert_int_equal(n, 2 + 1 + 2 + 4);
	assert_int_equal(onion_cell_parse(buf, (size_t)n, 2, &c, &used), 0);
	assert_int_equal(c.cmd, CELL_VERSIONS);
	assert_int_equal(onion_versions_pick(&c), 5);
	/* A peer offering 3 and 4 gets 4; only 3, or an odd length, fails. */
	{
		static const uint8_t v34[] = { 0, 3, 0, 4 }, v3[] = { 0, 3 };
		struct onion_cell x = { 0, CELL_VERSIONS, 4, v34 };

		assert_int_equal(onion_versions_pick(&x), 4);
		x.body = v3, x.len = 2;
		assert_int_equal(onion_versions_pick(&x), ONION_EPROTO);
		x.body = v34, x.len = 3;
		assert_int_equal(onion_versions_pick(&x), ONION_EPROTO);
	}
}

static void
test_netinfo(void **state)
{
	uint8_t buf[ONION_CELL_LEN];
	struct onion_cell c;
	uint32_t ts, me;
	size_t used;

	(void)state;
	onion_netinfo_pack(buf, 0x7f000001);
	assert_int_equal(onion_cell_parse(buf, sizeof buf, 4, &c, &used), 0);
	assert_int_equal(onion_netinfo_parse(&c, &ts, &me), ONION_OK);
	assert_int_equal(ts, 0);
	assert_int_equal(me, 0x7f000001);
	{
		/* One of "my addresses" claims 200 bytes: truncated. */
		static const uint8_t bad[] = { 0, 0, 0, 1, 4, 4, 1, 2, 3, 4,
		    1, 6, 200 };
		struct onion_cell x = { 0, CELL_NETINFO, sizeof bad, bad };

		assert_int_equal(onion_netinfo_parse(&x, &ts, &me), ONION_ETRUNC);
		x.len = 3;
		assert_int_equal(onion_netinfo_parse(&x, &ts, &me), ONION_EPROTO);
	}
}

static void
test_created2(void **state)
{
	uint8_t body[2 + 64], reply[64];

	(void)state;
	onion_put16(body, 64);
	seq(body + 2, 64, 1);
	assert_int_equal(onion_created2_parse(body, sizeof body, reply), 0);
	assert_memory_equal(reply, body + 2, 64);
	assert_int_equal(onion_created2_parse(body, 40, reply), ONION_ETRUNC);
	assert_int_equal(onion_created2_parse(body, 1, reply), ONION_ETRUNC);
	onion_put16(body, 32);
	assert_int_equal(onion_created2_parse(body, sizeof body, reply),
	    ONION_EPROTO);
}

static void
test_ntor_kat(void **state)
{
	struct onion_ntor_client st;
	uint8_t x[32], y[32], b[32], id[20], skin[84], keys[72], reply[64];

	(void)state;
	seq(x, 32, 1), seq(y, 32, 33), seq(b, 32, 65), seq(id, 20, 100);
	assert_int_equal(onion_ntor_client_start(&st, id, KAT_B, x, skin), 0);
	assert_memory_equal(skin, id, 20);
	assert_memory_equal(skin + 20, KAT_B, 32);
	assert_memory_equal(skin + 52, KAT_X, 32);
	assert_int_equal(onion_ntor_client_finish(&st, KAT_REPLY, keys, 72), 0);
	assert_memory_equal(keys, KAT_KEYS, 72);

	/* Our server side gives the same reply and keys. */
	assert_int_equal(onion_ntor_server(b, KAT_B, id, y, skin, reply, keys,
	    72), 0);
	assert_memory_equal(reply, KAT_REPLY, 64);
	assert_memory_equal(keys, KAT_KEYS, 72);

	/* A forged AUTH is refused and no keys come out. */
	memcpy(reply, KAT_REPLY, 64);
	reply[40] ^= 1;
	assert_int_equal(onion_ntor_client_start(&st, id, KAT_B, x, skin), 0);
	assert_int_equal(onion_ntor_client_finish(&st, reply, keys, 72),
	    ONION_EAUTH);
	for (int i = 0; i < 72; i++)
		assert_int_equal(keys[i], 0);
}

static void
test_ntor_roundtrip(void **state)
{
	struct onion_ntor_client st;
	uint8_t b[32], B[32], y[32], id[20], skin[84], reply[64];
	uint8_t kc[72], ks[72];

	(void)state;
	assert_int_equal(nc_random_bytes(b, 32), 0);
	assert_int_equal(nc_random_bytes(y, 32), 0);
	assert_int_equal(nc_x25519_base(B, b), 0);
	seq(id, 20, 7);
	assert_int_equal(onion_ntor_client_start(&st, id, B, NULL, skin), 0);
	assert_int_equal(onion_ntor_server(b, B, id, y, skin, reply, ks, 72), 0);
	assert_int_equal(onion_ntor_client_finish(&st, reply, kc, 72), 0);
	assert_memory_equal(kc, ks, 72);
	/* The relay refuses a skin naming another identity. */
	id[0] ^= 1;
	assert_int_equal(onion_ntor_server(b, B, id, y, skin, reply, ks, 72),
	    ONION_EIDENTITY);
	/* A low-order Y (all zero) gives no keys. */
	memset(reply, 0, 32);
	assert_int_equal(onion_ntor_client_start(&st, id, B, NULL, skin), 0);
	assert_int_equal(onion_ntor_client_finish(&st, reply, kc, 72),
	    ONION_EAUTH);
}

/* Proposal 332, section X.2: the published ntor v3 test vectors. */
static void
test_ntor3_kat(void **state)
{
	struct onion_ntor3_client st;
	uint8_t b[32], B[32], id[32], x[32], y[32], cm[11], ver[5], sm[10];
	uint8_t skin[256], want_skin[139], reply[128], want_reply[74];
	uint8_t keys[256], want_keys[256], got[64], k2[256];
	size_t glen;
	int n;

	(void)state;
	unhex(b, sizeof b, "4051daa5921cfa2a1c27b08451324919538e79e788a81b38cbed097a5dff454a");
	unhex(B, sizeof B, "f8307a2bc1870b00b828bb74dbb8fd88e632a6375ab3bcd1ae706aaa8b6cdd1d");
	unhex(id, sizeof id, "9fad2af287ef942632833d21f946c6260c33fae6172b60006e86e4a6911753a2");
	unhex(x, sizeof x, "b825a3719147bcbe5fb1d0b0fcb9c09e51948048e2e3283d2ab7b45b5ef38b49");
	unhex(y, sizeof y, "4865a5b7689dafd978f529291c7171bc159be076b92186405d13220b80e2a053");
	unhex(cm, sizeof cm, "68656c6c6f20776f726c64");
	unhex(ver, sizeof ver, "78797a7a79");
	unhex(sm, sizeof sm, "486f6c61204d756e646f");
	unhex(want_skin, sizeof want_skin, "9fad2af287ef942632833d21f946c6260c33fae6172b60006e86e4"
	    "a6911753a2f8307a2bc1870b00b828bb74dbb8fd88e632a6375ab3bcd1ae706aaa"
	    "8b6cdd1d252fe9ae91264c91d4ecb8501f79d0387e34ad8ca0f7c995184f7d11d5"
	    "da4f463bebd9151fd3b47c180abc9e044d53565f04d82bbb3bebed3d06cea65db8"
	    "be9c72b68cd461942088502f67");
	unhex(want_reply, sizeof want_reply, "4bf4814326fdab45ad5184f5518bd7fae25dc59374062698201a"
	    "50a22954246d2fc5f8773ca824542bc6cf6f57c7c29bbf4e5476461ab130c5b18a"
	    "b0a91276651202c3e1e87c0d32054c");
	unhex(want_keys, sizeof want_keys, "9c19b631fd94ed86a817e01f6c80b0743a43f5faebd39cfaa8b00f"
	    "a8bcc65c3bfeaa403d91acbd68a821bf6ee8504602b094a254392a07737d566276"
	    "8c7a9fb1b2814bb34780eaee6e867c773e28c212ead563e98a1cd5d5b4576f5ee6"
	    "1c59bde025ff2851bb19b721421694f263818e3531e43a9e4e3e2c661e2ad547d8"
	    "984caa28ebecd3e4525452299be26b9185a20a90ce1eac20a91f2832d731b54502"
	    "b09749b5a2a2949292f8cfcbeffb790c7790ed935a9d251e7e336148ea83b063a5"
	    "618fcff674a44581585fd22077ca0e52c59a24347a38d1a1ceebddbf238541f226"
	    "b8f88d0fb9c07a1bcd2ea764bbbb5dacdaf5312a14c0b9e4f06309b0333b4a");

	n = onion_ntor3_client_start(&st, id, B, x, cm, sizeof cm, ver,
	    sizeof ver, skin, sizeof skin);
	assert_int_equal(n, sizeof want_skin);
	assert_memory_equal(skin, want_skin, sizeof want_skin);

	n = onion_ntor3_server(b, B, id, y, ver, sizeof ver, skin,
	    sizeof want_skin, got, sizeof got, &glen, sm, sizeof sm, reply,
	    sizeof reply, k2, sizeof k2);
	assert_int_equal(n, sizeof want_reply);
	assert_memory_equal(reply, want_reply, sizeof want_reply);
	assert_int_equal(glen, sizeof cm);
	assert_memory_equal(got, cm, sizeof cm);
	assert_memory_equal(k2, want_keys, sizeof want_keys);

	assert_int_equal(onion_ntor3_client_finish(&st, ver, sizeof ver,
	    want_reply, sizeof want_reply, got, sizeof got, &glen, keys,
	    sizeof keys), 0);
	assert_int_equal(glen, sizeof sm);
	assert_memory_equal(got, sm, sizeof sm);
	assert_memory_equal(keys, want_keys, sizeof want_keys);

	/* Another verification string, or a changed reply, fails. */
	n = onion_ntor3_client_start(&st, id, B, x, cm, sizeof cm, ver,
	    sizeof ver, skin, sizeof skin);
	assert_int_equal(n, sizeof want_skin);
	ver[0] ^= 1;
	assert_int_equal(onion_ntor3_client_finish(&st, ver, sizeof ver,
	    want_reply, sizeof want_reply, got, sizeof got, &glen, keys,
	    sizeof keys), ONION_EAUTH);
	ver[0] ^= 1;
	n = onion_ntor3_client_start(&st, id, B, x, cm, sizeof cm, ver,
	    sizeof ver, skin, sizeof skin);
	assert_int_equal(n, sizeof want_skin);
	want_reply[70] ^= 1;
	assert_int_equal(onion_ntor3_client_finish(&st, ver, sizeof ver,
	    want_reply, sizeof want_reply, got, sizeof got, &glen, keys,
	    sizeof keys), ONION_EAUTH);
	/* The relay refuses a tampered client message. */
	skin[100] ^= 1;
	assert_int_equal(onion_ntor3_server(b, B, id, y, ver, sizeof ver, skin,
	    sizeof want_skin, got, sizeof got, &glen, sm, sizeof sm, reply,
	    sizeof reply, k2, sizeof k2), ONION_EAUTH);
}

static void
hello_payload(uint8_t p[ONION_PAYLOAD_LEN])
{
	memset(p, 0, ONION_PAYLOAD_LEN);
	p[0] = RELAY_DATA;
	onion_put16(p + 3, 7);
	onion_put16(p + 9, 5);
	memcpy(p + 11, "hello", 5);
}

static void
test_relay_seal_kat(void **state)
{
	struct onion_hop_crypto hop;
	uint8_t p[ONION_PAYLOAD_LEN], d[20];
	char hex[65];

	(void)state;
	onion_hop_init(&hop, KAT_KEYS);
	hello_payload(p);
	assert_int_equal(onion_relay_seal(&hop, 0, p, d), 0);
	assert_memory_equal(d, KAT_SEAL_DIGEST, 20);
	sha256_hex(p, sizeof p, hex);
	assert_string_equal(hex, KAT_SEALED_SHA256);
	/* The counter carries on mid-block into the next cell. */
	memset(p, 0, sizeof p);
	assert_int_equal(onion_ctr_xor(&hop.kf, p, sizeof p), 0);
	sha256_hex(p, sizeof p, hex);
	assert_string_equal(hex, KAT_NEXT_SHA256);
}

/* Keys for one hop as the relay sees them: forward and backward swapped,
 * so that sealing with it is what the relay does going backward. */
static void
relay_side(struct onion_hop_crypto *h, const uint8_t keys[72])
{
	uint8_t k[72];

	memcpy(k, keys + 20, 20);
	memcpy(k + 20, keys, 20);
	memcpy(k + 40, keys + 56, 16);
	memcpy(k + 56, keys + 40, 16);
	onion_hop_init(h, k);
}

static void
test_relay_onion(void **state)
{
	struct onion_hop_crypto client[3], relay[3];
	uint8_t keys[3][72], p[ONION_PAYLOAD_LEN], orig[ONION_PAYLOAD_LEN];
	uint8_t d1[20], d2[20];
	struct onion_relay_msg m;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(nc_random_bytes(keys[i], 72), 0);
		onion_hop_init(&client[i], keys[i]);
		relay_side(&relay[i], keys[i]);
	}
	/* Forward to the exit: each relay peels one layer with its Kf. */
	assert_int_equal(onion_relay_pack(p, RELAY_BEGIN, 3, (const uint8_t *)
	    "x:80", 5), 0);
	memcpy(orig, p, sizeof p);
	assert_int_equal(onion_relay_seal(client, 2, p, d1), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(onion_ctr_xor(&relay[i].kb, p, sizeof p), 0);
	assert_int_equal(onion_relay_unpack(p, &m), 0);
	assert_int_equal(m.cmd, RELAY_BEGIN);
	assert_int_equal(m.stream, 3);
	assert_int_equal(m.len, 5);
	assert_memory_equal(p + 11, orig + 11, sizeof p - 11);

	/* Backward from the exit: it seals, the others add their layers. */
	for (int round = 0; round < 3; round++) {
		hello_payload(p);
		assert_int_equal(onion_relay_seal(&relay[2], 0, p, d2), 0);
		assert_int_equal(onion_ctr_xor(&relay[1].kf, p, sizeof p), 0);
		assert_int_equal(onion_ctr_xor(&relay[0].kf, p, sizeof p), 0);
		assert_int_equal(onion_relay_open(client, 3, p, d1), 2);
		assert_memory_equal(d1, d2, 20);	/* SENDME v1 tag */
		assert_int_equal(onion_relay_unpack(p, &m), 0);
		assert_int_equal(m.cmd, RELAY_DATA);
		assert_memory_equal(m.data, "hello", 5);
	}
	/* From the middle hop. */
	hello_payload(p);
	assert_int_equal(onion_relay_seal(&relay[1], 0, p, NULL), 0);
	assert_int_equal(onion_ctr_xor(&relay[0].kf, p, sizeof p), 0);
	assert_int_equal(onion_relay_open(client, 3, p, NULL), 1);

	/* A flipped bit is recognised by no hop. */
	hello_payload(p);
	assert_int_equal(onion_relay_seal(&relay[2], 0, p, NULL), 0);
	assert_int_equal(onion_ctr_xor(&relay[1].kf, p, sizeof p), 0);
	assert_int_equal(onion_ctr_xor(&relay[0].kf, p, sizeof p), 0);
	p[100] ^= 0x20;
	assert_int_equal(onion_relay_open(client, 3, p, NULL), ONION_EAUTH);
}

static void
test_relay_pack(void **state)
{
	uint8_t p[ONION_PAYLOAD_LEN], big[ONION_RELAY_DATA_MAX + 1] = { 0 };
	struct onion_relay_msg m;

	(void)state;
	assert_int_equal(onion_relay_pack(p, RELAY_DATA, 1, big,
	    sizeof big), ONION_EINVAL);
	assert_int_equal(onion_relay_pack(p, RELAY_DATA, 1, big,
	    ONION_RELAY_DATA_MAX), 0);
	assert_int_equal(onion_relay_pack(p, RELAY_END, 9, big, 1), 0);
	/* Four zero bytes after the data, then random padding. */
	for (int i = 0; i < 4; i++)
		assert_int_equal(p[12 + i], 0);
	assert_int_equal(onion_relay_unpack(p, &m), 0);
	assert_int_equal(m.len, 1);
	onion_put16(p + 9, ONION_RELAY_DATA_MAX + 1);
	assert_int_equal(onion_relay_unpack(p, &m), ONION_EPROTO);
}

static void
test_strerror(void **state)
{
	(void)state;
	for (int e = 0; e >= -19; e--)
		assert_string_not_equal(onion_strerror(e), "unknown error");
	assert_string_equal(onion_strerror(-100), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell_fixed),
		cmocka_unit_test(test_cell_var),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_netinfo),
		cmocka_unit_test(test_created2),
		cmocka_unit_test(test_ntor_kat),
		cmocka_unit_test(test_ntor_roundtrip),
		cmocka_unit_test(test_ntor3_kat),
		cmocka_unit_test(test_relay_seal_kat),
		cmocka_unit_test(test_relay_onion),
		cmocka_unit_test(test_relay_pack),
		cmocka_unit_test(test_strerror),
	};

	if (nc_init() != NC_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

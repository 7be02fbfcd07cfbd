/*
 * Tests of nonos-ledgerd's portable parts in lib/ledger: the client
 * protocol's frames (every type round-trips; truncated, padded,
 * oversized and out-of-range frames are refused), replica signatures
 * (a quorum counts distinct known replicas only; fewer than a quorum is
 * refused), double-signing evidence that the evidence transaction then
 * slashes, and ledger_finalize (a batch with failing transactions gives
 * the same block on two replicas, the failures left out, and at most
 * FINALIZE_MAX_FAILURES of them before the rest are sent back), and
 * amounts as text (lib/ledger/text.c, which the wallet inside NØNOS
 * shares with nonos-ledger): 0 and 2^128 - 1 both ways, 2^128 and
 * anything not a digit refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/ledger/finalize.h"
#include "lib/ledger/proto.h"
#include "lib/ledger/replica.h"
#include "lib/ledger/text.h"
#include "tests/unit/ledger_harness.h"

static uint8_t frame[P_MAX_FRAME];

/* Encodes m, decodes it, re-encodes: the same bytes; returns the length. */
static size_t
round_trip(const struct proto_msg *m)
{
	static uint8_t again[P_MAX_FRAME];
	struct proto_msg d;
	size_t n, n2, flen;

	n = proto_encode(m, frame, sizeof frame);
	assert_true(n > 4);
	assert_int_equal(proto_frame_len(frame, n, &flen), L_OK);
	assert_int_equal(flen, n);
	assert_int_equal(proto_decode(&d, frame, n), L_OK);
	assert_int_equal(d.type, m->type);
	n2 = proto_encode(&d, again, sizeof again);
	assert_int_equal(n2, n);
	assert_memory_equal(again, frame, n);
	/* One byte short, one byte more: refused. */
	assert_int_equal(proto_decode(&d, frame, n - 1), L_EFORMAT);
	return n;
}

static void
test_proto_round_trip(void **state)
{
	struct harness *h;
	struct ledger_params p;
	struct ledger_tx tx;
	struct proto_msg m, d;
	uint8_t txb[TX_MAX_LEN], blk[BLOCK_HEADER_LEN + 10];
	size_t n;

	(void)state;
	ledger_default_params(&p);
	h = h_new(&p, 1000 * UNIT, 3);
	tx = h_tx(h, 0, TX_TRANSFER, NULL);
	memset(&m, 0, sizeof m);
	m.type = P_SUBMIT;
	m.data = txb;
	m.datalen = ledger_tx_encode(&tx, txb, sizeof txb);
	round_trip(&m);
	assert_int_equal(proto_decode(&d, frame, m.datalen + 5), L_OK);
	assert_memory_equal(d.data, txb, m.datalen);
	/* A transaction with a byte after it is no transaction. */
	txb[m.datalen] = 0;
	m.datalen++;
	assert_int_equal(proto_decode(&d, frame, proto_encode(&m, frame,
	    sizeof frame)), L_EFORMAT);

	memset(&m, 0, sizeof m);
	m.type = P_ACCOUNT;
	memset(m.key, 7, 32);
	round_trip(&m);
	m.type = P_BLOCK;
	m.height = 123456789;
	round_trip(&m);
	m.type = P_COMMITTED;
	round_trip(&m);
	m.type = P_STATUS;
	assert_int_equal(round_trip(&m), 5);
	m.type = P_DONE;
	round_trip(&m);
	m.type = P_SIGN;
	memset(m.hash, 8, 32);
	memset(m.sig, 9, 64);
	round_trip(&m);
	m.type = P_ERROR;
	m.code = L_ENONCE;
	round_trip(&m);
	assert_int_equal(proto_decode(&d, frame, 9), L_OK);
	assert_int_equal(d.code, L_ENONCE);

	m.type = P_MEMBER;
	m.op = P_OP_ADD;
	m.id = 4;
	strcpy(m.addr, "127.0.0.1:7004");
	round_trip(&m);
	m.op = 3;
	assert_int_equal(proto_encode(&m, frame, sizeof frame), 0);
	m.op = P_OP_REMOVE;
	strcpy(m.addr, "a b");		/* no spaces in an address */
	assert_int_equal(proto_encode(&m, frame, sizeof frame), 0);
	memset(m.addr, 'x', P_MAX_ADDR);
	m.addr[P_MAX_ADDR] = '\0';
	round_trip(&m);

	m.type = P_REDIRECT;
	strcpy(m.addr, "[::1]:7001");
	round_trip(&m);
	m.addr[0] = '\0';
	assert_int_equal(proto_encode(&m, frame, sizeof frame), 0);

	m.type = P_STATUS_R;
	m.role = P_ROLE_FOLLOWER;
	round_trip(&m);			/* no leader known */
	strcpy(m.addr, "127.0.0.1:7001");
	round_trip(&m);
	m.role = 4;
	assert_int_equal(proto_encode(&m, frame, sizeof frame), 0);

	memset(&m, 0, sizeof m);
	m.type = P_ACCOUNT_R;
	m.exists = 1;
	m.nonce = 5;
	m.balance = (u128)1 << 100;
	n = round_trip(&m);
	frame[4 + 1 + 8] = 2;		/* exists must be 0 or 1 */
	assert_int_equal(proto_decode(&d, frame, n), L_EFORMAT);

	memset(&m, 0, sizeof m);
	memset(blk, 0x5c, sizeof blk);
	m.type = P_BLOCK_R;
	m.height = 2;
	m.data = blk;
	m.datalen = sizeof blk;
	m.nsig = P_MAX_SIGS;
	for (uint32_t i = 0; i < P_MAX_SIGS; i++)
		memset(m.sigs[i].key, (int)i, 32);
	n = round_trip(&m);
	frame[n - P_MAX_SIGS * 96 - 1] = P_MAX_SIGS + 1;
	assert_int_equal(proto_decode(&d, frame, n), L_EFORMAT);
	m.nsig = P_MAX_SIGS + 1;
	assert_int_equal(proto_encode(&m, frame, sizeof frame), 0);
	m.nsig = 0;
	m.datalen = BLOCK_HEADER_LEN - 1;
	assert_int_equal(proto_encode(&m, frame, sizeof frame), 0);

	/* Frame lengths: zero, oversized, unknown types. */
	memset(frame, 0, 8);
	assert_int_equal(proto_frame_len(frame, 4, &n), L_EFORMAT);
	assert_int_equal(proto_frame_len(frame, 3, &n), L_EFORMAT);
	frame[0] = frame[1] = frame[2] = frame[3] = 0xff;
	assert_int_equal(proto_frame_len(frame, 4, &n), L_EFORMAT);
	frame[0] = 1;
	frame[1] = frame[2] = frame[3] = 0;
	frame[4] = 0x7f;
	assert_int_equal(proto_decode(&d, frame, 5), L_EFORMAT);
	assert_int_equal(proto_encode(&m, frame, 3), 0);
	h_free(h);
}

static void
test_replica_quorum(void **state)
{
	struct harness *h;
	struct ledger_params p;
	uint8_t keys[3][32], st[32], other[32];
	struct proto_sig sigs[5];
	uint8_t chain[32];

	(void)state;
	ledger_default_params(&p);
	h = h_new(&p, UNIT, 4);
	memset(chain, 0x33, 32);
	memset(st, 0x44, 32);
	memset(other, 0x45, 32);
	for (int i = 0; i < 3; i++) {
		memcpy(keys[i], h->pk[i], 32);
		memcpy(sigs[i].key, h->pk[i], 32);
		assert_int_equal(replica_sign(chain, 7, st, h->sk[i], sigs[i].sig),
		    L_OK);
	}
	assert_int_equal(replica_quorum(3), 2);
	assert_int_equal(replica_quorum(4), 3);
	assert_int_equal(replica_quorum(5), 3);
	assert_int_equal(replica_count(chain, 7, st, keys, 3, sigs, 3), 3);
	assert_int_equal(replica_count(chain, 7, st, keys, 3, sigs, 1), 1);
	/* Another height, another hash, another chain: nothing counts. */
	assert_int_equal(replica_count(chain, 8, st, keys, 3, sigs, 3), 0);
	assert_int_equal(replica_count(chain, 7, other, keys, 3, sigs, 3), 0);
	chain[0] ^= 1;
	assert_int_equal(replica_count(chain, 7, st, keys, 3, sigs, 3), 0);
	chain[0] ^= 1;
	/* The same replica twice counts once; an outsider never. */
	sigs[1] = sigs[0];
	memcpy(sigs[3].key, h->pk[5], 32);
	assert_int_equal(replica_sign(chain, 7, st, h->sk[5], sigs[3].sig), L_OK);
	assert_int_equal(replica_count(chain, 7, st, keys, 3, sigs, 2), 1);
	assert_true(replica_count(chain, 7, st, keys, 3, sigs, 2) <
	    replica_quorum(3));
	assert_int_equal(replica_count(chain, 7, st, keys, 3, sigs + 3, 1), 0);
	/* A flipped bit: refused. */
	sigs[2].sig[10] ^= 1;
	assert_int_equal(replica_count(chain, 7, st, keys, 3, sigs, 3), 1);
	h_free(h);
}

static void
test_replica_evidence_slashes(void **state)
{
	struct harness *h;
	struct ledger_params p;
	struct tx_body b;
	uint8_t h1[32], h2[32], s1[64], s2[64];
	u128 tokens;

	(void)state;
	ledger_default_params(&p);
	memset(p.chain_id, 0x5b, 32);
	p.slash_bps = 1000;
	h = h_new(&p, 1000 * UNIT, 5);
	memset(&b, 0, sizeof b);
	b.a = 100 * UNIT;
	assert_int_equal(h_do(h, 0, TX_VALIDATOR_CREATE, &b), L_OK);
	assert_int_equal(h_empty(h), L_OK);
	/* Replica 0 signs two different states for height 2. */
	memset(h1, 1, 32);
	memset(h2, 2, 32);
	assert_int_equal(replica_sign(p.chain_id, 2, h1, h->sk[0], s1), L_OK);
	assert_int_equal(replica_sign(p.chain_id, 2, h2, h->sk[0], s2), L_OK);
	assert_int_equal(replica_evidence(p.chain_id, h->pk[0], 2, h1, s1, h1,
	    s1, &b), L_EPARAM);
	assert_int_equal(replica_evidence(p.chain_id, h->pk[1], 2, h1, s1, h2,
	    s2, &b), L_ESIG);
	assert_int_equal(replica_evidence(p.chain_id, h->pk[0], 3, h1, s1, h2,
	    s2, &b), L_ESIG);
	assert_int_equal(replica_evidence(p.chain_id, h->pk[0], 2, h1, s1, h2,
	    s2, &b), L_OK);
	tokens = h->l->validators[0].tokens;
	assert_int_equal(h_do(h, 1, TX_EVIDENCE, &b), L_OK);
	assert_true(h->l->validators[0].jailed);
	assert_true(h->l->validators[0].tokens == tokens - tokens / 10);
	h_free(h);
}

/* A batch of five: a good transfer, a replay, a forgery, two good ones. */
static void
test_finalize_leaves_out_failures(void **state)
{
	static uint8_t batch[10 * TX_MAX_LEN], block[BLOCK_HEADER_LEN + sizeof batch];
	struct harness *h;
	struct ledger *replica;
	struct ledger_params p;
	struct ledger_tx t[5];
	struct tx_body b;
	int32_t res[5], res2[5], many[10];
	uint8_t s1[32], s2[32], proposer[32];
	size_t len = 0, blen, blen2;

	(void)state;
	ledger_default_params(&p);
	h = h_new(&p, 1000 * UNIT, 6);
	replica = malloc(sizeof *replica);
	memcpy(replica, h->l, sizeof *replica);
	memset(&b, 0, sizeof b);
	memcpy(b.key, h->pk[7], 32);
	b.a = 5;
	t[0] = h_tx(h, 0, TX_TRANSFER, &b);
	t[1] = t[0];				/* the same nonce again */
	t[2] = h_tx(h, 1, TX_TRANSFER, &b);
	t[2].body.a = 6;			/* signature no longer matches */
	t[3] = h_tx(h, 2, TX_TRANSFER, &b);
	t[4] = h_tx(h, 3, TX_TRANSFER, &b);
	for (int i = 0; i < 5; i++)
		len += ledger_tx_encode(&t[i], batch + len, sizeof batch - len);
	memset(proposer, 0xee, 32);
	assert_int_equal(ledger_finalize(h->l, h->scratch, proposer, batch, len,
	    5, res, block, sizeof block, &blen), L_OK);
	assert_int_equal(res[0], L_OK);
	assert_int_equal(res[1], L_ENONCE);
	assert_int_equal(res[2], L_ESIG);
	assert_int_equal(res[3], L_OK);
	assert_int_equal(res[4], L_OK);
	assert_int_equal(h->l->height, 1);
	assert_true(h_bal(h, 7, 0) == 1000 * UNIT + 15);
	/* A second replica gets the same block and state. */
	assert_int_equal(ledger_finalize(replica, h->scratch, proposer, batch,
	    len, 5, res2, block, sizeof block, &blen2), L_OK);
	assert_int_equal(blen2, blen);
	assert_memory_equal(res, res2, sizeof res);
	ledger_state_hash(h->l, s1);
	ledger_state_hash(replica, s2);
	assert_memory_equal(s1, s2, 32);
	/* The same batch again: nothing applies, no block. */
	assert_int_equal(ledger_finalize(h->l, h->scratch, proposer, batch, len,
	    5, res, block, sizeof block, &blen), L_ESTATE);
	assert_int_equal(h->l->height, 1);
	/* A malformed tail: refused with the rest. */
	assert_int_equal(ledger_finalize(h->l, h->scratch, proposer, batch, 3,
	    2, res, block, sizeof block, &blen), L_ESTATE);
	assert_int_equal(res[0], L_EFORMAT);
	assert_int_equal(res[1], L_EFORMAT);
	/* One transfer and nine copies: eight failures, then the rest later. */
	h_free(h);
	h = h_new(&p, 1000 * UNIT, 7);
	t[0] = h_tx(h, 0, TX_TRANSFER, &b);
	len = 0;
	for (int i = 0; i < 10; i++)
		len += ledger_tx_encode(&t[0], batch + len, sizeof batch - len);
	assert_int_equal(ledger_finalize(h->l, h->scratch, proposer, batch, len,
	    10, many, block, sizeof block, &blen), L_OK);
	assert_int_equal(many[0], L_OK);
	for (int i = 1; i <= FINALIZE_MAX_FAILURES; i++)
		assert_int_equal(many[i], L_ENONCE);
	assert_int_equal(many[9], L_EBLOCK);
	free(replica);
	h_free(h);
}

static int
parse(const char *s, u128 *v)
{
	return ledger_amount_parse(s, strlen(s), v);
}

static void
test_amount_text(void **state)
{
	static const char max[] = "340282366920938463463374607431768211455";
	char text[AMOUNT_TEXT];
	u128 v = 7;

	(void)state;
	assert_int_equal(ledger_amount_text(0, text), 1);
	assert_string_equal(text, "0");
	assert_int_equal(ledger_amount_text(U128_MAX, text), 39);
	assert_string_equal(text, max);
	assert_int_equal(ledger_amount_text((u128)1 << 64, text), 20);
	assert_string_equal(text, "18446744073709551616");
	assert_int_equal(parse(max, &v), L_OK);
	assert_true(v == U128_MAX);
	assert_int_equal(parse("0", &v), L_OK);
	assert_true(v == 0);
	assert_int_equal(parse("000123", &v), L_OK);
	assert_true(v == 123);
	v = 7;
	assert_int_equal(parse("340282366920938463463374607431768211456", &v),
	    L_EOVERFLOW);
	assert_int_equal(parse("1000000000000000000000000000000000000000", &v),
	    L_EOVERFLOW);
	assert_int_equal(parse("", &v), L_EFORMAT);
	assert_int_equal(parse("12x", &v), L_EFORMAT);
	assert_int_equal(parse("-1", &v), L_EFORMAT);
	assert_int_equal(parse(" 1", &v), L_EFORMAT);
	assert_int_equal(ledger_amount_parse("12", 1, &v), L_OK);
	assert_true(v == 1);
	assert_string_equal(proto_strerror(P_EAGAIN), "no leader now: retry");
	assert_string_equal(proto_strerror(L_EFUNDS), ledger_strerror(L_EFUNDS));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proto_round_trip),
		cmocka_unit_test(test_replica_quorum),
		cmocka_unit_test(test_replica_evidence_slashes),
		cmocka_unit_test(test_finalize_leaves_out_failures),
		cmocka_unit_test(test_amount_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

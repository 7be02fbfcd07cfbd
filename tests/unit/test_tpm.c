/*
 * Tests of lib/tpm without a TPM: each command's bytes written out by
 * hand from the TPM 2.0 Library (part 3's command tables), and the
 * response checks on hand-made responses: the good ones accepted with
 * their fields, and every truncation, every extra byte, a size field
 * that lies, a wrong tag, an error code, an over-long policy or name,
 * and every way an index can differ from our counter refused.
 * test_tpm_swtpm.c runs the same code against a real TPM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/tpm/tpm.h"

static void
check_cmd(size_t (*build)(uint8_t *, uint32_t), const uint8_t *want, size_t n)
{
	uint8_t buf[TPM_CMD_MAX];

	memset(buf, 0xee, sizeof buf);
	assert_int_equal(build(buf, TPM_COUNTER_INDEX), n);
	assert_memory_equal(buf, want, n);
}

#define PW_SESSION 0, 0, 0, 9, 0x40, 0, 0, 9, 0, 0, 0, 0, 0

static void
test_commands(void **state)
{
	static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0 };
	static const uint8_t pub[] = { 0x80, 0x01, 0, 0, 0, 14, 0, 0, 0x01, 0x69,
	    0x01, 0x00, 0x4e, 0x4e };
	static const uint8_t define[] = { 0x80, 0x02, 0, 0, 0, 45, 0, 0, 0x01, 0x2a,
	    0x40, 0, 0, 1, PW_SESSION, 0, 0, 0, 14, 0x01, 0x00, 0x4e, 0x4e, 0, 0x0b,
	    0x02, 0x02, 0x00, 0x12, 0, 0, 0, 8 };
	static const uint8_t incr[] = { 0x80, 0x02, 0, 0, 0, 31, 0, 0, 0x01, 0x34,
	    0x40, 0, 0, 1, 0x01, 0x00, 0x4e, 0x4e, PW_SESSION };
	static const uint8_t rd[] = { 0x80, 0x02, 0, 0, 0, 35, 0, 0, 0x01, 0x4e,
	    0x40, 0, 0, 1, 0x01, 0x00, 0x4e, 0x4e, PW_SESSION, 0, 8, 0, 0 };
	uint8_t buf[TPM_CMD_MAX];

	assert_int_equal(tpm_cmd_startup(buf), sizeof startup);
	assert_memory_equal(buf, startup, sizeof startup);
	check_cmd(tpm_cmd_nv_read_public, pub, sizeof pub);
	check_cmd(tpm_cmd_nv_define_counter, define, sizeof define);
	check_cmd(tpm_cmd_nv_increment, incr, sizeof incr);
	check_cmd(tpm_cmd_nv_read_counter, rd, sizeof rd);
	assert_true(sizeof define <= TPM_CMD_MAX);
}

/* Good responses. */
static const uint8_t rsp_none[] = { 0x80, 0x02, 0, 0, 0, 19, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 1, 0, 0 };
static const uint8_t rsp_read[] = { 0x80, 0x02, 0, 0, 0, 29, 0, 0, 0, 0,
    0, 0, 0, 10, 0, 8, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    0, 0, 1, 0, 0 };
static const uint8_t rsp_pub[] = { 0x80, 0x01, 0, 0, 0, 62, 0, 0, 0, 0,
    0, 14, 0x01, 0x00, 0x4e, 0x4e, 0, 0x0b, 0x22, 0x02, 0x00, 0x12, 0, 0, 0, 8,
    0, 34, 0, 0x0b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

static void
test_good_responses(void **state)
{
	struct tpm_nv_public p;
	uint64_t v = 0;
	uint32_t rc = 1;

	assert_null(tpm_rsp_header(rsp_none, sizeof rsp_none, &rc));
	assert_int_equal(rc, 0);
	assert_null(tpm_rsp_no_output(rsp_none, sizeof rsp_none));
	assert_null(tpm_rsp_nv_read_counter(rsp_read, sizeof rsp_read, &v));
	assert_int_equal(v, 0x0102030405060708ull);
	assert_null(tpm_rsp_nv_read_public(rsp_pub, sizeof rsp_pub, &p));
	assert_int_equal(p.index, TPM_COUNTER_INDEX);
	assert_int_equal(p.name_alg, 0x000b);
	assert_int_equal(p.attrs, 0x22020012);
	assert_int_equal(p.policy_len, 0);
	assert_int_equal(p.data_size, 8);
	assert_null(tpm_counter_ok(&p, TPM_COUNTER_INDEX));
}

static void
set_size(uint8_t *b, size_t n)
{
	b[2] = (uint8_t)(n >> 24);
	b[3] = (uint8_t)(n >> 16);
	b[4] = (uint8_t)(n >> 8);
	b[5] = (uint8_t)n;
}

/* 0: no_output, 1: read, 2: read_public; NULL when accepted. */
static const char *
parse(int kind, const uint8_t *b, size_t n)
{
	struct tpm_nv_public p;
	uint64_t v;

	if (kind == 0)
		return tpm_rsp_no_output(b, n);
	if (kind == 1)
		return tpm_rsp_nv_read_counter(b, n, &v);
	return tpm_rsp_nv_read_public(b, n, &p);
}

static void
test_truncated_and_extended(void **state)
{
	const uint8_t *good[3] = { rsp_none, rsp_read, rsp_pub };
	size_t len[3] = { sizeof rsp_none, sizeof rsp_read, sizeof rsp_pub };
	uint8_t b[128];

	for (int k = 0; k < 3; k++) {
		for (size_t n = 0; n < len[k]; n++) {
			memcpy(b, good[k], len[k]);
			/* As received, and with the size field made to agree. */
			assert_non_null(parse(k, b, n));
			if (n >= 6)
				set_size(b, n);
			assert_non_null(parse(k, b, n));
		}
		memcpy(b, good[k], len[k]);
		b[len[k]] = 0;
		set_size(b, len[k] + 1);
		assert_non_null(parse(k, b, len[k] + 1));
		/* A size field that lies, either way. */
		memcpy(b, good[k], len[k]);
		set_size(b, len[k] - 1);
		assert_non_null(parse(k, b, len[k]));
		set_size(b, len[k] + 1);
		assert_non_null(parse(k, b, len[k]));
	}
}

static void
test_bad_fields(void **state)
{
	uint8_t b[128];
	uint32_t rc;

	/* Unknown tag; the other command kind's tag. */
	memcpy(b, rsp_none, sizeof rsp_none);
	b[1] = 0x03;
	assert_non_null(tpm_rsp_header(b, sizeof rsp_none, &rc));
	memcpy(b, rsp_pub, sizeof rsp_pub);
	b[1] = 0x02;
	assert_non_null(tpm_rsp_nv_read_public(b, sizeof rsp_pub, &(struct tpm_nv_public){0}));
	/* An error code: the header is fine, the response is not a success. */
	memcpy(b, rsp_none, sizeof rsp_none);
	b[8] = 0x09;
	b[9] = 0x22;
	assert_null(tpm_rsp_header(b, sizeof rsp_none, &rc));
	assert_int_equal(rc, TPM_RC_RETRY);
	assert_non_null(tpm_rsp_no_output(b, sizeof rsp_none));
	/* Parameters where none belong; a read of 7 or 9 bytes. */
	memcpy(b, rsp_none, sizeof rsp_none);
	b[13] = 1;
	assert_non_null(tpm_rsp_no_output(b, sizeof rsp_none));
	memcpy(b, rsp_read, sizeof rsp_read);
	b[15] = 7;
	assert_non_null(tpm_rsp_nv_read_counter(b, sizeof rsp_read, &(uint64_t){0}));
	b[15] = 9;
	assert_non_null(tpm_rsp_nv_read_counter(b, sizeof rsp_read, &(uint64_t){0}));
	/* A parameter size past the end. */
	memcpy(b, rsp_read, sizeof rsp_read);
	b[10] = 0xff;
	assert_non_null(tpm_rsp_nv_read_counter(b, sizeof rsp_read, &(uint64_t){0}));
	/* Public area: its size one off, a policy longer than the area, a long name. */
	memcpy(b, rsp_pub, sizeof rsp_pub);
	b[11] = 15;
	assert_non_null(tpm_rsp_nv_read_public(b, sizeof rsp_pub, &(struct tpm_nv_public){0}));
	memcpy(b, rsp_pub, sizeof rsp_pub);
	b[23] = 40;
	assert_non_null(tpm_rsp_nv_read_public(b, sizeof rsp_pub, &(struct tpm_nv_public){0}));
	memcpy(b, rsp_pub, sizeof rsp_pub);
	b[26] = 0xff;
	assert_non_null(tpm_rsp_nv_read_public(b, sizeof rsp_pub, &(struct tpm_nv_public){0}));
	/*
	 * An area shorter than its own fixed fields, whose policy length
	 * then reaches past the response (found by fuzz_tpm: the cursor
	 * was moved past the end before the check).
	 */
	memcpy(b, rsp_pub, sizeof rsp_pub);
	b[11] = 2;
	b[22] = 0;
	b[23] = 60;
	assert_non_null(tpm_rsp_nv_read_public(b, sizeof rsp_pub, &(struct tpm_nv_public){0}));
	b[11] = 12;
	assert_non_null(tpm_rsp_nv_read_public(b, sizeof rsp_pub, &(struct tpm_nv_public){0}));
	/* A session nonce longer than any digest. */
	memcpy(b, rsp_none, sizeof rsp_none);
	b[15] = 65;
	assert_non_null(tpm_rsp_no_output(b, sizeof rsp_none));
}

static void
test_counter_ok(void **state)
{
	const struct tpm_nv_public good = { TPM_COUNTER_INDEX, 0x000b,
	    TPM_COUNTER_ATTRS | TPMA_NV_WRITTEN, 0, 8 };
	struct tpm_nv_public p;

	assert_null(tpm_counter_ok(&good, TPM_COUNTER_INDEX));
	p = good;
	p.index++;
	assert_string_equal(tpm_counter_ok(&p, TPM_COUNTER_INDEX),
	    "the TPM described another index");
	for (uint32_t nt = 0; nt < 16; nt++) {
		p = good;
		p.attrs = (p.attrs & ~TPMA_NV_NT_MASK) | nt << 4;
		if (nt == 1)
			assert_null(tpm_counter_ok(&p, TPM_COUNTER_INDEX));
		else
			assert_string_equal(tpm_counter_ok(&p, TPM_COUNTER_INDEX),
			    "the TPM index is not a counter");
	}
	p = good;
	p.attrs &= ~TPMA_NV_OWNERWRITE;
	assert_non_null(tpm_counter_ok(&p, TPM_COUNTER_INDEX));
	p = good;
	p.attrs &= ~TPMA_NV_OWNERREAD;
	assert_non_null(tpm_counter_ok(&p, TPM_COUNTER_INDEX));
	p = good;
	p.data_size = 4;
	assert_string_equal(tpm_counter_ok(&p, TPM_COUNTER_INDEX),
	    "the TPM counter is not 8 bytes");
	p = good;
	p.policy_len = 32;
	assert_string_equal(tpm_counter_ok(&p, TPM_COUNTER_INDEX),
	    "the TPM counter has a policy");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_good_responses),
		cmocka_unit_test(test_truncated_and_extended),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_counter_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

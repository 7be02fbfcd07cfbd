/*
 * The few TPM 2.0 commands the vault rollback counter needs (TPM 2.0
 * Library, part 3: NV_DefineSpace, NV_Increment, NV_Read, NV_ReadPublic,
 * Startup), built into and parsed from byte buffers. No I/O happens here:
 * the kernel's CRB transport (kernel/tpm.c) moves the bytes, so the same
 * code runs in host tests, against swtpm, and in fuzzers.
 *
 * The counter is one NV index of type counter (TPM_NT_COUNTER): the TPM
 * itself only ever raises it, and a counter deleted and defined again
 * starts no lower than the highest value any counter on that TPM ever
 * had. Writes and reads use the owner hierarchy with its (default,
 * empty) password: the index holds no secret, and the only thing an
 * attacker with owner rights can do to it is raise it further.
 *
 * Every response is checked before a field is used: its size field must
 * equal the bytes received, every length must fit what encloses it, and
 * nothing may follow the last field.
 */
#ifndef LIB_TPM_TPM_H
#define LIB_TPM_TPM_H

#include <stddef.h>
#include <stdint.h>

/* Our NV index: in the owner range (TCG handle registry, 0x01000000-0x013fffff). */
#define TPM_COUNTER_INDEX	0x01004e4eu	/* "NN" */

#define TPM_CMD_MAX	64	/* bytes: our largest command (NV_DefineSpace) is 45 */
#define TPM_RSP_MIN	10	/* tag, size, response code */

/* Response codes we act on (part 2, 6.6). */
#define TPM_RC_SUCCESS		0x000u
#define TPM_RC_INITIALIZE	0x100u	/* Startup when already started */
#define TPM_RC_NV_UNINITIALIZED	0x14au	/* a counter never incremented */
#define TPM_RC_NV_DEFINED	0x14cu
#define TPM_RC_RETRY		0x922u
#define TPM_RC_YIELDED		0x908u
#define TPM_RC_TESTING		0x90au
#define TPM_RC_HANDLE_1		0x18bu	/* the index is not defined */

/* TPMA_NV bits (part 2, 13.4). */
#define TPMA_NV_OWNERWRITE	0x00000002u
#define TPMA_NV_NT_MASK		0x000000f0u
#define TPMA_NV_NT_COUNTER	0x00000010u
#define TPMA_NV_OWNERREAD	0x00020000u
#define TPMA_NV_NO_DA		0x02000000u
#define TPMA_NV_WRITTEN		0x20000000u

/* What we define: owner reads and increments it, no dictionary-attack lockout. */
#define TPM_COUNTER_ATTRS	(TPMA_NV_OWNERWRITE | TPMA_NV_NT_COUNTER | \
				 TPMA_NV_OWNERREAD | TPMA_NV_NO_DA)

/*
 * Command builders: each writes one whole command into buf (at least
 * TPM_CMD_MAX bytes) and returns its length.
 */
size_t tpm_cmd_startup(uint8_t *buf);
size_t tpm_cmd_nv_read_public(uint8_t *buf, uint32_t index);
size_t tpm_cmd_nv_define_counter(uint8_t *buf, uint32_t index);
size_t tpm_cmd_nv_increment(uint8_t *buf, uint32_t index);
size_t tpm_cmd_nv_read_counter(uint8_t *buf, uint32_t index);

/*
 * Checks the response header: returns NULL and the response code in *rc,
 * or why the bytes are not a TPM response. A response with a non-zero
 * code is only a header (part 1, 18.9), so nothing else is checked then.
 */
const char *tpm_rsp_header(const uint8_t *buf, size_t len, uint32_t *rc);

/* The public area of an NV index, as NV_ReadPublic reports it. */
struct tpm_nv_public {
	uint32_t index;
	uint16_t name_alg;
	uint32_t attrs;
	uint16_t policy_len;
	uint16_t data_size;
};

/*
 * Parses a successful NV_ReadPublic response (rc 0). NULL, or why the
 * response is malformed. Whether the index is the one we want is
 * tpm_counter_ok's question.
 */
const char *tpm_rsp_nv_read_public(const uint8_t *buf, size_t len,
    struct tpm_nv_public *out);

/*
 * NULL when pub is our counter: the index asked for, type counter,
 * readable and writable by the owner, 8 bytes, no policy; else what
 * differs (someone defined another kind of index at our handle).
 */
const char *tpm_counter_ok(const struct tpm_nv_public *pub, uint32_t index);

/* Parses a successful NV_Read of the counter: its 8-byte big-endian value. */
const char *tpm_rsp_nv_read_counter(const uint8_t *buf, size_t len, uint64_t *value);

/* Checks a successful response to a command with one password session and no output. */
const char *tpm_rsp_no_output(const uint8_t *buf, size_t len);

#endif

/*
 * libFuzzer target for lib/tpm's response checks. The first byte picks
 * the parser (header, no output, counter read, public area); the rest is
 * the response as a TPM would send it. No input may read outside the
 * buffer (ASan), and what is accepted must be what the checks promise: a
 * size field equal to the length, a counter read of exactly 8 bytes, a
 * public area whose policy fits the limit.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/tpm/tpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpm_nv_public pub;
	uint64_t v;
	uint32_t rc;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		if (tpm_rsp_header(data + 1, size - 1, &rc) == NULL &&
		    ((uint32_t)data[3] << 24 | data[4] << 16 | data[5] << 8 | data[6]) != size - 1)
			abort();
		break;
	case 1:
		if (tpm_rsp_no_output(data + 1, size - 1) == NULL && size - 1 < 19)
			abort();
		break;
	case 2:
		if (tpm_rsp_nv_read_counter(data + 1, size - 1, &v) == NULL && size - 1 < 29)
			abort();
		break;
	case 3:
		if (tpm_rsp_nv_read_public(data + 1, size - 1, &pub) == NULL) {
			if (pub.policy_len > 64)
				abort();
			(void)tpm_counter_ok(&pub, TPM_COUNTER_INDEX);
		}
		break;
	}
	return 0;
}

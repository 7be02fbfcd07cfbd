/*
 * libFuzzer target for nonos-ledgerd's client protocol: a frame the
 * decoder accepts must encode back to exactly its bytes (one encoding
 * per message), and the frame length must agree with the decoder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ledger/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[P_MAX_FRAME];
	static struct proto_msg m;
	size_t frame, n;

	if (size >= 4 && proto_frame_len(data, size, &frame) == L_OK &&
	    frame > P_MAX_FRAME)
		abort();
	if (proto_decode(&m, data, size) != L_OK)
		return 0;
	if (proto_frame_len(data, size, &frame) != L_OK || frame != size)
		abort();
	n = proto_encode(&m, again, sizeof again);
	if (n != size || memcmp(again, data, n) != 0)
		abort();
	return 0;
}

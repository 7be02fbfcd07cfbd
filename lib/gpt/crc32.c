/*
 * CRC-32 one bit at a time: GPT checksums a 92-byte header and at most a
 * few KiB of entries, so a table would buy nothing worth its 1 KiB.
 */
#include "lib/gpt/crc32.h"

uint32_t
crc32_update(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xedb88320), as GPT uses it. */
#ifndef LIB_GPT_CRC32_H
#define LIB_GPT_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Start with crc = 0; feed pieces in order; the result is the CRC so far. */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

#endif

/*
 * Amounts as decimal text, for the people who type and read them
 * (nonos-ledger on the host, the wallet inside NØNOS). No 128-bit
 * division: freestanding code has no compiler runtime for it.
 */
#ifndef LIB_LEDGER_TEXT_H
#define LIB_LEDGER_TEXT_H

#include <stddef.h>

#include "lib/ledger/arith.h"

#define AMOUNT_TEXT	40	/* 2^128 - 1 has 39 digits, and the NUL */

/*
 * s[0..len) as a whole number: one or more decimal digits, nothing
 * else. L_OK; L_EFORMAT (empty, or a character not a digit);
 * L_EOVERFLOW (2^128 or more). *v is set only on L_OK.
 */
int ledger_amount_parse(const char *s, size_t len, u128 *v);

/* v in decimal, NUL-terminated; the number of digits. */
size_t ledger_amount_text(u128 v, char out[AMOUNT_TEXT]);

#endif

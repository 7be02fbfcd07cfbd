/*
 * libFuzzer target for amounts as text (lib/ledger/text.c), which the
 * wallet and nonos-ledger read from what people type: an amount parsed
 * must print back as the input without its leading zeros, and a refusal
 * must be for a reason (not a digit, or too large).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ledger/ledger.h"
#include "lib/ledger/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char text[AMOUNT_TEXT];
	size_t zeros = 0, n;
	u128 v;
	int err = ledger_amount_parse(s, size, &v);

	if (err == L_EFORMAT) {
		for (size_t i = 0; i < size; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		if (size == 0)
			return 0;
		abort();	/* all digits, yet "not a number" */
	}
	while (zeros + 1 < size && s[zeros] == '0')
		zeros++;
	if (err == L_EOVERFLOW) {
		if (size - zeros < 39)
			abort();	/* fewer than 39 digits always fit */
		return 0;
	}
	if (err != L_OK)
		abort();
	n = ledger_amount_text(v, text);
	if (n != size - zeros || memcmp(text, s + zeros, n) != 0)
		abort();
	return 0;
}

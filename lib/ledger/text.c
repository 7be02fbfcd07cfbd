/* Amounts as decimal text (text.h). */
#include "lib/ledger/ledger.h"
#include "lib/ledger/text.h"

int
ledger_amount_parse(const char *s, size_t len, u128 *v)
{
	/* A constant the compiler folds: no division at run time. */
	static const u128 limit = U128_MAX / 10;
	u128 x = 0;

	if (len == 0)
		return L_EFORMAT;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return L_EFORMAT;
	for (size_t i = 0; i < len; i++) {
		u128 d = (u128)(s[i] - '0');

		if (x > limit || x * 10 > U128_MAX - d)
			return L_EOVERFLOW;
		x = x * 10 + d;
	}
	*v = x;
	return L_OK;
}

size_t
ledger_amount_text(u128 v, char out[AMOUNT_TEXT])
{
	uint32_t limb[4] = { (uint32_t)(v >> 96), (uint32_t)(v >> 64),
	    (uint32_t)(v >> 32), (uint32_t)v };
	char tmp[AMOUNT_TEXT];
	size_t n = 0;

	/* Long division by 10 over 32-bit limbs, most significant first. */
	do {
		uint64_t rem = 0;

		for (int i = 0; i < 4; i++) {
			uint64_t cur = rem << 32 | limb[i];

			limb[i] = (uint32_t)(cur / 10);
			rem = cur % 10;
		}
		tmp[n++] = (char)('0' + rem);
	} while ((limb[0] | limb[1] | limb[2] | limb[3]) != 0);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

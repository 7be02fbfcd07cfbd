/*
 * nonos-ledger: argument parsing, printing, the genesis file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fmt/hex.h"
#include "lib/ledger/text.h"
#include "lib/sign/sign.h"
#include "tools/common/cli.h"
#include "tools/common/fileio.h"
#include "tools/nonos-ledger/ledger_tool.h"

int
parse_u128(const char *what, const char *s, u128 *v)
{
	if (ledger_amount_parse(s, strlen(s), v) != L_OK) {
		warnx_("%s: '%s' is not a whole number below 2^128", what, s);
		return -1;
	}
	return 0;
}

int
parse_u64(const char *what, const char *s, uint64_t *v)
{
	u128 x;

	if (parse_u128(what, s, &x) < 0)
		return -1;
	if (x > UINT64_MAX) {
		warnx_("%s: '%s' is too large", what, s);
		return -1;
	}
	*v = (uint64_t)x;
	return 0;
}

int
parse_u32(const char *what, const char *s, uint32_t *v)
{
	uint64_t x;

	if (parse_u64(what, s, &x) < 0)
		return -1;
	if (x > UINT32_MAX) {
		warnx_("%s: '%s' is too large", what, s);
		return -1;
	}
	*v = (uint32_t)x;
	return 0;
}

int
parse_hex(const char *what, const char *s, uint8_t *out, size_t n)
{
	if (hex_decode(out, n, s, strlen(s)) != 0) {
		warnx_("%s: expected %zu hex digits", what, 2 * n);
		return -1;
	}
	return 0;
}

int
parse_key(const char *what, const char *s, uint8_t key[L_KEY])
{
	uint8_t *buf;
	size_t len;
	int r;

	if (strlen(s) == 2 * L_KEY && hex_decode(key, L_KEY, s, 2 * L_KEY) == 0)
		return 0;
	if (read_small_file(s, 4096, &buf, &len) < 0) {
		warnx_("%s: '%s' is neither 64 hex digits nor a readable key "
		    "file (%s)", what, s, strerror(errno));
		return -1;
	}
	r = sign_pub_parse(key, (const char *)buf, len);
	free(buf);
	if (r != SIGN_OK) {
		warnx_("%s: %s is not a nonos-sign public key file", what, s);
		return -1;
	}
	return 0;
}

void
u128_text(u128 v, char out[41])
{
	ledger_amount_text(v, out);
}

void
print_hex(const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];

	while (n > 0) {
		size_t k = n > 64 ? 64 : n;

		hex_encode(hex, p, k);
		fputs(hex, stdout);
		p += k;
		n -= k;
	}
}

int
load_genesis(const char *path, struct ledger_params *p, struct ledger *l)
{
	static struct genesis_alloc alloc[L_MAX_ACCOUNTS];
	uint8_t *buf;
	size_t len, n;
	int err;

	if (read_small_file(path, GENESIS_MAX, &buf, &len) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	err = ledger_genesis_decode(p, alloc, L_MAX_ACCOUNTS, &n, buf, len);
	free(buf);
	if (err != L_OK) {
		warnx_("%s: not a genesis file", path);
		return -1;
	}
	if (l != NULL && (err = ledger_genesis(l, p, alloc, n)) != L_OK) {
		warnx_("%s: bad genesis: %s", path, ledger_strerror(err));
		return -1;
	}
	return 0;
}

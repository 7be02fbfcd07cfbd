/*
 * nonos-sign's text formats and checks: hex, key files, signature files
 * over BLAKE3 hashes, manifest lines.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/path/path.h"
#include "lib/sign/sign.h"

/* 13 bytes, then a NUL, then the hash. */
#define MSG_PREFIX	"NONOS sign v1"

const char *
sign_strerror(int err)
{
	switch (err) {
	case SIGN_OK:
		return "success";
	case SIGN_EFORMAT:
		return "malformed key or signature file";
	case SIGN_EHASH:
		return "file does not match the signed hash";
	case SIGN_EKEY:
		return "signed by another key";
	case SIGN_EBAD:
		return "bad signature";
	case SIGN_ECRYPTO:
		return "cryptography failure (no entropy?)";
	case SIGN_EPATH:
		return "manifest path is not a safe relative path";
	default:
		return "unknown error";
	}
}

void
sign_hex(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
sign_unhex(uint8_t *out, size_t n, const char *hex, size_t hexlen)
{
	if (hexlen != 2 * n)
		return SIGN_EFORMAT;
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return SIGN_EFORMAT;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return SIGN_OK;
}

int
sign_keygen(uint8_t pk[32], uint8_t sk[64])
{
	return nc_sign_ed25519_keypair(pk, sk) == NC_OK ? SIGN_OK
							: SIGN_ECRYPTO;
}

/* "TAG hex\n" for one 32-byte value. */
static void
encode32(char *out, const char *tag, const uint8_t v[32])
{
	size_t t = strlen(tag);

	memcpy(out, tag, t);
	out[t] = ' ';
	sign_hex(out + t + 1, v, 32);
	out[t + 65] = '\n';
	out[t + 66] = '\0';
}

/*
 * Splits a one-line file "TAG f1 f2 ...\n" (the newline optional) into
 * nf fields of the given hex lengths, checking the tag.
 */
static int
fields(const char *buf, size_t len, const char *tag, size_t nf,
    const size_t *flen, const char **f)
{
	size_t t = strlen(tag), pos;

	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len < t || memcmp(buf, tag, t) != 0)
		return SIGN_EFORMAT;
	pos = t;
	for (size_t i = 0; i < nf; i++) {
		if (len - pos < 1 + flen[i] || buf[pos] != ' ')
			return SIGN_EFORMAT;
		f[i] = buf + pos + 1;
		pos += 1 + flen[i];
	}
	return pos == len ? SIGN_OK : SIGN_EFORMAT;
}

void
sign_pub_encode(char out[SIGN_PUBFILE_LEN + 1], const uint8_t pk[32])
{
	encode32(out, SIGN_PUB_TAG, pk);
}

void
sign_key_encode(char out[SIGN_KEYFILE_LEN + 1], const uint8_t sk[64])
{
	encode32(out, SIGN_KEY_TAG, sk);	/* the seed half */
}

int
sign_pub_parse(uint8_t pk[32], const char *buf, size_t len)
{
	static const size_t flen[1] = { 64 };
	const char *f[1];

	if (fields(buf, len, SIGN_PUB_TAG, 1, flen, f) != SIGN_OK)
		return SIGN_EFORMAT;
	return sign_unhex(pk, 32, f[0], 64);
}

int
sign_key_parse(uint8_t sk[64], const char *buf, size_t len)
{
	static const size_t flen[1] = { 64 };
	const char *f[1];
	uint8_t seed[32], pk[32];
	int r = SIGN_EFORMAT;

	if (fields(buf, len, SIGN_KEY_TAG, 1, flen, f) == SIGN_OK &&
	    sign_unhex(seed, 32, f[0], 64) == SIGN_OK)
		r = nc_sign_ed25519_seed_keypair(pk, sk, seed) == NC_OK ?
		    SIGN_OK : SIGN_ECRYPTO;
	nc_wipe(seed, sizeof seed);
	return r;
}

void
sign_message(uint8_t msg[SIGN_MSG_LEN], const uint8_t digest[32])
{
	memcpy(msg, MSG_PREFIX, 13);
	msg[13] = 0;
	memcpy(msg + 14, digest, 32);
}

int
sign_make(char out[SIGN_SIGFILE_LEN + 1], const uint8_t digest[32],
    const uint8_t sk[64])
{
	uint8_t msg[SIGN_MSG_LEN], sig[64];
	size_t t = strlen(SIGN_SIG_TAG);

	sign_message(msg, digest);
	if (nc_sign_ed25519(sig, msg, sizeof msg, sk) != NC_OK)
		return SIGN_ECRYPTO;
	memcpy(out, SIGN_SIG_TAG, t);
	out[t] = ' ';
	sign_hex(out + t + 1, sk + 32, 32);
	out[t + 65] = ' ';
	sign_hex(out + t + 66, digest, 32);
	out[t + 130] = ' ';
	sign_hex(out + t + 131, sig, 64);
	out[t + 259] = '\n';
	out[t + 260] = '\0';
	return SIGN_OK;
}

int
sign_check(const char *buf, size_t len, const uint8_t digest[32],
    const uint8_t pk[32])
{
	static const size_t flen[3] = { 64, 64, 128 };
	const char *f[3];
	uint8_t signer[32], hash[32], sig[64], msg[SIGN_MSG_LEN];

	if (fields(buf, len, SIGN_SIG_TAG, 3, flen, f) != SIGN_OK ||
	    sign_unhex(signer, 32, f[0], 64) != SIGN_OK ||
	    sign_unhex(hash, 32, f[1], 64) != SIGN_OK ||
	    sign_unhex(sig, 64, f[2], 128) != SIGN_OK)
		return SIGN_EFORMAT;
	if (memcmp(signer, pk, 32) != 0)
		return SIGN_EKEY;
	if (memcmp(hash, digest, 32) != 0)
		return SIGN_EHASH;
	sign_message(msg, digest);
	if (nc_verify_ed25519(sig, msg, sizeof msg, pk) != NC_OK)
		return SIGN_EBAD;
	return SIGN_OK;
}

int
sign_manifest_line(const char *line, size_t len, uint8_t digest[32],
    const char **path, size_t *pathlen)
{
	if (len < 64 + 2 + 1 || line[64] != ' ' || line[65] != ' ' ||
	    sign_unhex(digest, 32, line, 64) != SIGN_OK)
		return SIGN_EFORMAT;
	*path = line + 66;
	*pathlen = len - 66;
	/* b3sum escapes names with '\\' or '\n'; we never accept those. */
	for (size_t i = 0; i < *pathlen; i++)
		if ((*path)[i] == '\\' || (*path)[i] == '\n')
			return SIGN_EPATH;
	return path_is_safe(*path, *pathlen) ? SIGN_OK : SIGN_EPATH;
}

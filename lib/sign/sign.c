/*
 * Making nonos-sign's files: key pairs, key files, signatures over
 * BLAKE3 hashes; and reading secret key files and manifest lines.
 * Checking signatures is check.c's.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/path/path.h"
#include "lib/sign/sign.h"

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
	hex_encode(out + t + 1, v, 32);
	out[t + 65] = '\n';
	out[t + 66] = '\0';
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
sign_key_parse(uint8_t sk[64], const char *buf, size_t len)
{
	uint8_t seed[32], pk[32];
	int r = SIGN_EFORMAT;

	if (sign_keyfile_parse(seed, SIGN_KEY_TAG, buf, len) == SIGN_OK)
		r = nc_sign_ed25519_seed_keypair(pk, sk, seed) == NC_OK ?
		    SIGN_OK : SIGN_ECRYPTO;
	nc_wipe(seed, sizeof seed);
	return r;
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
	hex_encode(out + t + 1, sk + 32, 32);
	out[t + 65] = ' ';
	hex_encode(out + t + 66, digest, 32);
	out[t + 130] = ' ';
	hex_encode(out + t + 131, sig, 64);
	out[t + 259] = '\n';
	out[t + 260] = '\0';
	return SIGN_OK;
}

int
sign_manifest_line(const char *line, size_t len, uint8_t digest[32],
    const char **path, size_t *pathlen)
{
	if (len < 64 + 2 + 1 || line[64] != ' ' || line[65] != ' ' ||
	    hex_decode(digest, 32, line, 64) != 0)
		return SIGN_EFORMAT;
	*path = line + 66;
	*pathlen = len - 66;
	/* b3sum escapes names with '\\' or '\n'; we never accept those. */
	for (size_t i = 0; i < *pathlen; i++)
		if ((*path)[i] == '\\' || (*path)[i] == '\n')
			return SIGN_EPATH;
	return path_is_safe(*path, *pathlen) ? SIGN_OK : SIGN_EPATH;
}

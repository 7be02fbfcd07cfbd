/*
 * Checking nonos-sign's files: public key files and signature files,
 * and the Ed25519 verification of a signature. Apart from sign.c (key
 * generation, signing, manifests) so that the UEFI loader, which has no
 * random numbers and no lib/path, can link exactly this.
 */
#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/libc/string.h"
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

/*
 * Reads a one-line file "TAG f1 f2 ...\n" (the newline optional) of nf
 * hex fields, either case, field i being flen[i] digits decoded into
 * out[i]. SIGN_EFORMAT if the tag or any field is wrong (out may then be
 * partly written).
 */
static int
fields(const char *buf, size_t len, const char *tag, size_t nf,
    const size_t *flen, uint8_t *const *out)
{
	size_t t = strlen(tag), pos;

	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len < t || memcmp(buf, tag, t) != 0)
		return SIGN_EFORMAT;
	pos = t;
	for (size_t i = 0; i < nf; i++) {
		if (len - pos < 1 + flen[i] || buf[pos] != ' ' ||
		    hex_decode(out[i], flen[i] / 2, buf + pos + 1, flen[i]) != 0)
			return SIGN_EFORMAT;
		pos += 1 + flen[i];
	}
	return pos == len ? SIGN_OK : SIGN_EFORMAT;
}

int
sign_keyfile_parse(uint8_t v[32], const char *tag, const char *buf,
    size_t len)
{
	static const size_t flen[1] = { 64 };
	uint8_t *const out[1] = { v };

	return fields(buf, len, tag, 1, flen, out);
}

int
sign_pub_parse(uint8_t pk[32], const char *buf, size_t len)
{
	return sign_keyfile_parse(pk, SIGN_PUB_TAG, buf, len);
}

void
sign_message(uint8_t msg[SIGN_MSG_LEN], const uint8_t digest[32])
{
	memcpy(msg, MSG_PREFIX, 13);
	msg[13] = 0;
	memcpy(msg + 14, digest, 32);
}

int
sign_sig_parse(struct sign_sig *s, const char *buf, size_t len)
{
	static const size_t flen[3] = { 64, 64, 128 };
	uint8_t *const out[3] = { s->signer, s->hash, s->sig };

	return fields(buf, len, SIGN_SIG_TAG, 3, flen, out);
}

int
sign_sig_verify(const struct sign_sig *s, const uint8_t digest[32],
    const uint8_t pk[32])
{
	uint8_t msg[SIGN_MSG_LEN];

	if (memcmp(s->signer, pk, 32) != 0)
		return SIGN_EKEY;
	if (memcmp(s->hash, digest, 32) != 0)
		return SIGN_EHASH;
	sign_message(msg, digest);
	if (nc_verify_ed25519(s->sig, msg, sizeof msg, pk) != NC_OK)
		return SIGN_EBAD;
	return SIGN_OK;
}

int
sign_check(const char *buf, size_t len, const uint8_t digest[32],
    const uint8_t pk[32])
{
	struct sign_sig s;

	if (sign_sig_parse(&s, buf, len) != SIGN_OK)
		return SIGN_EFORMAT;
	return sign_sig_verify(&s, digest, pk);
}

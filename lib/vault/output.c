/* Writing a vault's bytes: hashing them for the signature, and the trailer. */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/vault/bytes.h"
#include "lib/vault/header.h"
#include "lib/vault/output.h"

void
vault_output_init(struct vault_output *o, const struct vault_sink *sink,
    const uint8_t *sign_sk)
{
	o->sink = *sink;
	o->sign_sk = sign_sk;
	blake3_init(&o->hash);
	o->body_len = 0;
}

static int
emit(struct vault_output *o, const uint8_t *buf, size_t len)
{
	if (o->sign_sk != NULL)
		blake3_update(&o->hash, buf, len);
	return o->sink.write(o->sink.ctx, buf, len);
}

int
vault_output_header(struct vault_output *o, const uint8_t *raw, size_t len)
{
	return emit(o, raw, len);
}

int
vault_output_body(struct vault_output *o, const uint8_t *buf, size_t len)
{
	o->body_len += len;
	return emit(o, buf, len);
}

int
vault_output_trailer(struct vault_output *o)
{
	uint8_t t[VAULT_TRAILER_BYTES + VAULT_SIG_BYTES];
	uint8_t digest[32], msg[VAULT_SIGMSG_BYTES];
	size_t len = VAULT_TRAILER_BYTES;

	put64(t, o->body_len);
	if (o->sign_sk != NULL) {
		blake3_final(&o->hash, digest, sizeof digest);
		vault_sig_message(msg, digest);
		if (nc_sign_ed25519(t + len, msg, sizeof msg, o->sign_sk) !=
		    NC_OK)
			return VAULT_ECRYPTO;
		len += VAULT_SIG_BYTES;
	}
	return o->sink.write(o->sink.ctx, t, len);
}

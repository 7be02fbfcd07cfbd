/*
 * Loading nonos-vault's own key files: recipients and identities.
 * Signing keys are nonos-sign's (tools/common/keyfile.h).
 */
#include <stdlib.h>

#include "lib/crypto/crypto.h"
#include "tools/common/keyfile.h"
#include "tools/nonos-vault/cli.h"

int
load_recipient(struct vault_pubkey *pk, const char *path)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (keyfile_read(path, VAULT_PUBFILE_BYTES, 0, &buf, &len) < 0)
		return -1;
	r = vault_pubkey_parse(pk, buf, len);
	free(buf);
	if (r != VAULT_OK) {
		warnx_("%s: not a recipient public key (%s)", path,
		    vault_strerror(r));
		return -1;
	}
	return 0;
}

int
load_identity(struct vault_seckey *sk, const char *path)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (keyfile_read(path, VAULT_SECFILE_BYTES, 1, &buf, &len) < 0)
		return -1;
	r = vault_seckey_parse(sk, buf, len);
	nc_wipe(buf, len);
	free(buf);
	if (r != VAULT_OK) {
		warnx_("%s: not a recipient secret key (%s)", path,
		    vault_strerror(r));
		return -1;
	}
	return 0;
}

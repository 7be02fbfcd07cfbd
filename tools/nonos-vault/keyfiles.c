/*
 * Loading key files for nonos-vault: recipients and identities (vault
 * key files), signing keys and signer public keys (nonos-sign files).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/crypto/crypto.h"
#include "lib/sign/sign.h"
#include "tools/common/fileio.h"
#include "tools/nonos-vault/cli.h"

/*
 * Reads a key file of at most max bytes;
 * warns if a secret one is readable by others.
 */
static int
load(const char *path, size_t max, int secret, uint8_t **buf, size_t *len)
{
	struct stat st;

	if (read_small_file(path, max, buf, len) < 0) {
		warnx_("%s: %s", path,
		    errno == EFBIG ? "too large for a key file"
				   : strerror(errno));
		return -1;
	}
	if (secret && stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		warnx_("warning: %s is readable by others (chmod 600 it)",
		    path);
	return 0;
}

int
load_recipient(struct vault_pubkey *pk, const char *path)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (load(path, VAULT_PUBFILE_BYTES, 0, &buf, &len) < 0)
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

	if (load(path, VAULT_SECFILE_BYTES, 1, &buf, &len) < 0)
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

int
load_sign_key(uint8_t sk[VAULT_SIGN_SKBYTES], const char *path)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (load(path, SIGN_KEYFILE_LEN, 1, &buf, &len) < 0)
		return -1;
	r = sign_key_parse(sk, (const char *)buf, len);
	nc_wipe(buf, len);
	free(buf);
	if (r != SIGN_OK) {
		warnx_("%s: not a nonos-sign secret key (%s)", path,
		    sign_strerror(r));
		return -1;
	}
	return 0;
}

int
load_signer(uint8_t pk[VAULT_SIGNER_BYTES], const char *path)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (load(path, SIGN_PUBFILE_LEN, 0, &buf, &len) < 0)
		return -1;
	r = sign_pub_parse(pk, (const char *)buf, len);
	free(buf);
	if (r != SIGN_OK) {
		warnx_("%s: not a nonos-sign public key (%s)", path,
		    sign_strerror(r));
		return -1;
	}
	return 0;
}

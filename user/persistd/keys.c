/*
 * Key files from the client (user/lib/pst.h, PST_KEYS): recipients'
 * public keys and a signing key for a save, a recipient's secret key for
 * a restore. Each is parsed by the library that defines its format
 * (lib/vault/keys.h, lib/sign/sign.h), copied out of the shared buffer,
 * and wiped there; secrets stay here only until the save or the unlock
 * that needs them is over.
 */
#include "lib/crypto/crypto.h"
#include "lib/sign/sign.h"
#include "lib/vault/vault.h"
#include "user/lib/pst.h"
#include "user/persistd/persistd.h"

static struct vault_pubkey rcpt[PST_RCPT_MAX];
static struct vault_seckey id;
static uint8_t sign_sk[64];

static void
wipe_shared(uint8_t *clibuf, uint64_t len)
{
	nc_wipe(clibuf + PST_KEYS, (size_t)len);
}

int
keys_take_save(uint8_t *clibuf, uint64_t nrcpt, uint64_t signlen, struct vault_lock *lock)
{
	uint64_t total = nrcpt * VAULT_PUBFILE_BYTES + signlen;
	const uint8_t *p = clibuf + PST_KEYS;
	int err = 0;

	if (nrcpt > PST_RCPT_MAX || signlen > PST_KEYS_MAX || total > PST_KEYS_MAX)
		return KEYS_EINVAL;
	for (uint64_t i = 0; i < nrcpt && err == 0; i++) {
		if (vault_pubkey_parse(&rcpt[i], p, VAULT_PUBFILE_BYTES) != VAULT_OK)
			err = KEYS_ERCPT;
		p += VAULT_PUBFILE_BYTES;
	}
	if (err == 0 && signlen > 0 && (signlen > SIGN_KEYFILE_LEN + 2 ||
	    sign_key_parse(sign_sk, (const char *)p, (size_t)signlen) != SIGN_OK))
		err = KEYS_ESIGN;
	wipe_shared(clibuf, total);
	if (err != 0) {
		keys_drop();
		return err;
	}
	lock->rcpt = nrcpt > 0 ? rcpt : NULL;
	lock->nrcpt = (size_t)nrcpt;
	lock->sign_sk = signlen > 0 ? sign_sk : NULL;
	return 0;
}

int
keys_take_identity(uint8_t *clibuf, uint64_t len, struct vault_unlock *u)
{
	int err = 0;

	if (len == 0)
		return 0;
	if (len > PST_KEYS_MAX)
		return KEYS_EINVAL;
	if (vault_seckey_parse(&id, clibuf + PST_KEYS, (size_t)len) != VAULT_OK)
		err = KEYS_EID;
	wipe_shared(clibuf, len);
	if (err == 0)
		u->id = &id;
	return err;
}

void
keys_drop(void)
{
	nc_wipe(rcpt, sizeof rcpt);
	vault_seckey_wipe(&id);
	nc_wipe(sign_sk, sizeof sign_sk);
}

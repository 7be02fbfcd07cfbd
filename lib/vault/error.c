/* vault_strerror: one message per VAULT_E* code. */
#include "lib/vault/vault.h"

static const char *const messages[] = {
	[0] = "success",
	[-VAULT_EINVAL] = "invalid argument",
	[-VAULT_ENOMEM] = "out of memory",
	[-VAULT_EIO] = "input/output error",
	[-VAULT_ECRYPTO] = "cryptography failure (no entropy?)",
	[-VAULT_EMAGIC] = "not a vault",
	[-VAULT_EVERSION] = "unknown vault version",
	[-VAULT_EALG] = "unknown algorithm",
	[-VAULT_ETRUNC] = "vault truncated or extended",
	[-VAULT_EHEADER] = "header damaged",
	[-VAULT_EKDF] = "absurd KDF parameters",
	[-VAULT_ENOPASS] = "vault has no passphrase stanza",
	[-VAULT_EPASS] = "wrong passphrase",
	[-VAULT_ENOKEY] = "no stanza for this recipient key",
	[-VAULT_EHMAC] = "header MAC mismatch",
	[-VAULT_ECHUNK] = "chunk damaged",
	[-VAULT_EREORDER] = "chunk out of order",
	[-VAULT_EDUP] = "chunk duplicated",
	[-VAULT_EEXTEND] = "data follows the final chunk",
	[-VAULT_EUNSIGNED] = "vault is not signed",
	[-VAULT_ESIG] = "bad signature",
	[-VAULT_ESIGNER] = "wrong signer",
	[-VAULT_EPATH] = "path escapes the target",
	[-VAULT_EARCHIVE] = "archive damaged",
	[-VAULT_ECOMPRESS] = "compressed block damaged",
	[-VAULT_EKEYFILE] = "malformed key file",
};

const char *
vault_strerror(int err)
{
	if (err > 0 || -err >= (int)(sizeof messages / sizeof messages[0]) ||
	    messages[-err] == NULL)
		return "unknown error";
	return messages[-err];
}

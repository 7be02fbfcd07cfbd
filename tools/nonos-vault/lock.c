/* Who can open a vault being written: the options of create and rekey. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/common/keyfile.h"
#include "tools/nonos-vault/cli.h"

void
lock_opts_init(struct lock_opts *o, const char *pass_env)
{
	memset(o, 0, sizeof *o);
	o->pass_env = pass_env;
	o->kdf_t = VAULT_KDF_T_DEFAULT;
	o->kdf_m = VAULT_KDF_M_DEFAULT;
	o->compress = VAULT_COMP_LZ4;
}

int
lock_opts_recipient(struct lock_opts *o, const char *path)
{
	if (o->nrcpt == MAX_RECIPIENTS) {
		warnx_("at most %d recipients", MAX_RECIPIENTS);
		return -1;
	}
	o->rcpt[o->nrcpt++] = path;
	return 0;
}

int
parse_u32(const char *opt, const char *s, uint32_t *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n > UINT32_MAX ||
	    s[0] == '-') {
		warnx_("%s: not a number: %s", opt, s);
		return -1;
	}
	*v = (uint32_t)n;
	return 0;
}

int
lock_from_opts(struct vault_lock *l, char *pass, size_t cap,
    struct vault_pubkey *rcpt, uint8_t sk[VAULT_SIGN_SKBYTES],
    const struct lock_opts *o)
{
	size_t len;

	memset(l, 0, sizeof *l);
	if (!o->ask_pass && o->nrcpt == 0) {
		warnx_("no passphrase (-p) and no recipient (-r): nobody could "
		    "open the vault");
		return -1;
	}
	if (o->kdf_t < VAULT_KDF_T_MIN || o->kdf_t > VAULT_KDF_T_MAX ||
	    o->kdf_m < VAULT_KDF_M_MIN || o->kdf_m > VAULT_KDF_M_MAX) {
		warnx_("Argon2id parameters out of bounds: t in %d..%d, m in "
		    "%d..%d KiB", VAULT_KDF_T_MIN, VAULT_KDF_T_MAX,
		    VAULT_KDF_M_MIN, VAULT_KDF_M_MAX);
		return -1;
	}
	for (size_t i = 0; i < o->nrcpt; i++)
		if (load_recipient(&rcpt[i], o->rcpt[i]) < 0)
			return -1;
	if (o->sign_key != NULL && signkey_load_secret(sk, o->sign_key) < 0)
		return -1;
	if (o->ask_pass) {
		if (get_passphrase(pass, cap, &len, o->pass_file, o->pass_env,
		    "New passphrase: ", 1) < 0)
			return -1;
		l->pass = pass;
		l->passlen = len;
	}
	l->kdf_t = o->kdf_t;
	l->kdf_m = o->kdf_m;
	l->rcpt = rcpt;
	l->nrcpt = o->nrcpt;
	l->sign_sk = o->sign_key != NULL ? sk : NULL;
	l->compress = o->compress;
	return 0;
}

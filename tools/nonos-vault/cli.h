/*
 * nonos-vault's shared pieces: messages and exits, credentials from the
 * command line (passphrases, key files), and the commands.
 */
#ifndef TOOLS_NONOS_VAULT_CLI_H
#define TOOLS_NONOS_VAULT_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "lib/vault/vault.h"
#include "tools/common/cli.h"

#define MAX_RECIPIENTS	(VAULT_MAX_STANZAS - 1)
#define PASS_ENV	"NONOS_VAULT_PASSPHRASE"
#define NEWPASS_ENV	"NONOS_VAULT_NEW_PASSPHRASE"

/* Prints the vault error for what and returns 1 (the exit status). */
int fail(const char *what, int err);

/*
 * A passphrase from, in order: file (its first line), the environment
 * variable env, or the terminal without echo (twice when confirm). Empty
 * passphrases are refused. Returns 0, or -1 after a message.
 */
int get_passphrase(char *buf, size_t cap, size_t *len, const char *file,
    const char *env, const char *prompt, int confirm);

/* Vault key files; each returns 0, or -1 after a message. */
int load_recipient(struct vault_pubkey *pk, const char *path);
int load_identity(struct vault_seckey *sk, const char *path);

/* Opening options shared by list, extract, verify and rekey. */
struct unlock_opts {
	const char *identity;		/* -i */
	const char *pass_file;		/* --passphrase-file */
	int ask_pass;			/* -p */
	const char *signer;		/* --signer */
	int image;			/* --image: VAULT is a disk image */
};

/*
 * Fills u from o (passphrase in pass[cap], identity in id). need: whether
 * some credential is required (prompting when none was named). Returns 1
 * if credentials were found, 0 if none (only when !need), -1 on error.
 */
int unlock_from_opts(struct vault_unlock *u, char *pass, size_t cap,
    struct vault_seckey *id, const struct unlock_opts *o, int need);

/* Locking options shared by create and rekey. */
struct lock_opts {
	int ask_pass;			/* use a passphrase */
	const char *pass_file;
	const char *pass_env;
	const char *rcpt[MAX_RECIPIENTS];
	size_t nrcpt;
	const char *sign_key;
	uint32_t kdf_t, kdf_m;
	int compress;
};

void lock_opts_init(struct lock_opts *o, const char *pass_env);
/* Adds a -r file; -1 after a message when there are too many. */
int lock_opts_recipient(struct lock_opts *o, const char *path);
/* Parses a --kdf-t or --kdf-m value into *v; -1 after a message. */
int parse_u32(const char *opt, const char *s, uint32_t *v);

/*
 * Fills l from o, with the passphrase in pass[cap] (asked twice on a
 * terminal), recipients in rcpt[MAX_RECIPIENTS] and the signing key in
 * sk. Returns 0, or -1 after a message.
 */
int lock_from_opts(struct vault_lock *l, char *pass, size_t cap,
    struct vault_pubkey *rcpt, uint8_t sk[VAULT_SIGN_SKBYTES],
    const struct lock_opts *o);

/*
 * Opens path for reading as a vault_src; returns the fd or -1 after a
 * message. image: path is a disk image or device, and the vault is the
 * newest in its persistence partition.
 */
int open_vault_file(const char *path, int image, struct vault_src *src);

/* Decrypts and parses the whole vault; prints a summary. 0 or 1. */
int verify_contents(const char *path, const struct unlock_opts *o);

int cmd_create(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_rekey(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_keygen(int argc, char **argv);

#endif

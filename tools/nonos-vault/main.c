/*
 * nonos-vault: create, read, check and rekey ZeroState vaults
 * (docs/vault-format.md) on the host. This file dispatches commands and
 * holds the helpers they share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto/crypto.h"
#include "tools/common/fileio.h"
#include "tools/common/progress.h"
#include "tools/nonos-vault/cli.h"
#include "tools/nonos-vault/image.h"

static const char usage[] =
    "usage: nonos-vault COMMAND [OPTIONS] ...\n"
    "\n"
    "  create   make a vault from a directory\n"
    "  list     list a vault's files\n"
    "  extract  extract a vault into a new directory\n"
    "  verify   check a vault's signature, and with a key its contents\n"
    "  rekey    change a vault's passphrase, recipients or signer\n"
    "  inspect  show a vault's header (no secret needed)\n"
    "  keygen   make a recipient key pair (X25519 + ML-KEM-1024)\n"
    "\n"
    "`nonos-vault COMMAND --help` describes each command.\n";

int
fail(const char *what, int err)
{
	warnx_("%s: %s", what, interrupted ? "interrupted" :
	    vault_strerror(err));
	return 1;
}

int
open_vault_file(const char *path, int image, struct vault_src *src)
{
	static struct image im;
	int fd;

	if (image) {
		if (image_open(&im, path, 0) < 0)
			return -1;
		if (image_src(&im, path, src) < 0) {
			image_close(&im);
			return -1;
		}
		return im.fd;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fd_src(src, fd) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
unlock_from_opts(struct vault_unlock *u, char *pass, size_t cap,
    struct vault_seckey *id, const struct unlock_opts *o, int need)
{
	size_t len;
	int want_pass;

	memset(u, 0, sizeof *u);
	if (o->identity != NULL) {
		if (load_identity(id, o->identity) < 0)
			return -1;
		u->id = id;
	}
	/* Named sources first; the terminal only when nothing else opens it. */
	want_pass = o->pass_file != NULL || o->ask_pass ||
	    getenv(PASS_ENV) != NULL || (need && u->id == NULL);
	if (want_pass) {
		if (get_passphrase(pass, cap, &len, o->pass_file, PASS_ENV,
		    "Passphrase: ", 0) < 0)
			return -1;
		u->pass = pass;
		u->passlen = len;
	}
	return u->id != NULL || u->pass != NULL;
}

int
main(int argc, char **argv)
{
	static const struct cli_command cmds[] = {
		{ "create", cmd_create }, { "list", cmd_list },
		{ "extract", cmd_extract }, { "verify", cmd_verify },
		{ "rekey", cmd_rekey }, { "inspect", cmd_inspect },
		{ "keygen", cmd_keygen },
	};

	catch_interrupts();
	return cli_main("nonos-vault", usage, cmds, sizeof cmds / sizeof cmds[0],
	    argc, argv);
}

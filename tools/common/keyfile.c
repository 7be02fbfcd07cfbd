/* Key files for the host tools (keyfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/crypto/crypto.h"
#include "tools/common/cli.h"
#include "tools/common/fileio.h"
#include "tools/common/keyfile.h"

int
keyfile_write(const char *path, const void *buf, size_t len, mode_t mode)
{
	if (write_file_atomic(path, buf, len, mode, 1) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
signkey_generate(const char *name, char pub[SIGN_PUBFILE_LEN + 1])
{
	uint8_t pk[32], sk[64];
	char key[SIGN_KEYFILE_LEN + 1], pubpath[4096], keypath[4096];
	int ret = -1;

	if (snprintf(pubpath, sizeof pubpath, "%s.pub", name) >=
	    (int)sizeof pubpath ||
	    snprintf(keypath, sizeof keypath, "%s.key", name) >=
	    (int)sizeof keypath) {
		warnx_("%s: name too long", name);
		return -1;
	}
	if (sign_keygen(pk, sk) != SIGN_OK) {
		warnx_("keygen: %s", sign_strerror(SIGN_ECRYPTO));
		return -1;
	}
	sign_pub_encode(pub, pk);
	sign_key_encode(key, sk);
	/* The secret half first: a public key alone is never left behind. */
	if (keyfile_write(keypath, key, strlen(key), 0600) == 0) {
		if (keyfile_write(pubpath, pub, strlen(pub), 0644) == 0)
			ret = 0;
		else
			unlink(keypath);
	}
	nc_wipe(sk, sizeof sk);
	nc_wipe(key, sizeof key);
	return ret;
}

int
keyfile_read(const char *path, size_t max, int secret, uint8_t **buf, size_t *len)
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

/* Reads and parses one half of a key pair; "what" names it in messages. */
static int
load_half(uint8_t *out, const char *path, size_t max, int secret,
    int (*parse)(uint8_t *, const char *, size_t), const char *what)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (keyfile_read(path, max, secret, &buf, &len) < 0)
		return -1;
	r = parse(out, (const char *)buf, len);
	nc_wipe(buf, len);
	free(buf);
	if (r != SIGN_OK) {
		warnx_("%s: not a nonos-sign %s key (%s)", path, what,
		    sign_strerror(r));
		return -1;
	}
	return 0;
}

int
signkey_load_secret(uint8_t sk[64], const char *path)
{
	return load_half(sk, path, SIGN_KEYFILE_LEN, 1, sign_key_parse, "secret");
}

int
signkey_load_public(uint8_t pk[32], const char *path)
{
	return load_half(pk, path, SIGN_PUBFILE_LEN, 0, sign_pub_parse, "public");
}

int
signkey_keygen_command(int argc, char **argv, const char *usage)
{
	char pub[SIGN_PUBFILE_LEN + 1];

	if (cli_want_help(argc, argv, usage))
		return 0;
	if (argc != 3 || strcmp(argv[1], "-o") != 0) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (signkey_generate(argv[2], pub) < 0)
		return 1;
	printf("%s", pub);
	return 0;
}

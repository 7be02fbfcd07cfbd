/*
 * nonos-sign: Ed25519 key pairs, detached signatures over files' BLAKE3
 * hashes, and signed manifests (docs/signing.md). The boot chain checks
 * the same formats with lib/sign.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/path/path.h"
#include "lib/sign/sign.h"
#include "tools/common/cli.h"
#include "tools/common/fileio.h"
#include "tools/common/keyfile.h"

#define MANIFEST_MAX	((size_t)16 << 20)

static const char usage[] =
    "usage: nonos-sign COMMAND [OPTIONS] ...\n"
    "\n"
    "  keygen    -o NAME                   make NAME.pub and NAME.key (0600)\n"
    "  sign      -k KEY [-o SIG] FILE      sign FILE (default SIG: FILE.sig)\n"
    "  verify    -p PUB [-s SIG] [--manifest] FILE\n"
    "                                      check FILE's signature, and with\n"
    "                                      --manifest every file it lists\n"
    "  manifest  [-C DIR] -o OUT PATH...   list PATHs (relative to DIR) with\n"
    "                                      their BLAKE3 hashes, as b3sum does\n"
    "\n"
    "`nonos-sign COMMAND --help` shows a command's usage.\n";

/* BLAKE3 of the file at path, relative to dirfd. 0, or -1 after a message. */
static int
hash_file(int dirfd, const char *path, uint8_t digest[32])
{
	struct blake3 h;
	uint8_t buf[65536];
	ssize_t n;
	int fd;

	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	blake3_init(&h);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			warnx_("%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		blake3_update(&h, buf, (size_t)n);
	}
	close(fd);
	blake3_final(&h, digest, 32);
	return 0;
}

/* A one-line signature file: 0, or -1 after a message. */
static int
load_text(const char *path, size_t max, char **buf, size_t *len)
{
	if (read_small_file(path, max, (uint8_t **)buf, len) < 0) {
		warnx_("%s: %s", path,
		    errno == EFBIG ? "not a nonos-sign file" : strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes (or replaces) a text file: 0, or -1 after a message. */
static int
write_text(const char *path, const char *text)
{
	if (write_file_atomic(path, text, strlen(text), 0644, 0) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
cmd_keygen(int argc, char **argv)
{
	static const char text[] = "usage: nonos-sign keygen -o NAME\n"
	    "Makes an Ed25519 key pair: NAME.pub and NAME.key (mode 0600).\n"
	    "Existing files are never overwritten. Prints the public key.\n";

	return signkey_keygen_command(argc, argv, text);
}

static int
cmd_sign(int argc, char **argv)
{
	static const char text[] =
	    "usage: nonos-sign sign -k KEY [-o SIG] FILE\n"
	    "Signs FILE's BLAKE3 hash with KEY (a nonos-sign secret key) and\n"
	    "writes the signature to SIG (default FILE.sig). Prints the hash\n"
	    "and the key.\n";
	uint8_t sk[64], digest[32];
	char sig[SIGN_SIGFILE_LEN + 1], hex[65], sigpath[4096];
	const char *keyfile = NULL, *out = NULL;
	int c, r, ret = 1;

	if (cli_want_help(argc, argv, text))
		return 0;
	while ((c = getopt(argc, argv, "k:o:")) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 'o': out = optarg; break;
		default: fputs(text, stderr); return EXIT_USAGE;
		}
	}
	if (keyfile == NULL || optind + 1 != argc) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	if (out == NULL) {
		if (snprintf(sigpath, sizeof sigpath, "%s.sig", argv[optind]) >=
		    (int)sizeof sigpath) {
			warnx_("%s: name too long", argv[optind]);
			return 1;
		}
		out = sigpath;
	}
	if (signkey_load_secret(sk, keyfile) < 0)
		return 1;
	if (hash_file(AT_FDCWD, argv[optind], digest) == 0) {
		if ((r = sign_make(sig, digest, sk)) != SIGN_OK)
			warnx_("sign: %s", sign_strerror(r));
		else if (write_text(out, sig) == 0)
			ret = 0;
	}
	if (ret == 0) {
		hex_encode(hex, digest, 32);
		printf("%s: BLAKE3 %s\n", argv[optind], hex);
		hex_encode(hex, sk + 32, 32);
		printf("%s: signed by %s\n", out, hex);
	}
	nc_wipe(sk, sizeof sk);
	return ret;
}

/* Checks every line of a verified manifest against the files it names. */
static int
check_manifest(const char *manifest, const char *text, size_t len)
{
	char dir[4096], path[PATH_MAX_LEN + 1];
	const char *line = text, *nl, *p;
	uint8_t want[32], got[32];
	size_t n, plen, count = 0, bad = 0;
	int dirfd, r;

	dir_of(dir, sizeof dir, manifest);
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		warnx_("%s: %s", dir, strerror(errno));
		return 1;
	}
	for (; line < text + len; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(text + len - line))) ==
		    NULL) {
			warnx_("%s: last line has no newline", manifest);
			bad++;
			break;
		}
		n = (size_t)(nl - line);
		if ((r = sign_manifest_line(line, n, want, &p, &plen)) !=
		    SIGN_OK) {
			warnx_("%s: line %zu: %s", manifest, count + bad + 1,
			    sign_strerror(r));
			bad++;
			continue;
		}
		memcpy(path, p, plen);
		path[plen] = '\0';
		if (hash_file(dirfd, path, got) < 0 ||
		    memcmp(want, got, 32) != 0) {
			printf("%s: FAILED\n", path);
			bad++;
		} else {
			printf("%s: OK\n", path);
			count++;
		}
	}
	close(dirfd);
	if (bad > 0 || count == 0) {
		warnx_("%s: %zu of %zu files failed", manifest, bad, count +
		    bad);
		return 1;
	}
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	static const char text[] =
	    "usage: nonos-sign verify -p PUB [-s SIG] [--manifest] FILE\n"
	    "Checks that SIG (default FILE.sig) is PUB's signature of FILE.\n"
	    "With --manifest, FILE is a manifest: every file it lists\n"
	    "(relative to FILE's directory) must match its hash too. Exit\n"
	    "status 0 only if all is good.\n";
	static const struct option longopts[] = {
		{ "manifest", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t pk[32], digest[32];
	char sigpath[4096], hex[65], *sig = NULL, *body = NULL;
	const char *pubfile = NULL, *sigfile = NULL;
	size_t siglen, bodylen;
	int c, r, manifest = 0, ret = 1;

	if (cli_want_help(argc, argv, text))
		return 0;
	while ((c = getopt_long(argc, argv, "p:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': pubfile = optarg; break;
		case 's': sigfile = optarg; break;
		case 'm': manifest = 1; break;
		default: fputs(text, stderr); return EXIT_USAGE;
		}
	}
	if (pubfile == NULL || optind + 1 != argc) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	if (sigfile == NULL) {
		snprintf(sigpath, sizeof sigpath, "%s.sig", argv[optind]);
		sigfile = sigpath;
	}
	if (signkey_load_public(pk, pubfile) < 0 ||
	    load_text(sigfile, SIGN_SIGFILE_LEN, &sig, &siglen) < 0)
		goto out;
	/* A manifest is read once, so what is checked is what was hashed. */
	if (manifest) {
		if (read_small_file(argv[optind], MANIFEST_MAX,
			(uint8_t **)&body, &bodylen) < 0) {
			warnx_("%s: %s", argv[optind], strerror(errno));
			goto out;
		}
		blake3(body, bodylen, digest);
	} else if (hash_file(AT_FDCWD, argv[optind], digest) < 0) {
		goto out;
	}
	if ((r = sign_check(sig, siglen, digest, pk)) != SIGN_OK) {
		warnx_("%s: %s", argv[optind], sign_strerror(r));
		goto out;
	}
	hex_encode(hex, digest, 32);
	printf("%s: good signature, BLAKE3 %s\n", argv[optind], hex);
	ret = manifest ? check_manifest(argv[optind], body, bodylen) : 0;
out:
	free(sig);
	free(body);
	return ret;
}

static int
cmd_manifest(int argc, char **argv)
{
	static const char text[] =
	    "usage: nonos-sign manifest [-C DIR] -o OUT PATH...\n"
	    "Writes OUT: one line \"<BLAKE3 hex>  <PATH>\" per file (b3sum's\n"
	    "format, so `b3sum -c` reads it too). PATHs are relative to DIR\n"
	    "(default: OUT's directory), where verify --manifest looks for\n"
	    "them. Sign OUT with sign.\n";
	uint8_t digest[32];
	char *outtext = NULL, hex[65], outdir[4096];
	const char *dir = NULL, *out = NULL;
	size_t len = 0, n;
	int c, dirfd, ret = 1;

	if (cli_want_help(argc, argv, text))
		return 0;
	while ((c = getopt(argc, argv, "C:o:")) != -1) {
		switch (c) {
		case 'C': dir = optarg; break;
		case 'o': out = optarg; break;
		default: fputs(text, stderr); return EXIT_USAGE;
		}
	}
	if (out == NULL || optind >= argc) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	if (dir == NULL) {
		dir_of(outdir, sizeof outdir, out);
		dir = outdir;
	}
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		warnx_("%s: %s", dir, strerror(errno));
		return 1;
	}
	for (int i = optind; i < argc; i++) {
		n = strlen(argv[i]);
		if (!path_is_safe(argv[i], n) ||
		    strpbrk(argv[i], "\\\n") != NULL) {
			warnx_("%s: %s", argv[i], sign_strerror(SIGN_EPATH));
			goto out;
		}
		if (hash_file(dirfd, argv[i], digest) < 0)
			goto out;
		char *p = realloc(outtext, len + 64 + 2 + n + 2);
		if (p == NULL) {
			warnx_("out of memory");
			goto out;
		}
		outtext = p;
		hex_encode(hex, digest, 32);
		len += (size_t)sprintf(outtext + len, "%s  %s\n", hex, argv[i]);
	}
	ret = write_text(out, outtext) == 0 ? 0 : 1;
out:
	close(dirfd);
	free(outtext);
	return ret;
}

int
main(int argc, char **argv)
{
	static const struct cli_command cmds[] = {
		{ "keygen", cmd_keygen }, { "sign", cmd_sign },
		{ "verify", cmd_verify }, { "manifest", cmd_manifest },
	};

	return cli_main("nonos-sign", usage, cmds, sizeof cmds / sizeof cmds[0],
	    argc, argv);
}

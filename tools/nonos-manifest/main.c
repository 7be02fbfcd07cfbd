/*
 * nonos-manifest: makes, signs, checks and measures NØNOS boot manifests
 * (docs/boot-manifest.md). Keys and signatures are nonos-sign's formats
 * (docs/signing.md, lib/sign), so `nonos-sign verify` checks a manifest's
 * signature too. The build runs it from scripts/mkimage:
 *
 *   keygen -o NAME             a key pair NAME.key (0600) and NAME.pub
 *   create -V N [-p POLICY] -o MANIFEST KERNEL [MODULE...]
 *   sign -k KEY [-o SIG] MANIFEST
 *   verify (-p PUB | -k KEY) DIR   what the loader checks, on the host
 *   measure DIR                the TPM measurements the loader will make
 *   pubkey (-k KEY | -p PUB) -o FILE.c   the loader's built-in key
 *
 * DIR is laid out as the EFI partition's /nonos folder: manifest,
 * manifest.sig, kernel.elf, modules/.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/manifest/manifest.h"
#include "lib/sign/sign.h"
#include "tools/common/cli.h"
#include "tools/common/fileio.h"
#include "tools/common/keyfile.h"

#define POLICY_MAX	(64 * 1024)

static const char usage[] =
    "usage: nonos-manifest COMMAND [OPTIONS] ...\n"
    "\n"
    "  keygen  -o NAME                      make NAME.key (0600) and NAME.pub\n"
    "  create  -V VERSION [-p POLICY] -o MANIFEST KERNEL [MODULE...]\n"
    "                                       list the files with their sizes,\n"
    "                                       hashes and capability ceilings\n"
    "  sign    -k KEY [-o SIG] MANIFEST     sign it (default SIG: MANIFEST.sig)\n"
    "  verify  (-p PUB | -k KEY) DIR        check DIR as the loader would\n"
    "  measure DIR                          print the TPM measurements and\n"
    "                                       PCR values a boot of DIR gives\n"
    "  pubkey  (-k KEY | -p PUB) -o FILE.c  the public key as C source\n"
    "\n"
    "DIR holds manifest, manifest.sig, kernel.elf and modules/, as the\n"
    "boot partition's /nonos folder does. See docs/boot-manifest.md.\n";

/* --- Files ----------------------------------------------------------------- */

/*
 * Reads the whole regular file at path (at most max bytes) into a malloc'd
 * buffer. 0, or -1 after a message naming the file.
 */
static int
read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	if (read_small_file(path, max, buf, len) < 0) {
		warnx_("%s: %s", path, errno == EFBIG ? "file too large" :
		    errno == EINVAL ? "not a regular file" : strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes len bytes to path through a temporary file and a rename. */
static int
write_file(const char *path, const void *buf, size_t len)
{
	if (write_file_atomic(path, buf, len, 0644, 0) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int
join(char *out, size_t cap, const char *dir, const char *name)
{
	if (snprintf(out, cap, "%s/%s", dir, name) >= (int)cap) {
		warnx_("%s/%s: path too long", dir, name);
		return -1;
	}
	return 0;
}

/* --- Keys ------------------------------------------------------------------ */

static int
cmd_keygen(int argc, char **argv)
{
	char pub[SIGN_PUBFILE_LEN + 1];

	if (argc != 3 || strcmp(argv[1], "-o") != 0) {
		fputs("usage: nonos-manifest keygen -o NAME\n", stderr);
		return EXIT_USAGE;
	}
	if (signkey_generate(argv[2], pub) < 0)
		return 1;
	printf("%s.key: new signing key; public key %s", argv[2], pub + 18);
	return 0;
}

static int
cmd_pubkey(int argc, char **argv)
{
	const char *keyfile = NULL, *pubfile = NULL, *out = NULL;
	uint8_t sk[64], pk[32];
	char text[1024];
	size_t n;
	int c;

	while ((c = getopt(argc, argv, "k:p:o:")) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 'p': pubfile = optarg; break;
		case 'o': out = optarg; break;
		default: goto usage;
		}
	}
	if (optind != argc || out == NULL || (keyfile == NULL) == (pubfile == NULL))
		goto usage;
	if (keyfile != NULL) {
		if (signkey_load_secret(sk, keyfile) < 0)
			return 1;
		memcpy(pk, sk + 32, 32);
		nc_wipe(sk, sizeof sk);
	} else if (signkey_load_public(pk, pubfile) < 0) {
		return 1;
	}
	n = (size_t)snprintf(text, sizeof text,
	    "/* The boot manifest signing key, made by nonos-manifest pubkey. */\n"
	    "#include <stdint.h>\n\n"
	    "extern const uint8_t boot_signing_key[32];\n"
	    "const uint8_t boot_signing_key[32] = {");
	for (int i = 0; i < 32; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "%s0x%02x,",
		    i % 8 ? " " : "\n\t", pk[i]);
	n += (size_t)snprintf(text + n, sizeof text - n, "\n};\n");
	return write_file(out, text, n) == 0 ? 0 : 1;
usage:
	fputs("usage: nonos-manifest pubkey (-k KEY | -p PUB) -o FILE.c\n", stderr);
	return EXIT_USAGE;
}

/* --- create ---------------------------------------------------------------- */

struct policy_entry {
	char name[MANIFEST_NAME_LEN];
	uint32_t ceiling[CAP_TYPE_COUNT];
	int used;
};

struct policy {
	struct policy_entry e[256];
	int n;
};

/*
 * The ceiling policy: "NAME TYPE:RIGHTS ..." per line, words separated
 * by blanks; '#' starts a comment; a name alone means no capabilities.
 */
static int
load_policy(const char *path, struct policy *pol)
{
	uint8_t *buf;
	size_t len, lineno = 0;
	char *text, *line, *save = NULL;
	int ret = -1;

	pol->n = 0;
	if (read_file(path, POLICY_MAX, &buf, &len) < 0)
		return -1;
	if ((text = malloc(len + 1)) == NULL) {
		free(buf);
		warnx_("%s: out of memory", path);
		return -1;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	free(buf);
	if (strlen(text) != len) {
		warnx_("%s: NUL byte in the policy", path);
		goto out;
	}
	/* strtok_r skips empty lines, so count them by hand. */
	for (line = text; line != NULL; line = save) {
		char *nl = strchr(line, '\n'), *hash, *w, *wsave = NULL;
		struct policy_entry *e;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if ((w = strtok_r(line, " \t\r", &wsave)) == NULL)
			continue;
		if (!manifest_name_ok(w, strlen(w))) {
			warnx_("%s:%zu: bad module name '%s'", path, lineno, w);
			goto out;
		}
		for (int i = 0; i < pol->n; i++) {
			if (strcmp(pol->e[i].name, w) == 0) {
				warnx_("%s:%zu: '%s' given twice", path, lineno, w);
				goto out;
			}
		}
		if (pol->n == (int)(sizeof(pol->e) / sizeof(pol->e[0]))) {
			warnx_("%s:%zu: too many entries", path, lineno);
			goto out;
		}
		e = &pol->e[pol->n++];
		memset(e, 0, sizeof(*e));
		memcpy(e->name, w, strlen(w) + 1);
		while ((w = strtok_r(NULL, " \t\r", &wsave)) != NULL) {
			uint32_t type, rights;
			const char *why = manifest_parse_cap(w, strlen(w), &type, &rights);

			if (why == NULL && e->ceiling[type] != 0)
				why = "capability type given twice";
			if (why != NULL) {
				warnx_("%s:%zu: %s: %s", path, lineno, w, why);
				goto out;
			}
			e->ceiling[type] = rights;
		}
	}
	ret = 0;
out:
	free(text);
	return ret;
}

struct input {
	const char *path;
	const char *name;
	uint64_t size;
	uint8_t blake3[32];
};

static int
hash_input(struct input *in)
{
	uint8_t *buf;
	size_t len;

	if (read_file(in->path, MANIFEST_MAX_FILE, &buf, &len) < 0)
		return -1;
	if (len == 0) {
		warnx_("%s: empty file", in->path);
		free(buf);
		return -1;
	}
	in->size = len;
	blake3(buf, len, in->blake3);
	free(buf);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct input *)a)->name, ((const struct input *)b)->name);
}

/* Appends formatted text to a growing buffer; -1 when it would not fit. */
static int
append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

static int
cmd_create(int argc, char **argv)
{
	static struct policy pol;
	static struct manifest check;
	static char text[MANIFEST_MAX_BYTES + 1];
	struct input kernel, mods[MANIFEST_MAX_MODULES];
	const char *policy = NULL, *out = NULL, *why;
	char h[65], ceil[512];
	uint64_t version = 0;
	size_t len = 0;
	uint32_t line;
	int c, n;

	while ((c = getopt(argc, argv, "V:p:o:")) != -1) {
		switch (c) {
		case 'V': {
			char *end;

			errno = 0;
			version = strtoull(optarg, &end, 10);
			if (errno || *end || optarg[0] < '1' || optarg[0] > '9') {
				warnx_("-V %s: the image version is a number from 1", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'p': policy = optarg; break;
		case 'o': out = optarg; break;
		default: goto usage;
		}
	}
	if (version == 0 || out == NULL || optind >= argc)
		goto usage;
	if (argc - optind - 1 > MANIFEST_MAX_MODULES) {
		warnx_("more than %d modules", MANIFEST_MAX_MODULES);
		return 1;
	}
	pol.n = 0;
	if (policy != NULL && load_policy(policy, &pol) < 0)
		return 1;
	kernel.path = argv[optind];
	kernel.name = "kernel.elf";
	if (hash_input(&kernel) < 0)
		return 1;
	n = argc - optind - 1;
	for (int i = 0; i < n; i++) {
		mods[i].path = argv[optind + 1 + i];
		mods[i].name = base_name(mods[i].path);
		if (!manifest_name_ok(mods[i].name, strlen(mods[i].name))) {
			warnx_("%s: bad module name (1-47 of [a-z0-9._-], no leading '.')",
			    mods[i].path);
			return 1;
		}
		if (hash_input(&mods[i]) < 0)
			return 1;
	}
	qsort(mods, (size_t)n, sizeof(mods[0]), by_name);
	hex_encode(h, kernel.blake3, 32);
	if (append(text, sizeof text, &len, "%s\nimage %llu\nkernel %llu %s %llu\n",
	    MANIFEST_MAGIC, (unsigned long long)version,
	    (unsigned long long)kernel.size, h, (unsigned long long)version) < 0)
		goto toolong;
	for (int i = 0; i < n; i++) {
		static const uint32_t none[CAP_TYPE_COUNT];
		const uint32_t *ceiling = none;

		if (i > 0 && strcmp(mods[i - 1].name, mods[i].name) == 0) {
			warnx_("module '%s' given twice", mods[i].name);
			return 1;
		}
		for (int k = 0; k < pol.n; k++) {
			if (strcmp(pol.e[k].name, mods[i].name) == 0)
				ceiling = pol.e[k].ceiling;
		}
		if (ceiling == none)
			warnx_("warning: %s has no entry in %s: it may hold no capability",
			    mods[i].name, policy ? policy : "a policy (no -p)");
		hex_encode(h, mods[i].blake3, 32);
		if (append(text, sizeof text, &len, "module %s %llu %s %llu",
		    mods[i].name, (unsigned long long)mods[i].size, h,
		    (unsigned long long)version) < 0)
			goto toolong;
		if (manifest_format_ceiling(ceiling, ceil, sizeof ceil) >= sizeof ceil)
			goto toolong;
		if (strcmp(ceil, "none") != 0 &&
		    append(text, sizeof text, &len, " %s", ceil) < 0)
			goto toolong;
		if (append(text, sizeof text, &len, "\n") < 0)
			goto toolong;
	}
	/* What we write must be what the loader reads. */
	if ((why = manifest_parse(text, len, &check, &line)) != NULL) {
		warnx_("internal error: made a malformed manifest: line %u: %s", line, why);
		return 1;
	}
	return write_file(out, text, len) == 0 ? 0 : 1;
toolong:
	warnx_("%s: manifest longer than %d bytes", out, MANIFEST_MAX_BYTES);
	return 1;
usage:
	fputs("usage: nonos-manifest create -V VERSION [-p POLICY] -o MANIFEST "
	    "KERNEL [MODULE...]\n", stderr);
	return EXIT_USAGE;
}

/* --- sign ------------------------------------------------------------------ */

/* Parses a manifest's bytes; 0, or -1 after a message naming path. */
static int
parse_manifest(const char *path, const uint8_t *buf, size_t len,
    struct manifest *m)
{
	const char *why;
	uint32_t line;

	if ((why = manifest_parse(buf, len, m, &line)) == NULL)
		return 0;
	if (line)
		warnx_("%s: line %u: %s", path, line, why);
	else
		warnx_("%s: %s", path, why);
	return -1;
}

/* Reads and parses a manifest; 0, or -1 after a message. */
static int
load_manifest(const char *path, uint8_t **buf, size_t *len, struct manifest *m)
{
	if (read_file(path, MANIFEST_MAX_BYTES, buf, len) < 0)
		return -1;
	if (parse_manifest(path, *buf, *len, m) < 0) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return 0;
}

static int
cmd_sign(int argc, char **argv)
{
	static struct manifest m;
	const char *keyfile = NULL, *out = NULL;
	char sig[SIGN_SIGFILE_LEN + 1], sigpath[4096], h[65];
	uint8_t sk[64], digest[32], *buf;
	size_t len;
	int c, ret = 1;

	while ((c = getopt(argc, argv, "k:o:")) != -1) {
		switch (c) {
		case 'k': keyfile = optarg; break;
		case 'o': out = optarg; break;
		default: goto usage;
		}
	}
	if (keyfile == NULL || optind + 1 != argc)
		goto usage;
	if (out == NULL) {
		if (snprintf(sigpath, sizeof sigpath, "%s.sig", argv[optind]) >=
		    (int)sizeof sigpath) {
			warnx_("%s: name too long", argv[optind]);
			return 1;
		}
		out = sigpath;
	}
	/* Never sign what the loader would refuse to read. */
	if (load_manifest(argv[optind], &buf, &len, &m) < 0)
		return 1;
	blake3(buf, len, digest);
	free(buf);
	if (signkey_load_secret(sk, keyfile) < 0)
		return 1;
	if (sign_make(sig, digest, sk) != SIGN_OK)
		warnx_("sign: %s", sign_strerror(SIGN_ECRYPTO));
	else if (write_file(out, sig, strlen(sig)) == 0)
		ret = 0;
	if (ret == 0) {
		hex_encode(h, sk + 32, 32);
		printf("%s: image version %llu, signed by %s\n", argv[optind],
		    (unsigned long long)m.version, h);
	}
	nc_wipe(sk, sizeof sk);
	return ret;
usage:
	fputs("usage: nonos-manifest sign -k KEY [-o SIG] MANIFEST\n", stderr);
	return EXIT_USAGE;
}

/* --- verify and measure ---------------------------------------------------- */

/*
 * Reads listed file i of m (manifest_file) from DIR, which stands for
 * the partition's /nonos folder, and checks it as the loader does. With
 * data, hands over its bytes (to free) and their length in *len. 0, or
 * -1 after a message.
 */
static int
check_file(const char *dir, const struct manifest *m, uint32_t i,
    uint8_t **data, size_t *len)
{
	char path[MANIFEST_PATH_LEN], full[4096], buf[MANIFEST_WHY_LEN];
	const char *why;
	uint8_t *bytes;
	size_t n;

	manifest_file_path(m, i, path);
	if (join(full, sizeof full, dir, path + sizeof(MANIFEST_DIR)) < 0 ||
	    read_file(full, MANIFEST_MAX_FILE, &bytes, &n) < 0)
		return -1;
	if ((why = manifest_check_file(manifest_file(m, i), bytes, n, buf)) != NULL) {
		warnx_("%s: %s", path, why);
		free(bytes);
		return -1;
	}
	if (data == NULL) {
		free(bytes);
	} else {
		*data = bytes;
		*len = n;
	}
	return 0;
}

/* Every file in DIR/modules must be listed; 0, or -1 after a message. */
static int
check_unlisted(const char *dir, const struct manifest *m)
{
	char mdir[4096];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (join(mdir, sizeof mdir, dir, "modules") < 0)
		return -1;
	if ((d = opendir(mdir)) == NULL) {
		if (errno == ENOENT && m->nmodules == 0)
			return 0;
		warnx_("%s: %s", mdir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (manifest_module(m, de->d_name) == NULL) {
			warnx_("/nonos/modules/%s: not in the signed manifest", de->d_name);
			ret = -1;
		}
	}
	closedir(d);
	return ret;
}

static int
cmd_verify(int argc, char **argv)
{
	static struct manifest m;
	struct manifest_fault fault;
	struct sign_sig parsed;
	char path[4096], mpath[4096];
	uint8_t pk[32], *buf = NULL, *sig = NULL;
	size_t len, siglen;
	const char *pubfile = NULL, *keyfile = NULL, *dir;
	int c, ret = 1;

	while ((c = getopt(argc, argv, "p:k:")) != -1) {
		switch (c) {
		case 'p': pubfile = optarg; break;
		case 'k': keyfile = optarg; break;
		default: goto usage;
		}
	}
	if ((pubfile == NULL) == (keyfile == NULL) || optind + 1 != argc)
		goto usage;
	dir = argv[optind];
	if (keyfile != NULL) {
		uint8_t sk[64];

		if (signkey_load_secret(sk, keyfile) < 0)
			return 1;
		memcpy(pk, sk + 32, 32);
		nc_wipe(sk, sizeof sk);
	} else if (signkey_load_public(pk, pubfile) < 0) {
		return 1;
	}
	if (join(path, sizeof path, dir, "manifest.sig") < 0 ||
	    join(mpath, sizeof mpath, dir, "manifest") < 0 ||
	    read_file(path, MANIFEST_SIG_MAX_BYTES, &sig, &siglen) < 0 ||
	    read_file(mpath, MANIFEST_MAX_BYTES, &buf, &len) < 0)
		goto out;
	/* The loader's order: signature first, then the manifest's contents. */
	if (manifest_check_signature(buf, len, sig, siglen, pk, &parsed,
	    &fault) != SIGN_OK) {
		warnx_("%s: %s", fault.path, fault.why);
		goto out;
	}
	if (parse_manifest(mpath, buf, len, &m) < 0 ||
	    check_file(dir, &m, 0, NULL, NULL) < 0)
		goto out;
	ret = check_unlisted(dir, &m) < 0;
	for (uint32_t i = 1; i < manifest_nfiles(&m); i++) {
		if (check_file(dir, &m, i, NULL, NULL) < 0)
			ret = 1;
	}
	if (ret == 0)
		printf("%s: good: image version %llu, kernel and %u modules verified\n",
		    dir, (unsigned long long)m.version, m.nmodules);
out:
	free(buf);
	free(sig);
	return ret;
usage:
	fputs("usage: nonos-manifest verify (-p PUB | -k KEY) DIR\n", stderr);
	return EXIT_USAGE;
}

static int
cmd_measure(int argc, char **argv)
{
	static struct manifest m;
	struct manifest_event ev;
	uint8_t pcrs[2][32], sha[32], *buf = NULL;
	char mpath[4096], h[65], ceil[512];
	size_t len;
	int ret = 1;

	if (argc != 2) {
		fputs("usage: nonos-manifest measure DIR\n", stderr);
		return EXIT_USAGE;
	}
	if (join(mpath, sizeof mpath, argv[1], "manifest") < 0 ||
	    load_manifest(mpath, &buf, &len, &m) < 0)
		return 1;
	memset(pcrs, 0, sizeof pcrs);
	printf("nonos-manifest: image version %llu\n", (unsigned long long)m.version);
	hex_encode(h, m.kernel.blake3, 32);
	printf("nonos-manifest: file %s blake3 %s size %llu version %llu\n",
	    MANIFEST_KERNEL_PATH, h, (unsigned long long)m.kernel.size,
	    (unsigned long long)m.kernel.version);
	for (uint32_t i = 0; i < m.nmodules; i++) {
		hex_encode(h, m.module[i].blake3, 32);
		manifest_format_ceiling(m.module[i].ceiling, ceil, sizeof ceil);
		printf("nonos-manifest: file %s/%s blake3 %s size %llu version %llu "
		    "ceiling %s\n", MANIFEST_MODULE_DIR, m.module[i].name, h,
		    (unsigned long long)m.module[i].size,
		    (unsigned long long)m.module[i].version, ceil);
	}
	printf("nonos-manifest: TPM 2.0 measurements (event type EV_IPL, "
	    "SHA-256 bank; PCRs %d and %d start at zero):\n",
	    MANIFEST_PCR_MANIFEST, MANIFEST_PCR_FILES);
	/* The loader's measurements, in its order (manifest_event). */
	for (uint32_t i = 0; manifest_event(&m, i, &ev) == 0; i++) {
		uint8_t *data = buf;
		size_t n = len;
		int bad;

		if (ev.file >= 0 && check_file(argv[1], &m, (uint32_t)ev.file,
		    &data, &n) < 0)
			goto out;
		bad = manifest_measure(pcrs, ev.pcr, data, n, sha) < 0;
		if (data != buf)
			free(data);
		if (bad) {
			warnx_("%s: SHA-256 failed", ev.path);
			goto out;
		}
		hex_encode(h, sha, 32);
		printf("nonos-manifest: pcr %u sha256 %s %s\n", ev.pcr, h, ev.path);
	}
	for (int i = 0; i < 2; i++) {
		hex_encode(h, pcrs[i], 32);
		printf("nonos-manifest: PCR %d = %s\n", MANIFEST_PCR_MANIFEST + i, h);
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

int
main(int argc, char **argv)
{
	static const struct cli_command cmds[] = {
		{ "keygen", cmd_keygen }, { "pubkey", cmd_pubkey },
		{ "create", cmd_create }, { "sign", cmd_sign },
		{ "verify", cmd_verify }, { "measure", cmd_measure },
	};

	return cli_main("nonos-manifest", usage, cmds,
	    sizeof cmds / sizeof cmds[0], argc, argv);
}

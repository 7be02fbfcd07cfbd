/*
 * nonos-vault verify, rekey, inspect and keygen: the commands that work
 * on headers, signatures and keys rather than on archive contents.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/sign/sign.h"
#include "lib/vault/stanza.h"
#include "tools/common/fileio.h"
#include "tools/common/progress.h"
#include "tools/common/keyfile.h"
#include "tools/nonos-vault/cli.h"
#include "tools/nonos-vault/image.h"

static const char verify_usage[] =
    "usage: nonos-vault verify [--signer SIGNER.pub] [-i KEY]\n"
    "           [-p | --passphrase-file FILE] [--image] VAULT\n"
    "\n"
    "Checks VAULT's signature (no secret needed) and, given a key or a\n"
    "passphrase, decrypts and checks all of its contents too. Exit status 0\n"
    "only if everything checked is authentic.\n"
    "\n"
    "  --signer F              require a signature by this nonos-sign key\n"
    "  -i, -p, --passphrase-file, --image  as for list\n";

static const char rekey_usage[] =
    "usage: nonos-vault rekey [-i KEY] [-p | --passphrase-file FILE]\n"
    "           [-n | --new-passphrase-file FILE] [-r RECIPIENT.pub]...\n"
    "           [-s SIGNING.key] [--kdf-t N] [--kdf-m KiB] -o OUT VAULT\n"
    "\n"
    "Writes OUT (which may be VAULT itself) with the same contents and new\n"
    "stanzas: the body is checked chunk by chunk and copied, not\n"
    "re-encrypted. Only the credentials given here open OUT; without -s\n"
    "it is unsigned.\n"
    "\n"
    "  -i, -p, --passphrase-file  credentials that open VAULT, as for list\n"
    "  -n, --new-passphrase    lock OUT with a new passphrase\n"
    "                          ($" NEWPASS_ENV ", else asked twice)\n"
    "      --new-passphrase-file F  the new passphrase is F's first line\n"
    "  -r, -s, --kdf-t, --kdf-m  as for create\n"
    "  -o, --output OUT        where to write\n";

static const char inspect_usage[] =
    "usage: nonos-vault inspect [--image] VAULT\n"
    "\n"
    "Shows VAULT's header: version, algorithms, Argon2id parameters,\n"
    "recipient stanzas, signer, sizes. Needs no secret and shows none.\n"
    "With --image, VAULT is a NØNOS disk image or device: shows its\n"
    "persistence partition's generations, then the newest vault's header.\n";

static const char keygen_usage[] =
    "usage: nonos-vault keygen -o NAME\n"
    "\n"
    "Makes a recipient key pair (X25519 + ML-KEM-1024): NAME.pub to give to\n"
    "whoever makes vaults for you (-r), NAME.key (mode 0600) to open them\n"
    "(-i).\n"
    "Existing files are never overwritten.\n";

/* Prints 32 bytes of hex. */
static void
print_key(const uint8_t k[32])
{
	char hex[65];

	hex_encode(hex, k, 32);
	fputs(hex, stdout);
}

static int
help_only(int argc, char **argv, const char *usage, int nargs)
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != nargs + 1 || argv[1][0] == '-') {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return -1;
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "passphrase", no_argument, NULL, 'p' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "signer", required_argument, NULL, 'S' },
		{ "image", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct unlock_opts o = { 0 };
	uint8_t signer[VAULT_SIGNER_BYTES];
	struct vault_header h;
	struct vault_src src;
	struct vault_progress vp;
	struct progress prog;
	int c, fd, err, creds;

	while ((c = getopt_long(argc, argv, "i:ph", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o.identity = optarg; break;
		case 'p': o.ask_pass = 1; break;
		case 'P': o.pass_file = optarg; break;
		case 'S': o.signer = optarg; break;
		case 'I': o.image = 1; break;
		case 'h': fputs(verify_usage, stdout); return 0;
		default: fputs(verify_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(verify_usage, stderr);
		return EXIT_USAGE;
	}
	if (o.signer != NULL && signkey_load_public(signer, o.signer) < 0)
		return 1;
	if ((fd = open_vault_file(argv[optind], o.image, &src)) < 0)
		return 1;
	err = vault_inspect(&src, &h);
	creds = o.identity != NULL || o.ask_pass || o.pass_file != NULL ||
	    getenv(PASS_ENV) != NULL;
	if (err == VAULT_OK && (h.sigalg != VAULT_SIGALG_NONE || !creds)) {
		progress_init(&prog, &vp, "verify");
		err = vault_check_signature(&src, o.signer != NULL ? signer :
		    NULL, &vp);
		progress_done(&prog);
	}
	close(fd);
	if (err != VAULT_OK)
		return fail(argv[optind], err);
	if (h.sigalg != VAULT_SIGALG_NONE) {
		printf("%s: good signature by ", argv[optind]);
		print_key(h.signer);
		putchar('\n');
	}
	return creds ? verify_contents(argv[optind], &o) : 0;
}

int
cmd_rekey(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "passphrase", no_argument, NULL, 'p' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "new-passphrase", no_argument, NULL, 'n' },
		{ "new-passphrase-file", required_argument, NULL, 'F' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "sign", required_argument, NULL, 's' },
		{ "kdf-t", required_argument, NULL, 'T' },
		{ "kdf-m", required_argument, NULL, 'M' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char pass[VAULT_PASS_MAX + 2], newpass[VAULT_PASS_MAX + 2];
	static struct vault_pubkey rcpt[MAX_RECIPIENTS];
	static struct vault_seckey id;
	uint8_t sk[VAULT_SIGN_SKBYTES];
	struct unlock_opts uo = { 0 };
	struct lock_opts lo;
	struct vault_lock lock;
	struct vault_unlock u;
	struct vault_src src;
	struct vault_sink sink;
	struct vault_progress vp;
	struct progress prog;
	struct atomic_file f;
	const char *out = NULL;
	int c, fd = -1, err, ret = 1;

	lock_opts_init(&lo, NEWPASS_ENV);
	while ((c = getopt_long(argc, argv, "i:pnr:s:o:h", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'i': uo.identity = optarg; break;
		case 'p': uo.ask_pass = 1; break;
		case 'P': uo.pass_file = optarg; break;
		case 'n': lo.ask_pass = 1; break;
		case 'F': lo.ask_pass = 1; lo.pass_file = optarg; break;
		case 'r':
			if (lock_opts_recipient(&lo, optarg) < 0)
				return EXIT_USAGE;
			break;
		case 's': lo.sign_key = optarg; break;
		case 'T':
			if (parse_u32("--kdf-t", optarg, &lo.kdf_t) < 0)
				return EXIT_USAGE;
			break;
		case 'M':
			if (parse_u32("--kdf-m", optarg, &lo.kdf_m) < 0)
				return EXIT_USAGE;
			break;
		case 'o': out = optarg; break;
		case 'h': fputs(rekey_usage, stdout); return 0;
		default: fputs(rekey_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || out == NULL) {
		fputs(rekey_usage, stderr);
		return EXIT_USAGE;
	}
	if ((fd = open_vault_file(argv[optind], 0, &src)) < 0 ||
	    unlock_from_opts(&u, pass, sizeof pass, &id, &uo, 1) < 0 ||
	    lock_from_opts(&lock, newpass, sizeof newpass, rcpt, sk, &lo) < 0)
		goto out;
	if (atomic_open(&f, out, 0600) < 0) {
		warnx_("%s: %s", out, strerror(errno));
		goto out;
	}
	atomic_sink(&sink, &f);
	progress_init(&prog, &vp, "rekey");
	if (u.pass != NULL || lock.pass != NULL)
		progress_note("unlocking and locking again: Argon2id...");
	err = vault_rekey(&src, &u, &lock, &sink, &vp);
	progress_done(&prog);
	if (err != VAULT_OK) {
		atomic_abort(&f);
		fail(argv[optind], err);
	} else if (atomic_commit(&f, 0) < 0) {
		warnx_("%s: %s", out, strerror(errno));
	} else {
		ret = 0;
	}
out:
	if (fd >= 0)
		close(fd);
	vault_seckey_wipe(&id);
	nc_wipe(pass, sizeof pass);
	nc_wipe(newpass, sizeof newpass);
	nc_wipe(sk, sizeof sk);
	return ret;
}

static void
print_stanza(size_t i, const struct vault_stanza *s, uint64_t generation)
{
	printf("stanza %zu:     ", i + 1);
	switch (s->type) {
	case VAULT_STANZA_PASS:
		printf("passphrase, Argon2id t=%u m=%u KiB (%u MiB) p=1\n",
		    s->kdf_t, s->kdf_m, s->kdf_m / 1024);
		break;
	case VAULT_STANZA_HYBRID:
		printf("recipient, X25519 + ML-KEM-1024 (anonymous)\n");
		break;
	case VAULT_STANZA_GENERATION:
		printf("saved as generation %llu (checked once opened)\n",
		    (unsigned long long)generation);
		break;
	default:
		printf("unknown type %u, %u bytes (skipped)\n", s->type,
		    s->len);
		break;
	}
}

int
cmd_inspect(int argc, char **argv)
{
	static struct image im;
	struct vault_header h;
	struct vault_src src;
	const char *path;
	int err, r;

	if (argc == 3 && strcmp(argv[1], "--image") == 0) {
		path = argv[2];
		if (image_open(&im, path, 0) < 0)
			return 1;
		image_describe(&im);
		r = image_src(&im, path, &src);
		if (r == 0)
			err = vault_inspect(&src, &h);
		image_close(&im);
		if (r < 0)
			return 1;
	} else {
		if ((r = help_only(argc, argv, inspect_usage, 1)) >= 0)
			return r;
		path = argv[1];
		if ((r = open_vault_file(path, 0, &src)) < 0)
			return 1;
		err = vault_inspect(&src, &h);
		close(r);
	}
	if (err != VAULT_OK)
		return fail(path, err);
	printf("vault:        %s\n", path);
	printf("version:      %u\n", h.version);
	printf("payload:      XChaCha20-Poly1305 STREAM, 64 KiB chunks\n");
	printf("compression:  %s\n",
	    h.compression == VAULT_COMP_LZ4 ? "LZ4" : "none");
	printf("header:       %u bytes\n", h.len);
	printf("body:         %llu bytes in %llu chunks\n",
	    (unsigned long long)h.body_len, (unsigned long long)h.nchunks);
	printf("signature:    ");
	if (h.sigalg == VAULT_SIGALG_ED25519) {
		printf("Ed25519 by ");
		print_key(h.signer);
		printf(" (not checked; use verify)\n");
	} else {
		printf("none\n");
	}
	for (size_t i = 0; i < h.nstanzas; i++)
		print_stanza(i, &h.stanza[i], h.generation);
	return 0;
}

int
cmd_keygen(int argc, char **argv)
{
	static struct vault_seckey sk;
	uint8_t pub[VAULT_PUBFILE_BYTES], sec[VAULT_SECFILE_BYTES], fp[32];
	char pubpath[4096], secpath[4096];
	int ret = 1, err;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(keygen_usage, stdout);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "-o") != 0) {
		fputs(keygen_usage, stderr);
		return EXIT_USAGE;
	}
	if (snprintf(pubpath, sizeof pubpath, "%s.pub", argv[2]) >=
		(int)sizeof pubpath ||
	    snprintf(secpath, sizeof secpath, "%s.key", argv[2]) >=
	    (int)sizeof secpath) {
		warnx_("%s: name too long", argv[2]);
		return 1;
	}
	if ((err = vault_keygen(&sk)) != VAULT_OK)
		return fail("keygen", err);
	vault_pubkey_encode(pub, &sk.pub);
	vault_seckey_encode(sec, &sk);
	/* The secret first: a public key without its secret is useless. */
	if (keyfile_write(secpath, sec, sizeof sec, 0600) == 0) {
		if (keyfile_write(pubpath, pub, sizeof pub, 0644) == 0)
			ret = 0;
		else
			unlink(secpath);
	}
	if (ret == 0) {
		vault_pubkey_fingerprint(fp, &sk.pub);
		printf("%s: recipient ", pubpath);
		print_key(fp);
		printf("\n%s: secret key (keep it private)\n", secpath);
	}
	vault_seckey_wipe(&sk);
	nc_wipe(sec, sizeof sec);
	return ret;
}

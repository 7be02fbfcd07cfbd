/*
 * nonos-vault list and extract, and the full check of verify: decrypt the
 * vault and parse its archive. extract writes into a fresh temporary
 * directory beside the target, resolving every path beneath it, and
 * renames it into place only after the whole vault has checked out.
 */
#define _GNU_SOURCE	/* renameat2, syncfs */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/crypto/crypto.h"
#include "lib/sign/sign.h"
#include "lib/vault/archive.h"
#include "tools/common/fileio.h"
#include "tools/common/progress.h"
#include "tools/common/keyfile.h"
#include "tools/nonos-vault/cli.h"

static const char list_usage[] =
    "usage: nonos-vault list [-i KEY] [-p | --passphrase-file FILE]\n"
    "           [--signer SIGNER.pub] [--image] VAULT\n"
    "\n"
    "Lists the files in VAULT (mode, size, path). The whole vault is checked;\n"
    "on any error the listing ends with a message and exit status 1.\n"
    "\n"
    "  -i, --identity KEY      open with this recipient secret key (keygen)\n"
    "  -p, --passphrase        open with a passphrase ($" PASS_ENV ",\n"
    "                          else the terminal; asked anyway without -i)\n"
    "      --passphrase-file F the passphrase is F's first line\n"
    "      --signer F          require a signature by this nonos-sign key\n"
    "      --image             VAULT is a NØNOS disk image or device: use the\n"
    "                          newest vault in its persistence partition\n";

static const char extract_usage[] =
    "usage: nonos-vault extract [-i KEY] [-p | --passphrase-file FILE]\n"
    "           [--signer SIGNER.pub] [--image] VAULT DIR\n"
    "\n"
    "Extracts VAULT into DIR, which must not exist. Files are written into\n"
    "a temporary directory beside DIR, renamed to DIR only after every\n"
    "chunk, the archive and the signature have checked out; on error it is\n"
    "removed.\n"
    "Paths can never leave DIR. Options as for list.\n";

static const struct option unlock_longopts[] = {
	{ "identity", required_argument, NULL, 'i' },
	{ "passphrase", no_argument, NULL, 'p' },
	{ "passphrase-file", required_argument, NULL, 'P' },
	{ "signer", required_argument, NULL, 'S' },
	{ "image", no_argument, NULL, 'I' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * Parses the unlocking options; returns optind, or -1 to exit 0 (help),
 * or -2 for a usage error.
 */
static int
parse_unlock(int argc, char **argv, struct unlock_opts *o, const char *usage)
{
	int c;

	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "i:ph", unlock_longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'i': o->identity = optarg; break;
		case 'p': o->ask_pass = 1; break;
		case 'P': o->pass_file = optarg; break;
		case 'S': o->signer = optarg; break;
		case 'I': o->image = 1; break;
		case 'h': fputs(usage, stdout); return -1;
		default: fputs(usage, stderr); return -2;
		}
	}
	return optind;
}

static int
archive_sink(void *ctx, const void *buf, size_t len)
{
	if (interrupted)
		return VAULT_EIO;
	return archive_feed(ctx, buf, len);
}

/*
 * Opens, decrypts and parses the vault at path with ops; need: whether
 * credentials are required. Returns 0 or 1 (after a message).
 */
static int
read_archive(const char *path, const struct unlock_opts *o,
    const struct archive_ops *ops, const char *label)
{
	static char pass[VAULT_PASS_MAX + 2];
	struct vault_seckey *id = malloc(sizeof *id);
	uint8_t signer[VAULT_SIGNER_BYTES];
	struct vault_unlock u;
	struct vault_src src;
	struct vault_sink sink;
	struct vault_progress vp;
	struct vault_reader *r = NULL;
	struct archive_parser p;
	struct progress prog;
	int fd = -1, err, ret = 1;

	if (id == NULL)
		return fail(label, VAULT_ENOMEM);
	if ((o->signer != NULL && signkey_load_public(signer, o->signer) < 0) ||
	    (fd = open_vault_file(path, o->image, &src)) < 0 ||
	    unlock_from_opts(&u, pass, sizeof pass, id, o, 1) < 0)
		goto out;
	if (u.pass != NULL)
		progress_note("unlocking: Argon2id...");
	if ((err = vault_open(&r, &src, &u)) != VAULT_OK) {
		fail(path, err);
		goto out;
	}
	archive_parser_init(&p, ops);
	sink.write = archive_sink;
	sink.ctx = &p;
	progress_init(&prog, &vp, label);
	err = vault_read(r, &sink, o->signer != NULL ? signer : NULL, &vp);
	progress_done(&prog);
	if (err == VAULT_OK)
		err = archive_finish(&p);
	if (err != VAULT_OK)
		fail(path, err);
	else
		ret = 0;
out:
	vault_close(r);
	vault_seckey_wipe(id);
	free(id);
	nc_wipe(pass, sizeof pass);
	if (fd >= 0)
		close(fd);
	return ret;
}

static int
list_entry(void *ctx, const struct archive_entry *e)
{
	static const char rwx[] = "rwxrwxrwx";
	char mode[11];

	(void)ctx;
	mode[0] = e->type == ARCHIVE_DIR ? 'd' : '-';
	for (int i = 0; i < 9; i++)
		mode[1 + i] = e->mode & (0400 >> i) ? rwx[i] : '-';
	mode[10] = '\0';
	printf("%s %12llu  %s%s\n", mode, (unsigned long long)e->size, e->path,
	    e->type == ARCHIVE_DIR ? "/" : "");
	return 0;
}

static int
skip_data(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return 0;
}

int
cmd_list(int argc, char **argv)
{
	struct archive_ops ops = { list_entry, skip_data, NULL, NULL };
	struct unlock_opts o;
	int i = parse_unlock(argc, argv, &o, list_usage);

	if (i < 0)
		return i == -1 ? 0 : EXIT_USAGE;
	if (i + 1 != argc) {
		fputs(list_usage, stderr);
		return EXIT_USAGE;
	}
	return read_archive(argv[i], &o, &ops, "list");
}

/* Counts what verify saw. */
struct tally {
	uint64_t files, dirs, bytes;
};

static int
tally_entry(void *ctx, const struct archive_entry *e)
{
	struct tally *t = ctx;

	if (e->type == ARCHIVE_DIR)
		t->dirs++;
	else
		t->files++;
	t->bytes += e->size;
	return 0;
}

int
verify_contents(const char *path, const struct unlock_opts *o)
{
	struct tally t = { 0 };
	struct archive_ops ops = { tally_entry, skip_data, NULL, &t };

	if (read_archive(path, o, &ops, "verify") != 0)
		return 1;
	printf("%s: contents authentic: %llu files, %llu directories, "
	    "%llu bytes\n", path, (unsigned long long)t.files, (unsigned long
	    long)t.dirs, (unsigned long long)t.bytes);
	return 0;
}

/* --- extract ------------------------------------------------------------- */

struct dirmode {
	char *path;
	uint16_t mode;
};

struct extract {
	int root;			/* the temporary directory */
	int fd; /* the file being written, or -1 */
	char path[PATH_MAX_LEN + 1];	/* its path, for messages */
	struct dirmode *dirs;
	size_t ndirs, cap;
};

/*
 * openat beneath root, refusing any symbolic link or "..": defence in
 * depth (archive paths are already safe, and extract creates no links).
 */
static int
open_beneath(int root, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC | O_NOFOLLOW,
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root, path, &how, sizeof how);

	if (fd < 0 && errno == ENOSYS)
		fd = openat(root, path, flags | O_CLOEXEC | O_NOFOLLOW, mode);
	return (int)fd;
}

/* A failed create: the archive's fault or the file system's. */
static int
create_error(const char *path)
{
	if (errno == EEXIST) {
		warnx_("%s: appears twice in the archive", path);
		return VAULT_EARCHIVE;
	}
	if (errno == ENOENT || errno == ENOTDIR) {
		warnx_("%s: comes before its directory in the archive", path);
		return VAULT_EARCHIVE;
	}
	warnx_("%s: %s", path, strerror(errno));
	return VAULT_EIO;
}

static int
make_dir(struct extract *x, const struct archive_entry *e)
{
	struct dirmode *d;
	char *slash = strrchr(e->path, '/');
	int parent = x->root, r = 0;

	if (x->ndirs == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 16;
		if ((d = reallocarray(x->dirs, x->cap, sizeof *d)) == NULL)
			return VAULT_ENOMEM;
		x->dirs = d;
	}
	if ((x->dirs[x->ndirs].path = strdup(e->path)) == NULL)
		return VAULT_ENOMEM;
	x->dirs[x->ndirs++].mode = e->mode;
	if (slash != NULL) {
		*slash = '\0';
		parent =
		    open_beneath(x->root, e->path, O_RDONLY | O_DIRECTORY, 0);
		*slash = '/';
		if (parent < 0)
			return create_error(e->path);
	}
	/* Writable while we fill it; the archive's mode is set at the end. */
	if (mkdirat(parent, slash != NULL ? slash + 1 : e->path, 0700) < 0)
		r = create_error(e->path);
	if (parent != x->root)
		close(parent);
	return r;
}

static int
close_file(struct extract *x)
{
	int r = 0;

	if (x->fd >= 0 && close(x->fd) < 0) {
		warnx_("%s: %s", x->path, strerror(errno));
		r = VAULT_EIO;
	}
	x->fd = -1;
	return r;
}

static int
extract_entry(void *ctx, const struct archive_entry *e)
{
	struct extract *x = ctx;
	int r;

	if ((r = close_file(x)) != 0)
		return r;
	if (e->type == ARCHIVE_DIR)
		return make_dir(x, e);
	x->fd = open_beneath(x->root, e->path, O_WRONLY | O_CREAT | O_EXCL,
	    e->mode);
	memcpy(x->path, e->path, e->pathlen + 1);
	return x->fd < 0 ? create_error(e->path) : 0;
}

static int
extract_data(void *ctx, const uint8_t *buf, size_t len)
{
	struct extract *x = ctx;
	ssize_t n;

	while (len > 0) {
		if ((n = write(x->fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			warnx_("%s: %s", x->path, strerror(errno));
			return VAULT_EIO;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
extract_end(void *ctx)
{
	return close_file(ctx);
}

static int
remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

int
cmd_extract(int argc, char **argv)
{
	struct extract x = { .root = -1, .fd = -1 };
	struct archive_ops ops = {extract_entry, extract_data, extract_end, &x};
	struct unlock_opts o;
	struct stat st;
	char tmp[4096 + 16];
	const char *target;
	mode_t mask;
	int i = parse_unlock(argc, argv, &o, extract_usage), ret = 1;

	if (i < 0)
		return i == -1 ? 0 : EXIT_USAGE;
	if (i + 2 != argc) {
		fputs(extract_usage, stderr);
		return EXIT_USAGE;
	}
	target = argv[i + 1];
	if (lstat(target, &st) == 0 || errno != ENOENT) {
		warnx_("%s: %s", target, errno == ENOENT || errno == 0 ?
		    "already exists" : strerror(errno));
		return 1;
	}
	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", target) >=
		(int)sizeof tmp ||
	    mkdtemp(tmp) == NULL ||
	    (x.root = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		warnx_("%s: %s", target, strerror(errno));
		return 1;
	}
	if (read_archive(argv[i], &o, &ops, "extract") != 0 ||
	    close_file(&x) != 0)
		goto out;
	if (syncfs(x.root) < 0 ||
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_NOREPLACE) < 0) {
		warnx_("%s: %s", target, strerror(errno));
		goto out;
	}
	/* mkdtemp made it 0700; give it the mode mkdir(1) would. */
	mask = umask(077);
	umask(mask);
	if (fchmod(x.root, 0777 & ~mask) < 0)
		warnx_("%s: %s", target, strerror(errno));
	/* Children before parents, so a read-only parent comes last. */
	for (size_t k = x.ndirs; k > 0; k--)
		if (fchmodat(x.root, x.dirs[k - 1].path, x.dirs[k - 1].mode, 0)
		    < 0)
			warnx_("%s/%s: %s", target, x.dirs[k - 1].path,
			    strerror(errno));
	ret = 0;
out:
	close_file(&x);
	if (ret != 0)
		nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t k = 0; k < x.ndirs; k++)
		free(x.dirs[k].path);
	free(x.dirs);
	close(x.root);
	return ret;
}

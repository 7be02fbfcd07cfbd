/*
 * nonos-vault create: walks a directory (sorted, never following links)
 * into an archive, written through a vault writer to a temporary file that
 * is renamed over the output only when everything succeeded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/crypto/crypto.h"
#include "lib/path/path.h"
#include "lib/vault/archive.h"
#include "tools/common/fileio.h"
#include "tools/common/progress.h"
#include "tools/nonos-vault/cli.h"
#include "tools/nonos-vault/image.h"

#define MAX_DEPTH	128
#define READ_SIZE	65536

static const char usage[] =
    "usage: nonos-vault create [-p] [--passphrase-file FILE]\n"
    "           [-r RECIPIENT.pub]... [-s SIGNING.key] [--kdf-t N]\n"
    "           [--kdf-m KiB] [--no-compress] (-o VAULT | --image DISK) DIR\n"
    "\n"
    "Makes VAULT from everything under DIR (files and directories; links\n"
    "and devices are skipped with a warning). VAULT is written to a\n"
    "temporary file and renamed into place, so an old VAULT survives an\n"
    "interrupted run.\n"
    "\n"
    "  -p, --passphrase        lock with a passphrase: from $" PASS_ENV ",\n"
    "                          else asked twice on the terminal\n"
    "      --passphrase-file F the passphrase is F's first line (implies -p)\n"
    "  -r, --recipient F       also lock for this public key (keygen);\n"
    "                          repeatable\n"
    "  -s, --sign F            sign with this nonos-sign secret key\n"
    "      --kdf-t N           Argon2id passes (default 3, at most 16)\n"
    "      --kdf-m KiB         Argon2id memory (default 262144 = 256 MiB,\n"
    "                          at most 1 GiB)\n"
    "      --no-compress       store the payload without LZ4\n"
    "  -o, --output VAULT      the vault to write\n"
    "      --image DISK        write it into the persistence partition of a\n"
    "                          NØNOS disk image or device instead, as the\n"
    "                          next generation; the newest one before stays\n"
    "                          until this one is complete\n";

struct walk {
	struct vault_writer *w;
	struct stat out; /* the vault being written: never read */
	uint8_t *buf;
	char path[PATH_MAX_LEN + 1];
	uint64_t bytes;
	struct progress prog;
};

/* Writes an entry header; -1 after a message. */
static int
put_entry(struct walk *wk, uint8_t type, mode_t mode, uint64_t size)
{
	uint8_t head[ARCHIVE_HEAD_MAX];
	size_t n;
	int r;

	n = archive_encode_entry(head, sizeof head, type, mode & 0777,
	    wk->path, size);
	if (n == 0) {
		warnx_("%s: name not allowed in a vault", wk->path);
		return -1;
	}
	if ((r = vault_write(wk->w, head, n)) != VAULT_OK)
		return fail("writing the vault", r), -1;
	return 0;
}

/* Copies exactly size bytes of fd into the vault. */
static int
put_data(struct walk *wk, int fd, uint64_t size)
{
	ssize_t n;
	int r;

	for (uint64_t left = size; left > 0; left -= (uint64_t)n) {
		if (interrupted) {
			warnx_("interrupted");
			return -1;
		}
		n = read(fd, wk->buf, left < READ_SIZE ? (size_t)left :
		    READ_SIZE);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			warnx_("%s: %s", wk->path, n < 0 ? strerror(errno) :
			    "shrank while being read");
			return -1;
		}
		if ((r = vault_write(wk->w, wk->buf, (size_t)n)) != VAULT_OK)
			return fail("writing the vault", r), -1;
		wk->bytes += (uint64_t)n;
		progress_show(&wk->prog, wk->bytes, 0);
	}
	if (read(fd, wk->buf, 1) != 0) {
		warnx_("%s: grew while being read", wk->path);
		return -1;
	}
	return 0;
}

static int
put_file(struct walk *wk, int dirfd, const char *name)
{
	struct stat st;
	int fd, r;

	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) < 0) {
		warnx_("%s: %s", wk->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	r = -1;
	if (!S_ISREG(st.st_mode))
		warnx_("%s: changed type while being read", wk->path);
	else if (put_entry(wk, ARCHIVE_FILE, st.st_mode, (uint64_t)st.st_size)
	    == 0)
		r = put_data(wk, fd, (uint64_t)st.st_size);
	close(fd);
	return r;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dirfd, sorted, without "." and ".."; NULL after a message. */
static char **
sorted_names(int dirfd, size_t *count)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **p;
	size_t n = 0, cap = 0;
	int fd;

	if ((fd = dup(dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((p = reallocarray(names, cap, sizeof *names)) ==
			    NULL)
				goto fail;
			names = p;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto fail;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	*count = n;
	return names != NULL ? names : calloc(1, sizeof *names);
fail:
	while (n > 0)
		free(names[--n]);
	free(names);
	closedir(d);
	return NULL;
}

static int walk_dir(struct walk *wk, int dirfd, int depth);

/* One directory entry; wk->path already names it. */
static int
walk_one(struct walk *wk, int dirfd, const char *name, int depth)
{
	struct stat st;
	int fd, r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		warnx_("%s: %s", wk->path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_dev == wk->out.st_dev &&
	    st.st_ino == wk->out.st_ino) {
		warnx_("%s: the vault being written, skipped", wk->path);
		return 0;
	}
	if (S_ISREG(st.st_mode))
		return put_file(wk, dirfd, name);
	if (!S_ISDIR(st.st_mode)) {
		warnx_("%s: a link or special file, skipped", wk->path);
		return 0;
	}
	if (depth == MAX_DEPTH) {
		warnx_("%s: nested more than %d deep", wk->path, MAX_DEPTH);
		return -1;
	}
	if (put_entry(wk, ARCHIVE_DIR, st.st_mode, 0) < 0)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0) {
		warnx_("%s: %s", wk->path, strerror(errno));
		return -1;
	}
	r = walk_dir(wk, fd, depth + 1);
	close(fd);
	return r;
}

static int
walk_dir(struct walk *wk, int dirfd, int depth)
{
	size_t base = strlen(wk->path), n, count;
	char **names;
	int r = 0;

	if ((names = sorted_names(dirfd, &count)) == NULL) {
		warnx_("%s: %s", base ? wk->path : ".", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		n = strlen(names[i]);
		if (r == 0 && base + (base > 0) + n > PATH_MAX_LEN) {
			warnx_("%s/%s: path longer than %d bytes", wk->path,
			    names[i], PATH_MAX_LEN);
			r = -1;
		}
		if (r == 0) {
			snprintf(wk->path + base, sizeof wk->path - base,
			    "%s%s", base > 0 ? "/" : "", names[i]);
			r = walk_one(wk, dirfd, names[i], depth);
			wk->path[base] = '\0';
		}
		free(names[i]);
	}
	free(names);
	return r;
}

/* Writes the archive of dir into a new vault on sink, the file outfd. */
static int
write_vault(const char *dir, const struct vault_lock *lock,
    const struct vault_sink *sink, int outfd)
{
	struct walk wk = { 0 };
	uint8_t end = ARCHIVE_END;
	int fd, r, ret = 1;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		warnx_("%s: %s", dir, strerror(errno));
		return 1;
	}
	if (fstat(outfd, &wk.out) < 0 || (wk.buf = malloc(READ_SIZE)) == NULL) {
		close(fd);
		return fail("create", VAULT_ENOMEM);
	}
	progress_init(&wk.prog, NULL, "create");
	if (lock->pass != NULL)
		progress_note("deriving the key: Argon2id t=%u, %u MiB...",
		    lock->kdf_t, lock->kdf_m / 1024);
	if ((r = vault_create(&wk.w, lock, sink)) != VAULT_OK)
		fail("create", r);
	else if (walk_dir(&wk, fd, 0) == 0) {
		if ((r = vault_write(wk.w, &end, 1)) != VAULT_OK ||
		    (r = vault_finish(wk.w)) != VAULT_OK)
			fail("create", r);
		else
			ret = 0;
	}
	progress_done(&wk.prog);
	vault_writer_free(wk.w);
	nc_wipe(wk.buf, READ_SIZE);
	free(wk.buf);
	close(fd);
	return ret;
}

/* create --image: the vault goes to the next generation of DISK's partition. */
static int
create_in_image(const char *disk, const char *dir, const struct vault_lock *lock)
{
	static struct image im;
	static struct store_writer w;
	struct vault_sink sink;
	struct vault_lock l = *lock;
	int ret = 1;

	if (image_open(&im, disk, 1) < 0)
		return 1;
	image_sink(&im, &w, &sink);
	/* As persistd does: the generation bound under the header MAC. */
	l.generation = w.head.generation;
	if (write_vault(dir, &l, &sink, im.fd) != 0) {
		if (w.err != STORE_OK)
			warnx_("%s: %s", disk, store_strerror(w.err));
		warnx_("%s: nothing changed; the newest vault there is still "
		    "generation %llu", disk,
		    (unsigned long long)im.scan.best.generation);
	} else if (image_commit(&im, &w, disk) == 0) {
		ret = 0;
	}
	image_close(&im);
	return ret;
}

int
cmd_create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "passphrase", no_argument, NULL, 'p' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "sign", required_argument, NULL, 's' },
		{ "kdf-t", required_argument, NULL, 'T' },
		{ "kdf-m", required_argument, NULL, 'M' },
		{ "no-compress", no_argument, NULL, 'N' },
		{ "output", required_argument, NULL, 'o' },
		{ "image", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char pass[VAULT_PASS_MAX + 2];
	static struct vault_pubkey rcpt[MAX_RECIPIENTS];
	uint8_t sk[VAULT_SIGN_SKBYTES];
	struct lock_opts o;
	struct vault_lock lock;
	struct vault_sink sink;
	struct atomic_file f;
	const char *out = NULL, *image = NULL;
	int c, ret = 1;

	lock_opts_init(&o, PASS_ENV);
	while ((c = getopt_long(argc, argv, "pr:s:o:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'p': o.ask_pass = 1; break;
		case 'P': o.ask_pass = 1; o.pass_file = optarg; break;
		case 'r':
			if (lock_opts_recipient(&o, optarg) < 0)
				return EXIT_USAGE;
			break;
		case 's': o.sign_key = optarg; break;
		case 'T':
			if (parse_u32("--kdf-t", optarg, &o.kdf_t) < 0)
				return EXIT_USAGE;
			break;
		case 'M':
			if (parse_u32("--kdf-m", optarg, &o.kdf_m) < 0)
				return EXIT_USAGE;
			break;
		case 'N': o.compress = VAULT_COMP_NONE; break;
		case 'o': out = optarg; break;
		case 'I': image = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (out == NULL) == (image == NULL)) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (lock_from_opts(&lock, pass, sizeof pass, rcpt, sk, &o) < 0)
		goto out;
	if (image != NULL) {
		ret = create_in_image(image, argv[optind], &lock);
		goto out;
	}
	if (atomic_open(&f, out, 0600) < 0) {
		warnx_("%s: %s", out, strerror(errno));
		goto out;
	}
	atomic_sink(&sink, &f);
	if (write_vault(argv[optind], &lock, &sink, f.fd) != 0) {
		atomic_abort(&f);
	} else if (atomic_commit(&f, 0) < 0) {
		warnx_("%s: %s", out, strerror(errno));
	} else {
		ret = 0;
	}
out:
	nc_wipe(pass, sizeof pass);
	nc_wipe(sk, sizeof sk);
	return ret;
}

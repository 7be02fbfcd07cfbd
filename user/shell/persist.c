/*
 * The shell's persist and restore (docs/storage.md, "persist and
 * restore"), and the offer to restore at the start of a session.
 *
 * The shell walks its own directory capability (so `restrict` limits what
 * can be saved or overwritten) and makes the vault's archive stream
 * (lib/vault/archive.c, the host tool's code); persistd (user/lib/pst.h),
 * the only holder of the disk, seals it and writes it out. A restore
 * takes the archive back and builds the tree in a hidden directory; only
 * when persistd says every chunk checked out are the entries moved into
 * place, and on any error the hidden directory goes and nothing changed.
 * Passphrases are read without echo and wiped after use.
 */
#include "lib/fmt/fmt.h"
#include "lib/ramfs/ramfs.h"
#include "lib/vault/archive.h"
#include "lib/vault/keys.h"
#include "lib/vault/vault.h"
#include "user/lib/pst.h"
#include "user/shell/shell.h"

#define SLOT_PST	24	/* persistd (init: client:persistd) */
#define SLOT_PSTBUF	25	/* the frame shared with persistd */
#define SLOT_WAIT	26	/* a notification for timed waits */
#define SLOT_WAIT_T	27	/* the same, for the timer */
#define PSTBUF_VA	0x0000100000200000ULL
#define PROBE_TRIES	1500	/* 10 ms apart: persistd may wait 5 s for its driver */
#define TMPDIR		".restore-partial"
#define TOR_ASIDE	".tor-session"	/* the session's tor/ while a restore replaces it */
#define PATH_CAP	1100	/* ramfs paths are at most 1024 bytes */
#define FILE_MODE	0644
#define DIR_MODE	0755
#define O_READ		0x01
#define O_WRITE		0x02
#define O_CREATE	0x04
#define O_EXCL		0x08
#define TYPE_DIR	2
#define PROGRESS_MIN	(1024 * 1024)	/* smaller saves and restores show none */

static uint8_t *pbuf = (uint8_t *)PSTBUF_VA;
static int attached;
static char pass[PST_PASS_MAX + 1], pass2[PST_PASS_MAX + 1];

/* What a save or restore went through: for progress and the summary. */
struct tally {
	uint64_t files, dirs, bytes;	/* in the tree */
	uint64_t done, total;		/* bytes so far, in all */
	unsigned shown;			/* the last tenth printed */
	const char *cmd;
};

static void
wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* The progress line, each tenth of the way. */
static void
progress(struct tally *t)
{
	unsigned tenth = t->total == 0 ? 10 : (unsigned)(t->done * 10 / t->total);
	char line[96];

	if (t->total < PROGRESS_MIN || tenth <= t->shown || tenth > 10)
		return;
	t->shown = tenth;
	fmt_snprintf(line, sizeof line, "%s: %u%% (%llu of %llu KiB)\n", t->cmd, tenth * 10,
	    (unsigned long long)t->done / 1024, (unsigned long long)t->total / 1024);
	term_puts(line);
}

static int64_t
pst3(uint64_t op, uint64_t w0, uint64_t w1, uint64_t w2, struct msg *r)
{
	int64_t err = ipc_call4(SLOT_PST, op, w0, w1, w2, 0, r);

	if (err < 0) {
		r->w[0] = (uint64_t)PST_ENODEV;
		fmt_snprintf((char *)pbuf, PST_MSG, "persistd is not reachable (%s)",
		    err_name(err));
	}
	return (int64_t)r->w[0];
}

static int64_t
pst(uint64_t op, uint64_t w0, struct msg *r)
{
	return pst3(op, w0, 0, 0, r);
}

/* persistd's message for the last error. */
static const char *
pst_msg(void)
{
	pbuf[PST_MSG - 1] = 0;
	return (const char *)pbuf;
}

/*
 * Connects to persistd once: a call nobody receives would wait forever
 * (no persistd in this manifest, or it failed), so a non-blocking send of
 * no operation must go through first. 0, or -1 with a message.
 */
static int
attach(struct sink *o, const char *cmd)
{
	struct cap_info ci;
	struct msg r;
	int i;

	if (attached)
		return 0;
	if (cap_info(SLOT_PST, &ci) != E_OK || ci.type != CAP_ENDPOINT) {
		outf(o, "%s: this shell may not reach the disk (no persistd capability)\n", cmd);
		return -1;
	}
	if (cap_info(SLOT_WAIT, &ci) != E_OK &&
	    (notification_create(SLOT_MEMORY, SLOT_WAIT) != E_OK ||
	    cap_derive(SLOT_WAIT, SLOT_WAIT_T, RIGHT_WRITE, 1) != E_OK)) {
		outf(o, "%s: cannot make a notification\n", cmd);
		return -1;
	}
	for (i = 0; i < PROBE_TRIES; i++) {
		if (ipc_nbsend4(SLOT_PST, PST_OPS, 0, 0, 0, 0) == E_OK)
			break;
		timer_notify(SLOT_WAIT_T, 1);
		notify_wait(SLOT_WAIT);
	}
	if (i == PROBE_TRIES) {
		outf(o, "%s: persistd does not answer\n", cmd);
		return -1;
	}
	if (cap_info(SLOT_PSTBUF, &ci) != E_OK &&
	    (frame_create(SLOT_MEMORY, SLOT_PSTBUF, PST_BUF / USER_PAGE) != E_OK ||
	    map(SLOT_PSTBUF, PSTBUF_VA, RIGHT_READ | RIGHT_WRITE) != E_OK)) {
		outf(o, "%s: no memory for a buffer\n", cmd);
		return -1;
	}
	if (pst(PST_BUFFER | TAG_CAP | (uint64_t)SLOT_PSTBUF << 40, 0, &r) != 0) {
		outf(o, "%s: persistd refused the buffer\n", cmd);
		return -1;
	}
	attached = 1;
	return 0;
}

/*
 * Reads a passphrase without echo into buf (NUL-terminated): Backspace
 * erases, Ctrl-U starts over, Ctrl-C cancels (-1), Enter ends. Escape
 * sequences (arrow keys) are dropped. Returns its length.
 */
static int64_t
read_pass(const char *prompt, char *buf)
{
	size_t n = 0;
	int c, esc = 0;

	term_puts(prompt);
	for (;;) {
		c = term_getc();
		if (esc) {
			esc = !(c >= 0x40 && c <= 0x7e && !(esc == 1 && (c == '[' || c == 'O')));
			if (esc)
				esc = 2;
			continue;
		}
		if (c == '\r' || c == '\n')
			break;
		if (c == 0x03) {
			wipe(buf, n);
			term_puts("^C\n");
			return -1;
		}
		if (c == 0x1b)
			esc = 1;
		else if (c == 0x7f || c == 0x08)
			n -= n > 0;
		else if (c == 0x15)
			n = 0;
		else if (c >= 0x20 && n < PST_PASS_MAX)
			buf[n++] = (char)c;
	}
	buf[n] = 0;
	term_puts("\n");
	return (int64_t)n;
}

/*
 * Reads the key file at path into pbuf at PST_KEYS + off, at most max
 * bytes: its length, or -1 with a message.
 */
static int64_t
load_key(const char *path, uint64_t off, uint64_t max, struct sink *o, const char *cmd)
{
	uint8_t *dst = pbuf + PST_KEYS + off;
	uint64_t got = 0;
	int64_t h, n = 0;

	if ((h = rfs_open(&fs, path, O_READ)) < 0) {
		outf(o, "%s: %s: %s\n", cmd, path, rfs_strerror(h));
		return -1;
	}
	while (got <= max && (n = rfs_read(&fs, h, dst + got, max + 1 - got)) > 0)
		got += (uint64_t)n;
	rfs_close(&fs, h);
	if (n < 0 || got > max || got == 0) {
		wipe(dst, got > max ? max + 1 : got);
		outf(o, "%s: %s: %s\n", cmd, path, n < 0 ? rfs_strerror(n) :
		    got == 0 ? "empty" : "too long for a key file");
		return -1;
	}
	return (int64_t)got;
}

/* Key files named on the command line: persist -r/-s, restore -i. */
struct keys {
	const char *rcpt[PST_RCPT_MAX];
	uint64_t nrcpt;
	const char *sign;
	const char *id;
	int nopass;		/* persist -n: recipients only */
};

/*
 * Sends op with the passphrase p (NULL: none) in the shared buffer after
 * the message area and the key files k names at PST_KEYS (persistd wipes
 * both there when it takes them; so do we, after).
 */
static int64_t
send_secrets(uint64_t op, const char *p, const struct keys *k, struct sink *o, struct msg *r)
{
	size_t n = p != NULL ? strlen(p) : 0;
	uint64_t used = 0, w1 = 0, w2 = 0;
	const char *cmd = op == PST_SAVE ? "persist" : "restore";
	int64_t v = 0, len;

	for (uint64_t i = 0; k != NULL && i < k->nrcpt && v == 0; i++) {
		if ((len = load_key(k->rcpt[i], used, VAULT_PUBFILE_BYTES, o, cmd)) < 0) {
			v = -1;
		} else if (len != VAULT_PUBFILE_BYTES) {
			outf(o, "%s: %s: not a recipient's public key (nonos-vault keygen's .pub)\n",
			    cmd, k->rcpt[i]);
			used += (uint64_t)len;
			v = -1;
		} else {
			used += (uint64_t)len;
		}
		w1++;
	}
	if (k != NULL && k->sign != NULL && v == 0) {
		if ((len = load_key(k->sign, used, PST_KEYS_MAX - used, o, cmd)) < 0)
			v = -1;
		else
			used += (uint64_t)(w2 = (uint64_t)len);
	}
	if (k != NULL && k->id != NULL && v == 0) {
		if ((len = load_key(k->id, 0, PST_KEYS_MAX, o, cmd)) < 0)
			v = -1;
		else
			used = w1 = (uint64_t)len;
	}
	if (v == 0) {
		memcpy(pbuf + PST_MSG, p != NULL ? p : "", n);
		v = pst3(op, n, w1, w2, r);
	} else {
		fmt_snprintf((char *)pbuf, PST_MSG, "a key file could not be read");
		v = PST_EINVAL;
	}
	wipe(pbuf + PST_MSG, n);
	wipe(pbuf + PST_KEYS, used);
	return v;
}

static int
has_char(const char *s, char c)
{
	while (*s != 0 && *s != c)
		s++;
	return *s != 0;
}

/*
 * persist's and restore's options: -r FILE (a recipient's public key,
 * up to PST_RCPT_MAX), -s FILE (a signing key), -n (no passphrase) for
 * persist, -i FILE (a recipient's secret key) for restore; then at most
 * one directory. 0, or -1 with the usage.
 */
static int
parse_keys(int argc, char **argv, const char *opts, struct keys *k, const char **dir,
    struct sink *o, const char *usage)
{
	memset(k, 0, sizeof *k);
	*dir = "";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == 0 || a[2] != 0 || !has_char(opts, a[1])) {
			if (a[0] == '-' || (*dir)[0] != 0)
				return (outf(o, "usage: %s\n", usage), -1);
			*dir = a;
		} else if (a[1] == 'n') {
			k->nopass = 1;
		} else if (i + 1 >= argc) {
			return (outf(o, "usage: %s\n", usage), -1);
		} else if (a[1] == 'r') {
			if (k->nrcpt == PST_RCPT_MAX)
				return (outf(o, "persist: at most %u recipients\n", PST_RCPT_MAX), -1);
			k->rcpt[k->nrcpt++] = argv[++i];
		} else if (a[1] == 's') {
			k->sign = argv[++i];
		} else {
			k->id = argv[++i];
		}
	}
	if (k->nopass && k->nrcpt == 0)
		return (outf(o, "persist: -n (no passphrase) needs a recipient (-r)\n"), -1);
	return 0;
}

/* ---- persist: the tree as an archive, to persistd ---- */

struct out {
	size_t fill;		/* archive bytes waiting in pbuf */
	int64_t err;
};

static int
flush_out(struct out *w)
{
	struct msg r;

	if (w->err == 0 && w->fill > 0 && (w->err = pst(PST_DATA, w->fill, &r)) == 0)
		w->fill = 0;
	return w->err == 0 ? 0 : -1;
}

static int
emit(struct out *w, const void *p, size_t n)
{
	const uint8_t *s = p;

	while (n > 0 && w->err == 0) {
		size_t k = PST_BUF - w->fill < n ? PST_BUF - w->fill : n;

		memcpy(pbuf + w->fill, s, k);
		w->fill += k;
		s += k;
		n -= k;
		if (w->fill == PST_BUF)
			flush_out(w);
	}
	return w->err == 0 ? 0 : -1;
}

/* fs path of archive path rel under base. */
static void
join(char *out, const char *base, const char *rel)
{
	fmt_snprintf(out, PATH_CAP, "%s%s%s", base, base[0] && rel[0] ? "/" : "", rel);
}

/* One file's entry and bytes; send: 0 counts only. */
static int
put_file(struct out *w, struct tally *t, const char *fspath, const char *rel, int send,
    struct sink *o)
{
	uint8_t head[ARCHIVE_HEAD_MAX];
	uint64_t info[2], left;
	int64_t h, n = 0;
	size_t hl;

	if ((h = rfs_open_info(&fs, fspath, O_READ, info)) < 0) {
		outf(o, "persist: %s: %s\n", fspath, rfs_strerror(h));
		return -1;
	}
	t->files++;
	t->bytes += info[0];
	if (!send) {
		rfs_close(&fs, h);
		return 0;
	}
	if ((hl = archive_encode_entry(head, sizeof head, ARCHIVE_FILE, FILE_MODE, rel,
	    info[0])) == 0 || emit(w, head, hl) != 0) {
		rfs_close(&fs, h);
		if (hl == 0)
			outf(o, "persist: %s: a name a vault cannot hold\n", fspath);
		return -1;
	}
	for (left = info[0]; left > 0 && w->err == 0; left -= (uint64_t)n) {
		uint64_t room = PST_BUF - w->fill;

		n = rfs_read(&fs, h, pbuf + w->fill, left < room ? left : room);
		if (n <= 0)
			break;
		w->fill += (size_t)n;
		t->done += (uint64_t)n;
		if (w->fill == PST_BUF)
			flush_out(w);
		progress(t);
	}
	rfs_close(&fs, h);
	if (w->err == 0 && left > 0) {
		outf(o, "persist: %s: %s\n", fspath, n < 0 ? rfs_strerror(n) :
		    "changed while being saved");
		return -1;
	}
	return w->err == 0 ? 0 : -1;
}

/* Directory base/rel and everything under it (rel "" is the top). */
static int
walk(struct out *w, struct tally *t, const char *base, const char *rel, int depth,
    int send, struct sink *o)
{
	char dir[PATH_CAP], child[PATH_CAP], fspath[PATH_CAP], name[56];
	uint8_t head[ARCHIVE_HEAD_MAX];
	uint64_t cookie = 0, type;
	int64_t next;
	size_t hl;

	if (depth > 40)
		return -1;
	join(dir, base, rel);
	while ((next = rfs_readdir(&fs, dir, cookie, name, &type)) > 0) {
		cookie = (uint64_t)next;
		join(child, rel, name);
		join(fspath, base, child);
		if (type == TYPE_DIR) {
			t->dirs++;
			if (send && ((hl = archive_encode_entry(head, sizeof head, ARCHIVE_DIR,
			    DIR_MODE, child, 0)) == 0 || emit(w, head, hl) != 0))
				return -1;
			if (walk(w, t, base, child, depth + 1, send, o) != 0)
				return -1;
		} else if (put_file(w, t, fspath, child, send, o) != 0) {
			return -1;
		}
	}
	if (next < 0) {
		outf(o, "persist: %s: %s\n", dir[0] ? dir : "/", rfs_strerror(next));
		return -1;
	}
	return 0;
}

/* Two prompts that must agree; 0, or -1 (cancelled, empty or different). */
static int
new_pass(struct sink *o)
{
	int64_t a, b;

	a = read_pass("passphrase for the vault: ", pass);
	if (a <= 0) {
		outf(o, "persist: %s; nothing saved\n", a < 0 ? "cancelled" : "empty passphrase");
		return -1;
	}
	b = read_pass("the same again: ", pass2);
	if (b < 0 || strcmp(pass, pass2) != 0) {
		wipe(pass, sizeof pass);
		wipe(pass2, sizeof pass2);
		outf(o, "persist: %s; nothing saved\n", b < 0 ? "cancelled" :
		    "the passphrases differ");
		return -1;
	}
	wipe(pass2, sizeof pass2);
	return 0;
}

int
cmd_persist(int argc, char **argv, struct sink *o, const struct source *in)
{
	const char *base;
	struct tally t = { 0, 0, 0, 0, 0, 0, "persist" };
	struct out w = { 0, 0 };
	struct keys k;
	uint64_t st[3], start;
	struct msg r;
	int64_t v;

	if (parse_keys(argc, argv, "rsn", &k, &base, o,
	    "persist [-r recipient.pub]... [-n] [-s signing.key] [directory]") != 0)
		return 1;
	if ((v = rfs_stat(&fs, base, st)) < 0 || st[0] != TYPE_DIR) {
		outf(o, "persist: %s: %s\n", base[0] ? base : "/",
		    v < 0 ? rfs_strerror(v) : "not a directory");
		return 1;
	}
	if (attach(o, "persist") != 0 || walk(&w, &t, base, "", 0, 0, o) != 0)
		return 1;
	outf(o, "persist: %llu files, %llu directories, %llu bytes from %s\n",
	    (unsigned long long)t.files, (unsigned long long)t.dirs,
	    (unsigned long long)t.bytes, base[0] ? base : "/");
	if (!k.nopass && new_pass(o) != 0)
		return 1;
	start = ticks();
	v = send_secrets(PST_SAVE, k.nopass ? NULL : pass, &k, o, &r);
	wipe(pass, sizeof pass);
	if (v < 0) {
		outf(o, "persist: %s; nothing changed\n", pst_msg());
		return 1;
	}
	if (!k.nopass)
		outf(o, "persist: key from the passphrase: Argon2id, %llu MiB, %llu passes, "
		    "%llu.%02llu s\n", (unsigned long long)r.w[2] / 1024,
		    (unsigned long long)r.w[3], (unsigned long long)(ticks() - start) / 100,
		    (unsigned long long)(ticks() - start) % 100);
	if (k.nrcpt > 0)
		outf(o, "persist: locked for %llu recipient%s\n", (unsigned long long)k.nrcpt,
		    k.nrcpt == 1 ? "" : "s");
	if (k.sign != NULL)
		outf(o, "persist: signed with %s\n", k.sign);
	outf(o, "persist: writing generation %llu\n", (unsigned long long)r.w[1]);
	start = ticks();
	t.total = t.bytes;
	t.files = t.dirs = t.bytes = 0;
	if (walk(&w, &t, base, "", 0, 1, o) != 0 || emit(&w, "", 1) != 0 || flush_out(&w) != 0) {
		if (w.err < 0)
			outf(o, "persist: %s\n", pst_msg());
		pst(PST_ABORT, 0, &r);
		outf(o, "persist: nothing saved; the previous vault is still the newest\n");
		return 1;
	}
	if (pst(PST_COMMIT, 0, &r) < 0) {
		outf(o, "persist: %s; the previous vault is still the newest\n", pst_msg());
		return 1;
	}
	t.done = t.total;
	progress(&t);
	outf(o, "persist: saved generation %llu (%llu bytes on disk) in %llu.%02llu s\n",
	    (unsigned long long)r.w[1], (unsigned long long)r.w[2],
	    (unsigned long long)(ticks() - start) / 100, (unsigned long long)(ticks() - start) % 100);
	return 0;
}

/* ---- restore: the archive back, into a hidden directory, then into place ---- */

struct unpack {
	const char *base;	/* the target directory */
	int64_t h;		/* the file being written, or -1 */
	uint64_t left;		/* its bytes still to come */
	int64_t err;		/* a file system error */
	char path[PATH_CAP];
	struct tally *t;
};

static int
on_entry(void *ctx, const struct archive_entry *e)
{
	struct unpack *u = ctx;
	char tmp[PATH_CAP];

	fmt_snprintf(tmp, sizeof tmp, "%s/%s", TMPDIR, e->path);
	join(u->path, u->base, tmp);
	if (e->type == ARCHIVE_DIR) {
		u->t->dirs++;
		if ((u->err = rfs_mkdir(&fs, u->path)) < 0)
			return -1;
		return 0;
	}
	u->t->files++;
	if ((u->h = rfs_open(&fs, u->path, O_WRITE | O_CREATE | O_EXCL)) < 0) {
		u->err = u->h;
		return -1;
	}
	u->left = e->size;
	if (u->left == 0) {
		rfs_close(&fs, u->h);
		u->h = -1;
	}
	return 0;
}

static int
on_data(void *ctx, const uint8_t *p, size_t n)
{
	struct unpack *u = ctx;
	int64_t k;

	u->t->bytes += n;
	u->left -= n;
	while (n > 0) {
		if ((k = rfs_write(&fs, u->h, p, n)) <= 0) {
			u->err = k < 0 ? k : -6;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	if (u->left == 0) {
		rfs_close(&fs, u->h);
		u->h = -1;
	}
	return 0;
}

/* Removes path and everything under it (ours: the hidden directory). */
static void
remove_tree(const char *path, int depth)
{
	char name[56], child[PATH_CAP];
	uint64_t type;

	while (depth < 40 && rfs_readdir(&fs, path, 0, name, &type) > 0) {
		join(child, path, name);
		if (type == TYPE_DIR)
			remove_tree(child, depth + 1);
		else if (rfs_unlink(&fs, child, 0) < 0)
			break;
	}
	rfs_unlink(&fs, path, 0);
}

/*
 * oniond's tor/ is the one entry a restore into the root replaces: the
 * saved guard is the user's own, the session's only stood in for it.
 */
static int
replaces(const char *base, const char *name)
{
	return base[0] == '\0' && strcmp(name, TOR_DIR) == 0;
}

/* Moves every entry of the hidden directory into base: 0, or -1 with nothing moved. */
static int
move_into_place(const char *base, struct sink *o)
{
	char tmp[PATH_CAP], name[56], from[PATH_CAP], to[PATH_CAP];
	uint64_t cookie = 0, type, st[3];
	int64_t next, err;

	join(tmp, base, TMPDIR);
	while ((next = rfs_readdir(&fs, tmp, cookie, name, &type)) > 0) {
		cookie = (uint64_t)next;
		join(to, base, name);
		if (!replaces(base, name) && rfs_stat(&fs, to, st) == 0) {
			outf(o, "restore: %s already exists; remove or rename it first\n", to);
			return -1;
		}
	}
	remove_tree(TOR_ASIDE, 0);	/* left by an earlier restore cut short */
	while (rfs_readdir(&fs, tmp, 0, name, &type) > 0) {
		join(from, tmp, name);
		join(to, base, name);
		/* The session's tor/ goes aside in one rename, as oniond may be
		   writing in it, and is removed once the vault's is in place. */
		if (replaces(base, name) && (err = rfs_rename(&fs, to, TOR_ASIDE)) < 0 &&
		    err != RAMFS_ENOENT) {
			outf(o, "restore: %s: %s\n", to, rfs_strerror(err));
			return -1;
		}
		if ((err = rfs_rename(&fs, from, to)) < 0) {
			outf(o, "restore: %s: %s\n", to, rfs_strerror(err));
			return -1;
		}
	}
	remove_tree(TOR_ASIDE, 0);
	return 0;
}

/* Asks a yes/no question on the terminal, echoing; 1 only for "yes". */
static int
confirm(const char *prompt)
{
	char ans[8];
	size_t n = 0;
	int c;

	term_puts(prompt);
	while ((c = term_getc()) != '\r' && c != '\n') {
		if (c == 0x03) {
			term_puts("^C\n");
			return 0;
		}
		if ((c == 0x7f || c == 0x08) && n > 0) {
			n--;
			term_puts("\b \b");
		} else if (c >= 0x20 && c < 0x7f && n < sizeof(ans) - 1) {
			ans[n++] = (char)c;
			term_write((const char *)&ans[n - 1], 1);
		}
	}
	term_puts("\n");
	ans[n] = 0;
	return strcmp(ans, "yes") == 0;
}

/*
 * Opens the newest vault with the passphrase p (NULL: none) and the key
 * files k names (NULL: none), and restores it into base. 0; -2 for a
 * wrong passphrase or key; -1 for anything else. Either way the message
 * is out.
 */
static int
restore_into(const char *base, const char *p, const struct keys *k, struct sink *o)
{
	static struct archive_parser parser;
	struct tally t = { 0, 0, 0, 0, 0, 0, "restore" };
	struct unpack u = { base, -1, 0, 0, { 0 }, &t };
	struct archive_ops ops = { on_entry, on_data, NULL, &u };
	char tmp[PATH_CAP];
	uint64_t start = ticks(), gen;
	struct msg r;
	int64_t v;
	int err = 0;

	term_puts(p != NULL ? "restore: unlocking (Argon2id)...\n" :
	    "restore: unlocking (recipient key)...\n");
	v = send_secrets(PST_OPEN, p, k, o, &r);
	if (v == PST_EROLLBACK) {
		outf(o, "restore: %s\n", pst_msg());
		if (!confirm("Restore this older copy anyway? Type yes to confirm: ")) {
			outf(o, "restore: refused; nothing changed\n");
			return -1;
		}
		v = send_secrets(PST_OPEN_OLDER, p, k, o, &r);
	}
	if (v < 0) {
		outf(o, "restore: %s; nothing changed\n", pst_msg());
		return v == PST_EPASS ? -2 : -1;
	}
	gen = r.w[1];
	t.total = r.w[2];
	outf(o, "restore: generation %llu, %llu bytes, unlocked in %llu.%02llu s (Argon2id %llu MiB)\n",
	    (unsigned long long)gen, (unsigned long long)t.total,
	    (unsigned long long)(ticks() - start) / 100, (unsigned long long)(ticks() - start) % 100,
	    (unsigned long long)r.w[3] / 1024);
	join(tmp, base, TMPDIR);
	remove_tree(tmp, 0);		/* left by an earlier restore cut short */
	if ((v = rfs_mkdir(&fs, tmp)) < 0) {
		pst(PST_ABORT, 0, &r);
		outf(o, "restore: %s: %s; nothing changed\n", tmp, rfs_strerror(v));
		return -1;
	}
	archive_parser_init(&parser, &ops);
	start = ticks();
	while ((v = pst(PST_NEXT, 0, &r)) > 0) {
		t.done = r.w[1];
		progress(&t);
		if ((err = archive_feed(&parser, pbuf, (size_t)v)) != 0)
			break;
	}
	if (u.h >= 0)
		rfs_close(&fs, u.h);
	if (err != 0 || v < 0 || (err = archive_finish(&parser)) != 0) {
		if (v < 0)
			outf(o, "restore: %s\n", pst_msg());
		else if (u.err < 0)
			outf(o, "restore: %s: %s\n", u.path, rfs_strerror(u.err));
		else
			outf(o, "restore: the archive in the vault is damaged: %s\n",
			    vault_strerror(err));
		if (v > 0)
			pst(PST_ABORT, 0, &r);
		remove_tree(tmp, 0);
		outf(o, "restore: nothing changed\n");
		return -1;
	}
	/* persistd's last answer: every chunk and the archive's end checked out. */
	if (move_into_place(base, o) != 0) {
		remove_tree(tmp, 0);
		outf(o, "restore: nothing changed\n");
		return -1;
	}
	remove_tree(tmp, 0);
	outf(o, "restore: generation %llu restored: %llu files, %llu directories, %llu bytes "
	    "in %llu.%02llu s\n", (unsigned long long)gen, (unsigned long long)t.files,
	    (unsigned long long)t.dirs, (unsigned long long)t.bytes,
	    (unsigned long long)(ticks() - start) / 100, (unsigned long long)(ticks() - start) % 100);
	return 0;
}

/*
 * The newest vault on the disk: its generation (0: none), or -1 with a
 * message (none for a machine without a persistence partition if quiet).
 */
static int64_t
newest(struct sink *o, const char *cmd, uint64_t *len, uint64_t *older, int quiet)
{
	struct msg r;
	int64_t v = pst(PST_INFO, 0, &r);

	if (v < 0) {
		if (!quiet || v != PST_ENODEV)
			outf(o, "%s: %s\n", cmd, pst_msg());
		return -1;
	}
	*len = r.w[2];
	*older = r.w[3];
	if (v != 0)
		outf(o, "%s: a saved copy on the disk is damaged (heads %s%s); the other is used\n",
		    cmd, v & 1 ? "0" : "", v == 3 ? " and 1" : v & 2 ? "1" : "");
	return (int64_t)r.w[1];
}

int
cmd_restore(int argc, char **argv, struct sink *o, const struct source *in)
{
	const char *base;
	uint64_t len, older, st[3];
	struct keys k;
	int64_t gen, n;
	int err;

	if (parse_keys(argc, argv, "i", &k, &base, o, "restore [-i recipient.key] [directory]") != 0)
		return 1;
	if ((n = rfs_stat(&fs, base, st)) < 0 || st[0] != TYPE_DIR) {
		outf(o, "restore: %s: %s\n", base[0] ? base : "/",
		    n < 0 ? rfs_strerror(n) : "not a directory");
		return 1;
	}
	if (attach(o, "restore") != 0 || (gen = newest(o, "restore", &len, &older, 0)) < 0)
		return 1;
	if (gen == 0) {
		outf(o, "restore: no saved vault on this disk\n");
		return 1;
	}
	outf(o, "restore: generation %lld (%llu bytes) is the newest on the disk%s\n",
	    (long long)gen, (unsigned long long)len, older ? "" : ", the only one");
	if (k.id != NULL) {
		err = restore_into(base, NULL, &k, o);
	} else if ((n = read_pass("passphrase: ", pass)) <= 0) {
		outf(o, "restore: %s; nothing changed\n", n < 0 ? "cancelled" : "no passphrase");
		return 1;
	} else {
		err = restore_into(base, pass, NULL, o);
		wipe(pass, sizeof pass);
	}
	/* The restored tor/ replaced the one oniond writes in (the offer at
	   boot needs no call: the shell hands tor/ over once it is answered). */
	if (err == 0 && base[0] == '\0')
		tor_state_give(o);
	return err == 0 ? 0 : 1;
}

/*
 * At the start of a session: when the disk holds a vault, offer to
 * restore it. Enter skips (the session starts empty); a wrong passphrase
 * may be tried again, three times in all.
 */
void
persist_offer(void)
{
	struct sink term = { 1, NULL, 0, 0, 0 }, quiet = { 0, NULL, 0, 0, 0 };
	uint64_t len, older;
	int64_t gen, n;

	/* A machine without persistd or a partition starts quietly, as before. */
	if (attach(&quiet, "restore") != 0 ||
	    (gen = newest(&term, "restore", &len, &older, 1)) <= 0)
		return;
	outf(&term, "A saved vault is on this disk (generation %lld, %llu bytes).\n",
	    (long long)gen, (unsigned long long)len);
	for (int tries = 0; tries < 3; tries++) {
		n = read_pass("Passphrase to restore it (Enter: skip, stay amnesic): ", pass);
		if (n <= 0) {
			outf(&term, "restore: skipped; this session starts empty\n");
			return;
		}
		n = restore_into("", pass, NULL, &term);
		wipe(pass, sizeof pass);
		if (n != -2)
			return;
	}
}

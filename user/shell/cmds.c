/*
 * The shell's built-in commands, one function each, and the table that
 * names them with their one-line help. File commands go to the RAM file
 * system through the directory capability in SLOT_FS; service and
 * machine commands go to init.
 */
#include "user/lib/initctl.h"
#include "user/lib/netd.h"
#include "user/shell/replace.h"
#include "user/shell/shell.h"

#define O_READ		0x01
#define O_DIR		0x40
#define TYPE_DIR	2

static int
usage(struct sink *o, const char *cmd, const char *args)
{
	outf(o, "usage: %s %s\n", cmd, args);
	return 1;
}

static int
fail(struct sink *o, const char *cmd, const char *what, int64_t err)
{
	outf(o, "%s: %s: %s\n", cmd, what, rfs_strerror(err));
	return 1;
}

/* A decimal count of at most 9 digits into *v; 0, or -1 if s is not one. */
static int
parse_count(const char *s, uint64_t *v)
{
	*v = 0;
	if (*s == 0 || strlen(s) > 9)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		*v = *v * 10 + (uint64_t)(*s - '0');
	}
	return 0;
}

static int
cmd_help(int argc, char **argv, struct sink *o, const struct source *in)
{
	for (size_t i = 0; i < ncommands; i++)
		outf(o, "%-9s %s\n", commands[i].name, commands[i].help);
	return 0;
}

static int
cmd_echo(int argc, char **argv, struct sink *o, const struct source *in)
{
	for (int i = 1; i < argc; i++) {
		sink_write(o, argv[i], strlen(argv[i]));
		sink_write(o, i + 1 < argc ? " " : "\n", 1);
	}
	if (argc == 1)
		sink_write(o, "\n", 1);
	return 0;
}

static int
cmd_ls(int argc, char **argv, struct sink *o, const struct source *in)
{
	const char *dir = argc > 1 ? argv[1] : "";
	uint64_t cookie = 0, type, st[3];
	char name[56];
	int64_t next;

	if (argc > 2)
		return usage(o, "ls", "[directory]");
	if ((next = rfs_stat(&fs, dir, st)) < 0)
		return fail(o, "ls", dir, next);
	if (st[0] != TYPE_DIR) {
		outf(o, "%s\n", dir);
		return 0;
	}
	while ((next = rfs_readdir(&fs, dir, cookie, name, &type)) > 0) {
		if (type == TYPE_DIR) {
			sink_colour(o, "1;34");		/* directories in bold blue */
			outf(o, "%s/", name);
			sink_colour(o, "0");
			outf(o, "\n");
		} else {
			outf(o, "%s\n", name);
		}
		cookie = (uint64_t)next;
	}
	if (next < 0)
		return fail(o, "ls", dir, next);
	return 0;
}

static int
cat_one(const char *name, struct sink *o)
{
	static char buf[RFS_BUF];
	int64_t h = rfs_open(&fs, name, O_READ), n;

	if (h < 0)
		return fail(o, "cat", name, h);
	while ((n = rfs_read(&fs, h, buf, sizeof(buf))) > 0)
		sink_write(o, buf, (size_t)n);
	rfs_close(&fs, h);
	if (n < 0)
		return fail(o, "cat", name, n);
	return 0;
}

static int
cmd_cat(int argc, char **argv, struct sink *o, const struct source *in)
{
	int bad = 0;

	if (argc == 1) {
		if (in->data != NULL)
			sink_write(o, in->data, in->len);
		return 0;
	}
	for (int i = 1; i < argc; i++)
		bad |= cat_one(argv[i], o);
	return bad;
}

static int
cmd_mkdir(int argc, char **argv, struct sink *o, const struct source *in)
{
	int64_t err;

	if (argc < 2)
		return usage(o, "mkdir", "directory...");
	for (int i = 1; i < argc; i++) {
		if ((err = rfs_mkdir(&fs, argv[i])) < 0)
			return fail(o, "mkdir", argv[i], err);
	}
	return 0;
}

static int
cmd_rm(int argc, char **argv, struct sink *o, const struct source *in)
{
	int64_t err;

	if (argc < 2)
		return usage(o, "rm", "path...");
	for (int i = 1; i < argc; i++) {
		if ((err = rfs_unlink(&fs, argv[i], 0)) < 0)
			return fail(o, "rm", argv[i], err);
	}
	return 0;
}

static int
cmd_mv(int argc, char **argv, struct sink *o, const struct source *in)
{
	int64_t err;

	if (argc != 3)
		return usage(o, "mv", "from to");
	if ((err = rfs_rename(&fs, argv[1], argv[2])) < 0)
		return fail(o, "mv", argv[1], err);
	return 0;
}

/* The copy takes the old file's place only once complete (replace.h). */
static int
cmd_cp(int argc, char **argv, struct sink *o, const struct source *in)
{
	static char buf[RFS_BUF];
	struct replace to;
	int64_t from, n, w, err = 0;

	if (argc != 3)
		return usage(o, "cp", "from to");
	if ((from = rfs_open(&fs, argv[1], O_READ)) < 0)
		return fail(o, "cp", argv[1], from);
	if ((err = replace_open(&to, argv[2])) < 0) {
		rfs_close(&fs, from);
		return fail(o, "cp", argv[2], err);
	}
	while (err == 0 && (n = rfs_read(&fs, from, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			rfs_close(&fs, from);
			replace_end(&to, n);
			return fail(o, "cp", argv[1], n);
		}
		for (int64_t done = 0; done < n && err == 0; done += w) {
			/* A write that takes nothing would never end: full. */
			if ((w = rfs_write(&fs, to.h, buf + done, (uint64_t)(n - done))) <= 0)
				err = w < 0 ? w : RAMFS_ENOSPC;
		}
	}
	rfs_close(&fs, from);
	if ((err = replace_end(&to, err)) < 0)
		return fail(o, "cp", argv[2], err);
	return 0;
}

/* The words (or the input) take the old file's place once all written. */
static int
cmd_write(int argc, char **argv, struct sink *o, const struct source *in)
{
	struct replace f;
	int64_t err;

	if (argc < 2)
		return usage(o, "write", "file [words...]   (no words: standard input)");
	if ((err = replace_open(&f, argv[1])) < 0)
		return fail(o, "write", argv[1], err);
	for (int i = 2; i < argc && err == 0; i++) {
		if ((err = write_all(f.h, argv[i], strlen(argv[i]))) == 0)
			err = write_all(f.h, i + 1 < argc ? " " : "\n", 1);
	}
	if (err == 0 && argc == 2 && in->data != NULL)
		err = write_all(f.h, in->data, in->len);
	if ((err = replace_end(&f, err)) < 0)
		return fail(o, "write", argv[1], err);
	return 0;
}

static int
cmd_wc(int argc, char **argv, struct sink *o, const struct source *in)
{
	size_t lines = 0, words = 0;
	int inword = 0;

	if (in->data == NULL)
		return usage(o, "wc", "(counts its input: use it after '|' or with '<')");
	for (size_t i = 0; i < in->len; i++) {
		char c = in->data[i];
		int sp = c == ' ' || c == '\n' || c == '\t';

		lines += c == '\n';
		words += !sp && !inword;
		inword = !sp;
	}
	outf(o, "%zu %zu %zu\n", lines, words, in->len);
	return 0;
}

static int
cmd_grep(int argc, char **argv, struct sink *o, const struct source *in)
{
	size_t start = 0, n;

	if (argc != 2 || in->data == NULL)
		return usage(o, "grep", "text   (filters its input)");
	n = strlen(argv[1]);
	for (size_t i = 0; i <= in->len; i++) {
		if (i < in->len && in->data[i] != '\n')
			continue;
		for (size_t k = start; k + n <= i; k++) {
			if (memcmp(in->data + k, argv[1], n) == 0) {
				sink_write(o, in->data + start, i - start);
				sink_write(o, "\n", 1);
				break;
			}
		}
		start = i + 1;
	}
	return 0;
}

static void
unpack(uint64_t w0, uint64_t w1, char name[INITCTL_NAME + 1])
{
	memcpy(name, &w0, 8);
	memcpy(name + 8, &w1, 8);
	name[INITCTL_NAME] = 0;
}

static int
cmd_ps(int argc, char **argv, struct sink *o, const struct source *in)
{
	static const char *const states[] = {
		"?", "running", "restarting", "failed", "no device"
	};
	char name[INITCTL_NAME + 1];
	struct msg r;

	outf(o, "%-5s %-16s %-10s %s\n", "PID", "SERVICE", "STATE", "RESTARTS");
	for (uint64_t i = 0; i < 32; i++) {
		if (ipc_call(SLOT_INIT, INITCTL_PS, i, 0, &r) < 0) {
			outf(o, "ps: init is not reachable\n");
			return 1;
		}
		if ((int64_t)r.w[0] < 0)
			break;
		unpack(r.w[0], r.w[1], name);
		outf(o, "%-5llu %-16s %-10s %llu\n", (unsigned long long)(r.w[2] >> 32), name,
		    states[r.w[3] <= SVC_NODEVICE ? r.w[3] : 0], (unsigned long long)(r.w[2] & 0xffffffff));
	}
	return 0;
}

/*
 * The files live in ramfs's memory: killing it loses them all. With
 * anything in the tree that takes -f, as the user cannot undo it.
 */
static int
kill_loses_files(struct sink *o, const char *name)
{
	uint64_t count;

	if (strcmp(name, "ramfs") != 0 ||
	    rfs_readdir_batch(&fs, "/", 0, 1, &count) < 0 || count == 0)
		return 0;
	outf(o, "kill: ramfs holds the files: they would all be lost; "
	    "'kill -f ramfs' does it anyway\n");
	return 1;
}

static int
cmd_kill(int argc, char **argv, struct sink *o, const struct source *in)
{
	uint64_t w[2] = { 0, 0 };
	int force = argc == 3 && strcmp(argv[1], "-f") == 0;
	const char *name = argv[argc - 1];
	size_t n;
	struct msg r;

	if (argc != 2 && !force)
		return usage(o, "kill", "[-f] service   (init restarts it)");
	if ((n = strlen(name)) > INITCTL_NAME) {
		outf(o, "kill: %s: no such service\n", name);
		return 1;
	}
	if (!force && kill_loses_files(o, name))
		return 1;
	memcpy(w, name, n);
	if (ipc_call(SLOT_INIT, INITCTL_KILL, w[0], w[1], &r) < 0) {
		outf(o, "kill: init is not reachable\n");
		return 1;
	}
	if ((int64_t)r.w[0] < 0) {
		outf(o, "kill: %s: %s\n", name,
		    (int64_t)r.w[0] == E_INVAL ? "no such service" : err_name((int64_t)r.w[0]));
		return 1;
	}
	return 0;
}

static int
cmd_mem(int argc, char **argv, struct sink *o, const struct source *in)
{
	uint64_t m[2];

	if (memory_info(SLOT_MEMORY, m) == E_OK)
		outf(o, "shell quota: %llu KiB used of %llu KiB\n",
		    (unsigned long long)m[1] / 1024, (unsigned long long)m[0] / 1024);
	/* The file service's size: its share of memory in init's manifest. */
	if (rfs_usage(&fs, m) >= 0)
		outf(o, "files: %llu KiB used of %llu KiB (%llu KiB free)\n",
		    (unsigned long long)m[0] / 1024, (unsigned long long)m[1] / 1024,
		    (unsigned long long)(m[1] > m[0] ? m[1] - m[0] : 0) / 1024);
	return 0;
}

static void
out_ip(struct sink *o, const char *before, uint64_t a)
{
	outf(o, "%s%llu.%llu.%llu.%llu", before, (unsigned long long)(a >> 24) & 255,
	    (unsigned long long)(a >> 16) & 255, (unsigned long long)(a >> 8) & 255,
	    (unsigned long long)a & 255);
}

/* netd's status: our capability may ask, never connect. */
static int
cmd_net(int argc, char **argv, struct sink *o, const struct source *in)
{
	uint64_t w[NET_ST_ITEMS][3];
	int64_t err;

	for (uint64_t i = 0; i < NET_ST_ITEMS; i++) {
		if ((err = netd_status(SLOT_NETD, i, w[i])) < 0) {
			outf(o, "net: netd: %s\n", netd_strerror(err));
			return 1;
		}
	}
	if (!(w[NET_ST_LINK][0] & NET_F_DRIVER))
		outf(o, "link:    no NIC driver\n");
	else
		outf(o, "link:    %s, MTU %llu\n", w[NET_ST_LINK][0] & NET_F_LINK ? "up" : "down",
		    (unsigned long long)w[NET_ST_LINK][2]);
	outf(o, "MAC:     ");
	for (int i = 0; i < 6; i++)
		outf(o, "%02llx%s", (unsigned long long)(w[NET_ST_LINK][1] >> (8 * i)) & 255,
		    i < 5 ? ":" : " (random, this boot)\n");
	if (w[NET_ST_ADDR][0] == 0) {
		outf(o, "address: none (DHCP state %llu)\n", (unsigned long long)w[NET_ST_LEASE][0]);
	} else {
		out_ip(o, "address: ", w[NET_ST_ADDR][0]);
		out_ip(o, " mask ", w[NET_ST_ADDR][1]);
		out_ip(o, " gateway ", w[NET_ST_ADDR][2]);
		outf(o, "\n");
	}
	if (w[NET_ST_LINK][0] & NET_F_BOUND)
		outf(o, "lease:   %llu s, %llu s used\n", (unsigned long long)w[NET_ST_LEASE][1],
		    (unsigned long long)w[NET_ST_LEASE][2]);
	outf(o, "rx:      %llu frames, %llu bytes, %llu dropped\n",
	    (unsigned long long)w[NET_ST_RX][0], (unsigned long long)w[NET_ST_RX][1],
	    (unsigned long long)w[NET_ST_RX][2]);
	outf(o, "tx:      %llu frames, %llu bytes, %llu dropped\n",
	    (unsigned long long)w[NET_ST_TX][0], (unsigned long long)w[NET_ST_TX][1],
	    (unsigned long long)w[NET_ST_TX][2]);
	outf(o, "tcp:     %llu open, %llu opened, %llu accepted; %llu refused, %llu timed out, "
	    "%llu reset\n", (unsigned long long)w[NET_ST_TCP][0],
	    (unsigned long long)w[NET_ST_TCP][1], (unsigned long long)w[NET_ST_TCP][2],
	    (unsigned long long)w[NET_ST_ERR][0], (unsigned long long)w[NET_ST_ERR][1],
	    (unsigned long long)w[NET_ST_ERR][2]);
	outf(o, "driver:  %llu malformed ring entries, %llu dropped, %llu errors\n",
	    (unsigned long long)w[NET_ST_DRIVER][0], (unsigned long long)w[NET_ST_DRIVER][1],
	    (unsigned long long)w[NET_ST_DRIVER][2]);
	outf(o, "door:    %llu relay ORPorts allowed; %llu connections refused, %llu opened\n",
	    (unsigned long long)w[NET_ST_DOOR][0], (unsigned long long)w[NET_ST_DOOR][1],
	    (unsigned long long)w[NET_ST_DOOR][2]);
	return 0;
}

static int
cmd_caps(int argc, char **argv, struct sink *o, const struct source *in)
{
	static const char *const types[] = {
		"null", "cnode", "vspace", "frame", "thread", "endpoint", "notification",
		"irq", "ioport", "memory", "console", "spawn", "machine", "pci",
	};
	struct cap_info ci;

	outf(o, "%-5s %-13s %-6s %s\n", "SLOT", "TYPE", "RIGHTS", "BADGE");
	for (uint64_t s = 1; s < CNODE_SLOTS; s++) {
		if (cap_info(s, &ci) != E_OK)
			continue;
		outf(o, "%-5llu %-13s %c%c%c%c%c  %llu\n", (unsigned long long)s,
		    ci.type < CAP_TYPE_COUNT ? types[ci.type] : "?",
		    ci.rights & RIGHT_READ ? 'r' : '-', ci.rights & RIGHT_WRITE ? 'w' : '-',
		    ci.rights & RIGHT_EXEC ? 'x' : '-', ci.rights & RIGHT_GRANT ? 'g' : '-',
		    ci.rights & RIGHT_CONTROL ? 'c' : '-', (unsigned long long)ci.badge);
	}
	return 0;
}

static int
cmd_uptime(int argc, char **argv, struct sink *o, const struct source *in)
{
	uint64_t t = ticks();

	outf(o, "up %llu.%02llu s\n", (unsigned long long)t / 100, (unsigned long long)t % 100);
	return 0;
}

/* The newest bytes of the kernel log (all it keeps, or the last N). */
static int
cmd_dmesg(int argc, char **argv, struct sink *o, const struct source *in)
{
	static char buf[PIPE_MAX];
	uint64_t want = sizeof(buf);
	int64_t n;

	if (argc > 2 || (argc == 2 && (parse_count(argv[1], &want) != 0 || want == 0)))
		return usage(o, "dmesg", "[bytes]");
	if (want > sizeof(buf))
		want = sizeof(buf);
	if ((n = console_log(SLOT_CONSOLE, buf, want)) < 0) {
		outf(o, "dmesg: the kernel log is not readable: %s\n", err_name(n));
		return 1;
	}
	sink_write(o, buf, (size_t)n);
	return 0;
}

/* Scrolls the framebuffer console back (N > 0) or forward (N < 0). */
static int
cmd_scroll(int argc, char **argv, struct sink *o, const struct source *in)
{
	const char *s = argc == 2 ? argv[1] : "";
	uint64_t n;
	int64_t err, back = 1;

	if (*s == '-') {
		back = -1;
		s++;
	}
	if (argc != 2 || parse_count(s, &n) != 0 || n > 1000)
		return usage(o, "scroll", "lines   (-1000..1000; negative: forward)");
	if ((err = console_scroll(SLOT_CONSOLE, back * (int64_t)n)) < 0) {
		outf(o, "scroll: %s\n", err_name(err));
		return 1;
	}
	return 0;
}

static int
cmd_clear(int argc, char **argv, struct sink *o, const struct source *in)
{
	sink_write(o, "", 0);
	if (o->term)
		term_puts("\x1b[H\x1b[2J");
	return 0;
}

/* Replaces our directory capability by one for a subtree: irreversible. */
static int
cmd_restrict(int argc, char **argv, struct sink *o, const struct source *in)
{
	int64_t err;

	if (argc != 2)
		return usage(o, "restrict", "directory");
	cap_delete(SLOT_NEWFS);
	if ((err = rfs_grant(&fs, argv[1], SLOT_NEWFS)) < 0)
		return fail(o, "restrict", argv[1], err);
	cap_delete(SLOT_FS);
	cap_move(SLOT_NEWFS, SLOT_FS);
	unmap(SLOT_FSBUF, FSBUF_VA);
	cap_delete(SLOT_FSBUF);
	if ((err = rfs_attach(&fs, SLOT_FS, SLOT_FSBUF, FSBUF_VA)) < 0)
		return fail(o, "restrict", argv[1], err);
	outf(o, "restricted to %s: nothing outside it is reachable any more\n", argv[1]);
	return 0;
}

static int
machine(struct sink *o, uint64_t op, const char *what)
{
	struct msg r;

	outf(o, "%s...\n", what);
	ipc_call(SLOT_INIT, op, 0, 0, &r);
	outf(o, "%s: refused (%s)\n", what, err_name((int64_t)r.w[0]));
	return 1;
}

static int
cmd_shutdown(int argc, char **argv, struct sink *o, const struct source *in)
{
	return machine(o, INITCTL_POWEROFF, "shutdown");
}

static int
cmd_reboot(int argc, char **argv, struct sink *o, const struct source *in)
{
	return machine(o, INITCTL_REBOOT, "reboot");
}

const struct cmd commands[] = {
	{ "help", cmd_help, "list the commands" },
	{ "ls", cmd_ls, "list a directory: ls [dir]" },
	{ "cat", cmd_cat, "print files, or the input: cat [file...]" },
	{ "echo", cmd_echo, "print the words: echo words..." },
	{ "write", cmd_write, "write words (or the input) to a file: write file [words...]" },
	{ "mkdir", cmd_mkdir, "make directories: mkdir dir..." },
	{ "rm", cmd_rm, "remove files or empty directories: rm path..." },
	{ "mv", cmd_mv, "rename or move: mv from to" },
	{ "cp", cmd_cp, "copy a file: cp from to" },
	{ "wc", cmd_wc, "count lines, words and bytes of the input" },
	{ "grep", cmd_grep, "print input lines containing a text: grep text" },
	{ "ps", cmd_ps, "list the services init runs" },
	{ "kill", cmd_kill, "stop a service (init restarts it): kill [-f] service" },
	{ "mem", cmd_mem, "memory quota and file system usage" },
	{ "net", cmd_net, "the network: link, MAC, address, DHCP lease, counters" },
	{ "fetch", cmd_fetch, "HTTP GET through Tor into a file: fetch [-t TAG] URL [file]" },
	{ "resolve", cmd_resolve, "resolve a name at a Tor exit: resolve NAME" },
	{ "tor", cmd_tor, "Tor: bootstrap, guard, circuits, streams, bytes" },
	{ "wallet", cmd_wallet, "the ledger wallet, through Tor: wallet help" },
	{ "caps", cmd_caps, "list this shell's capabilities" },
	{ "uptime", cmd_uptime, "time since boot" },
	{ "dmesg", cmd_dmesg, "the kernel log, or its last bytes: dmesg [bytes]" },
	{ "scroll", cmd_scroll, "scroll the screen back N lines (forward if negative): scroll N" },
	{ "clear", cmd_clear, "clear the screen" },
	{ "restrict", cmd_restrict, "give up every directory but one: restrict dir" },
	{ "persist", cmd_persist, "save the files (or a directory) to the disk, encrypted: "
	    "persist [-r recipient.pub]... [-n] [-s signing.key] [dir]" },
	{ "restore", cmd_restore, "restore the newest saved vault (into a directory): "
	    "restore [-i recipient.key] [dir]" },
	{ "shutdown", cmd_shutdown, "wipe memory and power off" },
	{ "reboot", cmd_reboot, "wipe memory and restart" },
};

const size_t ncommands = sizeof(commands) / sizeof(commands[0]);

const struct cmd *
find_command(const char *name)
{
	for (size_t i = 0; i < ncommands; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* Edit distance between a and b (both at most 31 bytes). */
static size_t
distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t row[32];

	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[nb];
}

const char *
suggest(const char *name)
{
	size_t n = strnlen(name, 32), best = 3;
	const char *found = NULL;

	if (n >= 32)
		return NULL;
	for (size_t i = 0; i < ncommands; i++) {
		size_t d = distance(name, n, commands[i].name, strlen(commands[i].name));

		if (d < best) {
			best = d;
			found = commands[i].name;
		}
	}
	return found;
}

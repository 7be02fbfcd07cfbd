/*
 * The shell's shared declarations: the terminal (a client of consoled),
 * output sinks for pipes and redirection, and the built-in command table.
 */
#ifndef USER_SHELL_SHELL_H
#define USER_SHELL_SHELL_H

#include "user/lib/nonos.h"
#include "user/lib/con.h"
#include "user/lib/rfs.h"

#define SLOT_FS		16	/* directory capability (ramfs) */
#define SLOT_INIT	17	/* init's control endpoint */
#define SLOT_CON	18	/* consoled, badged */
#define SLOT_CON_GIVE	19	/* our notification on its way to consoled */
#define SLOT_NOTIFY	20
#define SLOT_FSBUF	21	/* the frame shared with ramfs */
#define SLOT_NEWFS	22	/* a narrower directory capability on its way in */
#define SLOT_NETD	23	/* netd, status only (init: status:netd) */
#define SLOT_ONIOND	28	/* oniond (init: client:oniond): streams through Tor */
#define SLOT_ONIOND_BUF	29	/* the frame shared with oniond */
#define SLOT_ONIOND_NOTE 30	/* our notification for oniond */
#define SLOT_TOR_GIVE	34	/* tor/'s capability on its way to oniond */
#define TOR_DIR		"tor"	/* oniond's guard file lives here (docs/onion.md, "Guards") */
#define ONIOND_BUF_VA	0x0000180000000000ULL
#define FSBUF_VA	0x0000100000000000ULL
#define PIPE_MAX	65536	/* bytes one command may pass to the next */

/* Where a command's output goes: the terminal or a bounded buffer. */
struct sink {
	int term;
	char *buf;
	size_t len, cap;
	int full;		/* output was lost: the buffer was full */
};

/* A command's input: the previous command's output or a '<' file. */
struct source {
	const char *data;	/* NULL: none */
	size_t len;
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct sink *out, const struct source *in);
	const char *help;
};

extern struct rfs fs;
extern const struct cmd commands[];
extern const size_t ncommands;

void term_init(void);
int term_getc(void);
void term_write(const char *s, size_t n);
void term_puts(const char *s);

/* Writes to a sink; on the terminal, control characters other than \n, \t become '?'. */
void sink_write(struct sink *o, const char *s, size_t n);
/* Sets the terminal's colours (SGR parameters, "0" resets); other sinks get only text. */
void sink_colour(struct sink *o, const char *sgr);
void outf(struct sink *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* persist.c: the vault commands, and the offer to restore at the start. */
int cmd_persist(int argc, char **argv, struct sink *out, const struct source *in);
int cmd_restore(int argc, char **argv, struct sink *out, const struct source *in);
void persist_offer(void);
/* net_cmds.c: through Tor (oniond). */
int cmd_fetch(int argc, char **argv, struct sink *out, const struct source *in);
int cmd_resolve(int argc, char **argv, struct sink *out, const struct source *in);
int cmd_tor(int argc, char **argv, struct sink *out, const struct source *in);
/*
 * Hands oniond tor/ (made if missing), where it keeps its guard: at the
 * start of a session once the offer to restore is answered, after a
 * restore into the root, and on attaching to a restarted oniond.
 */
void	tor_state_give(struct sink *o);
/* wallet_cmd.c: the NØN wallet (a service of its own). */
int cmd_wallet(int argc, char **argv, struct sink *out, const struct source *in);

/* The command named name, or NULL. */
const struct cmd *find_command(const char *name);
/* The closest command name to name (edit distance at most 2), or NULL. */
const char *suggest(const char *name);

#endif

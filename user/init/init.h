/*
 * init's declarations: the service table filled from the manifest, and
 * the manifest parser.
 */
#ifndef USER_INIT_INIT_H
#define USER_INIT_INIT_H

#include "user/lib/nonos.h"

#define MAX_SERVICES	16	/* slot ranges of 20 per service (main.c), exit bits below the timer's 31 */
#define MAX_GRANTS	8
#define NAME_LEN	16

enum grant_kind {
	G_CONSOLE = 1,	/* the kernel console: write, and read (the log) if arg */
	G_SERVE,	/* receive side of a service's endpoint (arg: service) */
	G_FS,		/* a directory capability for the root of a file service (arg: service) */
	G_CONTROL,	/* init's control endpoint */
	G_IOPORT,	/* ports [arg, arg + arg2) */
	G_IRQ,		/* IRQ line arg */
	G_CLIENT,	/* a service's endpoint badged with the holder's index + 1 (arg: service) */
	G_STATUS,	/* the same with INITCTL_BADGE_STATUS set: status questions only */
	G_PCI,		/* the first free PCI function: vendor arg, device arg2 & 0xffff or arg2 >> 16 */
	G_COUNTER,	/* the vault rollback counter: read and advance */
	G_DOOR,		/* a client's capability with INITCTL_BADGE_DOOR set: netd's way out */
	G_OWNER,	/* a client's capability with INITCTL_BADGE_OWNER set: whose state the service keeps */
};

struct grant_spec {
	unsigned slot;		/* the child's slot */
	int kind;
	uint64_t arg, arg2;
};

struct service {
	char name[NAME_LEN + 1];
	uint64_t kib;		/* memory quota; with share, set at each start */
	unsigned share;		/* percent of the memory free at start; 0: kib is fixed */
	unsigned max_restarts;
	struct grant_spec grants[MAX_GRANTS];
	int ngrants;
	/* State. */
	int state;		/* enum initctl_state */
	int64_t pid;
	unsigned restarts;
	uint64_t due;		/* tick of the next start while waiting */
	int killed;		/* the last end was asked for */
};

extern const char manifest[];
/* The manifest of tests (init's argument 1): manifest's lines and test programs. */
extern const char manifest_test[];
/* The network benchmark's manifest (init's argument 2). */
extern const char manifest_bench[];
/* The onion test's manifest (init's argument 3). */
extern const char manifest_onion[];
/* The console test's manifest (init's argument 4): and conprobe. */
extern const char manifest_console[];

/*
 * Parses manifest text into svc (at most MAX_SERVICES); the count, or -1
 * with a message naming the line.
 */
int manifest_parse(const char *text, struct service *svc);

#endif

/*
 * Progress on long work, on stderr and only when stderr is a terminal:
 * "label: 42% (10.5 of 25.0 MiB)", redrawn at most ten times a second.
 */
#ifndef TOOLS_COMMON_PROGRESS_H
#define TOOLS_COMMON_PROGRESS_H

#include <signal.h>
#include <stdint.h>

#include "lib/vault/vault.h"

struct progress {
	const char *label;
	int tty;
	int shown;
	uint64_t last_ms;
};

/* Sets up p and a vault_progress that reports to it. */
void progress_init(struct progress *p, struct vault_progress *vp,
    const char *label);
/* Reports done of total (total 0: unknown). */
void progress_show(struct progress *p, uint64_t done, uint64_t total);
/*
 * Set by SIGINT, SIGTERM and SIGHUP once catch_interrupts() ran: long
 * loops check it and fail, so that their normal clean-up (removing
 * temporary files and directories) runs.
 */
extern volatile sig_atomic_t interrupted;
void catch_interrupts(void);

/* A one-line note on stderr, only when it is a terminal. */
void progress_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Ends the line, if one was drawn. */
void progress_done(struct progress *p);

#endif

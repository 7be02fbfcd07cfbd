/* Progress lines on a terminal's stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/common/progress.h"

volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

void
catch_interrupts(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
vault_cb(void *ctx, uint64_t done, uint64_t total)
{
	progress_show(ctx, done, total);
}

void
progress_init(struct progress *p, struct vault_progress *vp, const char *label)
{
	p->label = label;
	p->tty = isatty(STDERR_FILENO);
	p->shown = 0;
	p->last_ms = 0;
	if (vp != NULL) {
		vp->fn = vault_cb;
		vp->ctx = p;
	}
}

void
progress_show(struct progress *p, uint64_t done, uint64_t total)
{
	uint64_t t;

	if (!p->tty)
		return;
	t = now_ms();
	if (p->shown && t - p->last_ms < 100 && done != total)
		return;
	p->last_ms = t;
	p->shown = 1;
	if (total > 0)
		fprintf(stderr, "\r%s: %3d%% (%.1f of %.1f MiB)", p->label,
		    (int)(done * 100 / total), done / 1048576.0,
		    total / 1048576.0);
	else
		fprintf(stderr, "\r%s: %.1f MiB", p->label, done / 1048576.0);
	fflush(stderr);
}

void
progress_done(struct progress *p)
{
	if (p->shown)
		fputc('\n', stderr);
	p->shown = 0;
}

void
progress_note(const char *fmt, ...)
{
	va_list ap;

	if (!isatty(STDERR_FILENO))
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Directory bootstrap for nonos-onion: reads the DirAuthority lines and
 * sets up lib/onion's directory client (dirclient.h), which fetches the
 * key certificates, the consensus and the microdescriptors over
 * BEGIN_DIR streams on one-hop circuits to ORPorts (never a DirPort)
 * and refreshes them while the proxy runs. This file owns the memory
 * it needs and reports what it does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/common/fileio.h"
#include "tools/nonos-onion/onion-tool.h"

#define DOC_MAX		(32u << 20)

/* All of path into a malloc'd *text; 0, or -1 after a message. */
static int
read_doc(const char *path, char **text, size_t *len)
{
	uint8_t *buf;

	if (read_small_file(path, DOC_MAX, &buf, len) != 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	*text = (char *)buf;
	return 0;
}

int
load_authorities(struct dirstate *d, const char *path)
{
	size_t len;
	char *text;
	int r;

	if (read_doc(path, &text, &len) != 0)
		return -1;
	r = onion_authorities_parse(text, len, d->auth, ONION_MAX_AUTHORITIES,
	    &d->nauth);
	free(text);
	if (r != ONION_OK) {
		warnx_("%s: bad DirAuthority lines (%s)", path, onion_strerror(r));
		return -1;
	}
	return 0;
}

int
dir_setup(struct dirstate *d, struct onion_client *cl,
    const char *consensus_file, int64_t max_age)
{
	if (d->t0 == NULL) {
		d->t0 = calloc(MAX_RELAYS, sizeof *d->t0);
		d->t1 = calloc(MAX_RELAYS, sizeof *d->t1);
		d->buf = malloc(DOC_MAX);
		if (d->t0 == NULL || d->t1 == NULL || d->buf == NULL) {
			warnx_("out of memory for the directory");
			return -1;
		}
	}
	onion_dir_init(&d->dc, cl, d->auth, d->nauth, d->t0, d->t1, MAX_RELAYS,
	    d->buf, DOC_MAX, max_age);
	if (consensus_file != NULL) {
		if (read_doc(consensus_file, &d->cons_text, &d->cons_len) != 0)
			return -1;
		onion_dir_preset_consensus(&d->dc, d->cons_text, d->cons_len);
	}
	return 0;
}

/* What a finished bootstrap or refresh did, or why bootstrap failed. */
void
dir_report(struct dirstate *d, int r)
{
	const struct onion_consensus *c;
	size_t i, md = 0;
	char why[320];

	if (r < 0) {
		/* The consensus refused is the one being fetched. */
		c = &d->dc.cons[1];
		if (r == ONION_EEXPIRED && onion_clock_check(c, time(NULL),
		    d->dc.max_age, why, sizeof why) != 0)
			warnx_("directory refused: %s", why);
		else
			warnx_("directory from %s refused: %s", d->dc.source,
			    onion_strerror(r));
		return;
	}
	c = onion_dir_consensus(&d->dc);
	for (i = 0; i < c->nrelays; i++)
		md += c->relays[i].have_md;
	warnx_("consensus verified over BEGIN_DIR from %s: %zu relays, "
	    "%zu authority certificates, microdescriptors for %zu; "
	    "refresh in %lld s", d->dc.source, c->nrelays, d->dc.ncerts, md,
	    (long long)(d->dc.refresh_at - time(NULL)));
}

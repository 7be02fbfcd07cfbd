/*
 * oniond's directory: the authorities built into the image (make
 * AUTHORITIES=FILE) and lib/onion's directory client (dirclient.h),
 * which fetches their key certificates, the microdescriptor consensus
 * and the microdescriptors over BEGIN_DIR streams on one-hop circuits
 * to ORPorts, through the same netd door as every other link (never a
 * DirPort, never plain HTTP), verifies them, and refreshes them while
 * oniond runs. Each consensus it switches to is told to netd as the
 * only ORPorts oniond may reach.
 *
 * wall_clock() is the one place oniond learns the time.
 */
#include "lib/onion/dirclient.h"
#include "user/lib/netd.h"
#include "user/oniond/oniond.h"

#define DOC_MAX		(4u << 20)	/* the public microdesc consensus is ~3 MiB */
#define MAX_AGE		(24 * 3600)	/* lateness accepted, as tor's */

struct dirstate dir;

/*
 * UTC from the kernel (SYS_CLOCK: UEFI time or the CMOS clock). On a
 * machine without a clock: the image's build time (make's ONIOND_TIME,
 * a floor) plus the time since boot, or 0 when the build gave none, and
 * then no certificate or consensus can be checked, which oniond says.
 */
int64_t
wall_clock(void)
{
	struct clock_info ci;

	if (clock_get(&ci) == E_OK && ci.flags != 0 && ci.seconds > 0)
		return ci.seconds;
	if (oniond_build_time == 0)
		return 0;
	return oniond_build_time + (int64_t)(ticks() / 100);
}

int
dir_load_authorities(void)
{
	int r;

	r = onion_authorities_parse(oniond_authorities,
	    strlen(oniond_authorities), dir.auth, ONION_MAX_AUTHORITIES,
	    &dir.nauth);
	if (r != ONION_OK || dir.nauth == 0) {
		printf("oniond: no authorities built into this image (%s); "
		    "build it with make AUTHORITIES=FILE\n",
		    r != ONION_OK ? onion_strerror(r) : "none");
		return -1;
	}
	return 0;
}

int
dir_setup(void)
{
	struct onion_relay *t0, *t1;
	char *buf;

	t0 = calloc(MAX_RELAYS, sizeof(*t0));
	t1 = calloc(MAX_RELAYS, sizeof(*t1));
	buf = malloc(DOC_MAX);
	if (t0 == NULL || t1 == NULL || buf == NULL) {
		printf("oniond: no memory for the directory\n");
		return -1;
	}
	if (wall_clock() == 0)
		printf("oniond: no wall clock (no SYS_CLOCK, no build time): "
		    "certificates and the consensus cannot be checked\n");
	onion_dir_init(&dir.dc, &client, dir.auth, dir.nauth, t0, t1,
	    MAX_RELAYS, buf, DOC_MAX, MAX_AGE);
	/* A consensus built into the image (tests: a tampered one) is
	   verified like a fetched one, and a refusal is final. */
	if (oniond_consensus_len > 0)
		onion_dir_preset_consensus(&dir.dc, oniond_consensus,
		    oniond_consensus_len);
	return 0;
}

/* Relays of c with a microdescriptor. */
static size_t
with_md(const struct onion_consensus *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nrelays; i++)
		n += c->relays[i].have_md;
	return n;
}

/* What the bootstrap has done, for `tor`. */
static void
progress(void)
{
	switch (dir.dc.phase) {
	case DIR_KEYS:
		dir.percent = 10;
		break;
	case DIR_CONSENSUS:
		dir.percent = 25;
		break;
	case DIR_MICRODESCS:
		dir.percent = 50;
		break;
	default:
		break;
	}
}

/* Why bootstrap failed, with the clock's part when the time was wrong. */
static void
failed(int r)
{
	const struct onion_consensus *c = &dir.dc.cons[0];
	char why[320];

	if (r == ONION_EEXPIRED && c->valid_after != 0 &&
	    onion_clock_check(c, wall_clock(), MAX_AGE, why, sizeof(why)) != 0)
		printf("oniond: consensus refused: %s\n", why);
	else if (r == ONION_EEXPIRED && c->valid_after == 0) {
		onion_clock_certs(wall_clock(), why, sizeof(why));
		printf("oniond: consensus refused: %s\n", why);
	} else
		printf("oniond: consensus refused: %s (the directory could not be "
		    "fetched or verified)\n", onion_strerror(r));
}

int
dir_pump(uint64_t now_ms)
{
	const struct onion_consensus *c;
	int64_t err;
	int r;

	if (dir.failed)
		return -1;
	r = onion_dir_pump(&dir.dc, now_ms, wall_clock());
	if (dir.percent < 100)
		progress();
	if (r < 0) {
		failed(r);
		dir.failed = 1;
		return -1;
	}
	if (r == 0)
		return 0;
	c = onion_dir_consensus(&dir.dc);
	dir.with_md = with_md(c);
	if ((err = links_allow(c)) < 0) {
		printf("oniond: netd refused the relays' addresses: %s\n",
		    netd_strerror(err));
		return -1;
	}
	printf("oniond: consensus verified over BEGIN_DIR from %s: %zu relays, "
	    "%zu with microdescriptors\n", dir.dc.source, c->nrelays, dir.with_md);
	if (dir.percent < 100)
		printf("oniond: bootstrapped 100%%: ready for streams\n");
	dir.percent = 100;
	return 1;
}

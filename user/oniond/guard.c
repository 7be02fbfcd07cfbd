/*
 * The guard kept across sessions (docs/onion.md, "Guards"). The owner of
 * our endpoint (init's owner:oniond, the user's shell) hands us a
 * directory capability for tor/ in the RAM file system once the session's
 * files are settled (after the offer to restore a vault). We read the
 * guard saved in tor/state there, make it our guard again while it is
 * listed and young enough, and write the file whenever the guard changes,
 * so a saved vault carries it to the next session and nothing outlives
 * the session unless the user saves one.
 *
 * The serving thread only parks the capability (guard_dir_offered), and
 * holds programs' new streams back while it is read and its guard taken
 * (guard_settling), so no circuit is built through a stand-in. The pump
 * thread does the rest: guard_adopt under onion_lock (no I/O, so
 * it runs before any circuit can be built on a new consensus), and
 * guard_files outside it (the file system calls).
 */
#include "lib/crypto/crypto.h"
#include "lib/onion/guardfile.h"
#include "lib/ramfs/ramfs.h"
#include "user/lib/net.h"
#include "user/lib/rfs.h"
#include "user/oniond/oniond.h"

#define STATE		"state"
#define STATE_NEW	"state.new"

static struct rfs fs;
static int have_dir;
/* Offers made (serving thread) and taken (pump thread): a capability
   waits in SLOT_STATE_NEW while they differ. */
static volatile unsigned dir_offers, dir_taken;
static struct onion_guard_rec saved;	/* what tor/state says (have_saved) */
static int have_saved;
static volatile int adopt_pending;
static uint8_t written[ONION_ID_LEN];	/* the guard tor/state names now */
static int have_written;

int64_t
guard_dir_offered(const struct msg *m)
{
	if (!cap_offered(m, SLOT_RECV, CAP_ENDPOINT, RIGHT_WRITE, 0))
		return NET_EBADOP;
	onion_take();
	if (cap_replace(SLOT_RECV, SLOT_STATE_NEW) != 0) {
		onion_give();
		return NET_ENOMEM;
	}
	dir_offers++;
	onion_give();
	return 0;
}

int
guard_settling(void)
{
	return dir_offers != dir_taken || adopt_pending;
}

/* Reads tor/state into saved; the file missing is no fault. */
static void
read_state(void)
{
	static char text[GUARDFILE_MAX + 1];
	char why[96];
	int64_t h, n;

	have_saved = 0;
	have_written = 0;
	if ((h = rfs_open(&fs, STATE, RAMFS_O_READ)) < 0) {
		if (h != RAMFS_ENOENT)
			printf("oniond: tor/%s: %s\n", STATE, rfs_strerror(h));
		return;
	}
	n = rfs_read(&fs, h, text, sizeof text);
	rfs_close(&fs, h);
	if (n < 0) {
		printf("oniond: tor/%s: %s\n", STATE, rfs_strerror(n));
		return;
	}
	if (onion_guardfile_parse(text, (size_t)n, &saved, why, sizeof why) !=
	    ONION_OK) {
		printf("oniond: tor/%s refused: %s; it will name a new guard\n",
		    STATE, why);
		return;
	}
	have_saved = 1;
	adopt_pending = 1;
	memcpy(written, saved.rsa_id, ONION_ID_LEN);
	have_written = 1;
}

/* Moves a newly offered directory into place and reads its state. */
static void
take_dir(void)
{
	unsigned offer;
	int64_t err;

	onion_take();
	if (have_dir) {
		unmap(SLOT_STATE_BUF, STATE_BUF_VA);
		cap_delete(SLOT_STATE_BUF);
	}
	offer = dir_offers;
	err = cap_replace(SLOT_STATE_NEW, SLOT_STATE_DIR);
	onion_give();
	have_dir = 0;
	if (err != 0) {
		printf("oniond: cannot keep tor/'s capability; the guard is not kept\n");
	} else if ((err = rfs_attach(&fs, SLOT_STATE_DIR, SLOT_STATE_BUF,
	    STATE_BUF_VA)) < 0) {
		printf("oniond: tor/ is not reachable: %s\n", rfs_strerror(err));
		unmap(SLOT_STATE_BUF, STATE_BUF_VA);
		cap_delete(SLOT_STATE_BUF);
	} else {
		have_dir = 1;
		read_state();
	}
	/* Only now may streams build circuits again (guard_settling). */
	dir_taken = offer;
}

void
guard_adopt(int64_t now)
{
	const struct onion_relay *r;
	int64_t days;
	int i;

	if (!adopt_pending || dir.percent < 100)
		return;
	adopt_pending = 0;
	days = (now - saved.chosen) / 86400;
	if (onion_guard_expired(&saved, now)) {
		printf("oniond: guard %s in tor/%s was chosen %lld days ago, past "
		    "its %lld; choosing another\n", saved.nick, STATE,
		    (long long)days, GUARD_LIFETIME / 86400);
		have_saved = 0;
		return;
	}
	if ((i = onion_client_set_guard(&client, saved.rsa_id)) < 0) {
		printf("oniond: guard %s in tor/%s is not a usable guard in this "
		    "consensus; choosing another\n", saved.nick, STATE);
		have_saved = 0;
		return;
	}
	r = &client.cons->relays[i];
	printf("oniond: guard %s kept from tor/%s (chosen %lld days ago)\n",
	    r->nick, STATE, (long long)days);
}

/* Writes the guard's record as tor/state, through a rename so a reader
   never sees half a file. */
static void
write_state(const struct onion_guard_rec *g)
{
	char text[256];
	size_t len = onion_guardfile_format(text, sizeof text, g);
	int64_t h, n = RAMFS_EINVAL;

	if (len == 0)
		return;
	h = rfs_open(&fs, STATE_NEW, RAMFS_O_WRITE | RAMFS_O_CREATE |
	    RAMFS_O_TRUNC);
	if (h >= 0) {
		n = rfs_write(&fs, h, text, len);
		rfs_close(&fs, h);
	} else {
		n = h;
	}
	if (n == (int64_t)len)
		n = rfs_rename(&fs, STATE_NEW, STATE);
	/* Marked written either way: a full file system is said once, and
	   the next change of guard tries again. */
	memcpy(written, g->rsa_id, ONION_ID_LEN);
	have_written = 1;
	if (n < 0) {
		printf("oniond: tor/%s: %s; the guard is not saved\n", STATE,
		    rfs_strerror(n));
		(void)rfs_unlink(&fs, STATE_NEW, 0);
	}
}

void
guard_files(int64_t now)
{
	struct onion_guard_rec g;
	uint64_t rnd = 0;
	int changed = 0;

	if (dir_offers != dir_taken)
		take_dir();
	if (!have_dir || adopt_pending)
		return;
	onion_take();
	if (dir.percent == 100 && client.guard >= 0 &&
	    (size_t)client.guard < client.cons->nrelays) {
		const struct onion_relay *r = &client.cons->relays[client.guard];

		changed = !have_written ||
		    memcmp(written, r->rsa_id, ONION_ID_LEN) != 0;
		memcpy(g.rsa_id, r->rsa_id, ONION_ID_LEN);
		memcpy(g.nick, r->nick, sizeof g.nick);
	}
	onion_give();
	if (!changed)
		return;
	if (have_saved && memcmp(saved.rsa_id, g.rsa_id, ONION_ID_LEN) == 0) {
		g.chosen = saved.chosen;
	} else {
		if (nc_random_bytes(&rnd, sizeof rnd) != NC_OK)
			rnd = 0;
		g.chosen = onion_guard_chosen(now, rnd);
		saved = g;
		have_saved = 1;
	}
	write_state(&g);
}

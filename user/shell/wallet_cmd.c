/*
 * wallet ...: the shell forwards the words to the wallet service
 * (user/wallet, user/lib/wallet.h) and prints what it answers. The keys
 * and the network stay with the wallet; the shell holds only a client
 * capability to it (init: client:wallet), and gives it a capability for
 * its directory wallet/ (rfs_grant), where the key is kept.
 */
#include "lib/ramfs/ramfs.h"
#include "user/lib/wallet.h"
#include "user/shell/shell.h"

#define SLOT_WALLET	31	/* the wallet (init: client:wallet) */
#define SLOT_WALLET_BUF	32	/* the frame shared with it */
#define SLOT_WALLET_GIVE 33	/* a capability on its way to it */
#define WALLET_BUF_VA	0x0000100000400000ULL

static int shared;	/* the wallet has our frame */

/* Hands the wallet the capability in SLOT_WALLET_GIVE with op; 0 or error. */
static int64_t
give(uint64_t op)
{
	struct msg r;
	int64_t err;

	err = ipc_call(SLOT_WALLET, op | TAG_CAP |
	    ((uint64_t)SLOT_WALLET_GIVE << 40), 0, 0, &r);
	cap_delete(SLOT_WALLET_GIVE);
	if (err < 0)
		return err;
	return (int64_t)r.w[0] < 0 ? E_INVAL : 0;
}

/*
 * Makes the frame once and hands it to the wallet, with a capability
 * for our directory wallet/ (made if missing): the only files it sees.
 * 0 or an error, after a message.
 */
static int64_t
share(struct sink *o)
{
	struct cap_info ci;
	int64_t err;

	if (cap_info(SLOT_WALLET_BUF, &ci) != E_OK) {
		if ((err = frame_create(SLOT_MEMORY, SLOT_WALLET_BUF,
		    WALLET_BUF / USER_PAGE)) < 0)
			return err;
		if ((err = map(SLOT_WALLET_BUF, WALLET_BUF_VA,
		    RIGHT_READ | RIGHT_WRITE)) < 0) {
			cap_delete(SLOT_WALLET_BUF);
			return err;
		}
	}
	/* Our frame capability stays ours: the wallet gets a copy (to be
	   passed on, a capability needs the grant right). */
	cap_delete(SLOT_WALLET_GIVE);
	if ((err = cap_derive(SLOT_WALLET_BUF, SLOT_WALLET_GIVE,
	    RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0)) < 0 ||
	    (err = give(WALLET_SETBUF)) < 0) {
		outf(o, "wallet: the wallet is not reachable (%s)\n",
		    err_name(err));
		return err;
	}
	if ((err = rfs_mkdir(&fs, WALLET_DIR)) < 0 && err != RAMFS_EEXIST) {
		outf(o, "wallet: %s: %s\n", WALLET_DIR, rfs_strerror(err));
		return err;
	}
	if ((err = rfs_grant(&fs, WALLET_DIR, SLOT_WALLET_GIVE)) < 0) {
		outf(o, "wallet: %s: %s\n", WALLET_DIR, rfs_strerror(err));
		return err;
	}
	if ((err = give(WALLET_SETFS)) < 0) {
		outf(o, "wallet: the wallet is not reachable (%s)\n",
		    err_name(err));
		return err;
	}
	shared = 1;
	return 0;
}

/* Puts the words into the frame: their length, or -1 if they do not fit. */
static int64_t
put_words(int argc, char **argv)
{
	char *buf = (char *)(uintptr_t)WALLET_BUF_VA;
	size_t n = 0;

	if (argc > WALLET_ARGS)
		return -1;
	for (int i = 0; i < argc; i++) {
		size_t k = strlen(argv[i]) + 1;

		if (k > WALLET_BUF - n)
			return -1;
		memcpy(buf + n, argv[i], k);
		n += k;
	}
	return (int64_t)n;
}

int
cmd_wallet(int argc, char **argv, struct sink *o, const struct source *in)
{
	struct cap_info ci;
	struct msg r;
	int64_t err = 0, n;

	(void)in;
	if (cap_info(SLOT_WALLET, &ci) != E_OK || ci.type != CAP_ENDPOINT) {
		outf(o, "wallet: this shell has no capability to the wallet\n");
		return 1;
	}
	for (int tries = 0; tries < 2; tries++) {
		if (!shared && share(o) < 0)
			return 1;
		if ((n = put_words(argc, argv)) < 0) {
			outf(o, "wallet: at most %d words of %u bytes in all\n",
			    WALLET_ARGS, WALLET_BUF);
			return 1;
		}
		err = ipc_call4(SLOT_WALLET, WALLET_RUN, (uint64_t)n, 0, 0, 0,
		    &r);
		if (err < 0) {
			outf(o, "wallet: the wallet is not reachable (%s)\n",
			    err_name(err));
			shared = 0;
			return 1;
		}
		if ((int64_t)r.w[0] != WALLET_ENOBUF)
			break;
		shared = 0;	/* a restarted wallet: share again */
	}
	if ((int64_t)r.w[0] < 0 || r.w[1] > WALLET_BUF) {
		outf(o, "wallet: the wallet refused the request (%lld)\n",
		    (long long)r.w[0]);
		return 1;
	}
	sink_write(o, (const char *)(uintptr_t)WALLET_BUF_VA, (size_t)r.w[1]);
	return (int)r.w[0] != 0;
}

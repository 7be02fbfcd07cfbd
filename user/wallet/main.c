/*
 * wallet: the NØN ledger's wallet inside NØNOS (docs/ledger.md, "The
 * wallet"). A service holding its endpoint, the RAM file system (where
 * its key lives, and so goes into the vault when the user persists) and
 * a capability to oniond, its only way to the nodes. The shell forwards
 * `wallet ...` (user/lib/wallet.h); one command runs at a time, and its
 * output goes back in the frame the shell shares.
 */
#include <stdarg.h>
#include <stdlib.h>		/* lib/crypto/shim: abort */

#include "lib/crypto/crypto.h"
#include "lib/fmt/fmt.h"
#include "user/lib/wallet.h"
#include "user/wallet/wallet.h"

struct rfs fs;
static int have_fs;		/* fs is attached to our directory */
static char *outbuf;		/* the shell's frame (WALLET_SETBUF) */
static size_t outlen;
static int cut;			/* output was lost */

void
out(const char *fmt, ...)
{
	static const char note[] = "...(output cut)\n";
	va_list ap;
	size_t room, n;

	if (outbuf == NULL || cut)
		return;
	room = WALLET_BUF - sizeof(note) - outlen;
	va_start(ap, fmt);
	n = fmt_vsnprintf(outbuf + outlen, room, fmt, ap);
	va_end(ap);
	if (n >= room) {
		outlen += room - 1;
		memcpy(outbuf + outlen, note, sizeof(note) - 1);
		outlen += sizeof(note) - 1;
		cut = 1;
		return;
	}
	outlen += n;
}

void
sleep_ticks(uint64_t n)
{
	if (timer_notify(SLOT_SLEEP, n) == E_OK)
		notify_wait(SLOT_SLEEP);
}

/* libsodium calls abort on a broken invariant: end loudly; init restarts us. */
_Noreturn void
abort(void)
{
	printf("wallet: abort\n");
	thread_exit();
}

/* The shell's frame arrived in SLOT_RECV: keep it mapped. */
static int64_t
setbuf(const struct msg *m)
{
	struct cap_info ci;

	if (!(m->tag & TAG_CAP) || (m->tag & TAG_CAP_DROPPED) ||
	    cap_info(SLOT_RECV, &ci) != E_OK || ci.type != CAP_FRAME ||
	    ci.size != WALLET_BUF || (ci.rights & RIGHT_READ) == 0 ||
	    (ci.rights & RIGHT_WRITE) == 0)
		return WALLET_EBADOP;
	if (outbuf != NULL) {
		unmap(SLOT_SHELLBUF, SHELLBUF_VA);
		cap_delete(SLOT_SHELLBUF);
		outbuf = NULL;
	}
	if (cap_move(SLOT_RECV, SLOT_SHELLBUF) != E_OK ||
	    map(SLOT_SHELLBUF, SHELLBUF_VA, RIGHT_READ | RIGHT_WRITE) != E_OK) {
		cap_delete(SLOT_SHELLBUF);
		return WALLET_EBADOP;
	}
	outbuf = (char *)(uintptr_t)SHELLBUF_VA;
	return 0;
}

/* Our directory's capability arrived in SLOT_RECV: attach to it. */
static int64_t
setfs(const struct msg *m)
{
	struct cap_info ci;
	int64_t err;

	if (!(m->tag & TAG_CAP) || (m->tag & TAG_CAP_DROPPED) ||
	    cap_info(SLOT_RECV, &ci) != E_OK || ci.type != CAP_ENDPOINT)
		return WALLET_EBADOP;
	if (have_fs) {
		unmap(SLOT_FSBUF, FSBUF_VA);
		cap_delete(SLOT_FSBUF);
		cap_delete(SLOT_FS);
		have_fs = 0;
	}
	if (cap_move(SLOT_RECV, SLOT_FS) != E_OK)
		return WALLET_EBADOP;
	if ((err = rfs_attach(&fs, SLOT_FS, SLOT_FSBUF, FSBUF_VA)) < 0) {
		printf("wallet: the file system is not reachable: %s\n",
		    rfs_strerror(err));
		unmap(SLOT_FSBUF, FSBUF_VA);
		cap_delete(SLOT_FSBUF);
		cap_delete(SLOT_FS);
		return WALLET_EBADOP;
	}
	have_fs = 1;
	return 0;
}

/*
 * Runs the command whose n bytes of NUL-ended words are in the frame.
 * The words are copied out first: the shell may scribble on the frame,
 * and the output overwrites it.
 */
static int64_t
run(uint64_t n, uint64_t *len)
{
	static char words[WALLET_BUF];
	char *argv[WALLET_ARGS + 1];
	int argc = 0;
	int64_t status;

	*len = 0;
	if (outbuf == NULL || !have_fs)
		return WALLET_ENOBUF;
	if (n == 0 || n > WALLET_BUF)
		return WALLET_EINVAL;
	memcpy(words, outbuf, n);
	if (words[n - 1] != '\0')
		return WALLET_EINVAL;
	for (uint64_t i = 0; i < n; i += strlen(words + i) + 1) {
		if (argc == WALLET_ARGS)
			return WALLET_EINVAL;
		argv[argc++] = words + i;
	}
	argv[argc] = NULL;
	outlen = 0;
	cut = 0;
	status = wallet_run(argc, argv);
	*len = outlen;
	return status;
}

static void
serve(const struct msg *m, struct msg *r)
{
	uint64_t op = TAG_LABEL(m->tag);

	memset(r, 0, sizeof(*r));
	if (op == WALLET_SETBUF)
		r->w[0] = (uint64_t)setbuf(m);
	else if (op == WALLET_SETFS)
		r->w[0] = (uint64_t)setfs(m);
	else if (op == WALLET_RUN)
		r->w[0] = (uint64_t)run(m->w[0], &r->w[1]);
	else
		r->w[0] = (uint64_t)WALLET_EBADOP;
	cap_delete(SLOT_RECV);
}

int
main(uint64_t arg)
{
	struct msg m, r;
	int64_t err;

	(void)arg;
	if (nc_init() != NC_OK) {
		printf("wallet: no entropy from the kernel; stopped\n");
		return 1;
	}
	if ((err = notification_create(SLOT_MEMORY, SLOT_SLEEP)) < 0) {
		printf("wallet: cannot make a notification: %s\n",
		    err_name(err));
		return 1;
	}
	printf("wallet: serving\n");
	err = ipc_recv(SLOT_SERVE, SLOT_RECV, &m);
	for (;;) {
		if (err < 0) {
			printf("wallet: receive failed: %s\n", err_name(err));
			return 1;
		}
		serve(&m, &r);
		err = ipc_reply_recv4(SLOT_SERVE, (uint64_t)SLOT_RECV << 48,
		    r.w[0], r.w[1], 0, 0, &m);
	}
}

/*
 * persistd: saves and restores the RAM file system as a ZeroState vault
 * on the persistence partition (user/lib/pst.h; docs/storage.md).
 *
 * It holds the only client capability to the block driver and never sees
 * the file system: the shell walks its own directory capability and
 * sends the archive stream, which persistd seals with lib/vault (the
 * format and code of the host's nonos-vault) and writes with lib/store
 * (data, flush, head, flush, into the slot the newest vault is not in).
 * A restore opens the newest valid vault and hands the archive back
 * piece by piece; its last answer says that every chunk checked out, and
 * only then does the shell put the files in place.
 *
 * Argon2id's memory is sized once at start to what our quota has free
 * (init's manifest gives a share of the machine's memory), at most the
 * format's default of 256 MiB; a vault that needs more than that cannot
 * be opened here, and says so.
 */
#include <stdarg.h>

#include "lib/crypto/crypto.h"
#include "lib/fmt/fmt.h"
#include "lib/vault/vault.h"
#include "user/lib/pst.h"
#include "user/persistd/persistd.h"

#define KDF_PASSES	VAULT_KDF_T_DEFAULT
#define KDF_MIN_KIB	8192		/* below this a save is refused */
#define RESERVE_KIB	4096		/* vault and disk buffers, the heap's own */

enum { IDLE, SAVING, RESTORING };

static struct store_dev dev;
static int have_dev, have_buf, state = IDLE;
static uint8_t *clibuf = (uint8_t *)CLIBUF_VA;
static uint64_t kdf_kib, budget_kib;
static char pass[PST_PASS_MAX];
static size_t passlen;
static uint8_t data[PST_BUF];

/* A save in progress. */
static struct store_writer sw;
static struct vault_writer *writer;

/* A restore in progress: the request being served and what vault_read sends back. */
static struct store_scan scan;
static struct vault_reader *reader;
static struct msg cur;
static int held;		/* cur is a new request the restore loop received */
static uint64_t done_bytes;

/* Puts the message for the user in the client's buffer; returns err. */
static int64_t
fail(int64_t err, const char *fmt, ...)
{
	va_list ap;

	if (have_buf) {
		va_start(ap, fmt);
		fmt_vsnprintf((char *)clibuf, PST_MSG, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* A lib/vault error as a protocol error and a message (the shell names the command). */
static int64_t
vault_fail(int err)
{
	switch (err) {
	case VAULT_EPASS:
		return fail(PST_EPASS, "wrong passphrase");
	case VAULT_ENOPASS:
		return fail(PST_EPASS, "this vault has no passphrase: open it with its "
		    "recipient's secret key (restore -i)");
	case VAULT_ENOKEY:
		return fail(PST_EPASS, "this vault is not locked for that key");
	case VAULT_EIO:
		return fail(PST_EIO, "I/O error on the persistence partition");
	case VAULT_ENOMEM:
	case VAULT_ECRYPTO:
		return fail(PST_ENOMEM, "%s", vault_strerror(err));
	default:
		return fail(PST_EDAMAGED, "the saved vault is damaged: %s", vault_strerror(err));
	}
}

static int64_t
store_fail(int err)
{
	return fail(err == STORE_ESPACE ? PST_ESPACE : PST_EIO, "%s", store_strerror(err));
}

/* Copies the passphrase (0 bytes: none) out of the shared buffer, and wipes it there. */
static int
take_pass(uint64_t len)
{
	passlen = 0;
	if (len > PST_PASS_MAX)
		return -1;
	passlen = (size_t)len;
	memcpy(pass, clibuf + PST_MSG, passlen);
	nc_wipe(clibuf + PST_MSG, passlen);
	return 0;
}

static void
drop_pass(void)
{
	nc_wipe(pass, sizeof pass);
	passlen = 0;
}

/* The passphrase and the key files a request brought. */
static void
drop_secrets(void)
{
	drop_pass();
	keys_drop();
}

static int
to_store(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	return store_write(&sw, buf, len) == STORE_OK ? VAULT_OK : VAULT_EIO;
}

static void
end_save(void)
{
	vault_writer_free(writer);
	writer = NULL;
	keys_drop();		/* the signing key served until the end */
	state = IDLE;
}

/* A KEYS_E* error of a key file the client sent, for the user. */
static int64_t
keys_fail(int err)
{
	switch (err) {
	case KEYS_ERCPT:
		return fail(PST_EINVAL, "not a recipient's public key (nonos-vault keygen's .pub)");
	case KEYS_ESIGN:
		return fail(PST_EINVAL, "not a signing key (nonos-sign keygen's .key)");
	case KEYS_EID:
		return fail(PST_EINVAL, "not a recipient's secret key (nonos-vault keygen's .key)");
	default:
		return fail(PST_EINVAL, "at most %u recipients, and key files of at most %u bytes",
		    PST_RCPT_MAX, PST_KEYS_MAX);
	}
}

/*
 * Starts a save: m's words are the passphrase's length, the number of
 * recipients and the signing key's length (pst.h). The vault needs a
 * passphrase or a recipient.
 */
static int64_t
save(const struct msg *m, uint64_t w[3])
{
	struct store_scan s;
	struct vault_sink sink = { to_store, NULL };
	struct vault_lock lock;
	int err;

	if (take_pass(m->w[0]) != 0)
		return fail(PST_EINVAL, "a passphrase of at most %u bytes", PST_PASS_MAX);
	memset(&lock, 0, sizeof lock);
	if ((err = keys_take_save(clibuf, m->w[1], m->w[2], &lock)) != 0) {
		drop_pass();
		return keys_fail(err);
	}
	if (passlen == 0 && lock.nrcpt == 0) {
		keys_drop();
		return fail(PST_EINVAL, "a vault needs a passphrase or a recipient");
	}
	if (passlen > 0 && kdf_kib == 0) {
		drop_pass();
		keys_drop();
		return fail(PST_ENOMEM, "only %llu KiB of memory for Argon2id; "
		    "at least %u KiB are needed", (unsigned long long)budget_kib, KDF_MIN_KIB);
	}
	if ((err = store_scan(&dev, &s)) != STORE_OK) {
		drop_pass();
		keys_drop();
		return store_fail(err);
	}
	store_begin(&sw, &dev, &s, rollback_floor());
	lock.pass = passlen > 0 ? pass : NULL;
	lock.passlen = passlen;
	lock.kdf_t = KDF_PASSES;
	lock.kdf_m = (uint32_t)kdf_kib;
	lock.compress = VAULT_COMP_LZ4;
	/* Bound under the header MAC: a rewritten head cannot rename this save. */
	lock.generation = sw.head.generation;
	err = vault_create(&writer, &lock, &sink);
	w[1] = passlen > 0 ? kdf_kib : 0;
	drop_pass();
	if (err != VAULT_OK) {
		writer = NULL;
		keys_drop();
		return err == VAULT_EIO ? store_fail(sw.err) :
		    vault_fail(err);
	}
	state = SAVING;
	w[0] = sw.head.generation;
	w[2] = KDF_PASSES;
	return 0;
}

static int64_t
save_data(uint64_t len)
{
	int err;

	if (len == 0 || len > PST_BUF)
		return fail(PST_EINVAL, "1..%u bytes at a time", PST_BUF);
	memcpy(data, clibuf, (size_t)len);	/* the client may change its buffer */
	if ((err = vault_write(writer, data, (size_t)len)) != VAULT_OK) {
		end_save();
		return err == VAULT_EIO ? store_fail(sw.err) :
		    vault_fail(err);
	}
	return 0;
}

static int64_t
commit(uint64_t w[3])
{
	int err = vault_finish(writer);

	end_save();
	if (err != VAULT_OK)
		return err == VAULT_EIO ? store_fail(sw.err) :
		    vault_fail(err);
	if ((err = store_finish(&sw)) != STORE_OK)
		return store_fail(err);
	rollback_advance(sw.head.generation);
	w[0] = sw.head.generation;
	w[1] = sw.head.length;
	return 0;
}

static int
from_store(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx;
	return store_read_vault(&dev, &scan.best, off, buf, len) == STORE_OK ?
	    VAULT_OK : VAULT_EIO;
}

/* The Argon2id memory of the vault's passphrase stanza (0: none). */
static uint32_t
vault_kdf_kib(const struct vault_header *h)
{
	for (unsigned i = 0; i < h->nstanzas; i++) {
		if (h->stanza[i].type == VAULT_STANZA_PASS)
			return h->stanza[i].kdf_m;
	}
	return 0;
}

/*
 * The generation the opened vault was saved as, which its header MAC
 * covers, against the head's, which nothing keyed covers (the rollback
 * check before the open read the head's): a head rewritten to give an
 * old vault a newer number is caught here, and treated as the rollback
 * it is. A vault with no bound generation (saved before persistd bound
 * them) has only its head to go by. 0, or the failure (reader closed).
 */
static int64_t
bound_generation(uint64_t head, int confirmed)
{
	uint64_t gen = vault_generation(reader);

	if (gen == 0 || gen == head || confirmed)
		return 0;
	vault_close(reader);
	reader = NULL;
	return fail(PST_EROLLBACK, "the newest head says generation %llu, but "
	    "its vault was saved as generation %llu: the disk may have been put "
	    "back to an old copy with a rewritten head", (unsigned long long)head,
	    (unsigned long long)gen);
}

/*
 * Unlocks the newest vault: m's words are the passphrase's length and
 * the secret key file's (pst.h), one of them at least.
 */
static int64_t
open_vault(const struct msg *m, uint64_t w[3], int confirmed)
{
	static struct vault_header h;
	struct vault_src src = { from_store, NULL, 0 };
	struct vault_unlock u;
	int err;

	memset(&u, 0, sizeof u);
	if (take_pass(m->w[0]) != 0)
		return fail(PST_EINVAL, "a passphrase of at most %u bytes", PST_PASS_MAX);
	if ((err = keys_take_identity(clibuf, m->w[1], &u)) != 0) {
		drop_secrets();
		return keys_fail(err);
	}
	if (passlen == 0 && u.id == NULL)
		return fail(PST_EINVAL, "a passphrase or a secret key is needed");
	if ((err = store_scan(&dev, &scan)) != STORE_OK) {
		drop_secrets();
		return store_fail(err);
	}
	if (scan.best.generation == 0) {
		drop_secrets();
		return fail(PST_ENOVAULT, "no saved vault on this disk%s",
		    scan.damaged ? " (the saved copies are damaged)" : "");
	}
	if (rollback_accept(scan.best.generation, confirmed) != 0) {
		drop_secrets();
		return fail(PST_EROLLBACK, "generation %llu is older than "
		    "generation %llu, the newest this machine saved: the disk may "
		    "have been put back to an old copy",
		    (unsigned long long)scan.best.generation,
		    (unsigned long long)rollback_floor());
	}
	src.size = scan.best.length;
	if ((err = vault_inspect(&src, &h)) != VAULT_OK) {
		drop_secrets();
		return vault_fail(err);
	}
	if (passlen > 0 && vault_kdf_kib(&h) > budget_kib) {
		drop_secrets();
		return fail(PST_ENOMEM, "the vault's passphrase needs %u MiB of "
		    "memory (Argon2id); persistd has %llu MiB", vault_kdf_kib(&h) / 1024,
		    (unsigned long long)budget_kib / 1024);
	}
	u.pass = passlen > 0 ? pass : NULL;
	u.passlen = passlen;
	err = vault_open(&reader, &src, &u);
	drop_secrets();
	if (err != VAULT_OK)
		return vault_fail(err);
	if ((err = bound_generation(scan.best.generation, confirmed)) != 0)
		return err;
	state = RESTORING;
	done_bytes = 0;
	w[0] = scan.best.generation;
	w[1] = scan.best.length;
	w[2] = vault_kdf_kib(&h);
	return 0;
}

static void
progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	(void)total;
	done_bytes = done;
}

/*
 * vault_read's output: each piece goes back as the answer to the pending
 * PST_NEXT, and the next request is received here. Anything but another
 * PST_NEXT stops the restore (held: the main loop serves it).
 */
static int
to_client(void *ctx, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int64_t err;

	(void)ctx;
	while (len > 0) {
		size_t n = len < PST_BUF ? len : PST_BUF;

		memcpy(clibuf, p, n);
		cap_delete(SLOT_RECV);
		err = ipc_reply_recv4(SLOT_SERVE, (uint64_t)SLOT_RECV << 48, n, done_bytes,
		    scan.best.length, 0, &cur);
		if (err < 0) {
			printf("persistd: receive failed: %s\n", err_name(err));
			thread_exit();
		}
		if (TAG_LABEL(cur.tag) != PST_NEXT) {
			held = 1;
			return VAULT_EIO;
		}
		p += n;
		len -= n;
	}
	return VAULT_OK;
}

static int64_t
next(uint64_t w[3])
{
	struct vault_sink sink = { to_client, NULL };
	struct vault_progress prog = { progress, NULL };
	int err = vault_read(reader, &sink, NULL, &prog);

	vault_close(reader);
	reader = NULL;
	state = IDLE;
	if (held)
		return 0;
	w[0] = done_bytes;
	w[1] = scan.best.length;
	if (err != VAULT_OK)
		return vault_fail(err);
	return 0;
}

static int64_t
info(uint64_t w[3])
{
	struct store_scan s;
	int err;

	if ((err = store_scan(&dev, &s)) != STORE_OK)
		return store_fail(err);
	w[0] = s.best.generation;
	w[1] = s.best.length;
	w[2] = s.older.generation;
	return s.damaged;
}

/* A client's frame: read-write and PST_BUF bytes. */
static int64_t
take_buffer(const struct msg *m)
{
	if (!cap_offered(m, SLOT_RECV, CAP_FRAME, RIGHT_READ | RIGHT_WRITE, PST_BUF) ||
	    frame_take(SLOT_RECV, SLOT_CLIBUF, CLIBUF_VA, &have_buf) != 0)
		return PST_EINVAL;
	return 0;
}

/* One request; w the reply's words 1..3. */
static int64_t
serve(const struct msg *m, uint64_t w[3])
{
	uint64_t op = TAG_LABEL(m->tag);

	w[0] = w[1] = w[2] = 0;
	if (op == PST_BUFFER)
		return take_buffer(m);
	if (op == 0 || op >= PST_OPS)
		return fail(PST_EBADOP, "unknown operation");
	if (!have_buf)
		return PST_ESTATE;
	if (!have_dev)
		return fail(PST_ENODEV, "no persistence partition (no block driver "
		    "serves one)");
	switch (op) {
	case PST_ABORT:
		if (state == SAVING)
			end_save();
		if (state == RESTORING) {
			vault_close(reader);
			reader = NULL;
			state = IDLE;
		}
		return 0;
	case PST_INFO:
		return state == IDLE ? info(w) : fail(PST_ESTATE, "persistd is busy");
	case PST_SAVE:
		return state == IDLE ? save(m, w) : fail(PST_ESTATE, "persistd is busy");
	case PST_OPEN:
	case PST_OPEN_OLDER:
		return state == IDLE ? open_vault(m, w, op == PST_OPEN_OLDER) :
		    fail(PST_ESTATE, "persistd is busy");
	case PST_DATA:
		return state == SAVING ? save_data(m->w[0]) :
		    fail(PST_ESTATE, "no save in progress");
	case PST_COMMIT:
		return state == SAVING ? commit(w) :
		    fail(PST_ESTATE, "no save in progress");
	case PST_NEXT:
		return state == RESTORING ? next(w) :
		    fail(PST_ESTATE, "no restore in progress");
	}
	return PST_EBADOP;
}

/* Argon2id's memory: what our quota has free, less a reserve, in whole MiB. */
static void
size_kdf(void)
{
	uint64_t m[2], free_kib;

	if (memory_info(SLOT_MEMORY, m) != E_OK || m[0] <= m[1])
		return;
	free_kib = (m[0] - m[1]) / 1024;
	/* Each page also costs the kernel's records for it: keep 1/32 aside. */
	free_kib -= free_kib / 32;
	budget_kib = free_kib > RESERVE_KIB ? (free_kib - RESERVE_KIB) / 1024 * 1024 : 0;
	if (budget_kib > VAULT_KDF_M_MAX)
		budget_kib = VAULT_KDF_M_MAX;
	kdf_kib = budget_kib < VAULT_KDF_M_DEFAULT ? budget_kib : VAULT_KDF_M_DEFAULT;
	if (kdf_kib < KDF_MIN_KIB)
		kdf_kib = 0;
}

int
main(uint64_t arg)
{
	uint64_t w[3];
	int64_t err, v;

	(void)arg;
	if (notification_create(SLOT_MEMORY, SLOT_EVENTS) != E_OK ||
	    cap_derive(SLOT_EVENTS, SLOT_TIMER, RIGHT_WRITE, 1) != E_OK) {
		printf("persistd: cannot make its notification\n");
		return 1;
	}
	have_dev = disk_attach(&dev) == 0;
	size_kdf();
	if (have_dev)
		printf("persistd: ready; partition %llu MiB, Argon2id %llu MiB x %u passes\n",
		    (unsigned long long)dev.size >> 20, (unsigned long long)kdf_kib / 1024,
		    KDF_PASSES);
	if (have_dev)
		rollback_report();
	err = ipc_recv(SLOT_SERVE, SLOT_RECV, &cur);
	for (;;) {
		if (err < 0) {
			printf("persistd: receive failed: %s\n", err_name(err));
			return 1;
		}
		do {
			held = 0;
			v = serve(&cur, w);
		} while (held);
		cap_delete(SLOT_RECV);
		err = ipc_reply_recv4(SLOT_SERVE, (uint64_t)SLOT_RECV << 48, (uint64_t)v,
		    w[0], w[1], w[2], &cur);
	}
}

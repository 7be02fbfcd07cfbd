/*
 * The ledger application behind the consensus engine, shaped like
 * CometBFT's ABCI: app_check_tx (CheckTx), app_finalize (FinalizeBlock
 * and Commit: the next block from a replicated batch, its state hash
 * signed by this replica), app_snapshot and app_restore (state sync).
 * It also keeps what clients ask for: the blocks (DIR/chain, the layout
 * of `nonos-ledger init`, so `nonos-ledger replay -d DIR/chain` checks
 * a replica's chain), the state hash per height with the replicas'
 * signatures, and the committed transactions' heights.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/ledger/finalize.h"
#include "lib/ledger/replica.h"
#include "tools/common/cli.h"
#include "tools/common/fileio.h"
#include "tools/common/keyfile.h"
#include "tools/nonos-ledger/ledger_tool.h"
#include "tools/nonos-ledgerd/ledgerd.h"

#define SNAP_MAGIC	"NLSNAP01"
#define SNAP_HEAD	(8 + 8 + L_HASH)
#define NONCE_AHEAD	64		/* a transaction's nonce may run ahead */

/* The replica set: one key (64 hex digits or a .pub file) per line. */
static int
load_replicas(struct app *a, const char *path)
{
	char line[4200];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (a->nreplicas == MAX_REPLICAS) {
			warnx_("%s: more than %d replicas", path, MAX_REPLICAS);
			fclose(f);
			return -1;
		}
		if (parse_key(path, line, a->replicas[a->nreplicas]) < 0) {
			fclose(f);
			return -1;
		}
		a->nreplicas++;
	}
	fclose(f);
	if (a->nreplicas == 0) {
		warnx_("%s: no replica keys", path);
		return -1;
	}
	return 0;
}

#define SIG_RECORD	(L_KEY + 8 + L_HASH + L_SIG)

static int add_sig(struct app *a, const uint8_t key[L_KEY], uint64_t height,
    const uint8_t hash[L_HASH], const uint8_t sig[L_SIG], int keep);

/* Reads DIR/chain/sigs back (each is verified again), then appends to it. */
static int
open_sigs(struct app *a)
{
	uint8_t r[SIG_RECORD];
	char path[1100];
	uint64_t height;
	FILE *f;

	snprintf(path, sizeof path, "%s/sigs", a->dir);
	if ((f = fopen(path, "rb")) != NULL) {
		while (fread(r, 1, sizeof r, f) == sizeof r) {
			height = 0;
			for (int i = 0; i < 8; i++)
				height |= (uint64_t)r[L_KEY + i] << (8 * i);
			(void)add_sig(a, r, height, r + L_KEY + 8,
			    r + L_KEY + 8 + L_HASH, 0);
		}
		fclose(f);
	}
	if ((a->sigs = fopen(path, "ab")) == NULL) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
app_init(struct app *a, const char *dir, const char *genesis, const char *key,
    const char *replicas)
{
	char path[1100];
	struct ledger_params p;

	memset(a, 0, sizeof *a);
	a->l = malloc(sizeof *a->l);
	a->scratch = malloc(sizeof *a->scratch);
	a->block = malloc(LEDGER_BLOCK_MAX);
	if (a->l == NULL || a->scratch == NULL || a->block == NULL) {
		warnx_("out of memory");
		return -1;
	}
	if (snprintf(a->dir, sizeof a->dir, "%s/chain", dir) >= (int)sizeof a->dir) {
		warnx_("%s: path too long", dir);
		return -1;
	}
	if (load_genesis(genesis, &p, a->l) < 0 ||
	    read_small_file(genesis, GENESIS_MAX, &a->genesis,
	    &a->genesis_len) < 0 || signkey_load_secret(a->sk, key) < 0 ||
	    load_replicas(a, replicas) < 0)
		return -1;
	memcpy(a->pk, a->sk + 32, L_KEY);
	snprintf(path, sizeof path, "%s/blocks", a->dir);
	if ((mkdir(dir, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(a->dir, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(path, 0755) < 0 && errno != EEXIST)) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/genesis", a->dir);
	if (write_file_atomic(path, a->genesis, a->genesis_len, 0644, 0) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	return open_sigs(a);
}

uint64_t
app_tx_height(const struct app *a, const uint8_t hash[L_HASH])
{
	size_t i;

	if (a->cap_seen == 0)
		return 0;
	for (i = (size_t)hash[0] | (size_t)hash[1] << 8 | (size_t)hash[2] << 16;;
	    i++) {
		i &= a->cap_seen - 1;
		if (a->seen[i].height == 0)
			return 0;
		if (memcmp(a->seen[i].hash, hash, L_HASH) == 0)
			return a->seen[i].height;
	}
}

static void
seen_put(struct tx_seen *t, size_t cap, const uint8_t hash[L_HASH],
    uint64_t height)
{
	size_t i = (size_t)hash[0] | (size_t)hash[1] << 8 | (size_t)hash[2] << 16;

	for (;; i++) {
		i &= cap - 1;
		if (t[i].height == 0 || memcmp(t[i].hash, hash, L_HASH) == 0)
			break;
	}
	memcpy(t[i].hash, hash, L_HASH);
	t[i].height = height;
}

/* Records a committed transaction; the table stays at most half full. */
static int
seen_add(struct app *a, const uint8_t hash[L_HASH], uint64_t height)
{
	struct tx_seen *t;
	size_t cap;

	if (2 * (a->nseen + 1) > a->cap_seen) {
		cap = a->cap_seen ? 2 * a->cap_seen : 4096;
		if ((t = calloc(cap, sizeof *t)) == NULL)
			return -1;
		for (size_t i = 0; i < a->cap_seen; i++)
			if (a->seen[i].height != 0)
				seen_put(t, cap, a->seen[i].hash,
				    a->seen[i].height);
		free(a->seen);
		a->seen = t;
		a->cap_seen = cap;
	}
	seen_put(a->seen, a->cap_seen, hash, height);
	a->nseen++;
	return 0;
}

int
app_check_tx(struct app *a, const uint8_t *buf, size_t len,
    uint8_t hash[L_HASH], uint64_t *height)
{
	struct ledger_tx tx;
	uint32_t payer;
	size_t used;

	*height = 0;
	if (ledger_tx_decode(&tx, buf, len, &used) != L_OK || used != len)
		return L_EFORMAT;
	ledger_tx_hash(&tx, a->l->p.chain_id, hash);
	if ((*height = app_tx_height(a, hash)) != 0)
		return L_ENONCE;
	payer = ledger_find_account(a->l, tx.payer);
	if (payer == L_NONE || payer <= L_LOCKED)
		return L_ENOENT;
	if (tx.nonce < a->l->accounts[payer].nonce ||
	    tx.nonce - a->l->accounts[payer].nonce > NONCE_AHEAD)
		return L_ENONCE;
	if (tx.fee < a->l->base_fee)
		return L_EFEE;
	if (nc_verify_ed25519(tx.sig, hash, L_HASH, tx.payer) != NC_OK)
		return L_ESIG;
	return L_OK;
}

/* Whether this replica has applied the height (its state hash is set). */
static int
state_known(const struct height_info *h)
{
	static const uint8_t zero[L_HASH];

	return memcmp(h->state, zero, L_HASH) != 0;
}

/* The record for a height, made (with empty signature slots) if new. */
static struct height_info *
height_get(struct app *a, uint64_t height)
{
	struct height_info *h;
	uint64_t cap;

	if (height == 0 || height > UINT32_MAX)
		return NULL;
	if (height > a->cap_heights) {
		cap = a->cap_heights ? a->cap_heights : 1024;
		while (cap < height)
			cap *= 2;
		h = realloc(a->heights, cap * sizeof *h);
		if (h == NULL)
			return NULL;
		memset(h + a->cap_heights, 0,
		    (cap - a->cap_heights) * sizeof *h);
		a->heights = h;
		a->cap_heights = cap;
	}
	h = &a->heights[height - 1];
	if (h->sigs == NULL &&
	    (h->sigs = calloc(a->nreplicas, sizeof *h->sigs)) == NULL)
		return NULL;
	if (height > a->nheights)
		a->nheights = height;
	return h;
}

/* Writes DIR/blocks/NNNNNNNN (the log, not this file, is what is durable). */
static int
write_block(struct app *a, uint64_t height, const uint8_t *blk, size_t len)
{
	char path[1100], tmp[1110];
	FILE *f;

	snprintf(path, sizeof path, "%s/blocks/%08llu", a->dir,
	    (unsigned long long)height);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "wb")) == NULL)
		return -1;
	if (fwrite(blk, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

/* Records the transactions of the block just applied as committed. */
static void
record_txs(struct app *a, const uint8_t *blk, size_t len, uint64_t height)
{
	struct ledger_tx tx;
	uint8_t hash[L_HASH];
	size_t off = BLOCK_HEADER_LEN, used;

	while (off < len && ledger_tx_decode(&tx, blk + off, len - off,
	    &used) == L_OK) {
		ledger_tx_hash(&tx, a->l->p.chain_id, hash);
		if (seen_add(a, hash, height) < 0)
			warnx_("out of memory: a retried transaction may be "
			    "answered 'nonce used'");
		off += used;
	}
}

uint64_t
app_finalize(struct app *a, const uint8_t *batch, size_t len,
    int32_t *results, uint32_t *ntx, uint8_t sig[L_SIG])
{
	struct height_info *h;
	uint32_t n;
	size_t blen;

	*ntx = 0;
	if (len < BATCH_HEAD || batch_txlen(batch) > len - BATCH_HEAD ||
	    len - BATCH_HEAD - batch_txlen(batch) >= 8)
		return 0;
	n = (uint32_t)batch[32] | (uint32_t)batch[33] << 8 |
	    (uint32_t)batch[34] << 16 | (uint32_t)batch[35] << 24;
	if (n > L_MAX_BLOCK_TXS)
		return 0;
	*ntx = n;
	if (ledger_finalize(a->l, a->scratch, batch, batch + BATCH_HEAD,
	    batch_txlen(batch), n, results, a->block, LEDGER_BLOCK_MAX,
	    &blen) != L_OK)
		return 0;
	if (write_block(a, a->l->height, a->block, blen) < 0)
		warnx_("%s: block %llu not written: %s", a->dir,
		    (unsigned long long)a->l->height, strerror(errno));
	record_txs(a, a->block, blen, a->l->height);
	if ((h = height_get(a, a->l->height)) == NULL) {
		warnx_("out of memory");
		return a->l->height;
	}
	ledger_state_hash(a->l, h->state);
	if (replica_sign(a->l->p.chain_id, a->l->height, h->state, a->sk,
	    sig) != L_OK)
		return a->l->height;
	(void)app_add_sig(a, a->pk, a->l->height, h->state, sig);
	return a->l->height;
}

/* Writes DIR/evidence-HEIGHT-KEY: the arguments of `nonos-ledger tx ... evidence`. */
static void
write_evidence(struct app *a, const struct tx_body *b)
{
	char path[1200], hex[129];
	FILE *f;

	hex_encode(hex, b->key, 8);
	snprintf(path, sizeof path, "%s/../evidence-%llu-%s", a->dir,
	    (unsigned long long)b->height, hex);
	if ((f = fopen(path, "w")) == NULL) {
		warnx_("%s: %s", path, strerror(errno));
		return;
	}
	hex_encode(hex, b->key, 32);
	fprintf(f, "evidence --k %s --n %llu", hex, (unsigned long long)b->height);
	hex_encode(hex, b->hash, 32);
	fprintf(f, " --h %s", hex);
	hex_encode(hex, b->sig, 64);
	fprintf(f, " --s %s", hex);
	hex_encode(hex, b->hash2, 32);
	fprintf(f, " --H %s", hex);
	hex_encode(hex, b->sig2, 64);
	fprintf(f, " --S %s\n", hex);
	fclose(f);
	warnx_("replica %.16s... signed two state hashes for height %llu: "
	    "evidence in %s", hex, (unsigned long long)b->height, path);
}

int
app_add_sig(struct app *a, const uint8_t key[L_KEY], uint64_t height,
    const uint8_t hash[L_HASH], const uint8_t sig[L_SIG])
{
	return add_sig(a, key, height, hash, sig, 1);
}

/* Appends a signature record to DIR/chain/sigs. */
static void
keep_sig(struct app *a, const uint8_t key[L_KEY], uint64_t height,
    const uint8_t hash[L_HASH], const uint8_t sig[L_SIG])
{
	uint8_t r[SIG_RECORD];

	memcpy(r, key, L_KEY);
	for (int i = 0; i < 8; i++)
		r[L_KEY + i] = (uint8_t)(height >> (8 * i));
	memcpy(r + L_KEY + 8, hash, L_HASH);
	memcpy(r + L_KEY + 8 + L_HASH, sig, L_SIG);
	if (fwrite(r, 1, sizeof r, a->sigs) != sizeof r || fflush(a->sigs) != 0)
		warnx_("%s/sigs: %s", a->dir, strerror(errno));
}

static int
add_sig(struct app *a, const uint8_t key[L_KEY], uint64_t height,
    const uint8_t hash[L_HASH], const uint8_t sig[L_SIG], int keep)
{
	struct height_info *h;
	struct sig_slot *s;
	struct tx_body ev;
	uint32_t r;

	for (r = 0; r < a->nreplicas; r++)
		if (memcmp(a->replicas[r], key, L_KEY) == 0)
			break;
	if (r == a->nreplicas ||
	    replica_verify(a->l->p.chain_id, height, hash, key, sig) != L_OK ||
	    (h = height_get(a, height)) == NULL)
		return -1;
	s = &h->sigs[r];
	if (s->have && memcmp(s->hash, hash, L_HASH) != 0) {
		if (replica_evidence(a->l->p.chain_id, key, height, s->hash,
		    s->sig, hash, sig, &ev) == L_OK)
			write_evidence(a, &ev);
		return 1;
	}
	if (s->have)
		return 0;		/* already known */
	if (height <= a->nheights && height <= a->l->height &&
	    state_known(h) && memcmp(h->state, hash, L_HASH) != 0)
		warnx_("replica %u's state at height %llu differs from ours: "
		    "the replicas have diverged", r, (unsigned long long)height);
	s->have = 1;
	memcpy(s->hash, hash, L_HASH);
	memcpy(s->sig, sig, L_SIG);
	if (keep)
		keep_sig(a, key, height, hash, sig);
	return 0;
}

int
app_height(const struct app *a, uint64_t height, uint8_t state[L_HASH],
    struct proto_sig *sigs, uint32_t *nsig)
{
	const struct height_info *h;

	if (height == 0 || height > a->nheights || height > a->l->height)
		return -1;
	h = &a->heights[height - 1];
	if (!state_known(h))
		return -1;
	memcpy(state, h->state, L_HASH);
	*nsig = 0;
	for (uint32_t r = 0; r < a->nreplicas && h->sigs != NULL; r++) {
		if (!h->sigs[r].have ||
		    memcmp(h->sigs[r].hash, h->state, L_HASH) != 0)
			continue;
		memcpy(sigs[*nsig].key, a->replicas[r], L_KEY);
		memcpy(sigs[*nsig].sig, h->sigs[r].sig, L_SIG);
		(*nsig)++;
	}
	return 0;
}

size_t
app_read_block(struct app *a, uint64_t height)
{
	char path[1100];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/blocks/%08llu", a->dir,
	    (unsigned long long)height);
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(a->block, 1, LEDGER_BLOCK_MAX, f);
	fclose(f);
	return n >= BLOCK_HEADER_LEN ? n : 0;
}

/*
 * A snapshot is "NLSNAP01", the height, the state hash, then struct
 * ledger as it is in memory: every replica runs the same build, and
 * restore recomputes the hash and the invariants before trusting it.
 */
int
app_snapshot(struct app *a, uint8_t **buf, size_t *len)
{
	uint8_t *p = malloc(SNAP_HEAD + sizeof *a->l);
	uint64_t h = a->l->height;

	if (p == NULL)
		return -1;
	memcpy(p, SNAP_MAGIC, 8);
	for (int i = 0; i < 8; i++)
		p[8 + i] = (uint8_t)(h >> (8 * i));
	ledger_state_hash(a->l, p + 16);
	memcpy(p + SNAP_HEAD, a->l, sizeof *a->l);
	*buf = p;
	*len = SNAP_HEAD + sizeof *a->l;
	return 0;
}

int
app_restore(struct app *a, const uint8_t *buf, size_t len)
{
	struct height_info *h;
	uint8_t state[L_HASH];
	uint64_t height = 0;

	if (len != SNAP_HEAD + sizeof *a->l || memcmp(buf, SNAP_MAGIC, 8) != 0) {
		warnx_("snapshot: not a ledger snapshot of this build");
		return -1;
	}
	for (int i = 0; i < 8; i++)
		height |= (uint64_t)buf[8 + i] << (8 * i);
	memcpy(a->scratch, buf + SNAP_HEAD, sizeof *a->l);
	ledger_state_hash(a->scratch, state);
	if (a->scratch->height != height || memcmp(state, buf + 16, L_HASH) != 0 ||
	    memcmp(a->scratch->p.chain_id, a->l->p.chain_id, L_HASH) != 0 ||
	    ledger_check_invariants(a->scratch) != L_OK) {
		warnx_("snapshot: its state does not match its hash, chain or "
		    "invariants");
		return -1;
	}
	memcpy(a->l, a->scratch, sizeof *a->l);
	if (height > 0 && (h = height_get(a, height)) != NULL)
		memcpy(h->state, state, L_HASH);
	warnx_("restored a snapshot at height %llu", (unsigned long long)height);
	return 0;
}

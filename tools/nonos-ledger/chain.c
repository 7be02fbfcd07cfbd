/*
 * nonos-ledger's chain directory: init, building and applying blocks,
 * replay, verification and queries. A chain is DIR/genesis, the blocks
 * DIR/blocks/00000001... and DIR/hashes, one line per block:
 * "HEIGHT BLOCK-HASH STATE-HASH". The state is never stored: it is
 * always the replay of the blocks, so it cannot drift from them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fmt/hex.h"
#include "tools/common/cli.h"
#include "tools/common/fileio.h"
#include "tools/nonos-ledger/ledger_tool.h"

static int
path_in(char *out, size_t cap, const char *dir, const char *name,
    uint64_t height)
{
	int n = height ? snprintf(out, cap, "%s/blocks/%08llu", dir,
	    (unsigned long long)height) : snprintf(out, cap, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= cap) {
		warnx_("%s: path too long", dir);
		return -1;
	}
	return 0;
}

/* Reads the next line of DIR/hashes for a check. */
static int
expected_hash(FILE *f, uint64_t height, uint8_t state[32])
{
	char line[256], bh[65], sh[65];
	unsigned long long h;

	if (fgets(line, sizeof line, f) == NULL ||
	    sscanf(line, "%llu %64s %64s", &h, bh, sh) != 3 || h != height ||
	    hex_decode(state, 32, sh, strlen(sh)) != 0)
		return -1;
	return 0;
}

int
load_chain(const char *dir, struct ledger *l, struct ledger *scratch,
    int check, int print)
{
	struct ledger_params p;
	char path[4096];
	FILE *hashes = NULL;
	uint8_t *blk, state[32], want[32];
	size_t len;
	uint32_t bad;
	int err, ret = -1;

	if (path_in(path, sizeof path, dir, "genesis", 0) < 0 ||
	    load_genesis(path, &p, l) < 0)
		return -1;
	if (check) {
		if (path_in(path, sizeof path, dir, "hashes", 0) < 0)
			return -1;
		if ((hashes = fopen(path, "r")) == NULL && errno != ENOENT) {
			warnx_("%s: %s", path, strerror(errno));
			return -1;
		}
	}
	for (uint64_t h = 1;; h++) {
		if (path_in(path, sizeof path, dir, NULL, h) < 0)
			goto out;
		if (read_small_file(path, BLOCK_MAX, &blk, &len) < 0) {
			if (errno == ENOENT)
				break;
			warnx_("%s: %s", path, strerror(errno));
			goto out;
		}
		err = ledger_apply_block(l, scratch, blk, len, &bad);
		free(blk);
		if (err != L_OK) {
			warnx_("%s: block %llu refused (transaction %u): %s", path,
			    (unsigned long long)h, bad, ledger_strerror(err));
			goto out;
		}
		ledger_state_hash(l, state);
		if (check && ledger_check_invariants(l) != L_OK) {
			warnx_("block %llu: the supply invariant fails",
			    (unsigned long long)h);
			goto out;
		}
		if (check && (hashes == NULL ||
		    expected_hash(hashes, h, want) < 0 ||
		    memcmp(want, state, 32) != 0)) {
			warnx_("block %llu: state hash differs from the recorded one",
			    (unsigned long long)h);
			goto out;
		}
		if (print) {
			printf("%llu ", (unsigned long long)h);
			print_hex(state, 32);
			printf("\n");
		}
	}
	if (check && hashes != NULL && expected_hash(hashes, l->height + 1,
	    want) == 0) {
		warnx_("%s/hashes lists blocks that are missing", dir);
		goto out;
	}
	ret = 0;
out:
	if (hashes != NULL)
		fclose(hashes);
	return ret;
}

static struct ledger *
new_ledger(void)
{
	struct ledger *l = malloc(sizeof *l);

	if (l == NULL)
		warnx_("out of memory");
	return l;
}

int
cmd_init(int argc, char **argv)
{
	static const char text[] = "usage: nonos-ledger init -d DIR GENESIS\n"
	    "Makes the chain directory DIR from a genesis file.\n";
	struct ledger_params p;
	char path[4096];
	uint8_t *buf;
	size_t len;
	int c;
	const char *dir = NULL;

	if (cli_want_help(argc, argv, text))
		return 0;
	while ((c = getopt(argc, argv, "d:")) != -1) {
		if (c != 'd') {
			fputs(text, stderr);
			return EXIT_USAGE;
		}
		dir = optarg;
	}
	if (dir == NULL || optind + 1 != argc) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	if (load_genesis(argv[optind], &p, NULL) < 0)
		return 1;
	if (read_small_file(argv[optind], GENESIS_MAX, &buf, &len) < 0) {
		warnx_("%s: %s", argv[optind], strerror(errno));
		return 1;
	}
	if (mkdir(dir, 0755) < 0 || path_in(path, sizeof path, dir, "blocks", 0) < 0 ||
	    mkdir(path, 0755) < 0) {
		warnx_("%s: %s", dir, strerror(errno));
		free(buf);
		return 1;
	}
	if (path_in(path, sizeof path, dir, "genesis", 0) < 0 ||
	    write_file_atomic(path, buf, len, 0644, 1) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		free(buf);
		return 1;
	}
	free(buf);
	printf("chain %s initialised\n", dir);
	return 0;
}

int
cmd_block(int argc, char **argv)
{
	static const char text[] =
	    "usage: nonos-ledger block -d DIR -p PROPOSER -o OUT TX...\n"
	    "Builds the next block of the chain in DIR from transaction files,\n"
	    "checks that it applies, and writes it to OUT.\n";
	struct ledger *l = new_ledger(), *s = new_ledger();
	struct ledger_block_header hd;
	uint8_t *blk = malloc(BLOCK_MAX), *tx;
	const char *dir = NULL, *out = NULL, *prop = NULL;
	size_t off = BLOCK_HEADER_LEN, len;
	uint32_t bad;
	int c, err, ret = 1;

	if (cli_want_help(argc, argv, text) || l == NULL || s == NULL || blk == NULL)
		goto done0;
	while ((c = getopt(argc, argv, "d:p:o:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'p': prop = optarg; break;
		case 'o': out = optarg; break;
		default: goto usage;
		}
	}
	if (dir == NULL || out == NULL || prop == NULL ||
	    argc - optind > L_MAX_BLOCK_TXS)
		goto usage;
	if (parse_key("-p", prop, hd.proposer) < 0 ||
	    load_chain(dir, l, s, 0, 0) < 0)
		goto done;
	for (int i = optind; i < argc; i++) {
		struct ledger_tx t;
		size_t used;

		if (read_small_file(argv[i], TX_MAX_LEN, &tx, &len) < 0) {
			warnx_("%s: %s", argv[i], errno == EFBIG ?
			    "not a transaction" : strerror(errno));
			goto done;
		}
		if (ledger_tx_decode(&t, tx, len, &used) != L_OK || used != len) {
			warnx_("%s: not a transaction", argv[i]);
			free(tx);
			goto done;
		}
		memcpy(blk + off, tx, len);
		off += len;
		free(tx);
	}
	hd.height = l->height + 1;
	memcpy(hd.parent, l->last_block, 32);
	hd.ntx = (uint32_t)(argc - optind);
	ledger_block_header_encode(&hd, blk);
	if ((err = ledger_apply_block(l, s, blk, off, &bad)) != L_OK) {
		if (bad < hd.ntx)
			warnx_("%s: refused: %s", argv[optind + bad],
			    ledger_strerror(err));
		else
			warnx_("block refused: %s", ledger_strerror(err));
		goto done;
	}
	if (write_file_atomic(out, blk, off, 0644, 0) < 0) {
		warnx_("%s: %s", out, strerror(errno));
		goto done;
	}
	printf("block %llu: %u transactions\n", (unsigned long long)hd.height,
	    hd.ntx);
	ret = 0;
	goto done;
usage:
	fputs(text, stderr);
	ret = EXIT_USAGE;
	goto done;
done0:
	ret = l == NULL || s == NULL || blk == NULL;
done:
	free(l);
	free(s);
	free(blk);
	return ret;
}

/* Appends one block to the chain: the block file, then its hash line. */
static int
append(const char *dir, const struct ledger *l, const uint8_t *blk,
    size_t len)
{
	char path[4096], line[200], bh[65], sh[65];
	uint8_t state[32];
	FILE *f;

	ledger_state_hash(l, state);
	hex_encode(bh, l->last_block, 32);
	hex_encode(sh, state, 32);
	if (path_in(path, sizeof path, dir, NULL, l->height) < 0)
		return -1;
	if (write_file_atomic(path, blk, len, 0644, 1) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(line, sizeof line, "%llu %s %s\n",
	    (unsigned long long)l->height, bh, sh);
	if (path_in(path, sizeof path, dir, "hashes", 0) < 0 ||
	    (f = fopen(path, "a")) == NULL) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fputs(line, f) == EOF || fclose(f) != 0) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	printf("block %llu state %s\n", (unsigned long long)l->height, sh);
	return 0;
}

int
cmd_apply(int argc, char **argv)
{
	static const char text[] = "usage: nonos-ledger apply -d DIR BLOCK...\n"
	    "Applies blocks, in order, to the chain in DIR. A refused block is\n"
	    "not added, nor any after it.\n";
	struct ledger *l = new_ledger(), *s = new_ledger();
	const char *dir = NULL;
	uint8_t *blk;
	size_t len;
	uint32_t bad;
	int c, err, ret = 1;

	if (l == NULL || s == NULL)
		goto done;
	if (cli_want_help(argc, argv, text)) {
		ret = 0;
		goto done;
	}
	while ((c = getopt(argc, argv, "d:")) != -1) {
		if (c != 'd') {
			fputs(text, stderr);
			ret = EXIT_USAGE;
			goto done;
		}
		dir = optarg;
	}
	if (dir == NULL || optind == argc) {
		fputs(text, stderr);
		ret = EXIT_USAGE;
		goto done;
	}
	if (load_chain(dir, l, s, 1, 0) < 0)
		goto done;
	for (int i = optind; i < argc; i++) {
		if (read_small_file(argv[i], BLOCK_MAX, &blk, &len) < 0) {
			warnx_("%s: %s", argv[i], errno == EFBIG ?
			    "not a block" : strerror(errno));
			goto done;
		}
		err = ledger_apply_block(l, s, blk, len, &bad);
		if (err != L_OK) {
			warnx_("%s: refused at transaction %u: %s", argv[i], bad,
			    ledger_strerror(err));
			free(blk);
			goto done;
		}
		err = append(dir, l, blk, len);
		free(blk);
		if (err < 0)
			goto done;
	}
	ret = 0;
done:
	free(l);
	free(s);
	return ret;
}

static int
replay_or_verify(int argc, char **argv, int check)
{
	static const char rtext[] = "usage: nonos-ledger replay -d DIR\n"
	    "Replays the chain from genesis, printing each height's state hash.\n";
	static const char vtext[] = "usage: nonos-ledger verify -d DIR\n"
	    "Replays the chain from genesis, checking every block, the recorded\n"
	    "state hashes and the supply invariants.\n";
	const char *text = check ? vtext : rtext;
	struct ledger *l = new_ledger(), *s = new_ledger();
	uint8_t state[32];
	int ret = 1;

	if (l == NULL || s == NULL)
		goto done;
	if (cli_want_help(argc, argv, text)) {
		ret = 0;
		goto done;
	}
	if (argc != 3 || strcmp(argv[1], "-d") != 0) {
		fputs(text, stderr);
		ret = EXIT_USAGE;
		goto done;
	}
	if (load_chain(argv[2], l, s, check, !check) < 0)
		goto done;
	if (check) {
		ledger_state_hash(l, state);
		printf("verified %llu blocks; state ", (unsigned long long)l->height);
		print_hex(state, 32);
		printf("\n");
	}
	ret = 0;
done:
	free(l);
	free(s);
	return ret;
}

int
cmd_replay(int argc, char **argv)
{
	return replay_or_verify(argc, argv, 0);
}

int
cmd_verify(int argc, char **argv)
{
	return replay_or_verify(argc, argv, 1);
}

static void
print_amount(const char *label, u128 v)
{
	char t[41];

	u128_text(v, t);
	printf("%s %s\n", label, t);
}

static int
query_account(const struct ledger *l, const char *arg)
{
	uint8_t key[32];
	uint32_t a;
	char t[41];

	if (parse_key("account", arg, key) < 0)
		return 1;
	if ((a = ledger_find_account(l, key)) == L_NONE) {
		warnx_("no such account");
		return 1;
	}
	printf("account ");
	print_hex(key, 32);
	printf("\nnonce %llu\n", (unsigned long long)l->accounts[a].nonce);
	for (uint32_t i = 0; i < l->nbalances; i++)
		if (l->balances[i].account == a) {
			u128_text(l->balances[i].amount, t);
			printf("balance %u %s\n", l->balances[i].asset, t);
		}
	print_amount("reputation",
	    ledger_reputation(l, a, l->height / l->p.epoch_blocks));
	return 0;
}

static int
query_state(const struct ledger *l)
{
	uint8_t state[32];

	ledger_state_hash(l, state);
	printf("height %llu\nstate ", (unsigned long long)l->height);
	print_hex(state, 32);
	printf("\nlast-block ");
	print_hex(l->last_block, 32);
	printf("\n");
	print_amount("supply", l->assets[L_NATIVE].supply);
	print_amount("burned", l->burned);
	print_amount("emitted", l->emitted);
	print_amount("base-fee", l->base_fee);
	print_amount("treasury", ledger_balance(l, L_TREASURY, L_NATIVE));
	print_amount("reward-pool", ledger_balance(l, L_REWARDS, L_NATIVE));
	printf("accounts %u assets %u pools %u validators %u proposals %u\n",
	    l->naccounts, l->nassets, l->npools, l->nvalidators, l->nproposals);
	return 0;
}

static int
query_pool(const struct ledger *l, const char *arg)
{
	uint32_t i;
	char a[41], b[41];

	if (parse_u32("pool", arg, &i) < 0)
		return 1;
	if (i >= l->npools) {
		warnx_("no such pool");
		return 1;
	}
	u128_text(l->pools[i].ra, a);
	u128_text(l->pools[i].rb, b);
	printf("pool %u assets %u %u lp %u reserves %s %s\n", i, l->pools[i].a,
	    l->pools[i].b, l->pools[i].lp, a, b);
	return 0;
}

static int
query_proposal(const struct ledger *l, const char *arg)
{
	static const char *const states[] = { "open", "passed", "rejected",
	    "failed" };
	uint32_t i;
	char y[41], n[41];

	if (parse_u32("proposal", arg, &i) < 0)
		return 1;
	if (i >= l->nproposals) {
		warnx_("no such proposal");
		return 1;
	}
	u128_text(l->proposals[i].yes, y);
	u128_text(l->proposals[i].no, n);
	printf("proposal %u kind %u %s yes %s no %s end %llu\n", i,
	    l->proposals[i].kind, states[l->proposals[i].state & 3], y, n,
	    (unsigned long long)l->proposals[i].end);
	return 0;
}

int
cmd_query(int argc, char **argv)
{
	static const char text[] =
	    "usage: nonos-ledger query -d DIR state\n"
	    "       nonos-ledger query -d DIR account KEY\n"
	    "       nonos-ledger query -d DIR pool N\n"
	    "       nonos-ledger query -d DIR proposal N\n"
	    "Prints part of the chain's current state (KEY: 64 hex digits or a\n"
	    "public key file).\n";
	struct ledger *l = new_ledger(), *s = new_ledger();
	int ret = 1;

	if (l == NULL || s == NULL)
		goto done;
	if (cli_want_help(argc, argv, text)) {
		ret = 0;
		goto done;
	}
	if (argc < 4 || strcmp(argv[1], "-d") != 0) {
		fputs(text, stderr);
		ret = EXIT_USAGE;
		goto done;
	}
	if (load_chain(argv[2], l, s, 0, 0) < 0)
		goto done;
	if (strcmp(argv[3], "state") == 0 && argc == 4)
		ret = query_state(l);
	else if (strcmp(argv[3], "account") == 0 && argc == 5)
		ret = query_account(l, argv[4]);
	else if (strcmp(argv[3], "pool") == 0 && argc == 5)
		ret = query_pool(l, argv[4]);
	else if (strcmp(argv[3], "proposal") == 0 && argc == 5)
		ret = query_proposal(l, argv[4]);
	else {
		fputs(text, stderr);
		ret = EXIT_USAGE;
	}
done:
	free(l);
	free(s);
	return ret;
}

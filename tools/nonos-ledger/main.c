/*
 * nonos-ledger: the NØN ledger's host tool (docs/ledger.md). Keys,
 * genesis files, signed transactions of every type, channel vouchers and
 * validator votes, blocks applied to a chain directory, replay,
 * verification, queries, and differentially private usage counts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/dp/dp.h"
#include "lib/ledger/ledger.h"
#include "tools/common/cli.h"
#include "tools/common/fileio.h"
#include "tools/common/keyfile.h"
#include "tools/nonos-ledger/ledger_tool.h"
#include "tools/nonos-ledger/node.h"

static const char usage[] =
    "usage: nonos-ledger COMMAND [OPTIONS] ...\n"
    "\n"
    "  keygen    -o NAME              make NAME.pub and NAME.key (0600)\n"
    "  genesis   -o OUT --chain NAME [--alloc KEY=AMOUNT]... [--set P=V]...\n"
    "                                 write a genesis file\n"
    "  tx        -g GENESIS -K KEY -o OUT [--nonce N] [--fee F] TYPE FIELDS\n"
    "                                 build and sign a transaction\n"
    "  voucher   -g GENESIS -K KEY --channel N --amount A\n"
    "                                 sign a payment-channel voucher\n"
    "  vote      -g GENESIS -K KEY --height N --hash HEX\n"
    "                                 sign a validator vote (state hash)\n"
    "  hashlock  PREIMAGE-HEX         SHA-256 of an HTLC preimage\n"
    "  init      -d DIR GENESIS       make a chain directory\n"
    "  block     -d DIR -p PROPOSER -o OUT TX...\n"
    "                                 build the next block\n"
    "  apply     -d DIR BLOCK...      apply blocks to the chain\n"
    "  replay    -d DIR               replay, printing each state hash\n"
    "  verify    -d DIR               replay and check every recorded hash\n"
    "  query     -d DIR WHAT [ARG]    print state, an account, a pool...\n"
    "  counts    -a ACCOUNTANT [--cap MICRO] [--eps MICRO] COUNT...\n"
    "                                 release usage counts with DP noise\n"
    "  loadkeys  --seed S -n N        the payer keys of `--node ... load`\n"
    "\n"
    "  --node HOST:PORT COMMAND ...   talk to nonos-ledgerd: status, submit,\n"
    "                                 account, block, member, load\n"
    "\n"
    "`nonos-ledger COMMAND --help` shows a command's usage.\n";

static int
cmd_keygen(int argc, char **argv)
{
	static const char text[] = "usage: nonos-ledger keygen -o NAME\n"
	    "Makes an Ed25519 key pair NAME.pub and NAME.key (mode 0600), in\n"
	    "nonos-sign's format; never overwrites. Prints the public key.\n";

	return signkey_keygen_command(argc, argv, text);
}

/* The numeric parameters --set may change, with where they live. */
static int
set_param(struct ledger_params *p, const char *arg)
{
	static const char *const names[] = { "supply-cap", "emission",
	    "halving", "validator-bps", "burn-bps", "max-txs",
	    "base-fee-min", "amm-fee-bps", "min-liquidity", "min-self-bond",
	    "unbonding", "slash-bps", "jail", "review-quorum", "rep-divisor",
	    "epoch", "half-life", "credits-base", "credits-cap", "kappa-num",
	    "kappa-den", "voting-period", "quorum", "qf-period" };
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : 0;
	u128 v;
	int which = -1;

	for (size_t i = 0; eq && i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == n && memcmp(names[i], arg, n) == 0)
			which = (int)i;
	if (which < 0) {
		warnx_("--set: unknown parameter in '%s'", arg);
		return -1;
	}
	if (parse_u128("--set", eq + 1, &v) < 0)
		return -1;
	if (v > UINT64_MAX && which != 0 && which != 1 && which != 6 &&
	    which != 8 && which != 9 && which != 14 && which != 17 &&
	    which != 18 && which != 19 && which != 20 && which != 22) {
		warnx_("--set: %s is too large", arg);
		return -1;
	}
	switch (which) {
	case 0: p->supply_cap = v; break;
	case 1: p->emission_per_block = v; break;
	case 2: p->halving_interval = (uint64_t)v; break;
	case 3: p->emission_validator_bps = (uint16_t)v; break;
	case 4: p->burn_bps = (uint16_t)v; break;
	case 5: p->max_block_txs = (uint32_t)v; break;
	case 6: p->base_fee_min = v; break;
	case 7: p->amm_fee_bps = (uint16_t)v; break;
	case 8: p->amm_min_liquidity = v; break;
	case 9: p->min_self_bond = v; break;
	case 10: p->unbonding_period = (uint64_t)v; break;
	case 11: p->slash_bps = (uint16_t)v; break;
	case 12: p->jail_blocks = (uint64_t)v; break;
	case 13: p->review_quorum = (uint32_t)v; break;
	case 14: p->rep_divisor = v; break;
	case 15: p->epoch_blocks = (uint64_t)v; break;
	case 16: p->rep_half_life = (uint64_t)v; break;
	case 17: p->credits_base = v; break;
	case 18: p->credits_cap = v; break;
	case 19: p->kappa_num = v; break;
	case 20: p->kappa_den = v; break;
	case 21: p->voting_period = (uint64_t)v; break;
	case 22: p->quorum_votes = v; break;
	case 23: p->qf_period = (uint64_t)v; break;
	}
	if ((which == 3 || which == 4 || which == 7 || which == 11) &&
	    v > L_BPS) {
		warnx_("--set: %s is more than 10000 basis points", arg);
		return -1;
	}
	if ((which == 5 || which == 13) && v > UINT32_MAX) {
		warnx_("--set: %s is too large", arg);
		return -1;
	}
	return 0;
}

static int
cmd_genesis(int argc, char **argv)
{
	static const char text[] =
	    "usage: nonos-ledger genesis -o OUT --chain NAME [--alloc KEY=AMOUNT]...\n"
	    "           [--reviewer KEY]... [--set PARAM=VALUE]...\n"
	    "Writes a genesis file. The chain id is BLAKE3 of NAME. KEY is 64 hex\n"
	    "digits or a public key file; AMOUNT in NØN base units (10^-18).\n"
	    "PARAMs: supply-cap emission halving validator-bps burn-bps max-txs\n"
	    "base-fee-min amm-fee-bps min-liquidity min-self-bond unbonding\n"
	    "slash-bps jail review-quorum rep-divisor epoch half-life\n"
	    "credits-base credits-cap kappa-num kappa-den voting-period quorum\n"
	    "qf-period (docs/ledger.md).\n";
	static const struct option opts[] = {
		{ "chain", required_argument, NULL, 'c' },
		{ "alloc", required_argument, NULL, 'a' },
		{ "reviewer", required_argument, NULL, 'r' },
		{ "set", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	static struct genesis_alloc alloc[L_MAX_ACCOUNTS];
	struct ledger_params p;
	struct ledger *l;
	const char *out = NULL, *chain = NULL;
	uint8_t *buf;
	size_t n = 0, len;
	int c, err;

	if (cli_want_help(argc, argv, text))
		return 0;
	ledger_default_params(&p);
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		char *eq;

		switch (c) {
		case 'o': out = optarg; break;
		case 'c': chain = optarg; break;
		case 'a':
			if ((eq = strchr(optarg, '=')) == NULL ||
			    n == L_MAX_ACCOUNTS - 3) {
				warnx_("--alloc: expected KEY=AMOUNT");
				return EXIT_USAGE;
			}
			*eq = '\0';
			if (parse_key("--alloc", optarg, alloc[n].key) < 0 ||
			    parse_u128("--alloc", eq + 1, &alloc[n].amount) < 0)
				return 1;
			n++;
			break;
		case 'r':
			if (p.nreviewers == L_MAX_REVIEWERS) {
				warnx_("--reviewer: at most %d", L_MAX_REVIEWERS);
				return EXIT_USAGE;
			}
			if (parse_key("--reviewer", optarg,
			    p.reviewers[p.nreviewers]) < 0)
				return 1;
			p.nreviewers++;
			break;
		case 's':
			if (set_param(&p, optarg) < 0)
				return 1;
			break;
		default:
			fputs(text, stderr);
			return EXIT_USAGE;
		}
	}
	if (out == NULL || chain == NULL || optind != argc) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	blake3(chain, strlen(chain), p.chain_id);
	if ((l = malloc(sizeof *l)) == NULL) {
		warnx_("out of memory");
		return 1;
	}
	err = ledger_genesis(l, &p, alloc, n);
	free(l);
	if (err != L_OK) {
		warnx_("bad genesis: %s", ledger_strerror(err));
		return 1;
	}
	buf = malloc(GENESIS_MAX);
	len = buf ? ledger_genesis_encode(&p, alloc, n, buf, GENESIS_MAX) : 0;
	if (len == 0 || write_file_atomic(out, buf, len, 0644, 0) < 0) {
		warnx_("%s: %s", out, len == 0 ? "too large" : strerror(errno));
		free(buf);
		return 1;
	}
	free(buf);
	printf("genesis %s: chain ", out);
	print_hex(p.chain_id, 32);
	printf(", %zu allocations\n", n);
	return 0;
}

/* Transaction types by name, with the fields each uses. */
static const struct {
	const char *name;
	enum tx_type type;
	const char *fields;
} txtypes[] = {
	{ "transfer", TX_TRANSFER, "--k to --i asset --a amount" },
	{ "asset-create", TX_ASSET_CREATE, "--a cap --h metadata-hash" },
	{ "asset-mint", TX_ASSET_MINT, "--k to --i asset --a amount" },
	{ "asset-burn", TX_ASSET_BURN, "--i asset --a amount" },
	{ "pool-add", TX_POOL_ADD, "--i asset --j asset --a amount --b amount --c min-shares" },
	{ "pool-remove", TX_POOL_REMOVE, "--i pool --a shares --b min-a --c min-b" },
	{ "swap", TX_SWAP, "--i pool --j asset-in --a amount-in --b min-out" },
	{ "htlc-lock", TX_HTLC_LOCK, "--k receiver --i asset --a amount --h hashlock --n timeout" },
	{ "htlc-claim", TX_HTLC_CLAIM, "--i htlc --h preimage" },
	{ "htlc-refund", TX_HTLC_REFUND, "--i htlc" },
	{ "chan-open", TX_CHAN_OPEN, "--k payee --i asset --a deposit --n expiry" },
	{ "chan-close", TX_CHAN_CLOSE, "--i channel --a cumulative --s voucher" },
	{ "chan-refund", TX_CHAN_REFUND, "--i channel" },
	{ "profile-create", TX_PROFILE_CREATE, "--p publisher,stakers,treasury,burn" },
	{ "capsule-pay", TX_CAPSULE_PAY, "--i profile --a amount" },
	{ "validator-create", TX_VALIDATOR_CREATE, "--a self-bond --p commission,0,0,0" },
	{ "delegate", TX_DELEGATE, "--k validator --a amount" },
	{ "undelegate", TX_UNDELEGATE, "--k validator --a shares" },
	{ "unbond-claim", TX_UNBOND_CLAIM, "--i unbonding" },
	{ "reward-withdraw", TX_REWARD_WITHDRAW, "--k validator" },
	{ "unjail", TX_UNJAIL, "" },
	{ "evidence", TX_EVIDENCE, "--k validator --n height --h hash --s sig --H hash --S sig" },
	{ "receipt-approve", TX_RECEIPT_APPROVE, "--k contributor --h contribution --a reward" },
	{ "propose", TX_PROPOSE, "--i kind(1 param,2 spend,3 round) --j param --a value --k recipient" },
	{ "vote", TX_VOTE, "--i proposal --j 1yes/0no --a votes" },
	{ "execute", TX_EXECUTE, "--i proposal" },
	{ "qf-contribute", TX_QF_CONTRIBUTE, "--i round --k project --a amount" },
	{ "qf-finalize", TX_QF_FINALIZE, "--i round" },
};

static void
tx_usage(FILE *f)
{
	fputs("usage: nonos-ledger tx -g GENESIS -K KEY -o OUT [--nonce N] "
	    "[--fee F] TYPE FIELDS\n"
	    "Builds a transaction paid and signed by KEY (a secret key file) for\n"
	    "the chain of GENESIS. The fee defaults to the genesis minimum base\n"
	    "fee. Keys are 64 hex digits or public key files; hashes 64 hex\n"
	    "digits, signatures 128. Types and their fields:\n", f);
	for (size_t i = 0; i < sizeof txtypes / sizeof txtypes[0]; i++)
		fprintf(f, "  %-17s %s\n", txtypes[i].name, txtypes[i].fields);
}

static int
parse_bps(const char *s, uint16_t bps[4])
{
	uint32_t v[4] = { 0 };
	int n = 0;
	char buf[64], *tok, *save = NULL;

	if (strlen(s) >= sizeof buf)
		goto bad;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (n == 4 || parse_u32("--p", tok, &v[n]) < 0 || v[n] > L_BPS)
			goto bad;
		n++;
	}
	for (int i = 0; i < 4; i++)
		bps[i] = (uint16_t)v[i];
	return 0;
bad:
	warnx_("--p: expected up to four basis points, e.g. 7000,2000,500,500");
	return -1;
}

/* One body field option (long names are the layout letters). */
static int
body_field(struct tx_body *b, int c, const char *arg)
{
	switch (c) {
	case 'k': return parse_key("--k", arg, b->key);
	case 'i': return parse_u32("--i", arg, &b->id);
	case 'j': return parse_u32("--j", arg, &b->id2);
	case 'a': return parse_u128("--a", arg, &b->a);
	case 'b': return parse_u128("--b", arg, &b->b);
	case 'c': return parse_u128("--c", arg, &b->c);
	case 'n': return parse_u64("--n", arg, &b->height);
	case 'h': return parse_hex("--h", arg, b->hash, L_HASH);
	case 's': return parse_hex("--s", arg, b->sig, L_SIG);
	case 'H': return parse_hex("--H", arg, b->hash2, L_HASH);
	case 'S': return parse_hex("--S", arg, b->sig2, L_SIG);
	case 'p': return parse_bps(arg, b->bps);
	}
	return -1;
}

static int
cmd_tx(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonce", required_argument, NULL, 'N' },
		{ "fee", required_argument, NULL, 'F' },
		{ "k", required_argument, NULL, 'k' },
		{ "i", required_argument, NULL, 'i' },
		{ "j", required_argument, NULL, 'j' },
		{ "a", required_argument, NULL, 'a' },
		{ "b", required_argument, NULL, 'b' },
		{ "c", required_argument, NULL, 'c' },
		{ "n", required_argument, NULL, 'n' },
		{ "h", required_argument, NULL, 'h' },
		{ "s", required_argument, NULL, 's' },
		{ "H", required_argument, NULL, 'H' },
		{ "S", required_argument, NULL, 'S' },
		{ "p", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct ledger_params p;
	struct ledger_tx tx;
	const char *gen = NULL, *key = NULL, *out = NULL;
	uint8_t sk[64], buf[TX_MAX_LEN];
	size_t len;
	int c, fee_set = 0;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			tx_usage(stdout);
			return 0;
		}
	memset(&tx, 0, sizeof tx);
	while ((c = getopt_long(argc, argv, "g:K:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'g': gen = optarg; break;
		case 'K': key = optarg; break;
		case 'o': out = optarg; break;
		case 'N':
			if (parse_u64("--nonce", optarg, &tx.nonce) < 0)
				return 1;
			break;
		case 'F':
			if (parse_u128("--fee", optarg, &tx.fee) < 0)
				return 1;
			fee_set = 1;
			break;
		default:
			if (c == '?' || body_field(&tx.body, c, optarg) < 0) {
				if (c == '?')
					tx_usage(stderr);
				return c == '?' ? EXIT_USAGE : 1;
			}
		}
	}
	if (gen == NULL || key == NULL || out == NULL || optind + 1 != argc) {
		tx_usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof txtypes / sizeof txtypes[0]; i++)
		if (strcmp(argv[optind], txtypes[i].name) == 0)
			tx.type = (uint8_t)txtypes[i].type;
	if (tx.type == 0) {
		warnx_("unknown transaction type '%s' (see tx --help)",
		    argv[optind]);
		return EXIT_USAGE;
	}
	if (load_genesis(gen, &p, NULL) < 0 || signkey_load_secret(sk, key) < 0)
		return 1;
	memcpy(tx.payer, sk + 32, 32);
	if (!fee_set)
		tx.fee = p.base_fee_min;
	if (ledger_tx_sign(&tx, p.chain_id, sk) != L_OK) {
		warnx_("signing failed");
		return 1;
	}
	nc_wipe(sk, sizeof sk);
	len = ledger_tx_encode(&tx, buf, sizeof buf);
	if (len == 0 || write_file_atomic(out, buf, len, 0644, 0) < 0) {
		warnx_("%s: %s", out, strerror(errno));
		return 1;
	}
	ledger_tx_hash(&tx, p.chain_id, buf);
	printf("%s %s nonce %llu hash ", out, argv[optind],
	    (unsigned long long)tx.nonce);
	print_hex(buf, 32);
	printf("\n");
	return 0;
}

/* voucher and vote: a signature over a domain-separated hash. */
static int
sign_hash_cmd(int argc, char **argv, int vote)
{
	static const char vtext[] =
	    "usage: nonos-ledger voucher -g GENESIS -K KEY --channel N --amount A\n"
	    "Prints the payer's signature on a voucher for a cumulative amount A\n"
	    "on channel N (for chan-close --s).\n";
	static const char otext[] =
	    "usage: nonos-ledger vote -g GENESIS -K KEY --height N --hash HEX\n"
	    "Prints a validator's signature on a state hash for a height (two\n"
	    "different ones for one height are evidence of double signing).\n";
	static const struct option opts[] = {
		{ "channel", required_argument, NULL, 'c' },
		{ "amount", required_argument, NULL, 'a' },
		{ "height", required_argument, NULL, 'n' },
		{ "hash", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *text = vote ? otext : vtext, *gen = NULL, *key = NULL;
	struct ledger_params p;
	uint8_t sk[64], hash[32], state[32], sig[64];
	uint32_t chan = 0;
	uint64_t height = 0;
	u128 amount = 0;
	int c, have = 0;

	if (cli_want_help(argc, argv, text))
		return 0;
	while ((c = getopt_long(argc, argv, "g:K:", opts, NULL)) != -1) {
		switch (c) {
		case 'g': gen = optarg; break;
		case 'K': key = optarg; break;
		case 'c': if (parse_u32("--channel", optarg, &chan) < 0) return 1;
			have |= 1; break;
		case 'a': if (parse_u128("--amount", optarg, &amount) < 0) return 1;
			have |= 2; break;
		case 'n': if (parse_u64("--height", optarg, &height) < 0) return 1;
			have |= 4; break;
		case 'h': if (parse_hex("--hash", optarg, state, 32) < 0) return 1;
			have |= 8; break;
		default:
			fputs(text, stderr);
			return EXIT_USAGE;
		}
	}
	if (gen == NULL || key == NULL || optind != argc ||
	    have != (vote ? 12 : 3)) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	if (load_genesis(gen, &p, NULL) < 0 || signkey_load_secret(sk, key) < 0)
		return 1;
	if (vote)
		ledger_vote_hash(p.chain_id, height, state, hash);
	else
		ledger_voucher_hash(p.chain_id, chan, amount, hash);
	if (nc_sign_ed25519(sig, hash, 32, sk) != NC_OK) {
		warnx_("signing failed");
		return 1;
	}
	nc_wipe(sk, sizeof sk);
	print_hex(sig, 64);
	printf("\n");
	return 0;
}

static int
cmd_voucher(int argc, char **argv)
{
	return sign_hash_cmd(argc, argv, 0);
}

static int
cmd_vote(int argc, char **argv)
{
	return sign_hash_cmd(argc, argv, 1);
}

static int
cmd_hashlock(int argc, char **argv)
{
	static const char text[] = "usage: nonos-ledger hashlock PREIMAGE-HEX\n"
	    "Prints SHA-256 of a 32-byte HTLC preimage (for htlc-lock --h).\n";
	uint8_t pre[32], h[32];

	if (cli_want_help(argc, argv, text))
		return 0;
	if (argc != 2) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	if (parse_hex("preimage", argv[1], pre, 32) < 0 ||
	    nc_sha256(h, pre, 32) != NC_OK)
		return 1;
	print_hex(h, 32);
	printf("\n");
	return 0;
}

static int
os_bytes(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	return nc_random_bytes(buf, n) == NC_OK ? 0 : -1;
}

static int
cmd_counts(int argc, char **argv)
{
	static const char text[] =
	    "usage: nonos-ledger counts -a ACCOUNTANT [--cap MICRO] [--eps MICRO] "
	    "COUNT...\n"
	    "Releases per-capsule call counts with discrete Laplace noise, ε in\n"
	    "millionths (default and most 10000, ε = 0.01), charged to the\n"
	    "accountant file, which is made with --cap (lifetime ε, millionths)\n"
	    "if it does not exist. Refuses once the cap would be passed.\n";
	static const struct option opts[] = {
		{ "cap", required_argument, NULL, 'c' },
		{ "eps", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const struct dp_rng rng = { os_bytes, NULL };
	struct dp_accountant a;
	const char *path = NULL;
	uint64_t cap = 0, eps = DP_CAPSULE_EPS_MAX, *counts, *out;
	uint8_t *buf, enc[DP_ACCOUNTANT_LEN];
	size_t len, n;
	int c, err, have_cap = 0;

	if (cli_want_help(argc, argv, text))
		return 0;
	while ((c = getopt_long(argc, argv, "a:", opts, NULL)) != -1) {
		switch (c) {
		case 'a': path = optarg; break;
		case 'c': if (parse_u64("--cap", optarg, &cap) < 0) return 1;
			have_cap = 1; break;
		case 'e': if (parse_u64("--eps", optarg, &eps) < 0) return 1;
			break;
		default:
			fputs(text, stderr);
			return EXIT_USAGE;
		}
	}
	if (path == NULL || optind == argc) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	if (read_small_file(path, 64, &buf, &len) == 0) {
		err = dp_account_decode(&a, buf, len);
		free(buf);
		if (err != DP_OK) {
			warnx_("%s: not an accountant file", path);
			return 1;
		}
	} else if (errno == ENOENT && have_cap) {
		(void)dp_account_init(&a, DP_PURE, cap);
	} else {
		warnx_("%s: %s", path, errno == ENOENT ?
		    "no such accountant (make one with --cap)" : strerror(errno));
		return 1;
	}
	n = (size_t)(argc - optind);
	counts = calloc(n, sizeof *counts);
	out = calloc(n, sizeof *out);
	if (counts == NULL || out == NULL) {
		warnx_("out of memory");
		free(counts);
		free(out);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (parse_u64("COUNT", argv[optind + (int)i], &counts[i]) < 0)
			goto fail;
	err = dp_release_counts(&a, &rng, counts, n, eps, out);
	if (err == DP_EBUDGET || err == DP_EPARAM) {
		warnx_("%s", err == DP_EBUDGET ?
		    "refused: the accountant's lifetime budget would be passed" :
		    "refused: ε must be 1 to 10000 millionths");
		goto fail;
	}
	/* Charged (even if sampling then failed): store it first. */
	dp_account_encode(&a, enc);
	if (write_file_atomic(path, enc, sizeof enc, 0600, 0) < 0) {
		warnx_("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (err != DP_OK) {
		warnx_("no randomness");
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s%llu", i ? " " : "", (unsigned long long)out[i]);
	printf("\nspent %llu of %llu millionths\n", (unsigned long long)a.spent,
	    (unsigned long long)a.cap);
	free(counts);
	free(out);
	return 0;
fail:
	free(counts);
	free(out);
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct cli_command cmds[] = {
		{ "keygen", cmd_keygen },
		{ "genesis", cmd_genesis },
		{ "tx", cmd_tx },
		{ "voucher", cmd_voucher },
		{ "vote", cmd_vote },
		{ "hashlock", cmd_hashlock },
		{ "init", cmd_init },
		{ "block", cmd_block },
		{ "apply", cmd_apply },
		{ "replay", cmd_replay },
		{ "verify", cmd_verify },
		{ "query", cmd_query },
		{ "counts", cmd_counts },
		{ "loadkeys", cmd_loadkeys },
		{ "--node", node_main },
	};

	return cli_main("nonos-ledger", usage, cmds,
	    sizeof cmds / sizeof cmds[0], argc, argv);
}

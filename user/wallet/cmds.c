/*
 * The wallet's commands. The key and the settings are files in the RAM
 * file system (the shell's wallet/), so `persist` seals them into the
 * vault with the rest; transactions are built and signed with lib/ledger
 * exactly as nonos-ledger's `tx` does, and sent through Tor (node.c).
 */
#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/ledger/ledger.h"
#include "lib/ledger/replica.h"
#include "lib/ledger/text.h"
#include "lib/ramfs/ramfs.h"
#include "user/wallet/wallet.h"

static const char no_node[] =
    "wallet: no node configured: 'wallet node HOST:PORT[,HOST:PORT...]'\n";
static const char no_chain[] =
    "wallet: no chain configured: 'wallet chain NAME FEE REPLICA-KEY...'\n";

static const char usage[] =
    "usage: wallet COMMAND ...\n"
    "  new                          make a key pair (kept in wallet/key)\n"
    "  address                      this wallet's account key\n"
    "  node [HOST:PORT[,...]]       the ledger nodes to use (through Tor)\n"
    "  chain [NAME FEE REPLICA-KEY...]\n"
    "                               the chain, the fee per transaction and\n"
    "                               the replica keys whose quorum is trusted\n"
    "  balance                      NØN balance, from a quorum-signed state\n"
    "  transfer TO AMOUNT           send NØN to the account key TO\n"
    "  stake VALIDATOR AMOUNT       delegate NØN to a validator\n"
    "  vote PROPOSAL yes|no VOTES   vote on a governance proposal\n"
    "  swap POOL ASSET-IN AMOUNT MIN-OUT\n"
    "                               swap on an AMM pool\n"
    "  channel PAYEE DEPOSIT EXPIRY open a payment channel (NØN)\n"
    "  voucher CHANNEL AMOUNT       sign a voucher for a cumulative amount\n";

/* A whole number below 2^128; 0, or 1 after a message. */
static int
parse_amount(const char *what, const char *s, u128 *v, int nonzero)
{
	int err = ledger_amount_parse(s, strlen(s), v);

	if (err == L_EOVERFLOW) {
		out("wallet: %s: '%s' is too large (2^128 or more)\n", what, s);
		return 1;
	}
	if (err != L_OK) {
		out("wallet: %s: '%s' is not a whole number\n", what, s);
		return 1;
	}
	if (nonzero && *v == 0) {
		out("wallet: %s: must be more than 0\n", what);
		return 1;
	}
	return 0;
}

static int
parse_u32(const char *what, const char *s, uint32_t *v)
{
	u128 x;

	if (parse_amount(what, s, &x, 0) != 0)
		return 1;
	if (x > UINT32_MAX) {
		out("wallet: %s: '%s' is too large\n", what, s);
		return 1;
	}
	*v = (uint32_t)x;
	return 0;
}

static int
parse_u64(const char *what, const char *s, uint64_t *v)
{
	u128 x;

	if (parse_amount(what, s, &x, 0) != 0)
		return 1;
	if (x > UINT64_MAX) {
		out("wallet: %s: '%s' is too large\n", what, s);
		return 1;
	}
	*v = (uint64_t)x;
	return 0;
}

static int
parse_key(const char *what, const char *s, uint8_t key[L_KEY])
{
	if (strlen(s) != 2 * L_KEY ||
	    hex_decode(key, L_KEY, s, 2 * L_KEY) != 0) {
		out("wallet: %s: expected an account key, 64 hex digits\n",
		    what);
		return 1;
	}
	return 0;
}

static void
out_hex(const uint8_t *p, size_t n)
{
	char hex[2 * L_SIG + 1];

	hex_encode(hex, p, n);
	out("%s", hex);
}

/* A whole small file into buf; its length, or a RAMFS_E* error. */
static int64_t
read_small(const char *path, void *buf, size_t cap)
{
	int64_t h = rfs_open(&fs, path, RAMFS_O_READ), n, total = 0;

	if (h < 0)
		return h;
	while ((size_t)total < cap && (n = rfs_read(&fs, h, (char *)buf + total,
	    cap - (size_t)total)) > 0)
		total += n;
	rfs_close(&fs, h);
	return total;
}

/* Replaces path's contents; 0, or 1 after a message. */
static int
write_small(const char *path, const void *buf, size_t len)
{
	int64_t h, n = 0;
	size_t done = 0;

	if ((h = rfs_open(&fs, path, RAMFS_O_WRITE | RAMFS_O_CREATE |
	    RAMFS_O_TRUNC)) < 0) {
		out("wallet: wallet/%s: %s\n", path, rfs_strerror(h));
		return 1;
	}
	while (done < len && (n = rfs_write(&fs, h, (const char *)buf + done,
	    len - done)) > 0)
		done += (size_t)n;
	rfs_close(&fs, h);
	if (done < len) {
		out("wallet: wallet/%s: %s\n", path,
		    rfs_strerror(n < 0 ? n : RAMFS_ENOSPC));
		return 1;
	}
	return 0;
}

/* The secret key (libsodium's 64 bytes: seed, public key); 0 or 1. */
static int
load_key(uint8_t sk[64])
{
	uint8_t pk[32], check[64];
	int64_t n = read_small(KEY_FILE, sk, 64);
	int ok;

	if (n == RAMFS_ENOENT) {
		out("wallet: no key yet: 'wallet new' makes one\n");
		return 1;
	}
	if (n < 0) {
		out("wallet: wallet/%s: %s\n", KEY_FILE, rfs_strerror(n));
		return 1;
	}
	ok = n == 64 && nc_sign_ed25519_seed_keypair(pk, check, sk) == NC_OK &&
	    memcmp(pk, sk + 32, 32) == 0;
	nc_wipe(check, sizeof(check));
	if (!ok) {
		nc_wipe(sk, 64);
		out("wallet: wallet/%s is damaged (not a key pair)\n",
		    KEY_FILE);
		return 1;
	}
	return 0;
}

/* The nodes from NODES_FILE (or text when not NULL) into s; 0 or 1. */
static int
parse_nodes(const char *text, struct session *s)
{
	const char *p = text;

	s->nnodes = 0;
	while (*p && *p != '\n') {
		const char *e = p;
		size_t n;

		while (*e && *e != ',' && *e != '\n')
			e++;
		n = (size_t)(e - p);
		if (n == 0 || n > P_MAX_ADDR || s->nnodes == MAX_NODES) {
			out("wallet: nodes: at most %d, each HOST:PORT of at "
			    "most %d characters, separated by commas\n",
			    MAX_NODES, P_MAX_ADDR);
			return 1;
		}
		memcpy(s->nodes[s->nnodes], p, n);
		s->nodes[s->nnodes++][n] = '\0';
		p = *e == ',' ? e + 1 : e;
	}
	if (s->nnodes == 0) {
		out("%s", no_node);
		return 1;
	}
	return 0;
}

static int
load_nodes(struct session *s)
{
	char text[MAX_NODES * (P_MAX_ADDR + 1) + 2];
	int64_t n = read_small(NODES_FILE, text, sizeof(text) - 1);

	if (n == RAMFS_ENOENT || n == 0) {
		out("%s", no_node);
		return 1;
	}
	if (n < 0) {
		out("wallet: wallet/%s: %s\n", NODES_FILE, rfs_strerror(n));
		return 1;
	}
	text[n] = '\0';
	return parse_nodes(text, s);
}

/* CHAIN_FILE: the name, the fee, then one replica key per line. */
static int
load_chain(struct chain *c)
{
	static char text[80 + 48 + P_MAX_SIGS * (2 * L_KEY + 1) + 1];
	char *line, *next;
	int64_t n = read_small(CHAIN_FILE, text, sizeof(text) - 1);
	int k = 0;

	if (n == RAMFS_ENOENT) {
		out("%s", no_chain);
		return 1;
	}
	if (n < 0) {
		out("wallet: wallet/%s: %s\n", CHAIN_FILE, rfs_strerror(n));
		return 1;
	}
	text[n] = '\0';
	memset(c, 0, sizeof(*c));
	for (line = text; *line; line = next, k++) {
		for (next = line; *next && *next != '\n'; next++)
			;
		if (*next)
			*next++ = '\0';
		if (k == 0 && strlen(line) < sizeof(c->name)) {
			memcpy(c->name, line, strlen(line) + 1);
			blake3(c->name, strlen(c->name), c->id);
		} else if (k == 1) {
			if (parse_amount("fee", line, &c->fee, 0) != 0)
				return 1;
		} else if (k >= 2 && c->nkeys < P_MAX_SIGS &&
		    parse_key("replica", line, c->keys[c->nkeys]) == 0) {
			c->nkeys++;
		} else {
			out("wallet: wallet/%s is damaged (line %d)\n",
			    CHAIN_FILE, k + 1);
			return 1;
		}
	}
	if (c->nkeys == 0) {
		out("wallet: wallet/%s names no replica keys\n", CHAIN_FILE);
		return 1;
	}
	return 0;
}

static int
cmd_new(void)
{
	uint8_t pk[32], sk[64];
	int64_t n = rfs_stat(&fs, KEY_FILE, (uint64_t[3]){ 0 });
	int r;

	if (n == 0) {
		out("wallet: a key exists already (wallet/%s); remove it "
		    "first to make another (its funds are lost without it)\n",
		    KEY_FILE);
		return 1;
	}
	if (nc_sign_ed25519_keypair(pk, sk) != NC_OK) {
		out("wallet: no key: the random generator failed\n");
		return 1;
	}
	r = write_small(KEY_FILE, sk, sizeof(sk));
	nc_wipe(sk, sizeof(sk));
	if (r != 0)
		return 1;
	out("wallet: new key in wallet/%s ('persist' keeps it in the vault)\n"
	    "address ", KEY_FILE);
	out_hex(pk, 32);
	out("\n");
	return 0;
}

static int
cmd_address(void)
{
	uint8_t sk[64];

	if (load_key(sk) != 0)
		return 1;
	out_hex(sk + 32, 32);
	out("\n");
	nc_wipe(sk, sizeof(sk));
	return 0;
}

static int
cmd_node(int argc, char **argv)
{
	static struct session s;
	char text[MAX_NODES * (P_MAX_ADDR + 1) + 2];
	int64_t n;

	if (argc == 2) {
		if ((n = read_small(NODES_FILE, text, sizeof(text) - 1)) <= 0) {
			out("%s", no_node);
			return 1;
		}
		text[n] = '\0';
		out("%s", text);
		return 0;
	}
	if (argc != 3) {
		out("usage: wallet node [HOST:PORT[,HOST:PORT...]]\n");
		return 1;
	}
	if (parse_nodes(argv[2], &s) != 0)
		return 1;
	for (int i = 0; i < s.nnodes; i++) {
		char host[P_MAX_ADDR + 1];
		uint16_t port;

		if (split_addr(s.nodes[i], host, &port) < 0) {
			out("wallet: %s: not HOST:PORT\n", s.nodes[i]);
			return 1;
		}
	}
	n = (int64_t)strlen(argv[2]);
	memcpy(text, argv[2], (size_t)n);
	text[n++] = '\n';
	if (write_small(NODES_FILE, text, (size_t)n) != 0)
		return 1;
	out("wallet: %d node%s in wallet/%s\n", s.nnodes,
	    s.nnodes == 1 ? "" : "s", NODES_FILE);
	return 0;
}

static int
cmd_chain(int argc, char **argv)
{
	static char text[80 + 48 + P_MAX_SIGS * (2 * L_KEY + 1) + 1];
	static struct chain c;
	char fee[AMOUNT_TEXT];
	size_t n = 0;

	if (argc == 2) {
		if (load_chain(&c) != 0)
			return 1;
		ledger_amount_text(c.fee, fee);
		out("chain %s, fee %s, %u replicas (a quorum is %u)\n", c.name,
		    fee, c.nkeys, replica_quorum(c.nkeys));
		return 0;
	}
	if (argc < 5 || argc - 4 > P_MAX_SIGS || strlen(argv[2]) > 64 ||
	    argv[2][0] == '\0') {
		out("usage: wallet chain NAME FEE REPLICA-KEY... (NAME as "
		    "'nonos-ledger genesis --chain' took it, at most 64 "
		    "characters; at most %d keys)\n", P_MAX_SIGS);
		return 1;
	}
	if (parse_amount("fee", argv[3], &c.fee, 0) != 0)
		return 1;
	for (int i = 4; i < argc; i++)
		if (parse_key("replica", argv[i], c.keys[0]) != 0)
			return 1;
	for (int i = 2; i < argc; i++) {
		size_t k = strlen(argv[i]);

		memcpy(text + n, argv[i], k);
		n += k;
		text[n++] = '\n';
	}
	if (write_small(CHAIN_FILE, text, n) != 0)
		return 1;
	out("wallet: chain %s with %d replica key%s in wallet/%s\n", argv[2],
	    argc - 4, argc == 5 ? "" : "s", CHAIN_FILE);
	return 0;
}

/* Everything a command that talks to the nodes needs. */
struct ctx {
	struct chain chain;
	struct session s;
	uint8_t sk[64];
};

static int
ctx_open(struct ctx *x)
{
	if (load_key(x->sk) != 0)
		return 1;
	if (load_nodes(&x->s) != 0 || load_chain(&x->chain) != 0 ||
	    session_open(&x->s) != 0) {
		nc_wipe(x->sk, sizeof(x->sk));
		return 1;
	}
	return 0;
}

static void
ctx_close(struct ctx *x)
{
	session_close(&x->s);
	nc_wipe(x->sk, sizeof(x->sk));
}

/* Our account as the node sees it: r is the P_ACCOUNT_R. */
static int
account(struct ctx *x, struct proto_msg *r)
{
	struct proto_msg q;

	memset(&q, 0, sizeof(q));
	q.type = P_ACCOUNT;
	memcpy(q.key, x->sk + 32, L_KEY);
	if (session_call(&x->s, &q, r) != 0)
		return 1;
	if (r->type != P_ACCOUNT_R) {
		out("wallet: node %s: %s\n", x->s.addr, r->type == P_ERROR ?
		    proto_strerror(r->code) : "unexpected answer");
		return 1;
	}
	return 0;
}

static int
cmd_balance(void)
{
	static struct ctx x;
	static struct proto_msg r, b;
	char amount[AMOUNT_TEXT];
	uint64_t t0 = ticks();

	if (ctx_open(&x) != 0)
		return 1;
	if (account(&x, &r) != 0 || (r.height > 0 &&
	    session_verified_block(&x.s, &x.chain, r.height, &b) != 0)) {
		ctx_close(&x);
		return 1;
	}
	ledger_amount_text(r.exists ? r.balance : 0, amount);
	out("balance %s NØN%s, nonce %llu, at height %llu (%s) from %s in "
	    "%llu ms\n",
	    amount, r.exists ? "" : " (no such account yet)",
	    (unsigned long long)r.nonce, (unsigned long long)r.height,
	    r.height > 0 ? "state signed by a quorum of replicas" :
	    "the genesis state: no block to verify yet",
	    x.s.addr, (unsigned long long)(ticks() - t0) * 10);
	ctx_close(&x);
	return 0;
}

/* Whether the block in b (a P_BLOCK_R) holds the transaction tx[0..n). */
static int
in_block(const struct proto_msg *b, const uint8_t *tx, size_t n)
{
	struct ledger_tx t;
	size_t off = BLOCK_HEADER_LEN, used;

	while (off < b->datalen && ledger_tx_decode(&t, b->data + off,
	    b->datalen - off, &used) == L_OK) {
		if (used == n && memcmp(b->data + off, tx, n) == 0)
			return 1;
		off += used;
	}
	return 0;
}

/*
 * Signs tx (its type and body set) with our next nonce and commits it
 * through the leader; spend is the NØN it takes beside the fee, refused
 * here when the balance is short.
 */
static int
submit(struct ledger_tx *tx, u128 spend, const char *what)
{
	static struct ctx x;
	static struct proto_msg q, r;
	static uint8_t enc[TX_MAX_LEN];
	char have[AMOUNT_TEXT], need[AMOUNT_TEXT];
	uint64_t t0 = ticks();
	size_t len;

	if (ctx_open(&x) != 0)
		return 1;
	/*
	 * The leader's view: a follower's nonce may be behind. The session
	 * then holds the leader alone (a redirect later still moves it).
	 */
	memset(&q, 0, sizeof(q));
	q.type = P_STATUS;
	if (session_call(&x.s, &q, &r) != 0)
		goto fail;
	if (r.type == P_STATUS_R && r.role != P_ROLE_LEADER &&
	    r.addr[0] != '\0' && strcmp(r.addr, x.s.addr) != 0) {
		char leader[P_MAX_ADDR + 1];

		memcpy(leader, r.addr, sizeof(leader));
		session_close(&x.s);
		memcpy(x.s.nodes[0], leader, sizeof(leader));
		x.s.nnodes = 1;
		if (session_open(&x.s) != 0)
			goto fail;
	}
	if (account(&x, &r) != 0)
		goto fail;
	if (!r.exists || r.balance < spend || r.balance - spend < x.chain.fee) {
		ledger_amount_text(r.exists ? r.balance : 0, have);
		ledger_amount_text(spend + x.chain.fee, need);
		out("wallet: insufficient balance: %s NØN, and this needs %s "
		    "(with the fee)\n", have, need);
		goto fail;
	}
	tx->nonce = r.nonce;
	tx->fee = x.chain.fee;
	memcpy(tx->payer, x.sk + 32, L_KEY);
	if (ledger_tx_sign(tx, x.chain.id, x.sk) != L_OK ||
	    (len = ledger_tx_encode(tx, enc, sizeof(enc))) == 0) {
		out("wallet: the transaction does not sign or encode\n");
		goto fail;
	}
	memset(&q, 0, sizeof(q));
	q.type = P_SUBMIT;
	q.data = enc;
	q.datalen = len;
	if (session_call_leader(&x.s, &q, &r) != 0) {
		out("wallet: no answer: the %s may or may not have committed "
		    "('wallet balance' tells)\n", what);
		goto fail;
	}
	if (r.type != P_COMMITTED) {
		out("wallet: the %s was refused: %s\n", what,
		    r.type == P_ERROR ? proto_strerror(r.code) :
		    "unexpected answer");
		goto fail;
	}
	if (session_verified_block(&x.s, &x.chain, r.height, &q) != 0) {
		out("wallet: node %s says the %s committed at height %llu; not "
		    "confirmed without that quorum\n", x.s.addr, what,
		    (unsigned long long)r.height);
		goto fail;
	}
	if (!in_block(&q, enc, len)) {
		out("wallet: node %s said height %llu, but the block there "
		    "does not hold the %s\n", x.s.addr,
		    (unsigned long long)r.height, what);
		goto fail;
	}
	out("wallet: %s committed at height %llu (nonce %llu); a quorum of "
	    "replicas signed the state there; %llu ms, %llu ms in Tor "
	    "streams\n",
	    what, (unsigned long long)r.height, (unsigned long long)tx->nonce,
	    (unsigned long long)(ticks() - t0) * 10,
	    (unsigned long long)x.s.ms);
	ctx_close(&x);
	return 0;
fail:
	ctx_close(&x);
	return 1;
}

static int
cmd_tx(int argc, char **argv)
{
	static struct ledger_tx tx;
	const char *c = argv[1];
	u128 spend = 0;

	memset(&tx, 0, sizeof(tx));
	if (strcmp(c, "transfer") == 0 && argc == 4) {
		tx.type = TX_TRANSFER;
		tx.body.id = L_NATIVE;
		if (parse_key("TO", argv[2], tx.body.key) != 0 ||
		    parse_amount("AMOUNT", argv[3], &tx.body.a, 1) != 0)
			return 1;
		spend = tx.body.a;
	} else if (strcmp(c, "stake") == 0 && argc == 4) {
		tx.type = TX_DELEGATE;
		if (parse_key("VALIDATOR", argv[2], tx.body.key) != 0 ||
		    parse_amount("AMOUNT", argv[3], &tx.body.a, 1) != 0)
			return 1;
		spend = tx.body.a;
	} else if (strcmp(c, "vote") == 0 && argc == 5) {
		tx.type = TX_VOTE;
		if (strcmp(argv[3], "yes") != 0 && strcmp(argv[3], "no") != 0) {
			out("wallet: vote: say yes or no\n");
			return 1;
		}
		tx.body.id2 = strcmp(argv[3], "yes") == 0;
		if (parse_u32("PROPOSAL", argv[2], &tx.body.id) != 0 ||
		    parse_amount("VOTES", argv[4], &tx.body.a, 1) != 0)
			return 1;
	} else if (strcmp(c, "swap") == 0 && argc == 6) {
		tx.type = TX_SWAP;
		if (parse_u32("POOL", argv[2], &tx.body.id) != 0 ||
		    parse_u32("ASSET-IN", argv[3], &tx.body.id2) != 0 ||
		    parse_amount("AMOUNT", argv[4], &tx.body.a, 1) != 0 ||
		    parse_amount("MIN-OUT", argv[5], &tx.body.b, 0) != 0)
			return 1;
		spend = tx.body.id2 == L_NATIVE ? tx.body.a : 0;
	} else if (strcmp(c, "channel") == 0 && argc == 5) {
		tx.type = TX_CHAN_OPEN;
		tx.body.id = L_NATIVE;
		if (parse_key("PAYEE", argv[2], tx.body.key) != 0 ||
		    parse_amount("DEPOSIT", argv[3], &tx.body.a, 1) != 0 ||
		    parse_u64("EXPIRY", argv[4], &tx.body.height) != 0)
			return 1;
		spend = tx.body.a;
	} else {
		out("%s", usage);
		return 1;
	}
	return submit(&tx, spend, c);
}

/* voucher CHANNEL AMOUNT: offline, the payer's signature for chan-close. */
static int
cmd_voucher(int argc, char **argv)
{
	static struct chain c;
	uint8_t sk[64], hash[L_HASH], sig[L_SIG];
	uint32_t chan;
	u128 amount;
	int r;

	if (argc != 4) {
		out("usage: wallet voucher CHANNEL AMOUNT\n");
		return 1;
	}
	if (parse_u32("CHANNEL", argv[2], &chan) != 0 ||
	    parse_amount("AMOUNT", argv[3], &amount, 1) != 0 ||
	    load_chain(&c) != 0 || load_key(sk) != 0)
		return 1;
	ledger_voucher_hash(c.id, chan, amount, hash);
	r = nc_sign_ed25519(sig, hash, L_HASH, sk);
	nc_wipe(sk, sizeof(sk));
	if (r != NC_OK) {
		out("wallet: signing failed\n");
		return 1;
	}
	out("voucher for channel %u, cumulative %s: ", chan, argv[3]);
	out_hex(sig, L_SIG);
	out("\n");
	return 0;
}

int
wallet_run(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "help";

	if (strcmp(c, "new") == 0 && argc == 2)
		return cmd_new();
	if (strcmp(c, "address") == 0 && argc == 2)
		return cmd_address();
	if (strcmp(c, "node") == 0)
		return cmd_node(argc, argv);
	if (strcmp(c, "chain") == 0)
		return cmd_chain(argc, argv);
	if (strcmp(c, "balance") == 0 && argc == 2)
		return cmd_balance();
	if (strcmp(c, "voucher") == 0)
		return cmd_voucher(argc, argv);
	if (strcmp(c, "help") == 0) {
		out("%s", usage);
		return 0;
	}
	return cmd_tx(argc, argv);
}

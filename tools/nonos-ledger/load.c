/*
 * nonos-ledger --node A,B,... load: a bounded load of NØN transfers for
 * the cluster tests and bench/ledger. Payer i's key is derived from a
 * seed (loadkeys prints them for the genesis); each of T threads owns
 * its payers and keeps one transfer in flight. A transfer is retried
 * with the same bytes (the same nonce) until the cluster answers:
 * committed (acknowledged), or a refusal (then the nonce is reused).
 * No answer is never taken as a commit. Writes one line per
 * acknowledged transfer, "PAYER NONCE AMOUNT HEIGHT" (height 0: the
 * node knew the nonce used but no longer the height, after a snapshot),
 * and prints the rate and the commit latency (median, p99).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "tools/common/cli.h"
#include "tools/nonos-ledger/ledger_tool.h"
#include "tools/nonos-ledger/node.h"

#define MAX_NODES	16
#define GIVE_UP_S	120		/* a transfer unanswered this long: stop */

struct load {
	char nodes[MAX_NODES][P_MAX_ADDR + 1];
	int nnodes;
	struct ledger_params p;
	uint8_t to[L_KEY];
	uint64_t seed, payers, count, threads;
	FILE *out;
	pthread_mutex_t lock;
	uint64_t acked, failed, retries;
	double *lat;			/* ms, one per acknowledged transfer */
	uint64_t *start_nonce;		/* per payer, as the leader has it */
};

struct worker {
	struct load *ld;
	uint64_t index;
	pthread_t thread;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
payer_key(uint64_t seed, uint64_t i, uint8_t pk[32], uint8_t sk[64])
{
	uint8_t in[16], s[32];
	struct blake3 h;

	for (int k = 0; k < 8; k++) {
		in[k] = (uint8_t)(seed >> (8 * k));
		in[8 + k] = (uint8_t)(i >> (8 * k));
	}
	blake3_init_derive_key(&h, "NONOS ledger 2026-12 load payer v1");
	blake3_update(&h, in, sizeof in);
	blake3_final(&h, s, sizeof s);
	(void)nc_sign_ed25519_seed_keypair(pk, sk, s);
}

/*
 * Sends tx until the cluster answers; returns 1 acknowledged (*height),
 * 0 refused, -1 given up. Tries the nodes in turn when one fails.
 */
static int
commit(struct load *ld, struct node_client *c, int *at, const uint8_t *tx,
    size_t len, uint64_t *height)
{
	struct proto_msg q, r;
	double start = now_ms();

	memset(&q, 0, sizeof q);
	q.type = P_SUBMIT;
	q.data = tx;
	q.datalen = len;
	for (int tries = 0; now_ms() - start < GIVE_UP_S * 1e3; tries++) {
		if (tries > 0) {
			pthread_mutex_lock(&ld->lock);
			ld->retries++;
			pthread_mutex_unlock(&ld->lock);
			usleep(tries > 20 ? 100000 : 20000);
		}
		if (c->fd < 0 && node_connect(c, ld->nodes[*at]) < 0) {
			*at = (*at + 1) % ld->nnodes;
			continue;
		}
		if (node_call_leader(c, &q, &r) < 0) {
			*at = (*at + 1) % ld->nnodes;
			continue;
		}
		if (r.type == P_COMMITTED) {
			*height = r.height;
			return 1;
		}
		if (r.type == P_ERROR && r.code == L_ENONCE) {
			*height = 0;	/* our own nonce, used: committed */
			return 1;
		}
		if (r.type != P_ERROR || r.code != P_EAGAIN) {
			warnx_("transfer refused: %s", r.type == P_ERROR ?
			    proto_strerror(r.code) : "unexpected answer");
			return 0;
		}
	}
	return -1;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct load *ld = w->ld;
	struct node_client c = { -1, "", NULL };
	uint64_t mine = 0, height, *nonce;
	uint8_t (*pk)[32], (*sk)[64], buf[TX_MAX_LEN], hex[65];
	struct ledger_tx tx;
	int at = (int)(w->index % (uint64_t)ld->nnodes), res;
	size_t len;
	double t0;
	uint64_t np = 0;

	for (uint64_t i = w->index; i < ld->payers; i += ld->threads)
		np++;
	pk = calloc(np, 32);
	sk = calloc(np, 64);
	nonce = calloc(np, sizeof *nonce);
	if (pk == NULL || sk == NULL || nonce == NULL)
		goto out;
	for (uint64_t k = 0; k < np; k++) {
		payer_key(ld->seed, w->index + k * ld->threads, pk[k], sk[k]);
		nonce[k] = ld->start_nonce[w->index + k * ld->threads];
	}
	for (uint64_t n = w->index; n < ld->count; n += ld->threads, mine++) {
		uint64_t k = mine % np;

		memset(&tx, 0, sizeof tx);
		tx.type = TX_TRANSFER;
		memcpy(tx.payer, pk[k], 32);
		tx.nonce = nonce[k];
		tx.fee = ld->p.base_fee_min;
		memcpy(tx.body.key, ld->to, 32);
		tx.body.a = 1 + n % 1000;
		if (ledger_tx_sign(&tx, ld->p.chain_id, sk[k]) != L_OK ||
		    (len = ledger_tx_encode(&tx, buf, sizeof buf)) == 0)
			break;
		t0 = now_ms();
		res = commit(ld, &c, &at, buf, len, &height);
		pthread_mutex_lock(&ld->lock);
		if (res == 1) {
			ld->lat[ld->acked++] = now_ms() - t0;
			for (int b = 0; b < 32; b++)
				snprintf((char *)hex + 2 * b, 3, "%02x", pk[k][b]);
			if (ld->out != NULL)
				fprintf(ld->out, "%s %llu %llu %llu\n", hex,
				    (unsigned long long)tx.nonce,
				    (unsigned long long)tx.body.a,
				    (unsigned long long)height);
			nonce[k]++;
		} else
			ld->failed++;
		pthread_mutex_unlock(&ld->lock);
		if (res < 0)
			break;		/* the cluster is gone: stop */
	}
out:
	node_close(&c);
	free(c.buf);
	free(pk);
	free(sk);
	free(nonce);
	return NULL;
}

/*
 * Each payer's next nonce, from the leader (a follower may lag): then a
 * transfer refused as "nonce used" can only be one of ours, committed.
 */
static int
start_nonces(struct load *ld)
{
	struct node_client c = { -1, "", NULL };
	struct proto_msg q, r;
	uint8_t pk[32], sk[64];
	int ok = -1;

	/* An election may be under way: ask again for up to 30 s. */
	for (int tries = 0; ok < 0 && tries < 150; tries++) {
		if (tries > 0)
			usleep(200000);
		for (int at = 0; at < ld->nnodes && ok < 0; at++) {
			memset(&q, 0, sizeof q);
			q.type = P_STATUS;
			if (node_connect(&c, ld->nodes[at]) < 0 ||
			    node_call(&c, &q, &r) < 0)
				continue;
			if (r.role != P_ROLE_LEADER &&
			    (r.addr[0] == '\0' || node_connect(&c, r.addr) < 0))
				continue;
			ok = 0;
		}
	}
	memset(&q, 0, sizeof q);
	q.type = P_ACCOUNT;
	for (uint64_t i = 0; ok == 0 && i < ld->payers; i++) {
		payer_key(ld->seed, i, pk, sk);
		memcpy(q.key, pk, 32);
		if (node_call(&c, &q, &r) < 0 || r.type != P_ACCOUNT_R)
			ok = -1;
		else
			ld->start_nonce[i] = r.nonce;
	}
	nc_wipe(sk, sizeof sk);
	node_close(&c);
	free(c.buf);
	if (ok < 0)
		warnx_("no leader answered for the payers' nonces");
	return ok;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
split_nodes(struct load *ld, const char *list)
{
	const char *p = list, *comma;
	size_t n;

	while (*p != '\0' && ld->nnodes < MAX_NODES) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n > P_MAX_ADDR)
			return -1;
		memcpy(ld->nodes[ld->nnodes], p, n);
		ld->nodes[ld->nnodes++][n] = '\0';
		p += n + (comma != NULL);
	}
	return ld->nnodes > 0 ? 0 : -1;
}

int
node_load(const char *nodes, int argc, char **argv)
{
	static const char text[] =
	    "usage: nonos-ledger --node ADDR[,ADDR...] load -g GENESIS --seed S\n"
	    "           --payers P --count N [--threads T] [--to KEY] [--out FILE]\n"
	    "Commits N transfers from P payers (keys from `loadkeys`), T at a time\n"
	    "(default P), to KEY (default the zero key's account, made on first\n"
	    "use); prints the committed rate and the commit latency.\n";
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "payers", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "to", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static struct load ld;
	struct worker *w;
	const char *gen = NULL, *out = NULL;
	double start, secs;
	int c;

	if (cli_want_help(argc, argv, text))
		return 0;
	memset(ld.to, 0x01, 32);
	while ((c = getopt_long(argc, argv, "g:", opts, NULL)) != -1) {
		switch (c) {
		case 'g': gen = optarg; break;
		case 's': if (parse_u64("--seed", optarg, &ld.seed) < 0) return 1;
			break;
		case 'p': if (parse_u64("--payers", optarg, &ld.payers) < 0) return 1;
			break;
		case 'n': if (parse_u64("--count", optarg, &ld.count) < 0) return 1;
			break;
		case 't': if (parse_u64("--threads", optarg, &ld.threads) < 0) return 1;
			break;
		case 'k': if (parse_key("--to", optarg, ld.to) < 0) return 1;
			break;
		case 'o': out = optarg; break;
		default:
			fputs(text, stderr);
			return EXIT_USAGE;
		}
	}
	if (ld.threads == 0)
		ld.threads = ld.payers;
	if (gen == NULL || ld.payers == 0 || ld.count == 0 || optind != argc ||
	    ld.threads > ld.payers || ld.threads > 1024 ||
	    split_nodes(&ld, nodes) < 0) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	if (load_genesis(gen, &ld.p, NULL) < 0)
		return 1;
	if (out != NULL && (ld.out = fopen(out, "w")) == NULL) {
		warnx_("%s: %s", out, strerror(errno));
		return 1;
	}
	ld.lat = calloc(ld.count, sizeof *ld.lat);
	ld.start_nonce = calloc(ld.payers, sizeof *ld.start_nonce);
	w = calloc(ld.threads, sizeof *w);
	if (ld.lat == NULL || ld.start_nonce == NULL || w == NULL) {
		warnx_("out of memory");
		return 1;
	}
	if (start_nonces(&ld) < 0)
		return 1;
	pthread_mutex_init(&ld.lock, NULL);
	start = now_ms();
	for (uint64_t i = 0; i < ld.threads; i++) {
		w[i].ld = &ld;
		w[i].index = i;
		if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0) {
			warnx_("cannot start thread %llu", (unsigned long long)i);
			return 1;
		}
	}
	for (uint64_t i = 0; i < ld.threads; i++)
		pthread_join(w[i].thread, NULL);
	secs = (now_ms() - start) / 1e3;
	if (ld.out != NULL && fclose(ld.out) != 0) {
		warnx_("%s: %s", out, strerror(errno));
		return 1;
	}
	qsort(ld.lat, ld.acked, sizeof *ld.lat, cmp_double);
	printf("load: %llu acknowledged, %llu refused or unanswered, %llu retries "
	    "in %.2f s: %.0f tx/s; commit latency median %.2f ms p99 %.2f ms\n",
	    (unsigned long long)ld.acked, (unsigned long long)ld.failed,
	    (unsigned long long)ld.retries, secs, ld.acked / secs,
	    ld.acked ? ld.lat[ld.acked / 2] : 0,
	    ld.acked ? ld.lat[ld.acked * 99 / 100] : 0);
	return ld.acked == ld.count ? 0 : 1;
}

int
cmd_loadkeys(int argc, char **argv)
{
	static const char text[] = "usage: nonos-ledger loadkeys --seed S -n N\n"
	    "Prints the public keys of the load's payers 0..N-1, one a line.\n";
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t seed = 0, n = 0;
	uint8_t pk[32], sk[64];
	int c;

	if (cli_want_help(argc, argv, text))
		return 0;
	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		switch (c) {
		case 's': if (parse_u64("--seed", optarg, &seed) < 0) return 1;
			break;
		case 'n': if (parse_u64("-n", optarg, &n) < 0) return 1;
			break;
		default:
			fputs(text, stderr);
			return EXIT_USAGE;
		}
	}
	if (n == 0 || n > L_MAX_ACCOUNTS || optind != argc) {
		fputs(text, stderr);
		return EXIT_USAGE;
	}
	for (uint64_t i = 0; i < n; i++) {
		payer_key(seed, i, pk, sk);
		print_hex(pk, 32);
		printf("\n");
	}
	nc_wipe(sk, sizeof sk);
	return 0;
}

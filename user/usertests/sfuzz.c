/*
 * The stateful fuzzer: several processes (spawned copies of usertests in
 * worker mode), each with several threads, pass capabilities to one
 * another over IPC, seal them into tokens on a shared page, unseal the
 * tokens others left there, map each other's frames, kill each other's
 * threads, and end (return, are killed, fault) while the others still hold
 * what came from them. The single-threaded fuzzer in main.c cannot reach
 * these paths: a capability to a dead process's capability space or
 * address space, a token sealed from a process that is gone, a server that
 * took a second call before replying and then died.
 *
 * The parent runs rounds: it starts SF_SEATS workers, kills each at a
 * random tick (or lets it finish its operations), sees every exit, and
 * starts the next round. The hub endpoint and the token board outlive the
 * rounds, so each round meets what earlier ones left; the parent takes
 * messages from the hub too and keeps what they carry across exits. At the
 * end the kernel must still serve and the fuzzer's quota must come back.
 *
 * Seeds are fixed, but four CPUs interleave the workers differently on
 * every run: a crash names the round and the seed to start from, not a
 * replayable sequence.
 */
#include "user/lib/nonos.h"
#include "user/usertests/common.h"

#define SF_ROUNDS	4
#define SF_SEATS	3	/* workers alive at once */
#define SF_HELPERS	2	/* long-lived threads a worker starts besides its first */
#define SF_DYNAMIC	16	/* short-lived threads a worker may start */
#define SF_DYN_OPS	24	/* operations of each short-lived thread */
#define SF_RUN_TICKS	120	/* a round's working time */
#define SF_KILL_TICKS	20	/* after it, every worker left is killed */
#define SF_GRACE_TICKS	300	/* and must have ended this long after it */
#define SF_SEAL_TICKS	100	/* longest lifetime of a seal */
#define SF_WORKER_MEM	(2ULL << 20)
#define SF_TOKENS	40
#define SF_SEED		0x51a7ef0c0ffee123ULL

/* The parent's slots (main.c's groups are done with them by now). */
#define P_QUOTA		40
#define P_HUB		41
#define P_BOARD		42
#define P_CTL		43
#define P_EXIT		44
#define P_TMP		45	/* a worker's quota before spawn; a registration */
#define P_SCRATCH	46
#define P_ECHO		47
#define P_SEAT_CTL	48	/* + seat: its badged registration capability */
#define P_SEAT_EXIT	52	/* + seat: its badged exit notification */
#define P_SEAT_THREAD	56	/* + seat: its first thread */
#define P_REG		64	/* + seat * 8 + k: its other long-lived threads */
#define P_POOL		128	/* what the parent takes from the hub */
#define P_POOL_N	64

/* A worker's slots. */
#define W_HUB		16
#define W_BOARD		17
#define W_CTL		18
#define W_HELPER	20	/* + k, k < SF_HELPERS */
#define W_DYN		24	/* + n, n < SF_DYNAMIC */
#define W_POOL		48	/* the slots random operations work on */
#define W_POOL_N	64

#define BOARD_VA	0x0000340000000000ULL
#define WIN_VA		0x0000350000000000ULL	/* + k * WIN_STRIDE, k < WIN_N */
#define WIN_STRIDE	0x10000ULL		/* room for a frame of 16 pages */
#define WIN_N		8

enum { C_CALLS, C_TRANSFERS, C_SEALS, C_UNSEALS, C_THREADS, C_KILLS, C_COUNT };

/*
 * The shared page. Workers write to offset 0 of any frame they map
 * writable, and the board may be one of them: scratch takes those writes.
 */
struct board {
	uint8_t scratch[64];
	volatile uint64_t stop;		/* workers stop their operations at this tick */
	volatile uint64_t ops;		/* operations of each long-lived thread */
	uint64_t count[C_COUNT];
	uint8_t token[SF_TOKENS][80];
};

_Static_assert(sizeof(struct board) <= USER_PAGE, "the board is one page");

#define B	((struct board *)BOARD_VA)

static void
count(int what)
{
	__atomic_fetch_add(&B->count[what], 1, __ATOMIC_RELAXED);
}

/* --- The worker: random operations in every thread ------------------------ */

static volatile int registered;
static uint64_t dyn_next;
static uint8_t helper_stack[SF_HELPERS][16384] __attribute__((aligned(16)));
static uint8_t dyn_stack[SF_DYNAMIC][8192] __attribute__((aligned(16)));

static uint64_t
pool(uint64_t *s)
{
	return W_POOL + xorshift64(s) % W_POOL_N;
}

/*
 * A capability to pass on, seal or derive from: mostly the pool, sometimes
 * one of the process's own (its capability space and address space above
 * all: those must survive the process in whoever holds them).
 */
static uint64_t
any_src(uint64_t *s)
{
	switch (xorshift64(s) % 20) {
	case 0: case 1: return SLOT_CNODE;
	case 2: case 3: return SLOT_VSPACE;
	case 4: return SLOT_THREAD;
	case 5: return SLOT_MEMORY;
	case 6: return W_HUB;
	case 7: return W_BOARD;
	default: return pool(s);
	}
}

/* A slot to delete or move: never the quota or the first thread. */
static uint64_t
victim(uint64_t *s)
{
	switch (xorshift64(s) % 16) {
	case 0: return SLOT_CNODE;
	case 1: return SLOT_VSPACE;
	default: return pool(s);
	}
}

static uint64_t
endpoint(uint64_t *s)
{
	return xorshift64(s) % 2 == 0 ? W_HUB : pool(s);
}

static uint64_t
memory(uint64_t *s)
{
	return xorshift64(s) % 5 == 0 ? pool(s) : SLOT_MEMORY;
}

static uint64_t
cap_tag(uint64_t *s)
{
	return TAG_CAP | (any_src(s) << 40) | (xorshift64(s) & 0xffff);
}

static void
received(const struct msg *m)
{
	if ((m->tag & TAG_CAP) && !(m->tag & TAG_CAP_DROPPED))
		count(C_TRANSFERS);
}

static void dyn_main(uint64_t seed);

/*
 * Operations that wait: IPC that may never complete (the parent kills
 * such threads at the end of the round) and a wait bounded by a timer.
 */
static void
blocking_op(uint64_t *s)
{
	uint64_t n, r = xorshift64(s);
	struct msg m;

	switch (r % 5) {
	case 0:
		if (ipc_call(endpoint(s), cap_tag(s) | (pool(s) << 48), r, 0, &m) == E_OK)
			received(&m);
		break;
	case 1:
		if (ipc_recv(endpoint(s), pool(s), &m) == E_OK)
			received(&m);
		break;
	case 2:
		ipc_send(endpoint(s), cap_tag(s), r, 0);
		break;
	case 3:
		n = pool(s);
		if (syscall6(SYS_TIMER_NOTIFY, n, 1 + r % 8, 0, 0, 0, 0) == E_OK)
			notify_wait(n);
		break;
	default:
		if (ipc_reply_recv(endpoint(s), cap_tag(s) | (pool(s) << 48), r, 0, &m) == E_OK)
			received(&m);
		break;
	}
}

static void
fuzz_op(uint64_t *s, int may_block)
{
	uint8_t tok[80];
	uint64_t r = xorshift64(s), a, va;
	struct msg m;
	int64_t err;

	count(C_CALLS);
	switch (r % 22) {
	case 0:
		endpoint_create(memory(s), pool(s));
		break;
	case 1:
		notification_create(memory(s), pool(s));
		break;
	case 2:
		frame_create(memory(s), pool(s), 1 + (r >> 8) % 4);
		break;
	case 3:
		memory_split(memory(s), pool(s), 4096ULL << ((r >> 8) % 5));
		break;
	case 4:
		cap_derive(any_src(s), pool(s), (r >> 8) & RIGHTS_ALL,
		    (r >> 16) % 3 ? 0 : (r >> 20) % 100);
		break;
	case 5:
		cap_move(victim(s), pool(s));
		break;
	case 6:
		cap_delete(victim(s));
		break;
	case 7:
		a = any_src(s);
		if (a != SLOT_THREAD)	/* the parent's handle on us is a child */
			cap_revoke(a);
		break;
	case 8:
		if (cap_seal(any_src(s), (r >> 8) & RIGHTS_ALL,
		    1 + (r >> 16) % SF_SEAL_TICKS, tok) == E_OK) {
			memcpy(B->token[(r >> 32) % SF_TOKENS], tok, sizeof(tok));
			count(C_SEALS);
		}
		break;
	case 9:
		/* Straight from the shared page: another worker may be writing it. */
		if (cap_unseal(B->token[(r >> 8) % SF_TOKENS], pool(s)) == E_OK)
			count(C_UNSEALS);
		break;
	case 10: case 11:
		syscall6(SYS_NBSEND, endpoint(s), cap_tag(s), r, r >> 8, 0, 0);
		break;
	case 12:
		if (ipc_nbrecv(endpoint(s), pool(s), &m) == E_OK) {
			received(&m);
			if (r & 0x100)
				ipc_reply(cap_tag(s), r, 0);
		}
		break;
	case 13:
		ipc_reply(cap_tag(s), r, 0);	/* to a call taken long ago, or none */
		break;
	case 14:
		va = WIN_VA + ((r >> 8) % WIN_N) * WIN_STRIDE;
		err = map(pool(s), va, (r & 0x10000) ? RIGHT_READ : RIGHT_READ | RIGHT_WRITE);
		if (err == E_OK && !(r & 0x10000))
			*(volatile uint8_t *)va = 1;	/* may fault if unmapped meanwhile */
		break;
	case 15:
		unmap(pool(s), WIN_VA + ((r >> 8) % WIN_N) * WIN_STRIDE);
		break;
	case 16:
		a = pool(s);
		if ((r >> 8) % 3 == 0)
			notify_signal(a);
		else if ((r >> 8) % 3 == 1)
			notify_poll(a);
		else
			syscall6(SYS_TIMER_NOTIFY, a, 1 + (r >> 16) % 20, 0, 0, 0, 0);
		break;
	case 17:
		a = __atomic_fetch_add(&dyn_next, 1, __ATOMIC_RELAXED);
		if (a < SF_DYNAMIC && thread_create(SLOT_MEMORY, W_DYN + a, dyn_main,
		    dyn_stack[a] + sizeof(dyn_stack[a]) - 8, r | 1) == E_OK)
			count(C_THREADS);
		break;
	case 18:
		a = (r >> 8) & 1 ? pool(s) : W_DYN + (r >> 9) % SF_DYNAMIC;
		if (thread_kill(a, 0) == E_OK)
			count(C_KILLS);
		break;
	case 19: case 20:
		if (may_block)
			blocking_op(s);
		else
			yield();
		break;
	default:
		if ((r >> 8) % 64 == 0)
			thread_exit();
		cap_info(pool(s), (struct cap_info *)(void *)tok);
		break;
	}
}

static void
fuzz_loop(uint64_t seed, int may_block, uint64_t ops)
{
	for (uint64_t i = 0; i < ops && ticks() < B->stop; i++)
		fuzz_op(&seed, may_block);
}

/* A short-lived thread: a few operations that never wait, then its end. */
static void
dyn_main(uint64_t seed)
{
	fuzz_loop(seed, 0, SF_DYN_OPS);
	thread_exit();
}

/*
 * A long-lived thread: it may wait for ever, so it starts only once the
 * parent holds its capability and can kill it.
 */
static void
helper_main(uint64_t seed)
{
	while (!registered) {
		if (ticks() >= B->stop)
			thread_exit();
		yield();
	}
	fuzz_loop(seed, 1, B->ops);
	thread_exit();
}

/*
 * A worker: main's argument carries its seed. It maps the board, starts
 * its long-lived threads and hands the parent a capability to each, then
 * fuzzes in its first thread too. The process ends when its last thread
 * does.
 */
int
sfuzz_worker(uint64_t arg)
{
	uint64_t seed = ((uint64_t)(uint32_t)arg * 0x9e3779b97f4a7c15ULL) | 1;
	int64_t err;

	if (map(W_BOARD, BOARD_VA, RIGHT_READ | RIGHT_WRITE) != E_OK)
		return 1;
	for (uint64_t k = 0; k < SF_HELPERS; k++) {
		err = thread_create(SLOT_MEMORY, W_HELPER + k, helper_main,
		    helper_stack[k] + sizeof(helper_stack[k]) - 8, seed + 2 * k + 2);
		ipc_send(W_CTL, err == E_OK ? TAG_CAP | ((W_HELPER + k) << 40) : 0, k, 0);
	}
	registered = 1;
	fuzz_loop(seed, 1, B->ops);
	return 0;
}

/* --- The parent: rounds of workers ----------------------------------------- */

struct seat {
	int live;
	int reg;		/* long-lived threads registered */
	uint64_t kill_at;	/* tick of its kill; ~0: let it finish */
};

static struct seat seats[SF_SEATS];
static uint64_t prng = SF_SEED;
static uint64_t processes, exits, parent_kills, stuck, spawn_failures, changed;

/*
 * What each pool slot named when the parent took it. A capability never
 * changes its object: if cap_info later reports another type or id, the
 * kernel read an object that had been freed (say, the capability space
 * of a worker that has ended) and reused.
 */
static struct cap_info pool_seen[P_POOL_N];

static void
pool_note(uint64_t slot)
{
	if (cap_info(slot, &pool_seen[slot - P_POOL]) != E_OK)
		pool_seen[slot - P_POOL].type = CAP_NULL;
}

static void
pool_check(uint64_t slot)
{
	struct cap_info *was = &pool_seen[slot - P_POOL], now;

	if (was->type == CAP_NULL || cap_info(slot, &now) != E_OK)
		return;		/* empty, or revoked from a worker meanwhile */
	if (now.type != was->type || now.object_id != was->object_id) {
		printf("usertests:   stateful fuzzer: slot %llu held type %u id %llu, "
		    "now type %u id %llu\n", (unsigned long long)slot, was->type,
		    (unsigned long long)was->object_id, now.type,
		    (unsigned long long)now.object_id);
		changed++;
		was->type = CAP_NULL;
	}
}

static int64_t
spawn_worker(int s, uint64_t seed)
{
	const struct spawn_cap caps[4] = {
		{ P_HUB, W_HUB, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0 },
		{ P_BOARD, W_BOARD, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0 },
		{ P_SEAT_CTL + s, W_CTL, RIGHT_WRITE | RIGHT_GRANT, 0 },
		{ SLOT_CONSOLE, SLOT_CONSOLE, RIGHT_WRITE, 0 },
	};
	int64_t err;

	if ((err = memory_split(P_QUOTA, P_TMP, SF_WORKER_MEM)) != E_OK)
		return err;
	err = spawn_full(SLOT_SPAWN, "usertests", P_TMP, P_SEAT_THREAD + s, P_SEAT_EXIT + s,
	    (SFUZZ_WORKER_TAG << 32) | (uint32_t)seed, 5, caps, 4);
	cap_delete(P_TMP);	/* still ours if the spawn failed */
	return err;
}

/* Takes the workers' registrations: one capability per long-lived thread. */
static void
take_registrations(void)
{
	struct msg m;

	while (ipc_nbrecv(P_CTL, P_TMP, &m) == E_OK) {
		uint64_t s = m.badge - 1, k = m.w[0];

		if (s < SF_SEATS && k < 8) {
			seats[s].reg++;
			if (cap_move(P_TMP, P_REG + s * 8 + k) == E_OK)
				continue;
		}
		cap_delete(P_TMP);
	}
}

static void
kill_seat(int s)
{
	if (thread_kill(P_SEAT_THREAD + s, 0) == E_OK)
		parent_kills++;
	for (int k = 0; k < 8; k++)
		thread_kill(P_REG + s * 8 + k, 0);
}

static void
release_seat(int s)
{
	cap_delete(P_SEAT_THREAD + s);
	for (int k = 0; k < 8; k++)
		cap_delete(P_REG + s * 8 + k);
	seats[s].live = 0;
}

/*
 * The parent's own share: it takes what the hub offers into its pool,
 * answers calls with a capability from the pool (often one from a worker
 * that has ended), and seals, unseals and drops pool capabilities.
 */
static void
parent_step(void)
{
	uint64_t r = xorshift64(&prng);
	uint64_t slot = P_POOL + (r >> 8) % P_POOL_N, other = P_POOL + (r >> 16) % P_POOL_N;
	struct msg m;

	pool_check(slot);
	pool_check(other);
	if (ipc_nbrecv(P_HUB, slot, &m) == E_OK) {
		received(&m);
		pool_note(slot);
		if (r & 1)
			ipc_reply(TAG_CAP | (other << 40), r, 0);
	}
	switch ((r >> 24) % 8) {
	case 0:
		if (cap_seal(other, RIGHTS_ALL, 1 + (r >> 32) % SF_SEAL_TICKS,
		    B->token[(r >> 40) % SF_TOKENS]) == E_OK)
			count(C_SEALS);
		break;
	case 1:
		if (cap_unseal(B->token[(r >> 40) % SF_TOKENS], other) == E_OK) {
			count(C_UNSEALS);
			pool_note(other);
		}
		break;
	case 2:
		cap_delete(other);
		pool_seen[other - P_POOL].type = CAP_NULL;
		break;
	default:
		break;
	}
}

static void
run_round(int round, uint64_t ops)
{
	uint64_t bits = 0, end;
	int64_t w;
	int live = 0;

	B->ops = ops;
	B->stop = ticks() + SF_RUN_TICKS;
	for (int s = 0; s < SF_SEATS; s++) {
		uint64_t r = xorshift64(&prng);

		seats[s].reg = 0;
		seats[s].kill_at = r % 3 == 0 ? ~0ULL : ticks() + 10 + (r >> 8) % SF_RUN_TICKS;
		if ((w = spawn_worker(s, r >> 32)) > 1) {
			seats[s].live = 1;
			processes++;
			live++;
		} else {
			printf("usertests:   stateful fuzzer: round %d seat %d: spawn: %s\n",
			    round, s, err_name(w));
			spawn_failures++;
		}
	}
	end = B->stop + SF_KILL_TICKS + SF_GRACE_TICKS;
	while (live > 0 && ticks() < end) {
		uint64_t now = ticks();

		take_registrations();
		if ((w = notify_poll(P_EXIT)) > 0)
			bits |= (uint64_t)w;
		for (int s = 0; s < SF_SEATS; s++) {
			if (!seats[s].live)
				continue;
			if (bits & (1ULL << s)) {
				release_seat(s);
				exits++;
				live--;
			} else if (now >= B->stop + SF_KILL_TICKS ||
			    (now >= seats[s].kill_at && seats[s].reg == SF_HELPERS)) {
				kill_seat(s);
			}
		}
		parent_step();
		sleep_ticks(1);
	}
	for (int s = 0; s < SF_SEATS; s++) {
		if (seats[s].live) {
			printf("usertests:   stateful fuzzer: round %d seat %d never ended\n",
			    round, s);
			stuck++;
			release_seat(s);
		}
	}
}

/* The end check's server: answers one call with its word plus one. */
static void
echo_once(uint64_t ep)
{
	struct msg m;

	if (ipc_recv(ep, 0, &m) == E_OK)
		ipc_reply(0, m.w[0] + 1, 0);
	thread_exit();
}

static uint8_t echo_stack[8192] __attribute__((aligned(16)));

void
test_stateful_fuzz(void)
{
	uint64_t info[2] = { 0, 0 }, ops = fuzz_iterations / 20, t0 = ticks();
	struct msg m;
	int rounds;

	if (ops < 10)
		ops = 10;
	/*
	 * What the parent keeps from a worker holds that worker's quota
	 * until the end: enough for every worker of every round.
	 */
	expect("fuzz quota", memory_split(SLOT_MEMORY, P_QUOTA,
	    SF_ROUNDS * SF_SEATS * SF_WORKER_MEM + (1 << 20)), E_OK);
	expect("hub", endpoint_create(P_QUOTA, P_HUB), E_OK);
	expect("registrations", endpoint_create(P_QUOTA, P_CTL), E_OK);
	expect("exit notification", notification_create(P_QUOTA, P_EXIT), E_OK);
	expect("board", frame_create(P_QUOTA, P_BOARD, 1), E_OK);
	expect("board mapped", map(P_BOARD, BOARD_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	for (int s = 0; s < SF_SEATS; s++) {
		expect("seat's registration cap",
		    cap_derive(P_CTL, P_SEAT_CTL + s, RIGHT_WRITE | RIGHT_GRANT, s + 1), E_OK);
		expect("seat's exit cap",
		    cap_derive(P_EXIT, P_SEAT_EXIT + s, RIGHT_WRITE, 1ULL << s), E_OK);
	}
	for (rounds = 0; rounds < SF_ROUNDS; rounds++)
		run_round(rounds, ops);

	/* Let every seal expire, then drop what the parent still holds. */
	sleep_ticks(SF_SEAL_TICKS + 2);
	for (int i = 0; i < SF_TOKENS; i++) {
		if (cap_unseal(B->token[i], P_SCRATCH) == E_OK) {
			expect("a token outlived its lifetime", E_OK, E_EXPIRED);
			cap_delete(P_SCRATCH);
		}
	}
	for (uint64_t s = P_POOL; s < P_POOL + P_POOL_N; s++) {
		pool_check(s);
		cap_delete(s);
	}
	/* Expired seals hold their objects until the next seal sweeps them. */
	expect("a last seal", cap_derive(SLOT_CONSOLE, P_SCRATCH, RIGHT_WRITE | RIGHT_GRANT, 0), E_OK);
	expect("seal", cap_seal(P_SCRATCH, RIGHT_WRITE, 1, B->token[0]), E_OK);
	cap_revoke(P_SCRATCH);
	cap_delete(P_SCRATCH);

	printf("usertests: stateful fuzzer: %d rounds, %llu processes, %llu calls, "
	    "%llu transfers, %llu seals, %llu unseals, %llu threads, %llu kills, "
	    "%llu exits in %llu ticks; ",
	    rounds, (unsigned long long)processes, (unsigned long long)B->count[C_CALLS],
	    (unsigned long long)B->count[C_TRANSFERS], (unsigned long long)B->count[C_SEALS],
	    (unsigned long long)B->count[C_UNSEALS], (unsigned long long)B->count[C_THREADS],
	    (unsigned long long)(B->count[C_KILLS] + parent_kills),
	    (unsigned long long)exits, (unsigned long long)(ticks() - t0));
	unmap(P_BOARD, BOARD_VA);
	for (int s = 0; s < SF_SEATS; s++) {
		cap_delete(P_SEAT_CTL + s);
		cap_delete(P_SEAT_EXIT + s);
	}
	cap_delete(P_BOARD);
	cap_delete(P_EXIT);
	cap_delete(P_CTL);
	cap_delete(P_HUB);
	quota_settles(P_QUOTA, 0);
	expect("fuzz quota info", memory_info(P_QUOTA, info), E_OK);
	printf("quota in use afterwards %llu bytes\n", (unsigned long long)info[1]);
	expect("quota in use afterwards", (int64_t)info[1], 0);
	expect("every spawn worked", (int64_t)spawn_failures, 0);
	expect("every worker ended", (int64_t)stuck, 0);
	expect("capabilities that changed their object", (int64_t)changed, 0);
	expect_true("workers ran", processes == (uint64_t)SF_ROUNDS * SF_SEATS &&
	    exits == processes);
	cap_delete(P_QUOTA);

	/* The kernel still serves: a fresh endpoint and a call round trip. */
	expect("still alive", endpoint_create(SLOT_MEMORY, P_SCRATCH), E_OK);
	expect("echo thread", thread_create(SLOT_MEMORY, P_ECHO, echo_once,
	    echo_stack + sizeof(echo_stack) - 8, P_SCRATCH), E_OK);
	expect("round trip", ipc_call(P_SCRATCH, 0, 41, 0, &m), E_OK);
	expect("its answer", (int64_t)m.w[0], 42);
	cap_delete(P_ECHO);
	cap_delete(P_SCRATCH);
}

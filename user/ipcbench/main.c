/*
 * ipcbench: what a null system call, an IPC call/reply round trip and a
 * context switch cost, in TSC cycles, for bench/ipc/run.
 *
 * The partner ("server") runs twice: as a second process, a copy of this
 * module started with SYS_SPAWN and given an endpoint and two
 * notifications, and as a second thread of this process. The process
 * figures include the address-space switch; the thread figures show what
 * it costs by leaving it out.
 *
 * Each figure is ROUNDS rounds of OPS_NULL or OPS_PAIR operations after
 * one round of warm-up; a round's TSC delta over its operations is its
 * per-op cost, and the lines give the median (cycles=), mean and minimum
 * of those, in hundredths, with the raw round totals:
 *   ipcbench: null_syscall cycles=NNN.NN mean=... min=... rounds=R ops=N raw=T1,...
 * then "ipcbench: done".
 *
 * main's argument: 0 runs the benchmark; N > 0 runs N round trips to the
 * server process, then N to the server thread, each between two marker
 * instructions that the QEMU plugin bench/ipc/insncount.c counts between;
 * ARG_SERVER | slot is the server process's, slot naming its endpoint.
 */
#include "lib/fmt/fmt.h"
#include "user/lib/nonos.h"

/*
 * Round trips cost far more than a null call, and the Linux peer's
 * (bench/ipc/linux_bench.c, same counts) dominate bench/ipc/run's time
 * under emulation: fewer of them per round.
 */
#define ROUNDS		10
#define OPS_NULL	10000
#define OPS_PAIR	2000

/*
 * A partner's three capabilities sit in consecutive slots: endpoint,
 * PING (client to server) and PONG (server to client). The server process
 * gets its set at the same slot numbers as ours.
 */
#define SET_PROC	SLOT_FIRST_FREE
#define SET_THREAD	(SLOT_FIRST_FREE + 3)
#define EP(set)		(set)
#define PING(set)	((set) + 1)
#define PONG(set)	((set) + 2)
#define SLOT_SERVER_THREAD	(SLOT_FIRST_FREE + 6)
#define SLOT_CHILD_THREAD	(SLOT_FIRST_FREE + 7)
#define SLOT_QUOTA		(SLOT_FIRST_FREE + 8)

#define ARG_SERVER	(1ULL << 63)
#define CHILD_QUOTA	(4ULL << 20)	/* page tables, stack, our image */
/* The kernel starts the root task (us) at 10: kernel/main.c. */
#define PRIORITY	10

#define OP_ECHO		1	/* reply with w0 + 1 */
#define OP_SWITCH	2	/* reply, then ping-pong on notifications */

/*
 * Markers for the plugin: NOPs with a displacement no compiler emits.
 * Their bytes are 0f 1f 80 followed by the 32-bit displacement.
 */
#define MARK_START()	__asm__ volatile("nopl 0x4e4f0001(%%rax)" ::: "memory")
#define MARK_STOP()	__asm__ volatile("nopl 0x4e4f0002(%%rax)" ::: "memory")

static uint8_t server_stack[16384] __attribute__((aligned(16)));

/*
 * Cleared when the server thread fails; the server process has its own
 * copy and says so on the console instead. Initialized, so it lands in
 * .data: user/user.ld page-aligns .data but not .bss, and without a
 * .data section the kernel would refuse our misaligned .bss segment.
 */
static volatile int server_ok = 1;

/* LFENCE keeps RDTSC from being hoisted above the work it times. */
static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/*
 * The partner, on the set of slots set. It answers OP_ECHO calls until an
 * OP_SWITCH call; then it answers each signal on PING with a signal on
 * PONG. It never returns: main kills it.
 */
static void
serve(uint64_t set)
{
	struct msg m;
	int64_t err;

	err = ipc_recv(EP(set), SLOT_NULL, &m);
	while (err == E_OK && m.tag == OP_ECHO)
		err = ipc_reply_recv(EP(set), 0, m.w[0] + 1, 0, &m);
	if (err != E_OK) {
		server_ok = 0;
		printf("ipcbench: server: %s\n", err_name(err));
		thread_exit();
	}
	/*
	 * OP_SWITCH: the call brought us onto the caller's CPU. With one
	 * CPU (bench/ipc/run's default) the ping-pong below stays there;
	 * with more, an idle CPU may take whichever side sits ready in the
	 * run queue between its partner's signal and wait, and the
	 * ping-pong then crosses CPUs.
	 */
	ipc_reply(0, 0, 0);
	for (;;) {
		if (notify_wait(PING(set)) < 0 || notify_signal(PONG(set)) != E_OK) {
			server_ok = 0;
			thread_exit();
		}
	}
}

static int64_t
make_set(uint64_t set)
{
	int64_t err;

	if ((err = endpoint_create(SLOT_MEMORY, EP(set))) != E_OK ||
	    (err = notification_create(SLOT_MEMORY, PING(set))) != E_OK)
		return err;
	return notification_create(SLOT_MEMORY, PONG(set));
}

/* Starts this module again as the server process on SET_PROC. */
static int64_t
spawn_server(void)
{
	struct spawn_args a;
	const struct spawn_cap caps[] = {
		{ SLOT_CONSOLE, SLOT_CONSOLE, RIGHT_WRITE, 0 },
		{ EP(SET_PROC), EP(SET_PROC), RIGHT_READ, 0 },
		{ PING(SET_PROC), PING(SET_PROC), RIGHT_READ, 0 },
		{ PONG(SET_PROC), PONG(SET_PROC), RIGHT_WRITE, 0 },
	};
	int64_t err;

	if ((err = memory_split(SLOT_MEMORY, SLOT_QUOTA, CHILD_QUOTA)) != E_OK)
		return err;
	memset(&a, 0, sizeof(a));
	memcpy(a.module, "ipcbench", sizeof("ipcbench"));
	a.memory = SLOT_QUOTA;
	a.thread_dst = SLOT_CHILD_THREAD;
	a.arg = ARG_SERVER | SET_PROC;
	a.priority = PRIORITY;
	a.ncaps = sizeof(caps) / sizeof(caps[0]);
	memcpy(a.caps, caps, sizeof(caps));
	err = spawn_process(SLOT_SPAWN, &a);
	return err < 0 ? err : E_OK;
}

static void
sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint64_t x = v[i];
		int j;

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * Prints one figure. total[r] is round r's TSC delta for ops operations,
 * each of which is per_op events (2 for a round trip counted as
 * switches). Per-op values are kept in hundredths of a cycle.
 */
static void
report(const char *name, const uint64_t *total, int ops, uint64_t per_op,
    const char *note)
{
	uint64_t h[ROUNDS], sum = 0, med, mean;
	char raw[ROUNDS * 21 + 1];
	size_t n = 0;

	for (int r = 0; r < ROUNDS; r++) {
		h[r] = total[r] * 100 / ((uint64_t)ops * per_op);
		sum += h[r];
		n += fmt_snprintf(raw + n, sizeof(raw) - n, "%s%llu", r ? "," : "",
		    (unsigned long long)total[r]);
	}
	sort(h, ROUNDS);
	med = (h[(ROUNDS - 1) / 2] + h[ROUNDS / 2]) / 2;
	mean = sum / ROUNDS;
	printf("ipcbench: %s cycles=%llu.%02llu mean=%llu.%02llu min=%llu.%02llu"
	    " rounds=%d ops=%d raw=%s\n", name,
	    (unsigned long long)(med / 100), (unsigned long long)(med % 100),
	    (unsigned long long)(mean / 100), (unsigned long long)(mean % 100),
	    (unsigned long long)(h[0] / 100), (unsigned long long)(h[0] % 100),
	    ROUNDS, ops, raw);
	printf("ipcbench:   (%s)\n", note);
}

static void
bench_null(void)
{
	uint64_t total[ROUNDS], t0;

	for (int r = -1; r < ROUNDS; r++) {
		t0 = rdtsc();
		for (int i = 0; i < OPS_NULL; i++)
			syscall_null();
		if (r >= 0)
			total[r] = rdtsc() - t0;
	}
	report("null_syscall", total, OPS_NULL, 1, "SYS_NULL: entry, dispatch, exit");
}

static int
bench_ipc(const char *name, uint64_t set, const char *note)
{
	uint64_t total[ROUNDS], t0, bad = 0;
	struct msg m;

	for (int r = -1; r < ROUNDS; r++) {
		t0 = rdtsc();
		for (uint64_t i = 0; i < OPS_PAIR; i++) {
			if (ipc_call(EP(set), OP_ECHO, i, 0, &m) != E_OK ||
			    m.w[0] != i + 1)
				bad++;
		}
		if (r >= 0)
			total[r] = rdtsc() - t0;
	}
	if (bad) {
		printf("ipcbench: %s: %llu calls failed\n", name,
		    (unsigned long long)bad);
		return -1;
	}
	report(name, total, OPS_PAIR, 1, note);
	return 0;
}

/* Ends the partner's OP_ECHO loop and times its notification ping-pong. */
static int
bench_switch(const char *name, uint64_t set, const char *note)
{
	uint64_t total[ROUNDS], t0;

	if (ipc_call(EP(set), OP_SWITCH, 0, 0, NULL) != E_OK)
		return -1;
	for (int r = -1; r < ROUNDS; r++) {
		t0 = rdtsc();
		for (int i = 0; i < OPS_PAIR; i++) {
			notify_signal(PING(set));
			notify_wait(PONG(set));
		}
		if (r >= 0)
			total[r] = rdtsc() - t0;
	}
	if (!server_ok)
		return -1;
	/* A signal/wait round trip is two switches. */
	report(name, total, OPS_PAIR, 2, note);
	return 0;
}

/* n marked round trips to each partner, for the instruction-count plugin. */
static void
count_mode(uint64_t n)
{
	static const uint64_t sets[] = { SET_PROC, SET_THREAD };
	struct msg m;

	for (int s = 0; s < 2; s++) {
		/* Warm up: fault pages in, fill the emulator's caches. */
		for (int i = 0; i < 100; i++)
			ipc_call(EP(sets[s]), OP_ECHO, 0, 0, &m);
		for (uint64_t i = 0; i < n; i++) {
			MARK_START();
			ipc_call(EP(sets[s]), OP_ECHO, i, 0, &m);
			MARK_STOP();
		}
	}
	printf("ipcbench: marked %llu round trips to the server process, then"
	    " %llu to the server thread\n", (unsigned long long)n,
	    (unsigned long long)n);
}

int
main(uint64_t arg)
{
	int64_t err;

	if (arg & ARG_SERVER) {
		serve(arg & ~ARG_SERVER);
		return 0;
	}
	if ((err = make_set(SET_PROC)) != E_OK || (err = make_set(SET_THREAD)) != E_OK ||
	    (err = spawn_server()) != E_OK ||
	    (err = thread_create(SLOT_MEMORY, SLOT_SERVER_THREAD, serve,
	    server_stack + sizeof(server_stack), SET_THREAD)) != E_OK) {
		printf("ipcbench: setup: %s\n", err_name(err));
		return 1;
	}
	if (arg > 0) {
		count_mode(arg);
	} else {
		printf("ipcbench: TSC cycles per operation; %d rounds after one"
		    " warm-up round\n", ROUNDS);
		bench_null();
		if (bench_ipc("ipc_roundtrip", SET_PROC,
		    "call/reply between two processes") != 0 ||
		    bench_ipc("ipc_roundtrip_threads", SET_THREAD,
		    "call/reply between two threads of one process: no address-space"
		    " switch") != 0 ||
		    bench_switch("context_switch", SET_PROC,
		    "notification ping-pong between two processes on one CPU, per"
		    " switch, with one signal and one wait system call") != 0 ||
		    bench_switch("context_switch_threads", SET_THREAD,
		    "the same between two threads of one process") != 0)
			printf("ipcbench: FAILED\n");
	}
	thread_kill(SLOT_CHILD_THREAD, 0);
	thread_kill(SLOT_SERVER_THREAD, 0);
	printf("ipcbench: done\n");
	return 0;
}

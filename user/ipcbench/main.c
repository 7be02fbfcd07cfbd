/*
 * ipcbench: what a null system call, an IPC call/reply round trip and a
 * context switch cost, in TSC cycles, for bench/ipc/run.
 *
 * The kernel starts one root task and has no call that creates a
 * process, so the IPC partner is a second thread of this process: the
 * round trip crosses the kernel twice and switches thread twice, but
 * never changes address space. The output says so.
 *
 * Each figure is ROUNDS rounds of OPS operations after one round of
 * warm-up; a round's TSC delta over OPS is its per-op cost, and the
 * lines give the median (cycles=), mean and minimum of those, in
 * hundredths, with the raw round totals:
 *   ipcbench: null_syscall cycles=NNN.NN mean=... min=... rounds=R ops=N raw=T1,...
 * then "ipcbench: done".
 *
 * main's argument N > 0 selects the instruction-count mode instead: N
 * round trips, each between two marker instructions that the QEMU plugin
 * bench/ipc/insncount.c watches for.
 */
#include "lib/fmt/fmt.h"
#include "user/lib/nonos.h"

#define ROUNDS		10
#define OPS		10000

#define SLOT_EP		8
#define SLOT_PING	9	/* client -> server notification */
#define SLOT_PONG	10	/* server -> client notification */
#define SLOT_SERVER	11

#define OP_ECHO		1	/* reply with w0 + 1 */
#define OP_SWITCH	2	/* reply, then ping-pong on notifications */

/*
 * Markers for the plugin: NOPs with an immediate no compiler emits.
 * Their bytes are 0f 1f 80 followed by the 32-bit displacement.
 */
#define MARK_START()	__asm__ volatile("nopl 0x4e4f0001(%%rax)" ::: "memory")
#define MARK_STOP()	__asm__ volatile("nopl 0x4e4f0002(%%rax)" ::: "memory")

static uint8_t server_stack[16384] __attribute__((aligned(16)));
static volatile int server_failed;

/* LFENCE keeps RDTSC from being hoisted above the work it times. */
static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/*
 * The IPC partner. It answers OP_ECHO calls until an OP_SWITCH call;
 * then it answers each signal on PING with a signal on PONG. It never
 * returns: main kills it.
 */
static void
server(uint64_t arg)
{
	struct msg m;
	int64_t err;

	(void)arg;
	err = ipc_recv(SLOT_EP, SLOT_NULL, &m);
	while (err == E_OK && m.tag == OP_ECHO)
		err = ipc_reply_recv(SLOT_EP, 0, m.w[0] + 1, 0, &m);
	if (err != E_OK) {
		server_failed = 1;
		printf("ipcbench: server: %s\n", strerror(err));
		thread_exit();
	}
	/*
	 * OP_SWITCH: the call brought us onto the caller's CPU, and a
	 * blocked thread stays on its CPU, so the ping-pong below switches
	 * between two threads of one CPU, not across CPUs.
	 */
	ipc_reply(0, 0, 0);
	for (;;) {
		if (notify_wait(SLOT_PING) < 0 || notify_signal(SLOT_PONG) != E_OK) {
			server_failed = 1;
			thread_exit();
		}
	}
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
 * Prints one figure. total[r] is round r's TSC delta for OPS operations,
 * each of which is per_op events (2 for a round trip counted as
 * switches). Per-op values are kept in hundredths of a cycle.
 */
static void
report(const char *name, const uint64_t *total, uint64_t per_op, const char *note)
{
	uint64_t h[ROUNDS], sum = 0, med, mean;
	char raw[ROUNDS * 21 + 1];
	size_t n = 0;

	for (int r = 0; r < ROUNDS; r++) {
		h[r] = total[r] * 100 / (OPS * per_op);
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
	    ROUNDS, OPS, raw);
	if (note)
		printf("ipcbench:   (%s)\n", note);
}

static void
bench_null(void)
{
	uint64_t total[ROUNDS], t0;

	for (int r = -1; r < ROUNDS; r++) {
		t0 = rdtsc();
		for (int i = 0; i < OPS; i++)
			syscall6(SYS_NULL, 0, 0, 0, 0, 0, 0);
		if (r >= 0)
			total[r] = rdtsc() - t0;
	}
	report("null_syscall", total, 1, NULL);
}

static int
bench_ipc(void)
{
	uint64_t total[ROUNDS], t0, bad = 0;
	struct msg m;

	for (int r = -1; r < ROUNDS; r++) {
		t0 = rdtsc();
		for (uint64_t i = 0; i < OPS; i++) {
			if (ipc_call(SLOT_EP, OP_ECHO, i, 0, &m) != E_OK || m.w[0] != i + 1)
				bad++;
		}
		if (r >= 0)
			total[r] = rdtsc() - t0;
	}
	if (bad) {
		printf("ipcbench: ipc_roundtrip: %llu calls failed\n",
		    (unsigned long long)bad);
		return -1;
	}
	report("ipc_roundtrip", total, 1,
	    "call/reply between two threads of one process: the kernel has no"
	    " process creation yet, so no address-space switch is included");
	return 0;
}

static int
bench_switch(void)
{
	uint64_t total[ROUNDS], t0;

	if (ipc_call(SLOT_EP, OP_SWITCH, 0, 0, NULL) != E_OK)
		return -1;
	for (int r = -1; r < ROUNDS; r++) {
		t0 = rdtsc();
		for (int i = 0; i < OPS; i++) {
			notify_signal(SLOT_PING);
			notify_wait(SLOT_PONG);
		}
		if (r >= 0)
			total[r] = rdtsc() - t0;
	}
	if (server_failed)
		return -1;
	/* A signal/wait round trip is two switches. */
	report("context_switch", total, 2,
	    "notification ping-pong between two threads on one CPU, per switch;"
	    " includes one signal and one wait system call");
	return 0;
}

/* N marked round trips for the instruction-count plugin. */
static void
count_mode(uint64_t n)
{
	struct msg m;

	/* Warm up: first calls fault in pages and fill translation caches. */
	for (int i = 0; i < 100; i++)
		ipc_call(SLOT_EP, OP_ECHO, 0, 0, &m);
	for (uint64_t i = 0; i < n; i++) {
		MARK_START();
		ipc_call(SLOT_EP, OP_ECHO, i, 0, &m);
		MARK_STOP();
	}
	printf("ipcbench: marked %llu round trips\n", (unsigned long long)n);
}

int
main(uint64_t arg)
{
	int64_t err;

	if ((err = endpoint_create(SLOT_MEMORY, SLOT_EP)) != E_OK ||
	    (err = notification_create(SLOT_MEMORY, SLOT_PING)) != E_OK ||
	    (err = notification_create(SLOT_MEMORY, SLOT_PONG)) != E_OK ||
	    (err = thread_create(SLOT_MEMORY, SLOT_SERVER, server,
	    server_stack + sizeof(server_stack), 0)) != E_OK) {
		printf("ipcbench: setup: %s\n", strerror(err));
		return 1;
	}
	if (arg > 0) {
		count_mode(arg);
	} else {
		printf("ipcbench: TSC cycles per operation; %d rounds of %d after"
		    " one warm-up round\n", ROUNDS, OPS);
		bench_null();
		if (bench_ipc() != 0 || bench_switch() != 0)
			printf("ipcbench: FAILED\n");
	}
	thread_kill(SLOT_SERVER);
	printf("ipcbench: done\n");
	return 0;
}

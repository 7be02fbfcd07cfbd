/*
 * The Linux side of bench/ipc: the same measurements as user/ipcbench,
 * on a stock Debian kernel, with the same clock (RDTSC), rounds and
 * operations per round. Built static so that the initramfs needs no
 * libraries; bench/ipc/init runs it as the only job.
 *
 *   null_syscall     getppid(), which does no work in the kernel
 *   pipe_roundtrip   one byte to a child process and back, over two pipes
 *   futex_roundtrip  a word in a shared mapping handed back and forth,
 *                    FUTEX_WAIT to sleep and FUTEX_WAKE to wake
 *   futex_roundtrip_threads  the same between two threads of one process
 *
 * Everything is pinned to CPU 0, as NØNOS hands a call and its reply
 * over on one CPU (bench/ipc/run boots one CPU unless told otherwise).
 * Unpinned on two vCPUs, a pipe ping-pong under TCG stalled for
 * milliseconds per round trip whenever the partners sat on different
 * vCPUs: that measures the emulator's idle-vCPU wake-up, not Linux.
 *
 * Lines: "linuxbench: NAME cycles=MEDIAN mean=... min=... rounds=R
 * ops=N raw=T1,..." (per-op figures in cycles, two decimals), then
 * "linuxbench: done".
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* As user/ipcbench: fewer round trips than null calls, to save time. */
#define ROUNDS		10
#define OPS_NULL	10000
#define OPS_PAIR	2000

/* LFENCE keeps RDTSC from being hoisted above the work it times. */
static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Per-op figures in hundredths of a cycle, as user/ipcbench prints them. */
static void
report(const char *name, const uint64_t *total, int ops)
{
	uint64_t h[ROUNDS], sum = 0, med, mean;
	char raw[ROUNDS * 21 + 1];
	size_t n = 0;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		h[r] = total[r] * 100 / ops;
		sum += h[r];
		n += snprintf(raw + n, sizeof(raw) - n, "%s%llu", r ? "," : "",
		    (unsigned long long)total[r]);
	}
	qsort(h, ROUNDS, sizeof(h[0]), cmp_u64);
	med = (h[(ROUNDS - 1) / 2] + h[ROUNDS / 2]) / 2;
	mean = sum / ROUNDS;
	printf("linuxbench: %s cycles=%llu.%02llu mean=%llu.%02llu min=%llu.%02llu"
	    " rounds=%d ops=%d raw=%s\n", name,
	    (unsigned long long)(med / 100), (unsigned long long)(med % 100),
	    (unsigned long long)(mean / 100), (unsigned long long)(mean % 100),
	    (unsigned long long)(h[0] / 100), (unsigned long long)(h[0] % 100),
	    ROUNDS, ops, raw);
	fflush(stdout);
}

static void
pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		err(1, "sched_setaffinity");
}

static void
bench_null(void)
{
	uint64_t total[ROUNDS], t0;
	int r, i;

	for (r = -1; r < ROUNDS; r++) {
		t0 = rdtsc();
		for (i = 0; i < OPS_NULL; i++)
			getppid();
		if (r >= 0)
			total[r] = rdtsc() - t0;
	}
	report("null_syscall", total, OPS_NULL);
}

/* The child echoes every byte until the parent closes its pipe. */
static void
bench_pipe(const char *name)
{
	uint64_t total[ROUNDS], t0;
	int down[2], up[2], r, i, status;
	char c = 0;
	pid_t pid;

	if (pipe(down) == -1 || pipe(up) == -1)
		err(1, "pipe");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		while (read(down[0], &c, 1) == 1)
			if (write(up[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	for (r = -1; r < ROUNDS; r++) {
		t0 = rdtsc();
		for (i = 0; i < OPS_PAIR; i++) {
			if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1)
				err(1, "pipe ping-pong");
		}
		if (r >= 0)
			total[r] = rdtsc() - t0;
	}
	close(down[1]);
	close(up[0]);
	waitpid(pid, &status, 0);
	report(name, total, OPS_PAIR);
}

static long
futex(volatile int *word, int op, int val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

/*
 * A futex ping-pong: turn says whose move it is (0 the timing side's, 1
 * the partner's, 2 stop). private is FUTEX_PRIVATE_FLAG when both sides
 * share one address space, else 0: a private futex is keyed by address
 * space, and two processes would not meet on it.
 */
struct pingpong {
	volatile int *turn;
	int private;
};

static void
partner(const struct pingpong *pp)
{
	for (;;) {
		while (*pp->turn == 0)
			futex(pp->turn, FUTEX_WAIT | pp->private, 0);
		if (*pp->turn == 2)
			return;
		__atomic_store_n(pp->turn, 0, __ATOMIC_SEQ_CST);
		futex(pp->turn, FUTEX_WAKE | pp->private, 1);
	}
}

static void *
partner_thread(void *arg)
{
	partner(arg);
	return NULL;
}

static void
time_pingpong(const char *name, const struct pingpong *pp)
{
	uint64_t total[ROUNDS], t0;
	int r, i;

	for (r = -1; r < ROUNDS; r++) {
		t0 = rdtsc();
		for (i = 0; i < OPS_PAIR; i++) {
			__atomic_store_n(pp->turn, 1, __ATOMIC_SEQ_CST);
			futex(pp->turn, FUTEX_WAKE | pp->private, 1);
			while (*pp->turn == 1)
				futex(pp->turn, FUTEX_WAIT | pp->private, 1);
		}
		if (r >= 0)
			total[r] = rdtsc() - t0;
	}
	__atomic_store_n(pp->turn, 2, __ATOMIC_SEQ_CST);
	futex(pp->turn, FUTEX_WAKE | pp->private, 1);
	report(name, total, OPS_PAIR);
}

/* Two processes: the word lives in a shared anonymous mapping. */
static void
bench_futex(const char *name)
{
	struct pingpong pp = { NULL, 0 };
	int status;
	pid_t pid;

	pp.turn = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pp.turn == MAP_FAILED)
		err(1, "mmap");
	*pp.turn = 0;
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		partner(&pp);
		_exit(0);
	}
	time_pingpong(name, &pp);
	waitpid(pid, &status, 0);
	munmap((void *)pp.turn, 4096);
}

/* Two threads of one process: no address-space switch, as ipcbench's. */
static void
bench_futex_threads(const char *name)
{
	static volatile int turn;
	struct pingpong pp = { &turn, FUTEX_PRIVATE_FLAG };
	pthread_t t;

	if ((errno = pthread_create(&t, NULL, partner_thread, &pp)) != 0)
		err(1, "pthread_create");
	time_pingpong(name, &pp);
	pthread_join(t, NULL);
}

int
main(void)
{
	printf("linuxbench: TSC cycles per operation; %d rounds after one"
	    " warm-up round; %ld CPUs online\n", ROUNDS,
	    sysconf(_SC_NPROCESSORS_ONLN));
	fflush(stdout);
	pin_cpu0();		/* children inherit the CPU mask */
	bench_null();
	bench_pipe("pipe_roundtrip");
	bench_futex("futex_roundtrip");
	bench_futex_threads("futex_roundtrip_threads");
	printf("linuxbench: done\n");
	return 0;
}

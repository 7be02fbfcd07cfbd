/*
 * ramfsbench: the NØNOS side of bench/ramfs, started as the root task
 * (init=ramfsbench). It starts its own ramfs service with a quota big
 * enough for the workload, reaches it only through the POSIX-flavoured
 * file API (user/lib/file.h), runs the checks of checks.c and then its
 * argument's number of workload rounds (0: the checks only, for
 * tests/qemu/test_files.py), and powers off.
 */
#include "user/lib/file.h"
#include "user/lib/nonos.h"
#include "user/ramfsbench/workload.h"

#define RAMFS_KIB	(80u * 1024)	/* the 64 MiB file of the random reads, and room to spare */
#define SLOT_EP		16		/* the service's endpoint */
#define SLOT_QUOTA	17		/* its quota, moved to it by the spawn */
#define SLOT_CHILD	18		/* its thread */
#define SLOT_FS		19		/* our badged capability to its root */
#define SLOT_FSBUF	20		/* the shared buffer's frame */
#define FSBUF_VA	0x0000100000000000ULL
#define PRIORITY	10

uint64_t
bench_cycles(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Starts ramfs serving SLOT_EP with RAMFS_KIB of memory; its pid or an error. */
static int64_t
start_ramfs(void)
{
	struct spawn_args a;
	int64_t err;

	if ((err = endpoint_create(SLOT_MEMORY, SLOT_EP)) < 0 ||
	    (err = memory_split(SLOT_MEMORY, SLOT_QUOTA, (uint64_t)RAMFS_KIB * 1024)) < 0)
		return err;
	memset(&a, 0, sizeof(a));
	memcpy(a.module, "ramfs", 6);
	a.memory = SLOT_QUOTA;
	a.thread_dst = SLOT_CHILD;
	a.priority = PRIORITY;
	a.ncaps = 2;
	a.caps[0] = (struct spawn_cap){ SLOT_CONSOLE, SLOT_CONSOLE, RIGHT_WRITE, 0 };
	a.caps[1] = (struct spawn_cap){ SLOT_EP, SLOT_FIRST_FREE,
	    RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0 };
	if ((err = spawn_process(SLOT_SPAWN, &a)) < 0)
		return err;
	/* Badge 1 names the service's whole tree. */
	if (cap_derive(SLOT_EP, SLOT_FS, RIGHT_WRITE | RIGHT_GRANT, 1) < 0)
		return E_NOMEM;
	return err;
}

static void
finish(void)
{
	machine_control(SLOT_MACHINE, MACHINE_POWEROFF);
	printf("ramfsbench: cannot power off\n");
	for (;;)
		yield();
}

int
main(uint64_t rounds)
{
	int64_t err;
	int failed;

	printf("ramfsbench: starting (%llu rounds)\n", (unsigned long long)rounds);
	if ((err = start_ramfs()) < 0) {
		printf("ramfsbench: cannot start ramfs: %s\n", err_name(err));
		finish();
	}
	if (file_attach(SLOT_FS, SLOT_FSBUF, FSBUF_VA) < 0) {
		printf("ramfsbench: cannot reach ramfs: %s\n", errno_text(errno));
		finish();
	}
	if (mkdir("/t", 0700) < 0)
		printf("ramfsbench: mkdir /t: %s\n", errno_text(errno));
	failed = posix_checks("ramfsbench", "/t");
	printf("ramfsbench: checks done, %d failed\n", failed);
	if (rounds > 0 && ramfs_workload("ramfsbench", "/t", (int)rounds) == 0)
		printf("ramfsbench: workload done\n");
	printf("ramfsbench: done\n");
	finish();
	return 0;
}

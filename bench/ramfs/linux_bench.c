/*
 * The Linux side of bench/ramfs, and the host half of the POSIX checks'
 * differential test: runs user/ramfsbench's checks and workload (the
 * same source NØNOS runs) in a directory, with RDTSC as the clock.
 * Usage: linux_bench DIR ROUNDS TAG. Exit status 1 when a check failed
 * or the workload broke.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "user/ramfsbench/workload.h"

uint64_t
bench_cycles(void)
{
	unsigned lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

int
main(int argc, char **argv)
{
	char dir[4096];
	int failed;

	if (argc != 4) {
		fprintf(stderr, "usage: linux_bench DIR ROUNDS TAG\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/t", argv[1]);
	if (mkdir(dir, 0700) < 0) {
		perror(dir);
		return 1;
	}
	failed = posix_checks(argv[3], dir);
	printf("%s: checks done, %d failed\n", argv[3], failed);
	if (atoi(argv[2]) > 0 && ramfs_workload(argv[3], dir, atoi(argv[2])) == 0)
		printf("%s: workload done\n", argv[3]);
	printf("%s: done\n", argv[3]);
	fflush(stdout);
	return failed != 0;
}

/*
 * The file-system workload of bench/ramfs and its correctness checks,
 * written against POSIX calls only so that the same source runs in
 * NØNOS (over user/lib/file.h and the ramfs service) and in the Linux
 * peer (glibc, tmpfs). Each side supplies the clock and the output.
 */
#ifndef USER_RAMFSBENCH_WORKLOAD_H
#define USER_RAMFSBENCH_WORKLOAD_H

#include <stdint.h>

/* Supplied by each side: a cycle counter (RDTSC on both). */
uint64_t bench_cycles(void);

/*
 * Checks the semantics both sides must share (errors included) inside
 * directory dir; prints "TAG: check NAME ok|FAIL ..." per check and
 * returns the number that failed.
 */
int posix_checks(const char *tag, const char *dir);

/*
 * Runs rounds of: many small files created, read, deleted; a few large
 * ones written, read, deleted; a directory of 1000 entries listed; random
 * 4 KiB reads in a 64 MiB file; inside directory dir. Prints one line per
 * phase and round: "TAG: PHASE ops=N bytes=B cycles=C requests=R" (R:
 * round trips to the file service, 0 on Linux). Returns 0, or -1 after
 * printing what went wrong (data read back and listings are verified).
 */
int ramfs_workload(const char *tag, const char *dir, int rounds);

#endif

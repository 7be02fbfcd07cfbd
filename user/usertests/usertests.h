/*
 * What usertests' files share: main.c's checking and waiting helpers, the
 * fuzzers' call count, and the stateful fuzzer of sfuzz.c with the mode
 * in which a spawned copy of usertests runs as one of its workers.
 */
#ifndef USER_USERTESTS_USERTESTS_H
#define USER_USERTESTS_USERTESTS_H

#include <stdint.h>

/* main's argument in a spawned worker: this tag in the high 32 bits. */
#define SFUZZ_WORKER_TAG	0x5f0a7e57ULL
#define SFUZZ_IS_WORKER(arg)	(((arg) >> 32) == SFUZZ_WORKER_TAG)

extern uint64_t fuzz_iterations;

void expect(const char *what, int64_t got, int64_t want);
void expect_true(const char *what, int ok);
void sleep_ticks(uint64_t n);
int64_t quota_settles(uint64_t slot, uint64_t want);

void test_stateful_fuzz(void);
int sfuzz_worker(uint64_t arg);

#endif

/*
 * What usertests' files share: the expectation checks of the running
 * group, waiting, and starting a boot module (main.c); the groups kept in
 * files of their own, and the modes in which spawned copies of usertests
 * run for them.
 */
#ifndef USER_USERTESTS_COMMON_H
#define USER_USERTESTS_COMMON_H

#include "user/lib/nonos.h"

/* main's argument in a stateful-fuzzer worker: this tag in the high 32 bits. */
#define SFUZZ_WORKER_TAG	0x5f0a7e57ULL
#define SFUZZ_IS_WORKER(arg)	(((arg) >> 32) == SFUZZ_WORKER_TAG)

/* The syscall fuzzers' call count (main's argument, or the default). */
extern uint64_t fuzz_iterations;

/* Counts a failure of the running group when got is not want. */
void expect(const char *what, int64_t got, int64_t want);
void expect_true(const char *what, int ok);
/* The next number of the xorshift generator whose state is *s (not 0). */
uint64_t xorshift64(uint64_t *s);
/* Yields until n timer ticks have passed. */
void sleep_ticks(uint64_t n);
/* The quota's bytes in use once they reach want, or after a second. */
int64_t quota_settles(uint64_t slot, uint64_t want);
/*
 * SYS_SPAWN through spawn_slot of module with the given quota, thread
 * slot, exit notification (0: none), argument, priority and capabilities.
 */
int64_t spawn_full(uint64_t spawn_slot, const char *module, uint64_t memory,
    uint64_t thread_dst, uint64_t exit_notify, uint64_t arg, unsigned priority,
    const struct spawn_cap *caps, unsigned ncaps);
/* spawn_full through SLOT_SPAWN with no exit notification. */
int64_t spawn(const char *module, uint64_t memory, uint64_t thread_dst, uint64_t arg,
    unsigned priority, const struct spawn_cap *caps, unsigned ncaps);

/* isolation.c: the attacks of the isolation review, one group each. */
void test_lifetimes(void);
void test_reply_order(void);
void test_quota_objects(void);
void test_ceiling_paths(void);
void test_wx_per_frame(void);
void test_null_slot(void);
void test_charged_tables(void);
/* sfuzz.c: several processes at random, capabilities passed and dropped. */
void test_stateful_fuzz(void);
int sfuzz_worker(uint64_t arg);

/* devices.c: the PCI calls against QEMU's edu device; its spawned copy's mode. */
void test_devices(void);
int devices_child(uint64_t arg);

/* window.c: IPC windows, and the mode of its serving copy. */
#define WINDOW_SERVER_ARG	0x3d1a0e5e
void test_windows(void);
int window_server(void);

/* flags.c: user RFLAGS never reach the kernel's own flags. */
void test_rflags(void);
/* The modes of spawned copies of usertests in those groups; -1 if arg is none. */
int isolation_child(uint64_t arg);

#endif

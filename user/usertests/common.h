/*
 * What usertests' files share: the expectation checks of the running
 * group, waiting, and starting a boot module (main.c).
 */
#ifndef USER_USERTESTS_COMMON_H
#define USER_USERTESTS_COMMON_H

#include "user/lib/nonos.h"

/* Counts a failure of the running group when got is not want. */
void expect(const char *what, int64_t got, int64_t want);
void expect_true(const char *what, int ok);
/* Yields until n timer ticks have passed. */
void sleep_ticks(uint64_t n);
/* The quota's bytes in use once they reach want, or after a second. */
int64_t quota_settles(uint64_t slot, uint64_t want);
/* SYS_SPAWN of module with the given quota, thread slot and capabilities. */
int64_t spawn(const char *module, uint64_t memory, uint64_t thread_dst, uint64_t arg,
    unsigned priority, const struct spawn_cap *caps, unsigned ncaps);

/* isolation.c: the attacks of the isolation review, one group each. */
void test_lifetimes(void);
void test_reply_order(void);
void test_quota_objects(void);
void test_ceiling_paths(void);
void test_wx_per_frame(void);
void test_null_slot(void);
/* flags.c: user RFLAGS never reach the kernel's own flags. */
void test_rflags(void);
/* The modes of spawned copies of usertests in those groups; -1 if arg is none. */
int isolation_child(uint64_t arg);

#endif

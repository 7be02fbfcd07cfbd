/*
 * The NØNOS user runtime: system call wrappers, formatted console output
 * and the few C library functions programs need. Programs define
 * main(arg) and are entered through crt0.S.
 */
#ifndef USER_LIB_NONOS_H
#define USER_LIB_NONOS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/libc/string.h"
#include "user/lib/syscall.h"

int main(uint64_t arg);

/* Console output through the capability in SLOT_CONSOLE. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int64_t console_write(uint64_t slot, const void *buf, uint64_t len);

/* Capability operations on the caller's own capability space. */
int64_t cap_info(uint64_t slot, struct cap_info *out);
int64_t cap_derive(uint64_t src, uint64_t dst, uint64_t rights, uint64_t badge);
int64_t cap_move(uint64_t src, uint64_t dst);
int64_t cap_delete(uint64_t slot);
int64_t cap_revoke(uint64_t slot);
int64_t cap_seal(uint64_t slot, uint64_t rights, uint64_t lifetime, uint8_t *token);
int64_t cap_unseal(const uint8_t *token, uint64_t dst);

int64_t endpoint_create(uint64_t mem, uint64_t dst);
int64_t notification_create(uint64_t mem, uint64_t dst);
/* pages (1..FRAME_MAX_PAGES) contiguous zeroed pages, mapped as one. */
int64_t frame_create(uint64_t mem, uint64_t dst, uint64_t pages);
int64_t memory_split(uint64_t mem, uint64_t dst, uint64_t bytes);
int64_t memory_info(uint64_t mem, uint64_t out[2]);
int64_t map(uint64_t frame, uint64_t vaddr, uint64_t rights);
/*
 * Maps pages fresh zeroed pages at vaddr, charged to mem, in calls of at
 * most MAP_ANON_MAX pages; after an error the earlier calls' pages stay.
 */
int64_t map_anon(uint64_t mem, uint64_t vaddr, uint64_t pages, uint64_t rights);
/* Problems found by the kernel's capability audit; E_NOSYS without option audit. */
int64_t kernel_audit(void);
int64_t unmap(uint64_t frame, uint64_t vaddr);

int64_t thread_create(uint64_t mem, uint64_t dst, void (*entry)(uint64_t),
    void *stack_top, uint64_t arg);
__attribute__((noreturn)) void thread_exit(void);
int64_t thread_kill(uint64_t slot);
void yield(void);
uint64_t ticks(void);

int64_t ipc_send(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1);
int64_t ipc_call(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1, struct msg *reply);
int64_t ipc_recv(uint64_t ep, uint64_t recv_slot, struct msg *m);
int64_t ipc_nbrecv(uint64_t ep, uint64_t recv_slot, struct msg *m);
int64_t ipc_reply(uint64_t tag, uint64_t w0, uint64_t w1);
int64_t ipc_reply_recv(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1, struct msg *m);
int64_t notify_signal(uint64_t n);
int64_t notify_wait(uint64_t n);
int64_t notify_poll(uint64_t n);

/*
 * Memory from this process's own quota (malloc.c): zeroed, NULL when the
 * quota is spent. free and realloc stop the thread on a pointer they did
 * not hand out (a bug, never silently ignored).
 */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

/* A lock between this process's threads (lock.c); 0 is unlocked. */
void lock_take(volatile int *word);
void lock_give(volatile int *word);

/* A short name for an E_* error ("E_RIGHTS"). */
const char *strerror(int64_t err);

#endif

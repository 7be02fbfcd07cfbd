/*
 * The NØNOS user runtime: a wrapper per system call (stubs.h, generated
 * from lib/abi/syscalls.tab), formatted console output and the few C
 * library functions programs need. Programs define main(arg) and are
 * entered through crt0.S.
 */
#ifndef USER_LIB_NONOS_H
#define USER_LIB_NONOS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/libc/string.h"
#include "user/lib/stubs.h"

int main(uint64_t arg);

/* Formatted output to the console in SLOT_CONSOLE (print.c). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Two-word forms of SEND, CALL, REPLY and REPLY_RECV (calls.c): the last
 * two words are zero.
 */
int64_t ipc_send(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1);
int64_t ipc_call(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1, struct msg *reply);
int64_t ipc_reply(uint64_t tag, uint64_t w0, uint64_t w1);
int64_t ipc_reply_recv(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1, struct msg *m);
/*
 * Maps pages fresh zeroed pages at vaddr, charged to mem, in calls of at
 * most MAP_ANON_MAX pages; after an error the earlier calls' pages stay.
 */
int64_t map_anon(uint64_t mem, uint64_t vaddr, uint64_t pages, uint64_t rights);
/*
 * Whether message m came with a capability (now in slot recv) of the
 * given type with at least rights and, when size is not 0, that size.
 */
int cap_offered(const struct msg *m, uint64_t recv, unsigned type, unsigned rights,
    uint64_t size);
/* The capability just received in slot recv replaces slot's: 0, or -1 with slot empty. */
int cap_replace(uint64_t recv, uint64_t slot);
/*
 * A client's frame, just received in slot recv, takes the place of the
 * one in slot (mapped read-write at va when *mapped): 0 with it mapped
 * there, or -1 with slot empty. *mapped says which.
 */
int frame_take(uint64_t recv, uint64_t slot, uint64_t va, int *mapped);

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
/*
 * The same lock for threads that may hold it long: a waiter sleeps on
 * notification note (the lock's alone) until the holder gives the lock.
 * A word is used with these two or with the two above, never both.
 */
void lock_take_note(volatile int *word, uint64_t note);
void lock_give_note(volatile int *word, uint64_t note);

/*
 * The name of an E_* error ("E_RIGHTS"), for messages; not libc's
 * strerror, which NØNOS does not have.
 */
const char *err_name(int64_t err);

#endif

/*
 * The host build of the kernel's object model (tests/kfuzz): what the
 * stubs in host_kernel.c offer the driver. The real kernel sources run
 * unchanged on top of them; only hardware and the context switch are
 * replaced.
 */
#ifndef TESTS_KFUZZ_HOST_KERNEL_H
#define TESTS_KFUZZ_HOST_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/obj/thread.h"

/* The window of "user memory" every process sees (copy_from_user and co). */
#define HOST_USER_BASE	0x10000000ULL
#define HOST_USER_SIZE	0x10000ULL
extern uint8_t host_user_mem[HOST_USER_SIZE];

/* Boot modules: minimal valid ELF images, names "init", "child", "small". */
#define HOST_MODULES	3

/* Live allocations in the stubs: kmalloc blocks and bytes, pmm pages. */
struct host_counts {
	uint64_t heap_blocks;
	uint64_t heap_bytes;
	uint64_t pages;
	uint64_t kstacks;
};
extern struct host_counts host_counts;

/*
 * Every thread the kernel has made ready at least once and not yet freed,
 * in the order they appeared (the driver picks threads from this list).
 */
#define HOST_MAX_THREADS 1024
extern struct thread *host_threads[HOST_MAX_THREADS];
extern int host_nthreads;

/* Sets up the fake machine once: boot info, modules, one CPU, seal key. */
void host_boot(void);

/*
 * Makes t the thread running on the CPU, as a switch would (the previous
 * one, if still running, goes back to the run queue). t must be ready or
 * running. NULL switches to the idle thread.
 */
void host_switch(struct thread *t);

#endif

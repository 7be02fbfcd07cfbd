/*
 * Kernel-wide declarations: console output, panic, the direct map of
 * physical memory, and the boot-time facts every subsystem may read.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/bootinfo/bootinfo.h"

/* Every physical byte is mapped (NX) at HHDM_BASE + its address. */
#define HHDM_BASE	0xffff800000000000ULL
#define PAGE_SIZE	4096ULL

static inline void *
phys_to_virt(uint64_t pa)
{
	return (void *)(HHDM_BASE + pa);
}

static inline uint64_t
virt_to_phys(const void *va)
{
	return (uint64_t)va - HHDM_BASE;
}

/* console.c */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_init(const struct bootinfo *bi);
/* A byte from the kernel, or a writer allowed to drive the terminal. */
void console_putc(char c);
/* A byte from a writer that may only write text (see console.c). */
void console_putc_plain(char c);

/*
 * Forgets all console output: the kernel log, the terminal parser and the
 * framebuffer console (power off and reboot; the caller has the machine
 * to itself).
 */
void console_forget(void);

/* The console as a kernel object, for SLOT_CONSOLE capabilities. */
struct kobj *console_kobj(void);
/*
 * Copies the kernel log into out: the len bytes (or fewer) that end skip
 * bytes before the newest. Returns the count (with out NULL, only counts).
 */
size_t console_log_copy(char *out, size_t len, uint64_t skip);

/* panic.c */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
/*
 * A kernel invariant: a condition no user input can make false. When it
 * is false anyway the kernel is already wrong, and going on would turn a
 * bug into a hole, so it panics with the file and line. Never compiled
 * out: the condition may be the call whose result it checks.
 */
#define KASSERT(cond) \
	do { \
		if (!(cond)) \
			panic("assertion \"%s\" failed at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)
/* Prints the chain of return addresses starting at frame pointer rbp. */
void backtrace_from(uint64_t rbp);
/* Ends the machine: under the test harness, QEMU exits with code. */
__attribute__((noreturn)) void machine_halt(int code);

/* ksyms.c: "name+0xoff" for a kernel text address, or NULL. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* cmdline.c: options from QEMU's fw_cfg ("opt/nonos/cmdline"). */
void cmdline_init(void);
int cmdline_has(const char *word);
/* Copies the value of option key=value into buf (NUL-terminated); 0 if absent. */
int cmdline_value(const char *key, char *buf, size_t size);

/* Set once at boot, read-only afterwards. */
extern const struct bootinfo *boot_info;
extern uint64_t tsc_per_us;		/* measured by the LAPIC timer set-up */
extern uint64_t tsc_kernel_entry;

#endif

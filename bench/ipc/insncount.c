/*
 * insncount: a QEMU TCG plugin that counts the guest instructions an IPC
 * round trip executes. user/ipcbench in counting mode (initarg=N) wraps
 * each of N ipc_call()s in two marker NOPs; between a start and a stop
 * marker (a "window") we count user and kernel instructions apart, and
 * cut the kernel's share into runs, one per SYSCALL..SYSRETQ.
 *
 * Written against QEMU's plugin API, version 1 (QEMU 7.2, Debian 12),
 * which Debian's qemu-system-x86 supports but ships no plugin or header
 * for: the few entry points we use are declared below.
 *
 * Counting is exact for one vCPU (bench/ipc/run boots with -smp 1): the
 * API's inline counters are not per-vCPU, and two vCPUs would mix.
 *
 * Arguments (-plugin insncount.so,out=FILE[,trace=K]):
 *   out=FILE  where to write one line per window:
 *             "window N user=U kernel=K irq=I kruns=R1,R2,..."
 *             U, K: instructions strictly between the two markers;
 *             I: IRETQs seen (an interrupt came in; the window is not
 *             clean); Ri: kernel instructions from the one after a
 *             SYSCALL to the SYSRETQ back to user mode, both included.
 *   trace=K   also write "trace VADDR" for every instruction of window K,
 *             in execution order, for bench/ipc/run to symbolize (up to
 *             four trace= arguments).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- The plugin API entry points we use (QEMU 7.2, API version 1). --- */
typedef uint64_t qemu_plugin_id_t;
struct qemu_info;			/* opaque to us */
struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum { PLUGIN_CB_NO_REGS = 0 };		/* enum qemu_plugin_cb_flags */
enum { PLUGIN_INLINE_ADD_U64 = 0 };	/* enum qemu_plugin_op */

typedef void (*tb_trans_cb)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*vcpu_udata_cb)(unsigned int, void *);
typedef void (*udata_cb)(qemu_plugin_id_t, void *);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *,
    vcpu_udata_cb, int, void *);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *, int,
    void *, uint64_t);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, udata_cb, void *);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *,
    size_t);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;
EXPORT int qemu_plugin_install(qemu_plugin_id_t, const struct qemu_info *, int,
    char **);

/* --- Counting. --- */
#define KERNEL_HALF	0xffff800000000000ULL
#define USER_LOW	0x400000ULL	/* where user/user.ld links programs */
#define USER_HIGH	0x1000000ULL
#define MAX_RUNS	16

/* nopl 0x4e4f0001(%rax) and nopl 0x4e4f0002(%rax), as user/ipcbench emits. */
static const uint8_t mark_start[] = { 0x0f, 0x1f, 0x80, 0x01, 0x00, 0x4f, 0x4e };
static const uint8_t mark_stop[] = { 0x0f, 0x1f, 0x80, 0x02, 0x00, 0x4f, 0x4e };
static const uint8_t op_syscall[] = { 0x0f, 0x05 };
static const uint8_t op_sysretq[] = { 0x48, 0x0f, 0x07 };
static const uint8_t op_iretq[] = { 0x48, 0xcf };

static uint64_t user_insns, kernel_insns;	/* bumped inline by QEMU */
static FILE *out;
static long trace_windows[4];
static int ntrace;

/* The window in progress. */
static int in_window;
static long window;
static uint64_t user0, kernel0, syscall_kernel;
static uint64_t runs[MAX_RUNS];
static int nruns, irqs;

static int
is(const struct qemu_plugin_insn *insn, const uint8_t *op, size_t len)
{
	return qemu_plugin_insn_size(insn) == len &&
	    memcmp(qemu_plugin_insn_data(insn), op, len) == 0;
}

/* Every callback gets its instruction's address as user data. */
static void
trace(void *u)
{
	if (!in_window)
		return;
	for (int i = 0; i < ntrace; i++) {
		if (window == trace_windows[i])
			fprintf(out, "trace %llx\n", (unsigned long long)(uintptr_t)u);
	}
}

/*
 * The callbacks below stand in for the inline counter on their own
 * instruction and count it themselves, so that no result depends on
 * whether QEMU runs a callback before or after an inline add.
 */
static void
on_start(unsigned int vcpu, void *u)
{
	user_insns++;
	in_window = 1;
	window++;
	user0 = user_insns;
	kernel0 = kernel_insns;
	nruns = irqs = 0;
}

static void
on_stop(unsigned int vcpu, void *u)
{
	if (in_window) {
		fprintf(out, "window %ld user=%llu kernel=%llu irq=%d kruns=", window,
		    (unsigned long long)(user_insns - user0),
		    (unsigned long long)(kernel_insns - kernel0), irqs);
		for (int i = 0; i < nruns; i++)
			fprintf(out, "%s%llu", i ? "," : "", (unsigned long long)runs[i]);
		fputc('\n', out);
		fflush(out);
	}
	in_window = 0;
	user_insns++;
}

static void
on_syscall(unsigned int vcpu, void *u)
{
	user_insns++;
	syscall_kernel = kernel_insns;
	trace(u);
}

static void
on_sysretq(unsigned int vcpu, void *u)
{
	kernel_insns++;
	trace(u);
	if (in_window && nruns < MAX_RUNS)
		runs[nruns++] = kernel_insns - syscall_kernel;
}

static void
on_iretq(unsigned int vcpu, void *u)
{
	kernel_insns++;
	irqs++;
	trace(u);
}

/* Only registered when tracing, and only on NØNOS's code. */
static void
on_insn(unsigned int vcpu, void *u)
{
	trace(u);
}

static int
traced(uint64_t va)
{
	return ntrace > 0 &&
	    (va >= KERNEL_HALF || (va >= USER_LOW && va < USER_HIGH));
}

static void
on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);
		int kernel = va >= KERNEL_HALF;
		void *u = (void *)(uintptr_t)va;
		vcpu_udata_cb cb = NULL;

		if (!kernel && is(insn, mark_start, sizeof(mark_start)))
			cb = on_start;
		else if (!kernel && is(insn, mark_stop, sizeof(mark_stop)))
			cb = on_stop;
		else if (!kernel && is(insn, op_syscall, sizeof(op_syscall)))
			cb = on_syscall;
		else if (kernel && is(insn, op_sysretq, sizeof(op_sysretq)))
			cb = on_sysretq;
		else if (kernel && is(insn, op_iretq, sizeof(op_iretq)))
			cb = on_iretq;
		if (cb) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, cb, PLUGIN_CB_NO_REGS, u);
			continue;
		}
		qemu_plugin_register_vcpu_insn_exec_inline(insn, PLUGIN_INLINE_ADD_U64,
		    kernel ? &kernel_insns : &user_insns, 1);
		if (traced(va))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_insn,
			    PLUGIN_CB_NO_REGS, u);
	}
}

static void
close_out(qemu_plugin_id_t id, void *u)
{
	fclose(out);
}

int
qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info *info, int argc,
    char **argv)
{
	const char *path = NULL;

	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "out=", 4) == 0)
			path = argv[i] + 4;
		else if (strncmp(argv[i], "trace=", 6) == 0 && ntrace < 4)
			trace_windows[ntrace++] = strtol(argv[i] + 6, NULL, 10);
		else {
			fprintf(stderr, "insncount: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	if (path == NULL) {
		fprintf(stderr, "insncount: out=FILE is required\n");
		return 1;
	}
	if ((out = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, close_out, NULL);
	return 0;
}

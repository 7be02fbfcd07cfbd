/*
 * usertests: an adversarial user program in the spirit of xv6's usertests.
 * It tries, from ring 3, every way it knows to read or run kernel memory,
 * use capabilities it lacks or has lost, forge tokens, hand the kernel bad
 * pointers and lengths, and exhaust memory, slots and threads. Each
 * attempt must fail cleanly, and the kernel must still serve the next
 * test. A last group throws random system calls at the kernel.
 *
 * Output: one line per group ("usertests: NAME ... ok" or "... FAIL"),
 * with the failed expectations above it, then "usertests: N passed, M
 * failed". main's argument is the fuzzer's iteration count (0: default).
 */
#include "user/lib/counter.h"
#include "user/lib/nonos.h"
#include "user/lib/time.h"
#include "user/usertests/common.h"

#define SLOT_A		16
#define SLOT_B		17
#define SLOT_C		18
#define SLOT_D		19
#define SLOT_THREAD_TMP	20
#define SLOT_E		22
#define SLOT_QUOTA	21
#define SLOT_STORM	32	/* storm threads use slots 32..255 */
#define KERNEL_TEXT	0xffffffff80000000ULL
#define KERNEL_DATA	0xffffffff80010000ULL
#define SCRATCH_VA	0x0000100000000000ULL
#define FUZZ_DEFAULT	3000
#define KILL_ROUNDS	40
#define RECEIVER_ARG	0x7ec1e7e5	/* main's argument in the spawned copy */
#define DEVICES_ONLY_ARG 0xde71ce00	/* run only the devices group (tests/qemu/test_iommu.py) */
#define ANON_VA		0x0000300000000000ULL
#define SLOT_ANONQ	12	/* the fuzzer's quota for anonymous pages (10, 11: PCI, counter) */
#define BIGFRAME_VA	0x0000310000000000ULL
#define MALLOC_N	300

static int group_failures;
static int groups_passed, groups_failed;

void
expect(const char *what, int64_t got, int64_t want)
{
	if (got == want)
		return;
	printf("usertests:   %s: got %lld (%s), want %lld (%s)\n", what,
	    (long long)got, err_name(got), (long long)want, err_name(want));
	group_failures++;
}

void
expect_true(const char *what, int ok)
{
	if (!ok) {
		printf("usertests:   %s: not so\n", what);
		group_failures++;
	}
}

static void
run_group(const char *name, void (*fn)(void))
{
	int64_t audit;

	group_failures = 0;
	fn();
	/* With option audit, every capability must name a live object. */
	audit = kernel_audit();
	if (audit != E_NOSYS)
		expect("capability audit problems", audit, 0);
	if (group_failures == 0) {
		printf("usertests: %s ... ok\n", name);
		groups_passed++;
	} else {
		printf("usertests: %s ... FAIL (%d)\n", name, group_failures);
		groups_failed++;
	}
}

/* --- Faults: each runs in a child thread that the kernel must kill. ---- */

static volatile int reached;
static uint8_t child_stack[16384] __attribute__((aligned(16)));
static uint8_t data_code[16] = { 0xc3 };	/* ret, in a writable (NX) page */

void
sleep_ticks(uint64_t n)
{
	uint64_t t0 = ticks();

	while (ticks() < t0 + n)
		yield();
}

/*
 * Waits until the quota in slot reports want bytes used, or a second has
 * passed. Threads that die on another CPU are reaped when that CPU next
 * switches, which on a loaded emulator can take several ticks.
 */
int64_t
quota_settles(uint64_t slot, uint64_t want)
{
	uint64_t info[2] = { 0, 0 };

	for (int i = 0; i < 100; i++) {
		if (memory_info(slot, info) != E_OK || info[1] == want)
			break;
		sleep_ticks(1);
	}
	return (int64_t)info[1];
}

/*
 * A fault case's thread starts here and says so before it calls the case
 * (passed as the argument, and given 0): a thread that never ran must
 * not pass for one that died.
 */
static volatile int started;

static void
fault_entry(uint64_t fn)
{
	started = 1;
	((void (*)(uint64_t))(uintptr_t)fn)(0);
}

/*
 * Runs fn in a thread on stack; 1 when the thread started and then died
 * before setting reached.
 */
static int
dies_on(void (*fn)(uint64_t), void *stack_top)
{
	int64_t err;

	reached = 0;
	started = 0;
	err = thread_create(SLOT_MEMORY, SLOT_THREAD_TMP, fault_entry, stack_top,
	    (uint64_t)(uintptr_t)fn);
	if (err != E_OK) {
		printf("usertests:   thread_create: %s\n", err_name(err));
		return 0;
	}
	for (int i = 0; i < 100 && !started; i++)
		sleep_ticks(1);
	sleep_ticks(3);
	cap_delete(SLOT_THREAD_TMP);
	if (!started)
		printf("usertests:   the thread never ran\n");
	return started && reached == 0;
}

static void do_stack_overflow_entry(uint64_t a);

static int
dies(void (*fn)(uint64_t))
{
	return dies_on(fn, child_stack + sizeof(child_stack));
}

#define GUARDED_STACK_VA 0x0000200000000000ULL

/*
 * The stack-overflow case needs a stack with nothing mapped below it:
 * one page of its own, far from everything else.
 */
static int
overflow_dies(void)
{
	int ok;

	if (frame_create(SLOT_MEMORY, SLOT_C, 1) != E_OK ||
	    map(SLOT_C, GUARDED_STACK_VA, RIGHT_READ | RIGHT_WRITE) != E_OK)
		return 0;
	ok = dies_on(do_stack_overflow_entry, (void *)(GUARDED_STACK_VA + 4096));
	cap_delete(SLOT_C);
	return ok;
}

static void
read_kernel_text(uint64_t a)
{
	(void)a;
	reached = (int)*(volatile uint64_t *)KERNEL_TEXT + 1;
	thread_exit();
}

static void
write_kernel_data(uint64_t a)
{
	(void)a;
	*(volatile uint64_t *)KERNEL_DATA = 0;
	reached = 1;
	thread_exit();
}

static void
read_direct_map(uint64_t a)
{
	(void)a;
	reached = (int)*(volatile uint64_t *)0xffff800000100000ULL + 1;
	thread_exit();
}

static void
jump_into_kernel(uint64_t a)
{
	(void)a;
	((void (*)(void))KERNEL_TEXT)();
	reached = 1;
	thread_exit();
}

static void
run_data(uint64_t a)
{
	(void)a;
	((void (*)(void))(uintptr_t)data_code)();
	reached = 1;
	thread_exit();
}

static void
write_own_text(uint64_t a)
{
	(void)a;
	*(volatile uint8_t *)(uintptr_t)write_own_text = 0xcc;
	reached = 1;
	thread_exit();
}

static void
read_null(uint64_t a)
{
	(void)a;
	reached = (int)*(volatile uint64_t *)0 + 1;
	thread_exit();
}

/* SCRATCH_VA, where test_rights maps a frame and then deletes it. */
static void
read_scratch(uint64_t a)
{
	(void)a;
	reached = (int)*(volatile uint64_t *)SCRATCH_VA + 1;
	thread_exit();
}

static void
read_noncanonical(uint64_t a)
{
	(void)a;
	reached = (int)*(volatile uint64_t *)0x0000900000000000ULL + 1;
	thread_exit();
}

static void
do_cli(uint64_t a)
{
	(void)a;
	__asm__ volatile("cli");
	reached = 1;
	thread_exit();
}

static void
do_hlt(uint64_t a)
{
	(void)a;
	__asm__ volatile("hlt");
	reached = 1;
	thread_exit();
}

static void
do_read_cr3(uint64_t a)
{
	uint64_t v;

	(void)a;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	reached = (int)v + 1;
	thread_exit();
}

static void
do_rdmsr(uint64_t a)
{
	uint32_t lo, hi;

	(void)a;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000082));
	reached = (int)(lo + hi) + 1;
	thread_exit();
}

static void
do_port_io(uint64_t a)
{
	(void)a;
	__asm__ volatile("outb %0, %1" : : "a"((uint8_t)'!'), "Nd"((uint16_t)0x3f8));
	reached = 1;
	thread_exit();
}

static void
do_int80(uint64_t a)
{
	(void)a;
	__asm__ volatile("int $0x80");
	reached = 1;
	thread_exit();
}

static void
do_int_timer(uint64_t a)
{
	(void)a;
	__asm__ volatile("int $32");
	reached = 1;
	thread_exit();
}

static void
do_ud2(uint64_t a)
{
	(void)a;
	__asm__ volatile("ud2");
	reached = 1;
	thread_exit();
}

static void
do_divide_by_zero(uint64_t a)
{
	volatile uint64_t zero = 0;

	reached = (int)(a / zero) + 1;
	thread_exit();
}

/* Recurses until the stack runs into unmapped memory (depth is bounded by a). */
static void do_stack_overflow(uint64_t a);
static void
do_stack_overflow(uint64_t a)
{
	volatile uint8_t big[4096];

	big[0] = (uint8_t)a;
	if (a < (1ULL << 40))
		do_stack_overflow(a + 1 + big[0]);
	reached = 1;
}

static void
do_stack_overflow_entry(uint64_t a)
{
	do_stack_overflow(a);
	thread_exit();
}

#define SHARED_VA 0x0000300000000000ULL

/* Spins on a shared page; must die when the page is unmapped (any CPU). */
static void
spin_on_shared(uint64_t a)
{
	(void)a;
	while (*(volatile uint64_t *)SHARED_VA == 1)
		;
	reached = 1;	/* saw the page change: a stale mapping survived */
	thread_exit();
}

/*
 * A thread reads a page in a loop (on another CPU when there is one);
 * the page's last capability is deleted. The thread must fault at once:
 * if a stale TLB entry survived it would read the freed, zeroed page.
 */
static int
unmap_reaches_every_cpu(void)
{
	if (frame_create(SLOT_MEMORY, SLOT_C, 1) != E_OK ||
	    map(SLOT_C, SHARED_VA, RIGHT_READ | RIGHT_WRITE) != E_OK)
		return 0;
	*(volatile uint64_t *)SHARED_VA = 1;
	reached = 0;
	if (thread_create(SLOT_MEMORY, SLOT_THREAD_TMP, spin_on_shared,
	    child_stack + sizeof(child_stack), 0) != E_OK)
		return 0;
	sleep_ticks(3);
	cap_delete(SLOT_C);	/* unmapped everywhere, zeroed, freed */
	sleep_ticks(3);
	cap_delete(SLOT_THREAD_TMP);
	return reached == 0;
}

static void
do_sgdt_lgdt(uint64_t a)
{
	uint8_t gdtr[10] = { 0 };

	(void)a;
	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	reached = 1;
	thread_exit();
}

static void
test_faults(void)
{
	struct { const char *what; void (*fn)(uint64_t); } cases[] = {
		{ "read kernel text", read_kernel_text },
		{ "write kernel data", write_kernel_data },
		{ "read the direct map", read_direct_map },
		{ "jump into kernel text", jump_into_kernel },
		{ "execute a data page (NX)", run_data },
		{ "write own text (W^X)", write_own_text },
		{ "read address 0", read_null },
		{ "read a non-canonical address", read_noncanonical },
		{ "cli", do_cli },
		{ "hlt", do_hlt },
		{ "read cr3", do_read_cr3 },
		{ "rdmsr", do_rdmsr },
		{ "port I/O", do_port_io },
		{ "int $0x80", do_int80 },
		{ "int $32 (the timer vector)", do_int_timer },
		{ "ud2", do_ud2 },
		{ "divide by zero", do_divide_by_zero },
		{ "lgdt", do_sgdt_lgdt },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_true(cases[i].what, dies(cases[i].fn));
	expect_true("overflow the stack into unmapped memory", overflow_dies());
	expect_true("an unmapped page is gone on every CPU", unmap_reaches_every_cpu());
}

/* --- Register hygiene --------------------------------------------------- */

extern uint64_t regs_seen[16];
extern char regs_return_point[];
void regs_probe(uint64_t nr);

static void
check_regs(const char *call)
{
	static const uint64_t want[12] = {
		0x1111111111111111ULL, 0x2222222222222222ULL, 0x3333333333333333ULL,
		0x4444444444444444ULL, 0x5555555555555555ULL, 0x6666666666666666ULL,
		0x7777777777777777ULL, 0x8888888888888888ULL, 0x9999999999999999ULL,
		0xaaaaaaaaaaaaaaaaULL, 0xbbbbbbbbbbbbbbbbULL, 0xccccccccccccccccULL,
	};
	static const char *const names[12] = {
		"rbx", "rbp", "rdi", "rsi", "rdx", "r8", "r9", "r10", "r12", "r13",
		"r14", "r15",
	};

	for (int i = 0; i < 12; i++) {
		if (regs_seen[i] != want[i]) {
			printf("usertests:   after %s, %s = %#llx\n", call, names[i],
			    (unsigned long long)regs_seen[i]);
			group_failures++;
		}
	}
	expect_true("rcx holds the return address",
	    regs_seen[13] == (uint64_t)(uintptr_t)regs_return_point);
	expect_true("r11 holds the caller's flags",
	    (regs_seen[14] & ~0x10000ULL) == (regs_seen[15] & ~0x10000ULL));
}

static void
test_register_hygiene(void)
{
	regs_probe(SYS_NULL);
	expect("null system call result", (int64_t)regs_seen[12], E_OK);
	check_regs("SYS_NULL");
	regs_probe(SYS_YIELD);
	check_regs("SYS_YIELD");
	regs_probe(9999);
	expect("unknown call result", (int64_t)regs_seen[12], E_NOSYS);
	check_regs("an unknown call");
	regs_probe(SYS_TICKS);
	check_regs("SYS_TICKS");
	/* Preempted by the timer many times over: the iret path restores all. */
	for (int i = 0; i < 20; i++) {
		regs_probe(SYS_YIELD);
		check_regs("repeated SYS_YIELD");
	}
}

/* --- Capabilities ------------------------------------------------------ */

static void
test_missing_and_wrong_caps(void)
{
	struct msg m;

	expect("send on an empty slot", ipc_send(SLOT_A, 0, 0, 0), E_NOCAP);
	expect("send on slot 300", ipc_send(300, 0, 0, 0), E_RANGE);
	expect("send on slot 2^63", ipc_send(1ULL << 63, 0, 0, 0), E_RANGE);
	expect("send on the console cap", ipc_send(SLOT_CONSOLE, 0, 0, 0), E_TYPE);
	expect("recv on the memory cap", ipc_nbrecv(SLOT_MEMORY, 0, &m), E_TYPE);
	expect("write through the memory cap", console_write(SLOT_MEMORY, "x", 1), E_TYPE);
	expect("create into the null slot", endpoint_create(SLOT_MEMORY, SLOT_NULL), E_RANGE);
	expect("create into an occupied slot", endpoint_create(SLOT_MEMORY, SLOT_CONSOLE), E_BUSY);
	expect("create from a non-memory cap", endpoint_create(SLOT_CONSOLE, SLOT_A), E_TYPE);
	expect("kill through an empty slot", thread_kill(SLOT_A, 0), E_NOCAP);
	expect("kill with an unknown flag", thread_kill(SLOT_THREAD, 2), E_INVAL);
	expect("unknown system call", syscall6(SYS_COUNT, 0, 0, 0, 0, 0, 0), E_NOSYS);
	expect("negative system call", syscall6((uint64_t)-1, 0, 0, 0, 0, 0, 0), E_NOSYS);
}

static void
test_rights(void)
{
	struct msg m;

	expect("derive a read-only console", cap_derive(SLOT_CONSOLE, SLOT_A, RIGHT_READ, 0), E_OK);
	expect("write with a read-only console", console_write(SLOT_A, "x", 1), E_RIGHTS);
	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_B), E_OK);
	expect("receive-only copy", cap_derive(SLOT_B, SLOT_C, RIGHT_READ, 0), E_OK);
	expect("send with receive-only", ipc_send(SLOT_C, 0, 0, 0), E_RIGHTS);
	expect("send-only copy", cap_derive(SLOT_B, SLOT_D, RIGHT_WRITE, 0), E_OK);
	expect("receive with send-only", ipc_nbrecv(SLOT_D, 0, &m), E_RIGHTS);
	expect("rights only shrink", cap_derive(SLOT_D, SLOT_THREAD_TMP, RIGHTS_ALL, 0), E_OK);
	{
		struct cap_info ci;
		expect("info", cap_info(SLOT_THREAD_TMP, &ci), E_OK);
		expect("derived rights", ci.rights, RIGHT_WRITE);
	}
	expect("seal without grant", cap_seal(SLOT_D, RIGHT_WRITE, 0, (uint8_t[80]){0}), E_RIGHTS);
	expect("badge on a console cap", cap_derive(SLOT_CONSOLE, SLOT_THREAD_TMP + 1, RIGHTS_ALL, 5), E_INVAL);
	expect("bad rights bits", cap_derive(SLOT_CONSOLE, SLOT_THREAD_TMP + 1, 0x100, 0), E_INVAL);
	for (uint64_t s = SLOT_A; s <= SLOT_THREAD_TMP + 1; s++)
		cap_delete(s);
	/* Frames: read-only caps cannot be mapped writable; W+X never. */
	expect("frame", frame_create(SLOT_MEMORY, SLOT_A, 1), E_OK);
	expect("read-only frame", cap_derive(SLOT_A, SLOT_B, RIGHT_READ, 0), E_OK);
	expect("map read-only frame writable", map(SLOT_B, SCRATCH_VA, RIGHT_READ | RIGHT_WRITE), E_RIGHTS);
	expect("map W+X", map(SLOT_A, SCRATCH_VA, RIGHT_READ | RIGHT_WRITE | RIGHT_EXEC), E_INVAL);
	expect("map into the kernel half", map(SLOT_A, KERNEL_TEXT, RIGHT_READ), E_RANGE);
	expect("map at 0", map(SLOT_A, 0, RIGHT_READ), E_RANGE);
	expect("map unaligned", map(SLOT_A, SCRATCH_VA + 8, RIGHT_READ), E_RANGE);
	expect("map read-write", map(SLOT_A, SCRATCH_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	*(volatile uint64_t *)SCRATCH_VA = 42;
	/* Half in this page, half in the unmapped next: not a byte printed. */
	memcpy((char *)SCRATCH_VA + 4080, "console-partial\n", 16);
	expect("write running into an unmapped page",
	    console_write(SLOT_CONSOLE, (char *)SCRATCH_VA + 4080, 32), E_FAULT);
	expect("map over a mapping", map(SLOT_A, SCRATCH_VA, RIGHT_READ), E_BUSY);
	cap_delete(SLOT_B);
	cap_delete(SLOT_A);	/* the last cap: the frame is unmapped everywhere */
	expect_true("a deleted frame is unmapped", dies(read_scratch));
}

static void
test_revoke(void)
{
	struct cap_info ci;

	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_A), E_OK);
	expect("child", cap_derive(SLOT_A, SLOT_B, RIGHT_WRITE, 7), E_OK);
	expect("grandchild", cap_derive(SLOT_B, SLOT_C, RIGHT_WRITE, 0), E_OK);
	expect("badge is inherited", cap_info(SLOT_C, &ci), E_OK);
	expect("badge value", (int64_t)ci.badge, 7);
	expect("badge cannot change", cap_derive(SLOT_B, SLOT_D, RIGHT_WRITE, 8), E_BADGE);
	expect("revoke removes two", cap_revoke(SLOT_A), 2);
	expect("revoked child", ipc_send(SLOT_B, 0, 0, 0), E_NOCAP);
	expect("revoked grandchild", cap_info(SLOT_C, &ci), E_NOCAP);
	expect("move", cap_move(SLOT_A, SLOT_D), E_OK);
	expect("moved from", cap_info(SLOT_A, &ci), E_NOCAP);
	expect("moved to", cap_info(SLOT_D, &ci), E_OK);
	expect("delete", cap_delete(SLOT_D), E_OK);
	expect("delete again", cap_delete(SLOT_D), E_NOCAP);
}

static void
test_tokens(void)
{
	uint8_t tok[80], bad[80];
	struct cap_info ci;

	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_A), E_OK);
	expect("badged child", cap_derive(SLOT_A, SLOT_B, RIGHT_WRITE | RIGHT_GRANT, 99), E_OK);
	expect("seal", cap_seal(SLOT_B, RIGHT_WRITE, 0, tok), E_OK);
	expect("unseal", cap_unseal(tok, SLOT_C), E_OK);
	expect("unsealed info", cap_info(SLOT_C, &ci), E_OK);
	expect("unsealed rights", ci.rights, RIGHT_WRITE);
	expect("unsealed badge", (int64_t)ci.badge, 99);
	for (int i = 0; i < 80; i++) {
		memcpy(bad, tok, sizeof(bad));
		bad[i] ^= 0x20;
		if (cap_unseal(bad, SLOT_D) != E_FORGED) {
			expect("altered token", cap_unseal(bad, SLOT_D), E_FORGED);
			break;
		}
	}
	memset(bad, 0x5a, sizeof(bad));
	expect("made-up token", cap_unseal(bad, SLOT_D), E_FORGED);
	expect("unseal into a busy slot", cap_unseal(tok, SLOT_C), E_BUSY);
	/* Revoking the source kills the token and what it gave. */
	cap_revoke(SLOT_A);
	expect("unsealed cap is revoked too", cap_info(SLOT_C, &ci), E_NOCAP);
	expect("replay after revoke", cap_unseal(tok, SLOT_D), E_REVOKED);
	/* Expiry, in timer ticks. */
	expect("badged child again", cap_derive(SLOT_A, SLOT_B, RIGHTS_ALL, 5), E_OK);
	expect("seal for 1 tick", cap_seal(SLOT_B, RIGHT_WRITE, 1, tok), E_OK);
	sleep_ticks(3);
	expect("expired token", cap_unseal(tok, SLOT_D), E_EXPIRED);
	expect("seal to a kernel address", cap_seal(SLOT_B, RIGHT_WRITE, 0, (uint8_t *)KERNEL_DATA), E_FAULT);
	expect("unseal from a kernel address", cap_unseal((uint8_t *)KERNEL_TEXT, SLOT_D), E_FAULT);
	cap_delete(SLOT_B);
	cap_delete(SLOT_A);
}

/* --- Bad pointers and lengths ------------------------------------------ */

static void
test_bad_pointers(void)
{
	struct cap_info *kinfo = (struct cap_info *)KERNEL_DATA;
	uint64_t out[2];

	expect("write from NULL", console_write(SLOT_CONSOLE, NULL, 10), E_FAULT);
	expect("write from kernel text", console_write(SLOT_CONSOLE, (void *)KERNEL_TEXT, 16), E_FAULT);
	expect("write from unmapped", console_write(SLOT_CONSOLE, (void *)SCRATCH_VA, 16), E_FAULT);
	expect("write with a huge length", console_write(SLOT_CONSOLE, "x", 1ULL << 40), E_INVAL);
	expect("write wrapping the address space",
	    console_write(SLOT_CONSOLE, (void *)(USER_TOP - 8), 4000), E_FAULT);
	expect("write of 0 bytes", console_write(SLOT_CONSOLE, NULL, 0), 0);
	expect("info to kernel data", cap_info(SLOT_CONSOLE, kinfo), E_FAULT);
	expect("info to NULL", cap_info(SLOT_CONSOLE, NULL), E_FAULT);
	expect("info to read-only text", cap_info(SLOT_CONSOLE, (struct cap_info *)(uintptr_t)test_bad_pointers), E_FAULT);
	expect("memory info to kernel", memory_info(SLOT_MEMORY, (uint64_t *)KERNEL_DATA), E_FAULT);
	expect("memory info", memory_info(SLOT_MEMORY, out), E_OK);
	expect_true("quota sane", out[1] <= out[0] && out[0] > 0);
	expect("thread entry in the kernel",
	    thread_create(SLOT_MEMORY, SLOT_A, (void (*)(uint64_t))KERNEL_TEXT, child_stack, 0), E_RANGE);
	expect("thread stack in the kernel",
	    thread_create(SLOT_MEMORY, SLOT_A, read_null, (void *)KERNEL_DATA, 0), E_RANGE);
}

/* SYS_RANDOM: bounds and faults, and draws that are neither zero nor repeated. */
static void
test_random(void)
{
	uint8_t a[RANDOM_MAX], b[RANDOM_MAX], zero[RANDOM_MAX] = { 0 };

	expect("random into NULL", random_bytes(NULL, 16), E_FAULT);
	expect("random into kernel data", random_bytes((void *)KERNEL_DATA, 16), E_FAULT);
	expect("random into read-only text",
	    random_bytes((void *)(uintptr_t)test_random, 16), E_FAULT);
	expect("random beyond RANDOM_MAX", random_bytes(a, RANDOM_MAX + 1), E_INVAL);
	expect("random of 0 bytes", random_bytes(NULL, 0), E_OK);
	expect("random", random_bytes(a, sizeof a), E_OK);
	expect("random again", random_bytes(b, sizeof b), E_OK);
	expect_true("random bytes are not zero", memcmp(a, zero, sizeof a) != 0);
	expect_true("two draws differ", memcmp(a, b, sizeof a) != 0);
}

/*
 * SYS_CLOCK: faults, a source, a date between 2020 and 2100 (the line it
 * prints is compared with the host's clock by test_usertests.py), and a
 * clock that moves with the timer in whole seconds.
 */
static void
test_clock(void)
{
	struct clock_info a, b;
	time_t t = 0;

	expect("clock into NULL", clock_get(NULL), E_FAULT);
	expect("clock into kernel data", clock_get((void *)KERNEL_DATA), E_FAULT);
	expect("clock into read-only text",
	    clock_get((void *)(uintptr_t)test_clock), E_FAULT);
	expect("clock", clock_get(&a), E_OK);
	printf("usertests: clock says %lld (flags %u)\n", a.seconds, a.flags);
	expect_true("the clock has a source",
	    (a.flags & (CLOCK_EFI | CLOCK_CMOS)) != 0 && a.pad == 0);
	expect_true("the time is after 2020 and before 2100",
	    a.seconds > 1577836800 && a.seconds < 4102444800LL);
	sleep_ticks(250);
	expect("clock again", clock_get(&b), E_OK);
	/*
	 * 2.5 s of ticks. A busy host delays TCG's timer ticks while the
	 * CMOS clock keeps the host's time: 250 ticks took 12 s of it in
	 * one run with two guests on two cores. Allow up to a minute.
	 */
	expect_true("2.5 s of ticks move the clock 2 to 60 s",
	    b.seconds - a.seconds >= 2 && b.seconds - a.seconds <= 60);
	expect_true("the same source", b.flags == a.flags);
	expect_true("time() gives the same", time(&t) >= b.seconds && t >= b.seconds &&
	    t - b.seconds <= 1);
	expect_true("time_source() gives the flags", time_source() == a.flags);
}

/*
 * SYS_COUNTER with the root task's capability: an advance by one and
 * every refusal. The harness's firmware keeps variables in RAM only;
 * test_counter.py checks that the counter survives a power cycle.
 */
static void
test_counter(void)
{
	uint64_t v = 0, w = 0;

	expect("counter read", counter_read(SLOT_COUNTER, &v), E_OK);
	expect("counter advanced by one", counter_advance(SLOT_COUNTER, v + 1), E_OK);
	expect("counter read again", counter_read(SLOT_COUNTER, &w), E_OK);
	expect_true("the counter moved by one", w == v + 1);
	expect("counter to its value again", counter_advance(SLOT_COUNTER, w), E_RANGE);
	expect("counter to a lower value", counter_advance(SLOT_COUNTER, v), E_RANGE);
	expect("counter beyond 2^63 - 1",
	    counter_advance(SLOT_COUNTER, 0x8000000000000000ULL), E_RANGE);
	expect("counter, unknown operation", counter_op(SLOT_COUNTER, 2, 0), E_INVAL);
	expect("counter in an empty slot", counter_read(SLOT_A, &v), E_NOCAP);
	expect("counter with a memory capability", counter_read(SLOT_MEMORY, &v), E_TYPE);
	expect("a read-only counter", cap_derive(SLOT_COUNTER, SLOT_A, RIGHT_READ, 0), E_OK);
	expect("it reads", counter_read(SLOT_A, &v), E_OK);
	expect("it cannot advance", counter_advance(SLOT_A, w + 1), E_RIGHTS);
	cap_delete(SLOT_A);
	expect("counter unchanged by the refusals", counter_read(SLOT_COUNTER, &v), E_OK);
	expect_true("still the advanced value", v == w);
}

/* --- Exhaustion: memory, slots, threads -------------------------------- */

static void
test_memory_exhaustion(void)
{
	uint64_t info[2];
	int n = 0;

	expect("split 64 KiB", memory_split(SLOT_MEMORY, SLOT_QUOTA, 65536), E_OK);
	for (uint64_t s = SLOT_STORM; s < 256; s++) {
		int64_t err = frame_create(SLOT_QUOTA, s, 1);

		if (err == E_NOMEM)
			break;
		expect("frame within quota", err, E_OK);
		n++;
	}
	expect_true("quota stopped the frames", n > 0 && n < 16);
	expect("memory info", memory_info(SLOT_QUOTA, info), E_OK);
	expect_true("used within limit", info[1] <= info[0]);
	expect("the big quota is not exhausted", endpoint_create(SLOT_MEMORY, SLOT_A), E_OK);
	for (uint64_t s = SLOT_STORM; s < 256; s++)
		cap_delete(s);
	expect("memory info after", memory_info(SLOT_QUOTA, info), E_OK);
	expect("all refunded", (int64_t)info[1], 0);
	cap_delete(SLOT_A);
	cap_delete(SLOT_QUOTA);
	expect("a quota larger than ours", memory_split(SLOT_MEMORY, SLOT_QUOTA, 1ULL << 40), E_NOMEM);
}

/*
 * Anonymous pages: fresh and zeroed, charged to the quota named, all or
 * nothing, and W^X and address checks as for frames.
 */
static void
test_map_anon(void)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)ANON_VA;
	uint64_t before[2], after[2];
	int zero = 1;

	expect("split 256 KiB", memory_split(SLOT_MEMORY, SLOT_QUOTA, 256 * 1024), E_OK);
	expect("quota before", memory_info(SLOT_QUOTA, before), E_OK);
	expect("no pages", syscall6(SYS_MAP_ANON, SLOT_QUOTA, ANON_VA, 0, RIGHT_WRITE, 0, 0), E_INVAL);
	expect("too many pages at once",
	    syscall6(SYS_MAP_ANON, SLOT_QUOTA, ANON_VA, MAP_ANON_MAX + 1, RIGHT_WRITE, 0, 0), E_INVAL);
	expect("write and execute",
	    syscall6(SYS_MAP_ANON, SLOT_QUOTA, ANON_VA, 1, RIGHT_WRITE | RIGHT_EXEC, 0, 0), E_INVAL);
	expect("unaligned", syscall6(SYS_MAP_ANON, SLOT_QUOTA, ANON_VA + 8, 1, RIGHT_WRITE, 0, 0), E_RANGE);
	expect("a kernel address", syscall6(SYS_MAP_ANON, SLOT_QUOTA, KERNEL_DATA, 1, RIGHT_WRITE, 0, 0), E_RANGE);
	expect("running past user space",
	    syscall6(SYS_MAP_ANON, SLOT_QUOTA, USER_TOP - USER_PAGE, 2, RIGHT_WRITE, 0, 0), E_RANGE);
	expect("not a memory cap", syscall6(SYS_MAP_ANON, SLOT_CONSOLE, ANON_VA, 1, RIGHT_WRITE, 0, 0), E_TYPE);
	expect("beyond the quota", map_anon(SLOT_QUOTA, ANON_VA, 64, RIGHT_WRITE), E_NOMEM);
	expect("quota after a refusal", memory_info(SLOT_QUOTA, after), E_OK);
	expect("a refused map leaves nothing charged", (int64_t)after[1], (int64_t)before[1]);
	expect("16 pages", map_anon(SLOT_QUOTA, ANON_VA, 16, RIGHT_WRITE), E_OK);
	for (int i = 0; i < 16 * USER_PAGE / 8; i++)
		zero &= p[i] == 0;
	expect_true("they read as zeros", zero);
	p[0] = 0x1234;
	p[16 * USER_PAGE / 8 - 1] = 0x5678;
	expect_true("and keep what is written", p[0] == 0x1234 && p[16 * USER_PAGE / 8 - 1] == 0x5678);
	expect("memory info", memory_info(SLOT_QUOTA, after), E_OK);
	expect_true("charged to that quota", after[1] >= before[1] + 16 * USER_PAGE);
	expect("overlapping pages",
	    syscall6(SYS_MAP_ANON, SLOT_QUOTA, ANON_VA - 2 * USER_PAGE, 4, RIGHT_WRITE, 0, 0), E_BUSY);
	expect("quota after an overlap", memory_info(SLOT_QUOTA, before), E_OK);
	expect("an overlap is undone", (int64_t)before[1], (int64_t)after[1]);
	expect_true("the first pages are still ours", p[0] == 0x1234);
	cap_delete(SLOT_QUOTA);
}

static void
free_foreign(uint64_t a)
{
	(void)a;
	free((void *)(uintptr_t)KERNEL_DATA);
	reached = 1;
	thread_exit();
}

static void
free_twice(uint64_t a)
{
	void *p = malloc(40);

	(void)a;
	free(p);
	free(p);
	reached = 1;
	thread_exit();
}

/* 1 when every byte of p[0..n) is zero. */
static int
all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0)
			return 0;
	}
	return 1;
}

/*
 * malloc over anonymous pages: zeroed memory of every size, contents
 * kept, freed memory reused (the quota stops growing), refusals as NULL,
 * and bad frees stopping the thread instead of corrupting the heap.
 */
static void
test_malloc(void)
{
	static uint8_t *ptr[MALLOC_N];
	uint64_t first[2], later[2];
	int zero = 1, kept = 1;
	uint8_t *big, *r;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < MALLOC_N; i++) {
			size_t n = 1 + (size_t)i * 37 % 3000;

			if ((ptr[i] = malloc(n)) == NULL)
				break;
			zero &= all_zero(ptr[i], n);
			memset(ptr[i], i & 0xff, n);
		}
		for (int i = 0; i < MALLOC_N; i++) {
			size_t n = 1 + (size_t)i * 37 % 3000;

			kept &= ptr[i] != NULL && ptr[i][0] == (i & 0xff) && ptr[i][n - 1] == (i & 0xff);
			free(ptr[i]);
		}
		expect("quota", memory_info(SLOT_MEMORY, round == 0 ? first : later), E_OK);
	}
	expect_true("fresh memory is zeroed", zero);
	expect_true("contents are kept", kept);
	expect_true("freed memory is reused", later[1] <= first[1]);
	big = malloc(4 << 20);
	expect_true("4 MiB", big != NULL && all_zero(big, 4 << 20));
	if (big != NULL)
		big[(4 << 20) - 1] = 7;
	r = realloc(big, 5 << 20);
	expect_true("realloc keeps the contents", r != NULL && r[(4 << 20) - 1] == 7 &&
	    all_zero(r + (4 << 20), 1 << 20));
	free(r);
	expect_true("malloc(0)", malloc(0) == NULL);
	expect_true("more than the heap allows", malloc((size_t)1 << 40) == NULL);
	expect_true("calloc overflow", calloc((size_t)1 << 40, (size_t)1 << 40) == NULL);
	expect_true("free of a pointer never handed out stops the thread", dies(free_foreign));
	expect_true("a double free stops the thread", dies(free_twice));
}

/* Frames of several pages: contiguous, mapped whole or not at all. */
static void
test_big_frames(void)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)BIGFRAME_VA;
	struct cap_info ci;

	expect("no pages", frame_create(SLOT_MEMORY, SLOT_A, 0), E_INVAL);
	expect("too many pages", frame_create(SLOT_MEMORY, SLOT_A, FRAME_MAX_PAGES + 1), E_INVAL);
	expect("16 pages", frame_create(SLOT_MEMORY, SLOT_A, 16), E_OK);
	expect("its info", cap_info(SLOT_A, &ci), E_OK);
	expect("its size", (int64_t)ci.size, 16 * USER_PAGE);
	expect("a page in the way", frame_create(SLOT_MEMORY, SLOT_B, 1), E_OK);
	expect("map it", map(SLOT_B, BIGFRAME_VA + 15 * USER_PAGE, RIGHT_READ), E_OK);
	expect("the big one overlaps it", map(SLOT_A, BIGFRAME_VA, RIGHT_READ | RIGHT_WRITE), E_BUSY);
	expect("unmap the page", unmap(SLOT_B, BIGFRAME_VA + 15 * USER_PAGE), E_OK);
	/* Had the refused map left its first pages behind, this would say E_BUSY. */
	expect("its first page was not left mapped", map(SLOT_B, BIGFRAME_VA, RIGHT_READ), E_OK);
	expect("unmap again", unmap(SLOT_B, BIGFRAME_VA), E_OK);
	expect("map all 16", map(SLOT_A, BIGFRAME_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	p[0] = 1;
	p[16 * USER_PAGE / 8 - 1] = 2;
	expect_true("first and last page written", p[0] == 1 && p[16 * USER_PAGE / 8 - 1] == 2);
	expect("a second mapping", map(SLOT_A, BIGFRAME_VA + 32 * USER_PAGE, RIGHT_READ), E_OK);
	expect_true("shows the same pages", p[32 * USER_PAGE / 8 + 16 * USER_PAGE / 8 - 1] == 2);
	cap_delete(SLOT_A);
	cap_delete(SLOT_B);
	/* Both mappings went with the last capability. */
	expect("a page where it was", frame_create(SLOT_MEMORY, SLOT_B, 1), E_OK);
	expect("maps freely there", map(SLOT_B, BIGFRAME_VA + 47 * USER_PAGE, RIGHT_READ), E_OK);
	cap_delete(SLOT_B);
}

static void
test_slot_exhaustion(void)
{
	uint64_t s;

	for (s = SLOT_STORM; s < 256; s++)
		expect("fill slots", notification_create(SLOT_MEMORY, s), E_OK);
	expect("no slot 256", notification_create(SLOT_MEMORY, 256), E_RANGE);
	expect("no slot 2^32", notification_create(SLOT_MEMORY, 1ULL << 32), E_RANGE);
	for (s = SLOT_STORM; s < 256; s++)
		cap_delete(s);
}

static volatile uint64_t storm_count;

static void
storm_thread(uint64_t arg)
{
	__atomic_fetch_add(&storm_count, 1, __ATOMIC_RELAXED);
	(void)arg;
	for (;;)
		yield();
}

static uint8_t storm_stacks[224][1024] __attribute__((aligned(16)));

static void
test_thread_storm(void)
{
	uint64_t s;
	int made = 0;
	int64_t err = E_OK;

	/* 1 MiB pays for about 60 threads: the quota, not the kernel, runs out. */
	expect("split 1 MiB", memory_split(SLOT_MEMORY, SLOT_QUOTA, 1 << 20), E_OK);
	storm_count = 0;
	for (s = SLOT_STORM; s < 256; s++) {
		err = thread_create(SLOT_QUOTA, s, storm_thread,
		    storm_stacks[s - SLOT_STORM] + 1024, s);
		if (err != E_OK)
			break;
		made++;
	}
	expect("the storm ends with E_NOMEM", err, E_NOMEM);
	expect_true("threads were made", made > 10);
	sleep_ticks(5);
	expect_true("storm threads ran", storm_count > 0);
	for (s = SLOT_STORM; s < 256; s++)
		cap_delete(s);		/* the last cap: each thread is killed */
	expect("storm quota refunded", quota_settles(SLOT_QUOTA, 0), 0);
	cap_delete(SLOT_QUOTA);
}

/* --- IPC and notifications --------------------------------------------- */

static uint8_t server_stack[8192] __attribute__((aligned(16)));

/* Echo server: replies with w0 + 1 and w1 * 2, and the badge it saw. */
static void
echo_server(uint64_t ep)
{
	struct msg m;

	ipc_recv(ep, SLOT_D, &m);
	for (;;) {
		/* Echo the label and the dropped flag; keep receiving caps into SLOT_D. */
		uint64_t tag = TAG_LABEL(m.tag) | (m.tag & TAG_CAP_DROPPED) |
		    ((uint64_t)SLOT_D << 48);
		ipc_reply_recv(ep, tag, m.w[0] + 1, m.badge, &m);
	}
}

static void
test_ipc(void)
{
	struct msg r;
	struct cap_info ci;
	int64_t err;

	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_A), E_OK);
	expect("badged client cap", cap_derive(SLOT_A, SLOT_B, RIGHT_WRITE | RIGHT_GRANT, 1234), E_OK);
	expect("server thread", thread_create(SLOT_MEMORY, SLOT_THREAD_TMP, echo_server,
	    server_stack + sizeof(server_stack), SLOT_A), E_OK);
	err = ipc_call(SLOT_B, 5, 41, 0, &r);
	expect("call", err, E_OK);
	expect("reply word", (int64_t)r.w[0], 42);
	expect("badge seen by the server", (int64_t)r.w[1], 1234);
	expect("label", (int64_t)TAG_LABEL(r.tag), 5);
	for (uint64_t i = 0; i < 1000; i++) {
		if (ipc_call(SLOT_B, 0, i, 0, &r) != E_OK || r.w[0] != i + 1) {
			expect("call loop", (int64_t)r.w[0], (int64_t)i + 1);
			break;
		}
	}
	/* A capability travels with a call when the sender's cap has grant. */
	expect("call with a cap", ipc_call(SLOT_B, TAG_CAP | ((uint64_t)SLOT_CONSOLE << 40), 1, 0, &r), E_OK);
	/* The server got it in its receive slot SLOT_D. */
	expect("transferred cap", cap_info(SLOT_D, &ci), E_OK);
	expect("transferred type", ci.type, CAP_CONSOLE);
	/* Without grant the cap is dropped and the receiver is told. */
	expect("no-grant client", cap_derive(SLOT_A, SLOT_C, RIGHT_WRITE, 0), E_OK);
	cap_delete(SLOT_D);
	expect("call offering a cap without grant",
	    ipc_call(SLOT_C, TAG_CAP | ((uint64_t)SLOT_CONSOLE << 40), 1, 0, &r), E_OK);
	expect_true("dropped flag echoed", (r.tag & TAG_CAP_DROPPED) != 0);
	expect("slot stayed empty", cap_info(SLOT_D, &ci), E_NOCAP);
	expect("reply with no caller", ipc_reply(0, 0, 0), E_INVAL);
	/* Killing the server wakes no one wrongly; a later call finds no receiver. */
	expect("kill server", thread_kill(SLOT_THREAD_TMP, 0), E_OK);
	cap_delete(SLOT_THREAD_TMP);
	expect("nonblocking receive with no sender", ipc_nbrecv(SLOT_A, 0, &r), E_AGAIN);
	expect("nonblocking send with no receiver", syscall6(SYS_NBSEND, SLOT_A, 0, 0, 0, 0, 0), E_AGAIN);
	cap_delete(SLOT_C);
	cap_delete(SLOT_B);
	cap_delete(SLOT_A);
}

static void
test_notifications(void)
{
	expect("notification", notification_create(SLOT_MEMORY, SLOT_A), E_OK);
	expect("badge 1", cap_derive(SLOT_A, SLOT_B, RIGHT_WRITE, 1), E_OK);
	expect("badge 4", cap_derive(SLOT_A, SLOT_C, RIGHT_WRITE, 4), E_OK);
	expect("poll empty", notify_poll(SLOT_A), E_AGAIN);
	expect("signal 1", notify_signal(SLOT_B), E_OK);
	expect("signal 4", notify_signal(SLOT_C), E_OK);
	expect("wait sees both", notify_wait(SLOT_A), 5);
	expect("cleared", notify_poll(SLOT_A), E_AGAIN);
	expect("signal without write", notify_signal(SLOT_A), E_OK);
	cap_derive(SLOT_A, SLOT_D, RIGHT_READ, 0);
	expect("signal with read-only", notify_signal(SLOT_D), E_RIGHTS);
	for (uint64_t s = SLOT_A; s <= SLOT_D; s++)
		cap_delete(s);
}

/* --- Hardware grants and timers --------------------------------------- */

#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define RTC_IRQ		8

static int64_t
port_in(uint64_t cap, uint64_t port)
{
	return syscall6(SYS_IOPORT_IN, cap, port, 1, 0, 0, 0);
}

static int64_t
port_out(uint64_t cap, uint64_t port, uint64_t v)
{
	return syscall6(SYS_IOPORT_OUT, cap, port, 1, v, 0, 0);
}

static int64_t
rtc_read(uint64_t cap, uint64_t reg)
{
	port_out(cap, RTC_INDEX, 0x80 | reg);	/* bit 7: keep NMIs off */
	return port_in(cap, RTC_DATA);
}

static void
test_timers_and_hardware(void)
{
	uint64_t t0, bits;
	int64_t b;

	/* A timer notification arrives after its ticks, not before. */
	expect("notification", notification_create(SLOT_MEMORY, SLOT_A), E_OK);
	expect("irq badge", cap_derive(SLOT_A, SLOT_B, RIGHT_WRITE, 2), E_OK);
	expect("timer badge", cap_derive(SLOT_A, SLOT_C, RIGHT_WRITE, 4), E_OK);
	t0 = ticks();
	expect("timer in 5 ticks", syscall6(SYS_TIMER_NOTIFY, SLOT_C, 5, 0, 0, 0, 0), E_OK);
	expect("not yet", notify_poll(SLOT_A), E_AGAIN);
	expect("timer fires", notify_wait(SLOT_A), 4);
	expect_true("after at least 5 ticks", ticks() >= t0 + 5);
	expect("zero ticks", syscall6(SYS_TIMER_NOTIFY, SLOT_C, 0, 0, 0, 0, 0), E_INVAL);
	/* Ports: only the granted range, only the granted direction. */
	expect("rtc ports", syscall6(SYS_IOPORT_CREATE, SLOT_IOPORT, SLOT_D, RTC_INDEX, 2, 0, 0), E_OK);
	expect("port outside the range", port_in(SLOT_D, 0x80), E_RANGE);
	expect("word read past the end", syscall6(SYS_IOPORT_IN, SLOT_D, RTC_DATA, 2, 0, 0, 0), E_RANGE);
	expect("width 3", syscall6(SYS_IOPORT_IN, SLOT_D, RTC_INDEX, 3, 0, 0, 0), E_INVAL);
	expect("sub-range without the control right",
	    syscall6(SYS_IOPORT_CREATE, SLOT_D, SLOT_THREAD_TMP, RTC_INDEX, 3, 0, 0), E_RIGHTS);
	expect("range beyond 64 Ki ports",
	    syscall6(SYS_IOPORT_CREATE, SLOT_IOPORT, SLOT_THREAD_TMP, 0xffff, 2, 0, 0), E_RANGE);
	expect("read-only ports", cap_derive(SLOT_D, SLOT_THREAD_TMP, RIGHT_READ, 0), E_OK);
	expect("write through read-only ports", port_out(SLOT_THREAD_TMP, RTC_INDEX, 0x0c), E_RIGHTS);
	cap_delete(SLOT_THREAD_TMP);
	/* IRQ 8 (the RTC's periodic interrupt) delivered as notification signals. */
	expect("line 99", syscall6(SYS_IRQ_CREATE, SLOT_IRQ, SLOT_QUOTA, 99, 0, 0, 0), E_RANGE);
	expect("irq 8", syscall6(SYS_IRQ_CREATE, SLOT_IRQ, SLOT_QUOTA, RTC_IRQ, 0, 0, 0), E_OK);
	expect("a line cap makes no lines",
	    syscall6(SYS_IRQ_CREATE, SLOT_QUOTA, SLOT_THREAD_TMP, 1, 0, 0, 0), E_RIGHTS);
	expect("bind", syscall6(SYS_IRQ_BIND, SLOT_QUOTA, SLOT_B, 0, 0, 0, 0), E_OK);
	b = rtc_read(SLOT_D, 0x0b);
	port_out(SLOT_D, RTC_INDEX, 0x8b);
	port_out(SLOT_D, RTC_DATA, (uint64_t)(b | 0x40));	/* periodic interrupt on */
	rtc_read(SLOT_D, 0x0c);			/* clear anything pending */
	for (int i = 0; i < 3; i++) {
		syscall6(SYS_TIMER_NOTIFY, SLOT_C, 50, 0, 0, 0, 0);	/* a time limit */
		bits = (uint64_t)notify_wait(SLOT_A);
		if (!(bits & 2)) {
			expect("rtc interrupt before the time limit", (int64_t)bits, 2);
			break;
		}
		rtc_read(SLOT_D, 0x0c);		/* the RTC wants register C read */
		expect("ack", syscall6(SYS_IRQ_ACK, SLOT_QUOTA, 0, 0, 0, 0, 0), E_OK);
	}
	port_out(SLOT_D, RTC_INDEX, 0x8b);
	port_out(SLOT_D, RTC_DATA, (uint64_t)(b & ~0x40));
	cap_delete(SLOT_QUOTA);			/* masks the line again */
	for (uint64_t s = SLOT_A; s <= SLOT_D; s++)
		cap_delete(s);
}

/* --- Starting processes ------------------------------------------------ */

int64_t
spawn_full(uint64_t spawn_slot, const char *module, uint64_t memory,
    uint64_t thread_dst, uint64_t exit_notify, uint64_t arg, unsigned priority,
    const struct spawn_cap *caps, unsigned ncaps)
{
	struct spawn_args a;

	memset(&a, 0, sizeof(a));
	memcpy(a.module, module, strlen(module) + 1);
	a.memory = memory;
	a.thread_dst = thread_dst;
	a.exit_notify = exit_notify;
	a.arg = arg;
	a.priority = priority;
	a.ncaps = ncaps;
	for (unsigned i = 0; i < ncaps && i < SPAWN_MAX_CAPS; i++)
		a.caps[i] = caps[i];
	return syscall6(SYS_SPAWN, spawn_slot, (uint64_t)(uintptr_t)&a, 0, 0, 0, 0);
}

int64_t
spawn(const char *module, uint64_t memory, uint64_t thread_dst, uint64_t arg,
    unsigned priority, const struct spawn_cap *caps, unsigned ncaps)
{
	return spawn_full(SLOT_SPAWN, module, memory, thread_dst, 0, arg, priority,
	    caps, ncaps);
}

static void
test_spawn(void)
{
	struct spawn_cap caps[2] = {
		{ SLOT_CONSOLE, SLOT_CONSOLE, RIGHT_WRITE, 0 },
		{ SLOT_A, SLOT_FIRST_FREE, RIGHT_WRITE, 0 },
	};
	struct cap_info ci;
	struct msg m;
	int64_t pid;

	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_A), E_OK);
	expect("child quota", memory_split(SLOT_MEMORY, SLOT_QUOTA, 1 << 20), E_OK);
	expect("unknown module", spawn("nosuch", SLOT_QUOTA, SLOT_B, 0, 5, caps, 2), E_INVAL);
	expect("higher priority than ours", spawn("hello", SLOT_QUOTA, SLOT_B, 0, 31, caps, 2), E_INVAL);
	expect("too many caps", spawn("hello", SLOT_QUOTA, SLOT_B, 0, 5, caps, 99), E_INVAL);
	caps[1].dst = SLOT_THREAD;
	expect("a reserved child slot", spawn("hello", SLOT_QUOTA, SLOT_B, 0, 5, caps, 2), E_RANGE);
	caps[1].dst = SLOT_FIRST_FREE;
	expect("quota from a non-memory cap", spawn("hello", SLOT_A, SLOT_B, 0, 5, caps, 2), E_TYPE);
	expect("args at a kernel address",
	    syscall6(SYS_SPAWN, SLOT_SPAWN, KERNEL_DATA, 0, 0, 0, 0), E_FAULT);
	expect("spawn without the spawn cap",
	    syscall6(SYS_SPAWN, SLOT_CONSOLE, (uint64_t)(uintptr_t)&ci, 0, 0, 0, 0), E_TYPE);
	pid = spawn("hello", SLOT_QUOTA, SLOT_B, 77, 5, caps, 2);
	expect_true("spawned", pid > 1);
	expect("the quota moved to the child", cap_info(SLOT_QUOTA, &ci), E_NOCAP);
	expect("we hold the child's thread", cap_info(SLOT_B, &ci), E_OK);
	expect("child thread type", ci.type, CAP_THREAD);
	expect("the child's message", ipc_recv(SLOT_A, 0, &m), E_OK);
	expect("its argument", (int64_t)m.w[0], 77);
	expect("it holds no I/O ports", (int64_t)m.w[1], 1);
	cap_delete(SLOT_B);
	cap_delete(SLOT_A);
}

/*
 * A process that ends is announced on its exit notification, and
 * everything it used goes back to the quota it came from.
 */
static void
test_process_exit(void)
{
	struct spawn_cap caps[1] = { { SLOT_CONSOLE, SLOT_CONSOLE, RIGHT_WRITE, 0 } };
	struct spawn_args a;
	uint64_t before[2], after[2];

	/* Threads that died on other CPUs are reaped when those CPUs switch. */
	sleep_ticks(3);
	expect("quota before", memory_info(SLOT_MEMORY, before), E_OK);
	expect("exit notification", notification_create(SLOT_MEMORY, SLOT_A), E_OK);
	expect("badged", cap_derive(SLOT_A, SLOT_C, RIGHT_WRITE, 0x40), E_OK);
	for (int round = 0; round < 5; round++) {
		expect("child quota", memory_split(SLOT_MEMORY, SLOT_QUOTA, 1 << 20), E_OK);
		memset(&a, 0, sizeof(a));
		memcpy(a.module, "hello", 6);
		a.memory = SLOT_QUOTA;
		a.thread_dst = SLOT_B;
		a.exit_notify = SLOT_C;
		a.priority = 5;
		a.ncaps = 1;
		a.caps[0] = caps[0];
		expect_true("spawn", syscall6(SYS_SPAWN, SLOT_SPAWN, (uint64_t)(uintptr_t)&a,
		    0, 0, 0, 0) > 1);
		expect("the exit is announced", notify_wait(SLOT_A), 0x40);
		cap_delete(SLOT_B);	/* our thread cap: the last thing it held */
	}
	cap_delete(SLOT_C);
	cap_delete(SLOT_A);
	/* Leftovers of earlier groups may still be returning: never more than before. */
	after[1] = (uint64_t)quota_settles(SLOT_MEMORY, before[1]);
	expect_true("five processes came and went without a leak", after[1] <= before[1]);
	expect("machine op 7", syscall6(SYS_MACHINE, SLOT_MACHINE, 7, 0, 0, 0, 0), E_INVAL);
	expect("machine through the console cap",
	    syscall6(SYS_MACHINE, SLOT_CONSOLE, MACHINE_POWEROFF, 0, 0, 0, 0), E_TYPE);
}

/*
 * Killing a process while its only thread runs on another CPU: its
 * address space must outlive that CPU's use of it. The child reports in
 * over IPC and then spins (hello's argument 998), so it is running, or
 * ready, when the kill comes.
 */
static void
test_kill_running(void)
{
	struct spawn_cap caps[1] = { { SLOT_A, SLOT_FIRST_FREE, RIGHT_WRITE, 0 } };
	struct spawn_args a;
	uint64_t before[2];
	struct msg m;
	int ok = 1;

	sleep_ticks(3);
	expect("quota before", memory_info(SLOT_MEMORY, before), E_OK);
	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_A), E_OK);
	expect("exit notification", notification_create(SLOT_MEMORY, SLOT_C), E_OK);
	for (int round = 0; round < KILL_ROUNDS && ok; round++) {
		ok = memory_split(SLOT_MEMORY, SLOT_QUOTA, 1 << 20) == E_OK;
		memset(&a, 0, sizeof(a));
		memcpy(a.module, "hello", 6);
		a.memory = SLOT_QUOTA;
		a.thread_dst = SLOT_B;
		a.exit_notify = SLOT_C;
		a.arg = 998;
		a.priority = 5;
		a.ncaps = 1;
		a.caps[0] = caps[0];
		ok = ok && syscall6(SYS_SPAWN, SLOT_SPAWN, (uint64_t)(uintptr_t)&a,
		    0, 0, 0, 0) > 1;
		ok = ok && ipc_recv(SLOT_A, 0, &m) == E_OK && m.w[0] == 998;
		/* Every other round: let it reach its loop (and maybe a CPU). */
		if (round % 2)
			sleep_ticks(1);
		ok = ok && thread_kill(SLOT_B, 0) == E_OK;
		ok = ok && notify_wait(SLOT_C) != 0;
		cap_delete(SLOT_B);
	}
	expect_true("spawned, ran and killed every round", ok);
	cap_delete(SLOT_C);
	cap_delete(SLOT_A);
	expect_true("nothing leaked", (uint64_t)quota_settles(SLOT_MEMORY, before[1]) <= before[1]);
}

/*
 * A teardown that kills the thread doing it: our thread V kills a child
 * process's only thread, and the child held the only capability to V, so
 * deleting the child's capabilities kills V in the middle of its own
 * system call. The kernel must finish the teardown (the child's quota
 * comes back, its exit is announced) and then retire V, and must go on
 * freeing later dead threads.
 */
static void
victim(uint64_t a)
{
	(void)a;
	notify_wait(SLOT_E);
	thread_kill(SLOT_B, 0);	/* the child's thread: its teardown kills us */
	reached = 1;
	thread_exit();
}

static void
test_teardown_kills_caller(void)
{
	struct spawn_cap caps[1] = { { SLOT_A, SLOT_FIRST_FREE, RIGHT_READ, 0 } };
	uint64_t before[2];

	sleep_ticks(3);
	expect("quota before", memory_info(SLOT_MEMORY, before), E_OK);
	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_A), E_OK);
	expect("exit notification", notification_create(SLOT_MEMORY, SLOT_C), E_OK);
	expect("go signal", notification_create(SLOT_MEMORY, SLOT_E), E_OK);
	expect("child quota", memory_split(SLOT_MEMORY, SLOT_QUOTA, 4 << 20), E_OK);
	expect_true("a receiving copy of usertests", spawn_full(SLOT_SPAWN, "usertests",
	    SLOT_QUOTA, SLOT_B, SLOT_C, RECEIVER_ARG, 5, caps, 1) > 1);
	reached = 0;
	expect("victim thread", thread_create(SLOT_MEMORY, SLOT_D, victim,
	    child_stack + sizeof(child_stack), 0), E_OK);
	expect("its capability to the child",
	    ipc_send(SLOT_A, TAG_CAP | ((uint64_t)SLOT_D << 40), 0, 0), E_OK);
	cap_delete(SLOT_D);	/* the child's copy is the only one left */
	/*
	 * Let the child block in its second receive: killed while it runs on
	 * another CPU, its teardown would come later from that CPU, and V
	 * would be killed after its call rather than inside it.
	 */
	sleep_ticks(2);
	expect("go", notify_signal(SLOT_E), E_OK);
	expect("the child's exit is announced", notify_wait(SLOT_C), 1);
	sleep_ticks(3);
	expect_true("the victim died in its own call", reached == 0);
	cap_delete(SLOT_B);
	cap_delete(SLOT_C);
	cap_delete(SLOT_E);
	cap_delete(SLOT_A);
	expect_true("everything came back",
	    (uint64_t)quota_settles(SLOT_MEMORY, before[1]) <= before[1]);
}

/* The child of test_teardown_kills_caller: takes one capability, then waits. */
static int
receiver(void)
{
	struct msg m;

	ipc_recv(SLOT_FIRST_FREE, SLOT_FIRST_FREE + 1, &m);
	ipc_recv(SLOT_FIRST_FREE, SLOT_FIRST_FREE + 2, &m);	/* blocks until killed */
	return 0;
}

/* --- The kernel log ----------------------------------------------------- */

static void
test_console_log(void)
{
	static char logbuf[4096];
	int64_t n;

	printf("usertests: log marker 7f3a\n");
	n = syscall6(SYS_CONSOLE_LOG, SLOT_CONSOLE, (uint64_t)(uintptr_t)logbuf,
	    sizeof(logbuf), 0, 0, 0);
	expect_true("log read", n > 100 && n <= (int64_t)sizeof(logbuf));
	expect_true("the newest line is ours",
	    n > 0 && memcmp(logbuf + n - 27, "usertests: log marker 7f3a\n", 27) == 0);
	expect("log to a kernel address",
	    syscall6(SYS_CONSOLE_LOG, SLOT_CONSOLE, KERNEL_DATA, 64, 0, 0, 0), E_FAULT);
	expect("derive write-only console", cap_derive(SLOT_CONSOLE, SLOT_A, RIGHT_WRITE, 0), E_OK);
	expect("log without read",
	    syscall6(SYS_CONSOLE_LOG, SLOT_A, (uint64_t)(uintptr_t)logbuf, 64, 0, 0, 0), E_RIGHTS);
	expect("scroll back", syscall6(SYS_CONSOLE_SCROLL, SLOT_CONSOLE, 10, 0, 0, 0, 0), E_OK);
	expect("scroll absurd", syscall6(SYS_CONSOLE_SCROLL, SLOT_CONSOLE, 1 << 30, 0, 0, 0, 0), E_INVAL);
	cap_delete(SLOT_A);
}

/* --- Random system calls ----------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

uint64_t
xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t
rand64(void)
{
	return xorshift64(&rng);
}

static uint8_t fuzz_buf[256];

/* Slots the fuzzer may name: its own range, nonsense, or the null slot. */
static uint64_t
fuzz_slot(void)
{
	uint64_t r = rand64() % 10;

	if (r < 7)
		return SLOT_QUOTA + rand64() % (256 - SLOT_QUOTA);
	if (r < 9)
		return rand64();
	return SLOT_NULL;
}

static uint64_t
fuzz_pointer(void)
{
	switch (rand64() % 7) {
	case 0: return 0;
	case 1: return KERNEL_TEXT + (rand64() & 0xffff);
	case 2: return SCRATCH_VA + (rand64() & 0xffff);
	case 3: return (uint64_t)(uintptr_t)fuzz_buf + (rand64() % 200);
	case 4: return USER_TOP - (rand64() & 0xff);
	case 5: return (uint64_t)(uintptr_t)fuzz_buf;
	default: return rand64();
	}
}

static void
fuzz_child(uint64_t a)
{
	(void)a;
	thread_exit();
}

static uint64_t
fuzz_arg(void)
{
	switch (rand64() % 5) {
	case 0: return fuzz_slot();
	case 1: return fuzz_pointer();
	case 2: return rand64() % 64;
	case 3: return (uint64_t)(uintptr_t)fuzz_child;
	default: return rand64();
	}
}

/* Calls that could block for ever or end the fuzzer are left out. */
static int
fuzz_allowed(uint64_t nr)
{
	switch (nr) {
	case SYS_THREAD_EXIT: case SYS_SEND: case SYS_RECV: case SYS_CALL:
	case SYS_REPLY_RECV: case SYS_WAIT:
		return 0;
	case SYS_IOPORT_OUT: case SYS_IRQ_BIND: case SYS_SPAWN: case SYS_MACHINE:
		return 0;	/* real hardware: the fuzzer holds no grants anyway */
	default:
		return 1;
	}
}

static void
test_syscall_fuzz(uint64_t iterations)
{
	uint64_t info[2], done = 0;

	expect("fuzz quota", memory_split(SLOT_MEMORY, SLOT_QUOTA, 4 << 20), E_OK);
	expect("anonymous pages' quota", memory_split(SLOT_MEMORY, SLOT_ANONQ, 64 << 10), E_OK);
	while (done < iterations) {
		uint64_t nr = rand64() % (SYS_COUNT + 4);
		uint64_t a[6];

		if (!fuzz_allowed(nr))
			continue;
		for (int i = 0; i < 6; i++)
			a[i] = fuzz_arg();
		/* Slot arguments must never name the essential low slots. */
		if (a[0] >= SLOT_CNODE && a[0] < SLOT_FIRST_FREE)
			a[0] = SLOT_QUOTA;
		/* The fuzzer keeps its own quota: it may use it, not remove it. */
		if ((nr == SYS_CAP_DELETE || nr == SYS_CAP_REVOKE || nr == SYS_CAP_MOVE) &&
		    a[0] == SLOT_QUOTA)
			a[0] = SLOT_QUOTA + 1;
		if (nr == SYS_CONSOLE_WRITE)
			a[2] &= 0xff;
		/* Anonymous pages stay until we exit: they get a quota of their own. */
		if (nr == SYS_MAP_ANON && a[0] == SLOT_QUOTA)
			a[0] = SLOT_ANONQ;
		syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		done++;
		if (done % 500 == 0)
			yield();
	}
	/* Small numbers may have named any slot from 12 up as a destination. */
	for (uint64_t s = 12; s < 256; s++) {
		if (s != SLOT_QUOTA && s != SLOT_ANONQ)
			cap_revoke(s);
	}
	for (uint64_t s = 12; s < 256; s++) {
		if (s != SLOT_QUOTA && s != SLOT_ANONQ)
			cap_delete(s);
	}
	quota_settles(SLOT_QUOTA, 0);
	expect("fuzz quota info", memory_info(SLOT_QUOTA, info), E_OK);
	printf("usertests: fuzzer made %llu calls; quota in use afterwards %llu bytes\n",
	    (unsigned long long)done, (unsigned long long)info[1]);
	cap_delete(SLOT_QUOTA);
	cap_delete(SLOT_ANONQ);		/* its pages go when we exit */
	/* The kernel still serves: a fresh endpoint and a call round trip. */
	expect("still alive", endpoint_create(SLOT_MEMORY, SLOT_A), E_OK);
	cap_delete(SLOT_A);
}


uint64_t fuzz_iterations;

static void
fuzz_group(void)
{
	test_syscall_fuzz(fuzz_iterations);
}

int
main(uint64_t arg)
{
	int child;

	if (arg == RECEIVER_ARG)
		return receiver();
	if (arg == WINDOW_SERVER_ARG)
		return window_server();
	if ((child = isolation_child(arg)) >= 0)
		return child;
	if ((child = devices_child(arg)) >= 0)
		return child;
	if (arg == DEVICES_ONLY_ARG) {
		run_group("devices: PCI, DMA, MSI", test_devices);
		printf("usertests: %d passed, %d failed\n", groups_passed, groups_failed);
		return 0;
	}
	if (SFUZZ_IS_WORKER(arg))
		return sfuzz_worker(arg);
	fuzz_iterations = arg ? arg : FUZZ_DEFAULT;
	printf("usertests: starting (pid of a root task, %llu fuzz calls)\n",
	    (unsigned long long)fuzz_iterations);
	run_group("faults kill only the faulting thread", test_faults);
	run_group("register hygiene", test_register_hygiene);
	run_group("missing and wrong capabilities", test_missing_and_wrong_caps);
	run_group("rights", test_rights);
	run_group("revoke", test_revoke);
	run_group("sealed tokens", test_tokens);
	run_group("bad pointers and lengths", test_bad_pointers);
	run_group("the kernel's random generator", test_random);
	run_group("the wall clock", test_clock);
	run_group("the vault rollback counter", test_counter);
	run_group("memory exhaustion", test_memory_exhaustion);
	run_group("anonymous pages", test_map_anon);
	run_group("frames of several pages", test_big_frames);
	run_group("malloc", test_malloc);
	run_group("slot exhaustion", test_slot_exhaustion);
	run_group("thread storm", test_thread_storm);
	run_group("ipc", test_ipc);
	run_group("IPC windows: memory lent for one call", test_windows);
	run_group("notifications", test_notifications);
	run_group("timers, ports and interrupts", test_timers_and_hardware);
	run_group("starting processes", test_spawn);
	run_group("processes end cleanly", test_process_exit);
	run_group("killing a running process", test_kill_running);
	run_group("a teardown that kills its caller", test_teardown_kills_caller);
	run_group("capabilities die with their process (IPC, spawn, seals)", test_lifetimes);
	run_group("a receive before the reply lets the caller go", test_reply_order);
	run_group("quota objects are charged; chains go home", test_quota_objects);
	run_group("ceilings hold over IPC and tokens", test_ceiling_paths);
	run_group("W^X per frame", test_wx_per_frame);
	run_group("nothing lands in the null slot", test_null_slot);
	run_group("seals and timers are charged, not tabled", test_charged_tables);
	run_group("the kernel log", test_console_log);
	run_group("user flags stay out of the kernel", test_rflags);
	run_group("devices: PCI, DMA, MSI", test_devices);
	run_group("syscall fuzzer", fuzz_group);
	run_group("stateful fuzzer", test_stateful_fuzz);
	printf("usertests: %d passed, %d failed\n", groups_passed, groups_failed);
	return 0;
}
